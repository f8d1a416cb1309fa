"""Refresh tokens: long-lived, single-use, grouped in a family per login.

Each refresh spends the token and hands out the next one of the same family. A spent
token presented again means it was stolen (or the client is confused): the whole family
is revoked, which logs out whoever holds the newest one, thief included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(eq=False)
class RefreshToken:
    id: UUID
    user_id: UUID
    family_id: UUID
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at

    def is_replayed(self) -> bool:
        return self.used_at is not None and self.revoked_at is None

    def spend(self, now: datetime) -> None:
        self.used_at = now

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
