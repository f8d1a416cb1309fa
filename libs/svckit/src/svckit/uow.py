"""The unit of work every service's service layer builds on.

A use case opens a unit of work, loads aggregates through repositories, calls domain
methods and commits. On commit, the domain events the touched aggregates recorded are
turned into integration events (the service's ``integration_events`` module decides what
is published and in which shape) and written to the outbox *in the same transaction*:
publishing after commit would lose events on a crash, publishing before would announce
changes that may roll back.

A use case may also ``announce`` that a channel changed (what a live page shows, ``svckit.live``):
the channels are published *after* the transaction commits, never before (a change that rolls back is
never announced), at most once each per commit, and a failure to publish is only logged (the change is
committed; the pages catch up at their next read).

For consumers, ``claim`` records the message in the inbox in that same transaction; a
message already recorded returns False and the handler does nothing.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, Table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from msgkit import Envelope, add_all_to_outbox, claim_message, claim_messages, context
from svckit.live import AbstractNotices, NoNotices

# A request whose ``Idempotency-Key`` is recorded in its own transaction (``svckit.idempotency``, one
# transaction per keyed request) sets the connection that transaction runs on: every unit of work of the
# request joins it, its ``commit`` writes but does not end it (the key's answer is written after the route
# returns, then everything commits at once), and a rollback ends it. Announcements wait for the real commit.
joined_connection: ContextVar[Connection | None] = ContextVar("joined_connection", default=None)
deferred_announcements: ContextVar[list[tuple[AbstractNotices, str]] | None] = ContextVar(
    "deferred_announcements", default=None)


class UniqueViolation(Exception):
    """Two writers claimed the same unique value; the loser gets this, with the constraint's name."""

    def __init__(self, constraint: str | None) -> None:
        super().__init__(f"unique constraint {constraint} violated")
        self.constraint = constraint


def unique_violation(error: IntegrityError) -> UniqueViolation | None:
    """The ``UniqueViolation`` an integrity error is, if it is one (for repositories that write at once)."""
    if getattr(error.orig, "sqlstate", None) == "23505":
        return UniqueViolation(getattr(error.orig.diag, "constraint_name", None))
    return None


class ConcurrentUpdate(Exception):
    """An aggregate changed since it was read (optimistic locking on its version)."""


@dataclass(frozen=True)
class IntegrationEvent:
    event_type: str
    aggregate_id: str
    aggregate_version: int
    payload: dict[str, Any]


class HasEvents(Protocol):
    events: list[Any]


# A domain event becomes none, one, or several published events (a large fact sent in batches).
ToIntegration = Callable[[Any], "IntegrationEvent | list[IntegrationEvent] | None"]


def envelope_for(producer: str, event: IntegrationEvent) -> Envelope:
    return Envelope(
        event_type=event.event_type,
        producer=producer,
        aggregate_id=event.aggregate_id,
        aggregate_version=event.aggregate_version,
        payload=event.payload,
        correlation_id=context.correlation_id.get(),
        causation_id=context.causation_id.get(),
    )


class AbstractUnitOfWork(abc.ABC):
    """The port the service layer sees; ``Fake…`` versions live in unit tests."""

    def __enter__(self) -> AbstractUnitOfWork:
        self.seen: list[HasEvents] = []
        self.announcements: set[str] = set()
        return self

    def announce(self, channel: str) -> None:
        """Say that what ``channel``'s live pages show changed in this transaction (published on commit)."""
        self.announcements.add(channel)

    def take_announcements(self) -> list[str]:
        """The channels announced since the last commit, forgotten here (for ``commit``, once it succeeded)."""
        channels, self.announcements = sorted(self.announcements), set()
        return channels

    def __exit__(self, *exc_info: object) -> None:
        self.rollback()

    def track(self, aggregate: Any) -> Any:
        """Repositories call this for every aggregate they hand out or add."""
        if all(aggregate is not known for known in self.seen):
            self.seen.append(aggregate)
        return aggregate

    def collect_events(self) -> Iterable[Any]:
        for aggregate in self.seen:
            while aggregate.events:
                yield aggregate.events.pop(0)

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...

    @abc.abstractmethod
    def claim(self, handler: str, envelope: Envelope) -> bool: ...

    def claim_all(self, handler: str, envelopes: Sequence[Envelope]) -> set[str]:
        """The ids of the messages of a batch claimed now (``claim`` for each, unless the port does better);
        a message twice in the batch is claimed once."""
        return {envelope.message_id for envelope in envelopes if self.claim(handler, envelope)}


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session], *, producer: str, outbox: Table, inbox: Table,
                 to_integration: ToIntegration, notices: AbstractNotices | None = None) -> None:
        self.session_factory, self.producer = session_factory, producer
        self.outbox, self.inbox, self.to_integration = outbox, inbox, to_integration
        self.notices = notices or NoNotices()

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        super().__enter__()
        connection = joined_connection.get()
        if connection is not None and connection.in_transaction():
            # The request's transaction (its key is in it): commit writes, the request commits; rollback ends it.
            self.session = self.session_factory(bind=connection, join_transaction_mode="rollback_only")
        else:
            self.session = self.session_factory()
        self.open_repositories(self.session)
        return self

    def __exit__(self, *exc_info: object) -> None:
        super().__exit__(*exc_info)
        self.session.close()

    def open_repositories(self, session: Session) -> None:
        """Subclasses create their repositories here."""

    def commit(self) -> None:
        try:
            self.session.flush()
            envelopes = []
            for event in self.collect_events():
                published = self.to_integration(event)
                for integration in published if isinstance(published, list) else [published]:
                    if integration is not None:
                        envelopes.append(envelope_for(self.producer, integration))
            add_all_to_outbox(self.session, self.outbox, envelopes)
            self.session.commit()
        except IntegrityError as error:
            self.announcements.clear()
            self.session.rollback()
            violation = unique_violation(error)
            if violation is not None:
                raise violation from error
            raise
        except StaleDataError as error:
            self.announcements.clear()
            self.session.rollback()
            raise ConcurrentUpdate(str(error)) from error
        except BaseException:
            self.announcements.clear()
            raise
        deferred = deferred_announcements.get() if joined_connection.get() is not None else None
        for channel in self.take_announcements():
            if deferred is not None:
                deferred.append((self.notices, channel))  # published once the request's transaction commits
            else:
                self.notices.publish(channel)

    def rollback(self) -> None:
        self.announcements.clear()
        self.session.rollback()

    def claim(self, handler: str, envelope: Envelope) -> bool:
        return claim_message(self.session, self.inbox, handler, envelope)

    def claim_all(self, handler: str, envelopes: Sequence[Envelope]) -> set[str]:
        return claim_messages(self.session, self.inbox, handler, envelopes)
