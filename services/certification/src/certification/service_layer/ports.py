"""The repositories certification's use cases reach (``SqlAlchemy…`` in adapters, ``Fake…`` in unit tests)."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from certification.domain.candidates import Candidate
from certification.domain.centers import Center, Window
from certification.domain.finalization import CandidateReport
from certification.domain.live_alerts import LiveAlert
from certification.domain.results import ResultRecord
from certification.domain.sessions import Session


class AbstractCenters(abc.ABC):
    @abc.abstractmethod
    def add(self, center: Center) -> None: ...

    @abc.abstractmethod
    def get(self, center_id: UUID) -> Center | None: ...

    @abc.abstractmethod
    def by_invitation(self, invitation_id: UUID) -> Center | None: ...

    @abc.abstractmethod
    def save(self, center: Center) -> None: ...


class AbstractWindows(abc.ABC):
    @abc.abstractmethod
    def add(self, window: Window) -> None: ...

    @abc.abstractmethod
    def all(self, lock: bool = False) -> list[Window]: ...


class AbstractSessions(abc.ABC):
    @abc.abstractmethod
    def next_number(self) -> int: ...

    @abc.abstractmethod
    def add(self, session: Session) -> None: ...

    @abc.abstractmethod
    def get(self, session_id: UUID) -> Session | None: ...

    @abc.abstractmethod
    def by_number(self, number: int) -> Session | None: ...

    @abc.abstractmethod
    def save(self, session: Session) -> None: ...

    @abc.abstractmethod
    def record_first_start(self, session_id: UUID, at: datetime) -> None:
        """The first start's time, kept if one was recorded (no version bump: candidates start in parallel)."""


class AbstractCandidates(abc.ABC):
    @abc.abstractmethod
    def add(self, candidate: Candidate) -> None: ...

    @abc.abstractmethod
    def get(self, candidate_id: UUID) -> Candidate | None: ...

    @abc.abstractmethod
    def of_session(self, session_id: UUID) -> list[Candidate]: ...

    @abc.abstractmethod
    def by_course(self, course_id: UUID) -> Candidate | None: ...

    @abc.abstractmethod
    def save(self, candidate: Candidate) -> None: ...

    @abc.abstractmethod
    def remove(self, candidate: Candidate) -> None: ...


class AbstractReplicas(abc.ABC):
    """What certification learns from organizations, identity and assessment, each row versioned."""

    @abc.abstractmethod
    def save_organization(self, organization_id: UUID, version: int, **values: Any) -> None: ...

    @abc.abstractmethod
    def archive_organization(self, organization_id: UUID, version: int) -> None: ...

    @abc.abstractmethod
    def save_membership(self, membership_id: UUID, version: int, **values: Any) -> None: ...

    @abc.abstractmethod
    def is_organization_admin(self, organization_id: UUID, user_id: UUID) -> bool: ...

    @abc.abstractmethod
    def save_learner(self, learner_id: UUID, version: int, **values: Any) -> None: ...

    @abc.abstractmethod
    def save_learner_account(self, learner_id: UUID, version: int, user_id: UUID | None) -> None: ...

    @abc.abstractmethod
    def learners_of_division(self, organization_id: UUID, division: str) -> list[dict[str, Any]]:
        """The division's learners still in the school: id, first_name, last_name, birthdate, user_id."""

    @abc.abstractmethod
    def learner_account(self, learner_id: UUID) -> UUID | None: ...

    @abc.abstractmethod
    def divisions_of(self, learner_ids: Iterable[UUID]) -> dict[UUID, str | None]:
        """Each pupil's class, as the school's list last said."""

    @abc.abstractmethod
    def save_profile(self, user_id: UUID, profile: dict[str, Any], as_of: datetime) -> None: ...

    @abc.abstractmethod
    def profiles_of(self, user_ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]: ...

    @abc.abstractmethod
    def save_verified_email(self, user_id: UUID, email: str, verified_at: datetime) -> None: ...

    @abc.abstractmethod
    def verified_email(self, user_id: UUID) -> str | None: ...


class AbstractFailures(abc.ABC):
    """Failed joinings, starts and invigilations, counted per account (domain/limits.py)."""

    @abc.abstractmethod
    def serialize_account(self, user_id: UUID) -> None:
        """One attempt of an account at a time until the transaction ends (parallel guesses would pass the count)."""

    @abc.abstractmethod
    def nth_latest(self, n: int, since: datetime, user_id: UUID) -> datetime | None: ...

    @abc.abstractmethod
    def record(self, user_id: UUID, reason: str, at: datetime, forget_before: datetime) -> None: ...


class AbstractInvigilators(abc.ABC):
    @abc.abstractmethod
    def grant(self, session_id: UUID, user_id: UUID, at: datetime) -> None: ...

    @abc.abstractmethod
    def may_invigilate(self, session_id: UUID, user_id: UUID) -> bool: ...


class AbstractResults(abc.ABC):
    """The tests' progress and outcomes (from assessment), the centre's reports, the results."""

    @abc.abstractmethod
    def record_attestation_downloads(self, center_id: UUID, course_ids: Sequence[UUID], by: UUID,
                                     at: datetime) -> None:
        """The first download of each of these attestations by the school; later ones change nothing."""

    @abc.abstractmethod
    def save_progress(self, course_id: UUID, user_id: UUID, version: int, answers_count: int, questions_count: int,
                      answered_at: datetime) -> None:
        """Kept if newer than what the row holds (the test's aggregate version)."""

    @abc.abstractmethod
    def session_of_course(self, course_id: UUID) -> UUID | None:
        """The session of the candidate whose course this is (None: no such course)."""

    @abc.abstractmethod
    def progress_of(self, course_ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]:
        """Per course known: answers_count, questions_count, test_status (IN_PROGRESS or the end reason)."""

    @abc.abstractmethod
    def save_outcome(self, course_id: UUID, user_id: UUID, version: int, outcome: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def outcomes_of(self, course_ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]: ...

    @abc.abstractmethod
    def save_report(self, candidate_id: UUID, report: CandidateReport) -> None: ...

    @abc.abstractmethod
    def reports_of(self, candidate_ids: Iterable[UUID]) -> dict[UUID, CandidateReport]: ...

    @abc.abstractmethod
    def save_result(self, record: ResultRecord) -> None:
        """Insert, or update the row of the same course (its version moved by one)."""

    @abc.abstractmethod
    def of_session(self, session_id: UUID) -> list[ResultRecord]: ...

    @abc.abstractmethod
    def of_course(self, course_id: UUID) -> ResultRecord | None: ...


class AbstractLiveAlerts(abc.ABC):
    """The problems candidates signalled (from assessment) and the invigilators' decisions."""

    @abc.abstractmethod
    def record(self, alert: LiveAlert) -> bool:
        """Keep a newly heard alert; False (nothing written) when it is known already."""

    @abc.abstractmethod
    def ongoing_of(self, candidate_id: UUID) -> LiveAlert | None:
        """The candidate's alert awaiting a decision, its row held until the transaction ends (two invigilators
        deciding at once: the second waits, then finds it decided)."""

    @abc.abstractmethod
    def save(self, alert: LiveAlert) -> None: ...

    @abc.abstractmethod
    def ongoing_of_session(self, session_id: UUID) -> dict[UUID, LiveAlert]:
        """Per candidate of the session, the alert awaiting a decision."""

    @abc.abstractmethod
    def validated_of(self, candidate_ids: Iterable[UUID]) -> dict[UUID, list[LiveAlert]]:
        """Per candidate, the validated alerts (the questions withdrawn), in the order they were raised."""


__all__ = ["AbstractLiveAlerts", "AbstractResults", "AbstractCandidates", "AbstractCenters", "AbstractFailures", "AbstractInvigilators", "AbstractReplicas",
           "AbstractSessions", "AbstractWindows"]
