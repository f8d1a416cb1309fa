"""What a user asks certification to do (one handler each, bound in bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

PLATFORM_ADMIN = "SUPER_ADMIN"


@dataclass(frozen=True)
class Actor:
    user_id: UUID
    email: str | None = None
    roles: frozenset[str] = frozenset()

    @property
    def platform_admin(self) -> bool:
        return PLATFORM_ADMIN in self.roles


@dataclass(frozen=True)
class CreateCenter:
    actor: Actor
    type: str
    name: str
    admin_email: str
    external_id: str | None = None
    locale: str = "fr"


@dataclass(frozen=True)
class SetSchoolKind:
    actor: Actor
    center_id: UUID
    school_kind: str


@dataclass(frozen=True)
class AcceptInvitation:
    actor: Actor
    invitation_id: UUID
    code: str


@dataclass(frozen=True)
class OpenWindow:
    actor: Actor
    school_kind: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class ScheduleSession:
    actor: Actor
    center_id: UUID
    details: dict[str, Any]


@dataclass(frozen=True)
class EditSession:
    actor: Actor
    session_id: UUID
    changes: dict[str, Any]


@dataclass(frozen=True)
class EnrolCandidate:
    actor: Actor
    session_id: UUID
    candidate: dict[str, Any]


@dataclass(frozen=True)
class ImportCandidates:
    actor: Actor
    session_id: UUID
    rows: list[tuple[int, dict[str, Any]]]  # (line number, fields), read from the file by the adapter


@dataclass(frozen=True)
class EnrolStudents:
    actor: Actor
    session_id: UUID
    division: str


@dataclass(frozen=True)
class ChangeCandidate:
    actor: Actor
    candidate_id: UUID
    extra_time_percentage: int | None


@dataclass(frozen=True)
class RemoveCandidate:
    actor: Actor
    candidate_id: UUID


@dataclass(frozen=True)
class JoinSession:
    actor: Actor
    session_number: int
    first_name: str
    last_name: str
    birthdate: date


@dataclass(frozen=True)
class OpenInvigilation:
    actor: Actor
    session_number: int
    invigilator_password: str


@dataclass(frozen=True)
class AuthorizeCandidate:
    actor: Actor
    candidate_id: UUID


@dataclass(frozen=True)
class StartCourse:
    actor: Actor
    candidate_id: UUID
    access_code: str


@dataclass(frozen=True)
class EndCourse:
    actor: Actor
    candidate_id: UUID


@dataclass(frozen=True)
class ValidateLiveAlert:
    actor: Actor
    candidate_id: UUID


@dataclass(frozen=True)
class DismissLiveAlert:
    actor: Actor
    candidate_id: UUID


@dataclass(frozen=True)
class Outcome:
    """What an enrolment of a class did: who was enrolled, who was not and why."""

    enrolled: list[UUID] = field(default_factory=list)
    not_enrolled: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class FinalizeSession:
    """The centre's report: ``reports`` per candidate who started (candidate_id, has_seen_end_screen,
    abort_reason, comment, issue_reports)."""

    actor: Actor
    session_id: UUID
    reports: list[dict[str, Any]]
    global_comment: str | None = None
    has_incident: bool = False
    has_joining_issue: bool = False


@dataclass(frozen=True)
class TakeSessionForReview:
    actor: Actor
    session_id: UUID


@dataclass(frozen=True)
class NeutralizeChallenge:
    actor: Actor
    session_id: UUID
    course_id: UUID
    challenge_id: str
    neutralized: bool  # False: de-neutralize


@dataclass(frozen=True)
class CommentSession:
    actor: Actor
    session_id: UUID
    comment: str | None


@dataclass(frozen=True)
class PublishSession:
    actor: Actor
    session_id: UUID


@dataclass(frozen=True)
class RecordAttestationDownloads:
    """A school's admin downloaded these attestations (the class's PDF, already checked by its view)."""
    actor: Actor
    center_id: UUID
    course_ids: tuple[UUID, ...]
