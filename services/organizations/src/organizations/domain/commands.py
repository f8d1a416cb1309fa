"""What a caller asks organizations to do. ``Actor`` is who asks, as the access token says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO
from uuid import UUID


@dataclass(frozen=True)
class Actor:
    user_id: UUID
    email: str | None = None
    platform_admin: bool = False


@dataclass(frozen=True)
class CreateOrganization:
    actor: Actor
    name: str
    type: str
    external_id: str | None
    manages_students: bool
    admin_email: str
    locale: str = "fr"


@dataclass(frozen=True)
class ArchiveOrganization:
    actor: Actor
    organization_id: UUID


@dataclass(frozen=True)
class SetOrganizationFeatures:
    actor: Actor
    organization_id: UUID
    multiple_sendings_for_assessments: bool


@dataclass(frozen=True)
class InviteMembers:
    actor: Actor
    organization_id: UUID
    emails: tuple[str, ...]
    role: str
    locale: str = "fr"


@dataclass(frozen=True)
class ResendInvitation:
    actor: Actor
    organization_id: UUID
    invitation_id: UUID


@dataclass(frozen=True)
class CancelInvitation:
    actor: Actor
    organization_id: UUID
    invitation_id: UUID


@dataclass(frozen=True)
class AcceptInvitation:
    actor: Actor
    invitation_id: UUID
    code: str


@dataclass(frozen=True)
class ChangeMemberRole:
    actor: Actor
    organization_id: UUID
    user_id: UUID
    role: str


@dataclass(frozen=True)
class RemoveMember:
    actor: Actor
    organization_id: UUID
    user_id: UUID


@dataclass(frozen=True)
class ImportLearners:
    actor: Actor
    organization_id: UUID
    filename: str
    stream: BinaryIO
    mode: str


@dataclass(frozen=True)
class ReconcileLearner:
    actor: Actor
    organization_id: UUID
    first_name: str
    last_name: str
    birthdate: date


@dataclass(frozen=True)
class MatchGarArrival:
    """A pupil the GAR signed in, with no account yet, looks for themself in their school's list (the names and
    school are the GAR's, from identity's arrival token; the birth date is typed)."""

    ido: str
    uai: str
    first_name: str
    last_name: str
    birthdate: date


@dataclass(frozen=True)
class UnlinkLearner:
    actor: Actor
    organization_id: UUID
    learner_id: UUID
