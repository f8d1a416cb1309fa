"""Domain events: facts the aggregates record; integration_events.py decides what is published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID


@dataclass(frozen=True)
class CenterCreated:
    center_id: UUID
    version: int
    type: str
    name: str
    external_id: str | None
    organization_id: UUID | None
    created_at: datetime


@dataclass(frozen=True)
class InvitationIssued:
    center_id: UUID
    version: int
    invitation_id: UUID
    email: str
    role: str
    locale: str
    issued_at: datetime


@dataclass(frozen=True)
class MemberJoined:
    center_id: UUID
    version: int
    user_id: UUID
    role: str
    joined_at: datetime


@dataclass(frozen=True)
class SessionScheduled:
    session_id: UUID
    version: int
    center_id: UUID
    number: int
    date: date
    time: str
    created_by: UUID
    created_at: datetime


@dataclass(frozen=True)
class CourseStarted:
    course_id: UUID
    candidate_id: UUID
    user_id: UUID
    session_id: UUID
    center_id: UUID
    extra_time_percentage: int
    verification_code: str
    configuration_version: int
    started_at: datetime


@dataclass(frozen=True)
class CourseEndedByInvigilator:
    course_id: UUID
    candidate_id: UUID
    user_id: UUID
    session_id: UUID
    center_id: UUID
    ended_by: UUID
    ended_at: datetime


@dataclass(frozen=True)
class ResultPublished:
    """A candidate's result, published with its session (everything the certificate and a school's documents
    need, so that no consumer has to ask certification)."""

    course_id: UUID
    version: int
    candidate_id: UUID
    session_id: UUID
    session_number: int
    session_date: date
    center_id: UUID
    center_name: str
    center_type: str
    organization_id: UUID | None
    uai: str | None
    user_id: UUID | None
    organization_learner_id: UUID | None
    division: str | None
    first_name: str
    last_name: str
    birthdate: date
    external_id: str | None
    verification_code: str
    status: str
    reason: str
    score: int | None
    mesh_level: int | None
    competence_levels: dict[str, int]
    scale_version: str
    published_at: datetime


@dataclass(frozen=True)
class LiveAlertDecided:
    alert_id: UUID
    version: int
    course_id: UUID
    candidate_id: UUID
    session_id: UUID
    decision: str
    decided_by: UUID
    decided_at: datetime
