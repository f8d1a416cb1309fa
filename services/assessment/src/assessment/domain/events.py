"""What happened in an assessment (in-process facts; ``integration_events`` decides what is published)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from assessment.domain.knowledge import Profile


@dataclass(frozen=True)
class Progress:
    answers: int
    assessed_skills: int  # target skills with a knowledge element, earlier campaigns included
    target_skills: int

    @property
    def rate(self) -> float:
        return self.assessed_skills / self.target_skills if self.target_skills else 1.0


@dataclass(frozen=True)
class CompetenceResult:
    competence_code: str
    area_code: str
    target_skills: int
    validated_skills: int
    tested_skills: int  # answered in this assessment, directly or by inference

    @property
    def mastery_rate(self) -> float:
        return self.validated_skills / self.target_skills if self.target_skills else 0.0


@dataclass(frozen=True)
class Results:
    competences: tuple[CompetenceResult, ...]

    @property
    def target_skills(self) -> int:
        return sum(c.target_skills for c in self.competences)

    @property
    def validated_skills(self) -> int:
        return sum(c.validated_skills for c in self.competences)

    @property
    def mastery_rate(self) -> float:
        return self.validated_skills / self.target_skills if self.target_skills else 0.0


@dataclass(frozen=True)
class AnswerRecorded:
    assessment_id: UUID
    version: int
    user_id: UUID
    participation_id: UUID | None
    campaign_id: UUID | None
    answer_id: UUID
    challenge_id: str
    skill_id: str
    result: str
    answered_at: datetime
    progress: Progress


@dataclass(frozen=True)
class AssessmentCompleted:
    assessment_id: UUID
    version: int
    user_id: UUID
    participation_id: UUID | None
    campaign_id: UUID | None
    completed_at: datetime
    progress: Progress
    results: Results
    profile: Profile
