"""The ports organizations' use cases need; adapters implement them, unit tests fake them."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from datetime import date, datetime
from typing import BinaryIO, Protocol
from uuid import UUID

from organizations.domain.events import LearnerLinked
from organizations.domain.imports import LearnerImport
from organizations.domain.learner_records import ParsedLearnerFile
from organizations.domain.learners import AccountLink, LearnerSnapshot, LearnerUpdate, NewLearner, OrganizationLearner
from organizations.domain.model import KnownUser, Organization
from organizations.domain.school_changes import Arrival, LinkElsewhere


class AbstractKnownUsers(abc.ABC):
    @abc.abstractmethod
    def save(self, user: KnownUser) -> None:
        """Keep the newest version of the account; an older announcement changes nothing."""

    @abc.abstractmethod
    def get(self, user_id: UUID) -> KnownUser | None: ...

    @abc.abstractmethod
    def record_orga_terms(self, user_id: UUID, accepted_at: datetime, version: int) -> None: ...

    @abc.abstractmethod
    def record_email_verified(self, user_id: UUID, email: str, verified_at: datetime, version: int) -> None:
        """Keep the newest verification of the account (it may arrive before the registration)."""

    @abc.abstractmethod
    def record_gar_link(self, user_id: UUID, uai: str, linked_at: datetime, version: int) -> None:
        """The account signs in through the GAR (the announcement may arrive before the registration)."""

    @abc.abstractmethod
    def emails_of(self, user_ids: Iterable[UUID]) -> dict[UUID, str]: ...

    @abc.abstractmethod
    def by_email(self, email: str) -> KnownUser | None: ...


class AbstractOrganizations(abc.ABC):
    @abc.abstractmethod
    def add(self, organization: Organization) -> None: ...

    @abc.abstractmethod
    def get(self, organization_id: UUID, *, lock: bool = False) -> Organization | None:
        """``lock``: hold the organization until commit (imports of one organization run one at a time)."""

    @abc.abstractmethod
    def get_by_invitation(self, invitation_id: UUID) -> Organization | None: ...

    @abc.abstractmethod
    def external_id_taken(self, type: str, external_id: str) -> bool: ...

    @abc.abstractmethod
    def by_external_id(self, type: str, external_id: str) -> Organization | None: ...

    @abc.abstractmethod
    def managing_students(self) -> list[UUID]:
        """The ids of the organizations that keep a list of learners."""


class AbstractLearners(abc.ABC):
    @abc.abstractmethod
    def snapshots(self, organization_id: UUID) -> list[LearnerSnapshot]: ...

    @abc.abstractmethod
    def apply(self, updates: list[LearnerUpdate]) -> None: ...

    @abc.abstractmethod
    def add_new(self, organization_id: UUID, learners: list[NewLearner], now: datetime) -> None: ...

    @abc.abstractmethod
    def born_on(self, organization_id: UUID, birthdate: date) -> list[OrganizationLearner]: ...

    @abc.abstractmethod
    def linked_to(self, organization_id: UUID, user_id: UUID) -> OrganizationLearner | None: ...

    @abc.abstractmethod
    def get(self, organization_id: UUID, learner_id: UUID) -> OrganizationLearner | None: ...

    @abc.abstractmethod
    def linked_elsewhere(self, organization_id: UUID, national_student_ids: Iterable[str]) -> list[LinkElsewhere]:
        """The current links of these INEs to accounts in the other organizations' lists."""

    @abc.abstractmethod
    def arrivals(self, organization_id: UUID, national_student_ids: Iterable[str]) -> list[Arrival]:
        """The organization's active learners of these INEs that no account is linked to."""

    @abc.abstractmethod
    def add_links(self, links: list[AccountLink], versions: dict[UUID, int], now: datetime) -> None:
        """Link the learners to the accounts (each learner then at its version in ``versions``), and keep the links
        in their history. Under the organization's lock, like every write to its learners."""

    @abc.abstractmethod
    def current_links(self, organization_id: UUID) -> list[LearnerLinked]:
        """Every learner of the organization linked to an account now, as the fact of its link (its version)."""

    @abc.abstractmethod
    def learners_of_accounts(self, organization_id: UUID, user_ids: Iterable[UUID]) -> dict[UUID, UUID]:
        """Account -> the organization's active learner it is linked to, for those of these accounts that are."""


class AbstractReconciliationFailures(abc.ABC):
    """Failed reconciliations, counted per account and per organization (domain/reconciliation_limits.py)."""

    @abc.abstractmethod
    def serialize_account(self, user_id: UUID) -> None:
        """Hold the account's other reconciliations until commit, so that parallel attempts are counted one
        after the other (an organization's are already, by its row lock)."""

    @abc.abstractmethod
    def nth_latest(self, n: int, since: datetime, *, user_id: UUID | None = None,
                   organization_id: UUID | None = None) -> datetime | None:
        """The n-th most recent failure after ``since``, of the account or of the organization; None if fewer."""

    @abc.abstractmethod
    def record(self, organization_id: UUID, user_id: UUID, reason: str, at: datetime, forget_before: datetime) -> None:
        """Count a failure; the organization's failures older than ``forget_before`` are deleted."""


class AbstractImports(abc.ABC):
    @abc.abstractmethod
    def add(self, learner_import: LearnerImport) -> None: ...


class LearnerFileReader(Protocol):
    def __call__(self, filename: str, stream: BinaryIO, *, organization_type: str, uai: str | None) -> ParsedLearnerFile:
        ...
