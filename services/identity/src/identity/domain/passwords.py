"""The password policy: long enough, mixed, not the account's own name or a well-known password.

A maximum length bounds the hashing work an attacker can make us do per request.
"""

from __future__ import annotations

MIN_LENGTH = 8
MAX_LENGTH = 128

# The most common leaked passwords that pass the character rules; a real deployment can
# add a breached-password service, this list catches the obvious.
COMMON = frozenset(
    p.lower()
    for p in (
        "Password1", "Password12", "Password123", "Passw0rd", "P@ssw0rd", "Azerty123", "Azertyuiop1", "Qwerty123",
        "Welcome1", "Welcome123", "Bonjour1", "Bonjour123", "Soleil123", "Motdepasse1", "Motdepasse123", "Admin123",
        "Changeme1", "Letmein1", "Iloveyou1", "Football1", "Abcdef123", "Abc12345", "Aa123456", "Qwertyuiop1",
    )
)


def password_violations(password: str, *, email: str = "", first_name: str = "", last_name: str = "") -> list[str]:
    """The rules the password breaks, as codes a front can translate (empty when it is fine)."""
    broken: list[str] = []
    if len(password) < MIN_LENGTH:
        broken.append("PASSWORD_TOO_SHORT")
    if len(password) > MAX_LENGTH:
        broken.append("PASSWORD_TOO_LONG")
    if not any(c.islower() for c in password):
        broken.append("PASSWORD_NEEDS_LOWERCASE")
    if not any(c.isupper() for c in password):
        broken.append("PASSWORD_NEEDS_UPPERCASE")
    if not any(c.isdigit() for c in password):
        broken.append("PASSWORD_NEEDS_DIGIT")
    lowered = password.lower()
    if lowered in COMMON:
        broken.append("PASSWORD_TOO_COMMON")
    personal = [email.split("@")[0].lower(), first_name.lower(), last_name.lower()]
    if any(len(part) >= 3 and part in lowered for part in personal):
        broken.append("PASSWORD_CONTAINS_PERSONAL_DATA")
    return broken
