"""Usernames, for pupils without an email address (issue 19), made as Pix makes them.

Many pupils, in collège above all, have no email address: such a pupil signs in with a username instead,
made from what the school's list knows of them, so that a teacher can tell it again to a pupil who forgot it.

Rules:

1. The username is the first name, a dot, the last name, then the day and month of birth on two digits
   each: Chloé Cœur-de-Roy, born on 14 February, is ``chloe.coeurderoy1402``. Lower case, accents and
   ligatures spelled out (``é`` -> ``e``, ``œ`` -> ``oe``), and everything but letters and digits left out
   (spaces, hyphens, apostrophes); a name left with nothing (written in no Latin letter at all) keeps its
   letters as they are.
2. It is unique, case apart: when taken, the first free of ``<base>2``, ``<base>3``, ... is given, as Pix adds
   a number (the year of birth is never used: it says too much of the pupil).
3. A username never holds an ``@``: what is typed at a log-in is an email when it holds one, a username when
   it does not.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date

from identity.domain.exceptions import InvalidName

USERNAME_MAX = 100
_SPELLED_OUT = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})


def _plain(name: str, field_name: str) -> str:
    lowered = unicodedata.normalize("NFKC", name).lower().translate(_SPELLED_OUT)
    decomposed = unicodedata.normalize("NFKD", lowered)
    latin = "".join(c for c in decomposed if c.isascii() and c.isalnum())
    if latin:
        return latin
    kept = "".join(c for c in unicodedata.normalize("NFC", lowered) if c.isalnum())
    if not kept:
        raise InvalidName(f"The {field_name} has no letter to make a username of.")
    return kept


def username_base(first_name: str, last_name: str, birthdate: date) -> str:
    """Rule 1."""
    suffix = f"{birthdate.day:02d}{birthdate.month:02d}"
    first, last = _plain(first_name, "first name"), _plain(last_name, "last name")
    room = USERNAME_MAX - len(suffix) - 1 - 3  # the dot, and a number (rule 2) if it comes to that
    last = last[: max(room // 2, room - len(first))]
    return f"{first[: room - len(last)]}.{last}{suffix}"


def first_free(base: str, taken: Iterable[str]) -> str:
    """Rule 2: ``base``, or ``base`` followed by the smallest number from 2 that no account has."""
    used = {name.lower() for name in taken}
    if base not in used:
        return base
    number = 2
    while f"{base}{number}" in used:
        number += 1
    return f"{base}{number}"


def normalize_username(typed: str) -> str:
    return unicodedata.normalize("NFC", typed.strip()).lower()


def looks_like_email(typed: str) -> bool:
    """Rule 3."""
    return "@" in typed
