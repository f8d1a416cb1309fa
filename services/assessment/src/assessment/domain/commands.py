"""What a learner or an operator asks of the assessment service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class AnswerChallenge:
    assessment_id: UUID
    user_id: UUID
    challenge_id: str
    value: Any
    skipped: bool


@dataclass(frozen=True)
class StartCampaignAssessment:
    """From campaigns' ``participation.started``: a learner joined (or retries) an assessment campaign."""

    participation_id: UUID
    campaign_id: UUID
    user_id: UUID
    started_at: Any
    improving: bool
    campaign_type: str | None = None  # copied by campaigns; None from an older producer
    participation_version: int = 1
    reset_all_not_validated: bool = False  # improving before sharing: every skill not validated is asked again


@dataclass(frozen=True)
class StartCertificationTest:
    """From certification's ``course.started``: a candidate's course began; its test is created (once)."""

    course_id: UUID
    user_id: UUID
    configuration_version: int
    extra_time_percentage: int
    started_at: Any


@dataclass(frozen=True)
class EndCertificationTest:
    """From certification's ``course.ended_by_invigilator``."""

    course_id: UUID
    ended_at: Any


@dataclass(frozen=True)
class AnswerCertificationChallenge:
    course_id: UUID
    user_id: UUID
    challenge_id: str
    value: Any
    skipped: bool


@dataclass(frozen=True)
class RaiseLiveAlert:
    """The candidate signals a problem with the question being asked."""

    course_id: UUID
    user_id: UUID


@dataclass(frozen=True)
class DecideLiveAlert:
    """From certification's ``live_alert.decided``: the invigilator validated or dismissed an alert."""

    course_id: UUID
    alert_id: UUID
    decision: str
    decided_by: UUID | None
    decided_at: Any
