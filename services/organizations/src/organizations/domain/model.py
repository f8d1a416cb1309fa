"""organizations' own copy of what it needs to know about accounts (owned by identity)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class KnownUser:
    """An account as identity announced it; ``version`` orders the announcements."""

    id: UUID
    email: str
    first_name: str
    last_name: str
    registered_at: datetime
    version: int
