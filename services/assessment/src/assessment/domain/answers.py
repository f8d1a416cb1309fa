"""Checking a learner's answer against a challenge, with the tolerance people expect.

Free answers ignore case, accents, spaces and punctuation at the ends, and compare
numbers by value whatever their format (``1 000``, ``1000``, ``1000,0``; ``2,5`` and
``2.5``). A number written ``1,000`` is ambiguous (one in French, a thousand in English):
either reading matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from assessment.domain.content import FIELDS, FREE_ANSWER, MULTIPLE_CHOICE, SINGLE_CHOICE, Challenge
from assessment.domain.exceptions import InvalidAnswerValue

MAX_FREE_ANSWER_LENGTH = 500
_SPACES = re.compile(r"\s+")
_END_PUNCTUATION = ".,;:!?'\"«»“”‘’()[]{}-–—…"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})
_INNER_HYPHEN = re.compile(r"(?<=\w)[-‐‑](?=\w)")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)*$")


def normalize(text: str) -> str:
    """The form two free answers are compared in."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _SPACES.sub(" ", text).strip().strip(_END_PUNCTUATION).strip()
    text = _INNER_HYPHEN.sub("", text)  # "e-mail" and "email", "mot-de-passe" and "mot de passe"
    return _SPACES.sub("", text)  # "50 %" and "50%" are one answer


def number_readings(text: str) -> set[Decimal]:
    """Every value ``text`` can mean as a number (empty when it is not one)."""
    compact = _SPACES.sub("", text.replace("\u202f", "").replace("\u00a0", ""))
    if not _NUMBER.match(compact):
        return set()
    readings: set[Decimal] = set()
    separators = [c for c in compact if c in ".,"]
    groups = re.split(r"[.,]", compact.lstrip("+-"))
    thousands_grouped = len(groups) > 1 and all(len(g) == 3 for g in groups[1:])
    if not separators:
        readings.add(Decimal(compact))
    if len(set(separators)) == 1 and thousands_grouped:  # 1,000 / 1.000.000 read as thousands
        readings.add(Decimal(re.sub(r"[.,]", "", compact)))
    if len(separators) == 1:  # 2,5 / 2.5 read as a decimal
        readings.add(Decimal(compact.replace(",", ".")))
    if len(set(separators)) == 2 and separators[-1] not in separators[:-1]:  # 1,000.5 / 1.000,5
        decimal_mark = separators[-1]
        whole, _, fraction = compact.rpartition(decimal_mark)
        if all(len(g) == 3 for g in re.split(r"[.,]", whole.lstrip("+-"))[1:]):
            readings.add(Decimal(re.sub(r"[.,]", "", whole) + "." + fraction))
    try:
        return {r.normalize() for r in readings}
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return set()


def matches(given: str, accepted: Iterable[str]) -> bool:
    given_form, given_numbers = normalize(given), number_readings(given)
    for candidate in accepted:
        candidate_numbers = number_readings(candidate)
        if given_numbers and candidate_numbers:  # numbers by value only: "-5" is not "5"
            if given_numbers & candidate_numbers:
                return True
        elif given_form and normalize(candidate) == given_form:
            return True
    return False


def _all_accepted(accepted: Mapping[str, Iterable[str]]) -> list[str]:
    """Accepted answers of every language: a French learner answering "file" is not wrong."""
    return [answer for answers in accepted.values() for answer in answers]


def read_value(challenge: Challenge, value: Any) -> Any:
    """The answer as the challenge's kind expects it, or ``InvalidAnswerValue`` (nothing is recorded)."""
    if challenge.kind == SINGLE_CHOICE:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= len(challenge.proposals):
            raise InvalidAnswerValue(f"a single choice is the number of one proposal, 1 to {len(challenge.proposals)}")
        return value
    if challenge.kind == MULTIPLE_CHOICE:
        if (not isinstance(value, list) or not value or len(set(value)) != len(value)
                or any(isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= len(challenge.proposals)
                       for v in value)):
            raise InvalidAnswerValue("a multiple choice is a list of distinct proposal numbers, "
                                     f"1 to {len(challenge.proposals)}")
        return sorted(value)
    if challenge.kind == FREE_ANSWER:
        if not isinstance(value, str) or not value.strip():
            raise InvalidAnswerValue("a free answer is a text that is not empty")
        if len(value) > MAX_FREE_ANSWER_LENGTH:
            raise InvalidAnswerValue(f"a free answer is at most {MAX_FREE_ANSWER_LENGTH} characters")
        return value
    if challenge.kind == FIELDS:
        keys = {f.key for f in challenge.fields}
        if (not isinstance(value, dict) or set(value) != keys
                or any(not isinstance(v, str) or len(v) > MAX_FREE_ANSWER_LENGTH for v in value.values())):
            raise InvalidAnswerValue(f"this answer is one text per field: {', '.join(sorted(keys))}")
        return value
    raise InvalidAnswerValue(f"unknown challenge kind {challenge.kind}")  # pragma: no cover


def is_right(challenge: Challenge, value: Any) -> bool:
    """Whether an answer already read by ``read_value`` is right."""
    if challenge.kind == SINGLE_CHOICE:
        return {value} == challenge.right_choices
    if challenge.kind == MULTIPLE_CHOICE:
        return set(value) == challenge.right_choices
    if challenge.kind == FREE_ANSWER:
        return matches(value, _all_accepted(challenge.accepted))
    return all(matches(value[f.key], _all_accepted(f.accepted)) for f in challenge.fields)


def right_answer(challenge: Challenge, locale: str) -> Any:
    """The solution as shown at the checkpoint, once the learner has answered."""
    if challenge.kind == SINGLE_CHOICE:
        return next(iter(challenge.right_choices))
    if challenge.kind == MULTIPLE_CHOICE:
        return sorted(challenge.right_choices)
    if challenge.kind == FREE_ANSWER:
        return challenge.accepted[locale][0]
    return {f.key: f.accepted[locale][0] for f in challenge.fields}
