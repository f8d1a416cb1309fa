"""What happened in organizations (in-process domain events; integration_events decides what is published)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID


@dataclass(frozen=True)
class OrganizationCreated:
    organization_id: UUID
    name: str
    type: str
    external_id: str | None
    manages_students: bool
    created_at: datetime
    version: int


@dataclass(frozen=True)
class OrganizationArchived:
    organization_id: UUID
    archived_at: datetime
    version: int


@dataclass(frozen=True)
class OrganizationFeaturesChanged:
    organization_id: UUID
    multiple_sendings_for_assessments: bool
    changed_at: datetime
    version: int


@dataclass(frozen=True)
class MembershipGranted:
    membership_id: UUID
    organization_id: UUID
    user_id: UUID
    role: str
    granted_at: datetime
    version: int


@dataclass(frozen=True)
class MembershipRoleChanged:
    membership_id: UUID
    organization_id: UUID
    user_id: UUID
    role: str
    changed_at: datetime
    version: int


@dataclass(frozen=True)
class MembershipRevoked:
    membership_id: UUID
    organization_id: UUID
    user_id: UUID
    reason: str  # REMOVED or LEFT
    revoked_at: datetime
    version: int


@dataclass(frozen=True)
class InvitationIssued:
    """An invitation is to be mailed (new, or sent again)."""

    invitation_id: UUID
    organization_id: UUID
    email: str
    role: str
    locale: str
    issued_at: datetime
    version: int


@dataclass(frozen=True)
class LearnerChange:
    learner_id: UUID
    change: str  # CREATED, UPDATED, DISABLED, ENABLED
    version: int
    first_name: str
    last_name: str
    preferred_last_name: str | None
    birthdate: date
    national_student_id: str | None
    student_number: str | None
    division: str | None
    group: str | None
    user_id: UUID | None
    disabled: bool


@dataclass(frozen=True)
class LearnersImported:
    import_id: UUID
    organization_id: UUID
    imported_at: datetime
    changes: tuple[LearnerChange, ...]
    version: int  # the organization's learner-list version after this import


@dataclass(frozen=True)
class LearnerLinked:
    learner_id: UUID
    organization_id: UUID
    user_id: UUID
    linked_at: datetime
    version: int


@dataclass(frozen=True)
class LearnerUnlinked:
    """An admin of the organization took the account off the learner (the learner's participations stay)."""

    learner_id: UUID
    organization_id: UUID
    user_id: UUID  # the account that was linked
    unlinked_by: UUID
    unlinked_at: datetime
    version: int
