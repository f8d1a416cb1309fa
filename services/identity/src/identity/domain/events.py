"""What happened to an account (in-process domain events; ``integration_events`` decides what is published)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class UserRegistered:
    user_id: UUID
    email: str | None  # None: a pupil without an email address
    first_name: str
    last_name: str
    locale: str
    registered_at: datetime
    version: int
    username: str | None = None


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


@dataclass(frozen=True)
class EmailVerified:
    user_id: UUID
    email: str
    verified_at: datetime
    version: int


@dataclass(frozen=True)
class GarLinked:
    """The account signs in through the GAR from now on (a GAR account made, or the GAR linked to an account)."""

    user_id: UUID
    uai: str  # the school the pupil came from
    linked_at: datetime
    version: int


@dataclass(frozen=True)
class PasswordResetRequested:
    """Someone asked for a reset link for this email (identity's consumer mails it if an account has it)."""

    request_id: UUID
    email: str
    locale: str | None  # None: the account's
    face: str
    requested_at: datetime


@dataclass(frozen=True)
class EmailVerificationRequested:
    """A verification link is to be mailed (identity's consumer makes the link and sends it)."""

    request_id: UUID
    user_id: UUID
    locale: str
    face: str
    requested_at: datetime
