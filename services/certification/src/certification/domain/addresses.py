"""What passes for an email address here: its shape only (a mail that bounces says the rest)."""

from __future__ import annotations


def looks_like_email(address: str) -> bool:
    local, at, domain = address.partition("@")
    return bool(at and local and "." in domain and len(address) <= 254 and not any(c.isspace() for c in address))
