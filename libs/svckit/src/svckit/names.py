"""Comparing people's names as a person types them: the rule organizations' reconciliation and
certification's joining share.

Pure standard library, so that a service's domain may import it (the one exception the
pure-domain import contract allows, with ``svckit.throttling``; a contract keeps both free
of frameworks).

A name is compared once normalized: no case, no accents, no spaces, hyphens, apostrophes or
other punctuation ("Jean-Noël D'Arc" is "jeannoeldarc"); Œ, Æ and a few letters with no
decomposition become their plain spelling (oe, ae...).
"""

from __future__ import annotations

import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})


def normalize_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(_LIGATURES))
    return "".join(char for char in decomposed if char.isalnum() and not unicodedata.combining(char))
