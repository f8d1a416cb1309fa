"""What happened to an account (in-process domain events; ``integration_events`` decides what is published)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class UserRegistered:
    user_id: UUID
    email: str
    first_name: str
    last_name: str
    locale: str
    registered_at: datetime
    version: int


@dataclass(frozen=True)
class OrgaTermsAccepted:
    user_id: UUID
    accepted_at: datetime
    version: int


@dataclass(frozen=True)
class RoleGranted:
    user_id: UUID
    role: str
    version: int
