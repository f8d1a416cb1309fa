"""The codes of a session and of a course, drawn with ``secrets`` from alphabets with no look-alikes.

- Access code (the candidate types it to start): 4 letters then 2 digits, from letters without
  vowels nor L, N, S, Z and digits without 0, 1, 5 (17^4 x 7^2 = 4 million codes).
- Invigilator password: 6 characters from digits, letters of both cases and ``!*?``
  (47^6 = 10 billion): it lets anyone with an account see the candidates' names.
- Verification code (printed on the certificate, checked by anyone): ``P-`` and 8 distinct
  characters of the access code's digits and upper-case letters (24 symbols).
"""

from __future__ import annotations

import re
import secrets

LETTERS = "BCDFGHJKMPQRTVWXY"
DIGITS = "2346789"
INVIGILATOR_ALPHABET = "23456789bcdfghjkmpqrstvwxyBCDFGHJKMPQRSTVWXY!*?"
VERIFICATION_ALPHABET = DIGITS + LETTERS
INVIGILATOR_PASSWORD_LENGTH = 6
VERIFICATION_PREFIX, VERIFICATION_LENGTH = "P-", 8

ACCESS_CODE = re.compile(f"[{LETTERS}]{{4}}[{DIGITS}]{{2}}")
VERIFICATION_CODE = re.compile(f"P-[{VERIFICATION_ALPHABET}]{{8}}")


def access_code() -> str:
    return "".join(secrets.choice(LETTERS) for _ in range(4)) + "".join(secrets.choice(DIGITS) for _ in range(2))


def invigilator_password() -> str:
    return "".join(secrets.choice(INVIGILATOR_ALPHABET) for _ in range(INVIGILATOR_PASSWORD_LENGTH))


def verification_code() -> str:
    # Distinct characters (a sample without replacement), as the printed code has always had.
    return VERIFICATION_PREFIX + "".join(secrets.SystemRandom().sample(VERIFICATION_ALPHABET, VERIFICATION_LENGTH))


def same_secret(expected: str, given: str) -> bool:
    """Constant-time comparison; any text given is just a wrong one (compare_digest takes bytes)."""
    return secrets.compare_digest(expected.encode(), given.encode())
