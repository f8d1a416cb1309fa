"""Campaign codes: 6 letters without I, L and O, then 3 digits without 0 and 1 (``QTRZPK472``).

Letters and digits that read alike are left out, so a code copied from a board is typed right.
Drawn with ``secrets``: a code is the only key to a campaign's landing page.
"""

from __future__ import annotations

import re
import secrets

LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
DIGITS = "23456789"
PATTERN = re.compile(f"^[{LETTERS}]{{6}}[{DIGITS}]{{3}}$")


def new_code(choice=secrets.choice) -> str:
    return "".join(choice(LETTERS) for _ in range(6)) + "".join(choice(DIGITS) for _ in range(3))


def normalize(code: str) -> str:
    """What a learner typed, as a code: spaces and dashes ignored, upper case."""
    return re.sub(r"[\s-]", "", code).upper()


def is_valid(code: str) -> bool:
    return bool(PATTERN.match(code))
