"""The ports the service layer reaches; SQLAlchemy adapters in production, fakes in unit tests."""

from __future__ import annotations

import abc
from uuid import UUID

from assessment.domain.certification import CertificationTest, PendingEnd
from assessment.domain.knowledge import KnowledgeElement
from assessment.domain.model import Assessment, CampaignTarget
from assessment.domain.releases import ContentRelease


class AbstractReleases(abc.ABC):
    @abc.abstractmethod
    def latest(self) -> ContentRelease | None: ...

    @abc.abstractmethod
    def add(self, release: ContentRelease) -> None: ...


class AbstractCampaignTargets(abc.ABC):
    @abc.abstractmethod
    def get(self, campaign_id: UUID) -> CampaignTarget | None: ...

    @abc.abstractmethod
    def save(self, target: CampaignTarget) -> None:
        """Insert or replace; the caller has checked the version is newer."""


class AbstractAssessments(abc.ABC):
    @abc.abstractmethod
    def get(self, assessment_id: UUID) -> Assessment | None:
        """The assessment with its answers and the learner's knowledge elements."""

    @abc.abstractmethod
    def id_for_participation(self, participation_id: UUID) -> UUID | None:
        """The participation's current assessment (the latest, when the learner improved)."""

    @abc.abstractmethod
    def latest_for_participation(self, participation_id: UUID) -> tuple[UUID | None, int]:
        """The latest assessment of the participation and the participation version that created it."""

    @abc.abstractmethod
    def knowledge_of(self, user_id: UUID) -> list[KnowledgeElement]: ...

    @abc.abstractmethod
    def challenges_answered_by(self, user_id: UUID) -> set[str]: ...

    @abc.abstractmethod
    def add(self, assessment: Assessment) -> None: ...

    @abc.abstractmethod
    def save(self, assessment: Assessment) -> None:
        """Write what changed since it was read; ``ConcurrentUpdate`` if someone else changed it first."""


class AbstractCertificationTests(abc.ABC):
    @abc.abstractmethod
    def lock_course(self, course_id: UUID) -> None:
        """Hold the course until the transaction ends, so its start and its end never pass each other."""

    @abc.abstractmethod
    def get(self, course_id: UUID, *, for_update: bool = False) -> CertificationTest | None:
        """The test with its answers and pool; ``for_update`` holds its row until the transaction ends, so two
        requests for the next question at once are served one after the other (the second gets the first's)."""

    @abc.abstractmethod
    def add(self, test: CertificationTest) -> None:
        """Insert the test (and its pool, if no test stored it yet)."""

    @abc.abstractmethod
    def save(self, test: CertificationTest) -> None:
        """Write what changed since it was read; ``ConcurrentUpdate`` if someone else changed it first."""

    @abc.abstractmethod
    def pending_end(self, course_id: UUID) -> PendingEnd | None: ...

    @abc.abstractmethod
    def keep_pending_end(self, end: PendingEnd) -> None: ...

    @abc.abstractmethod
    def forget_pending_end(self, course_id: UUID) -> None: ...
