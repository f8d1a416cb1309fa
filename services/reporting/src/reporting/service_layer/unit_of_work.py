from __future__ import annotations

import abc
from collections.abc import Iterator
from uuid import UUID

from msgkit import Envelope
from reporting.service_layer.read_models import AbstractReadModels
from svckit.uow import AbstractUnitOfWork


class AbstractJournal(abc.ABC):
    """Every event reporting consumed, in the order it was applied."""

    @abc.abstractmethod
    def record(self, envelope: Envelope) -> None: ...

    @abc.abstractmethod
    def replay(self, event_types: frozenset[str], batch: int = 1000) -> Iterator[Envelope]: ...


class ReportingUnitOfWork(AbstractUnitOfWork, abc.ABC):
    read_models: AbstractReadModels
    journal: AbstractJournal

    @abc.abstractmethod
    def begin_rebuild(self) -> None:
        """Only one rebuild at a time, and no time bound on its transaction: a rebuild is one long transaction,
        which the bounds of the connection it runs on (an api's, behind PgBouncer) must not cut."""

    def touch_campaign(self, campaign_id: UUID | str) -> None:
        """Say that the campaign's participations changed in this transaction (its live activity pages are told
        once it commits, never if it rolls back: ``svckit.uow``)."""
        self.announce(activity_channel(campaign_id))


def activity_channel(campaign_id: UUID | str) -> str:
    """The live channel of a campaign's activity page (``svckit.live``)."""
    return f"activity:{UUID(str(campaign_id))}"
