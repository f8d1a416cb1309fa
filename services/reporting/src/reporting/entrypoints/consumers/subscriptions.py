"""What reporting consumes: one queue per source of events (``reporting.<queue>``, see
``projections.PROJECTIONS``), each event journaled then projected in its handler's transaction: the
events of a batch share one (``CONSUMER_BATCH``, ``msgkit.consumer``), all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msgkit import Envelope, Subscription
from reporting.entrypoints.consumers.schemas import SCHEMAS
from reporting.service_layer import projections
from reporting.service_layer.unit_of_work import ReportingUnitOfWork
from svckit.consumers import idempotent_subscription, read_payload


def _projecting(by_type: dict[str, projections.Projection]):
    def handle(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
        projections.project(data, envelope, uow, by_type[envelope.event_type])
    return handle


def subscriptions(uow_factory: Callable[[], ReportingUnitOfWork]) -> list[Subscription]:
    queues: dict[str, dict[str, projections.Projection]] = {}
    for projection in projections.PROJECTIONS:
        for event_type in projection.event_types:
            queues.setdefault(projection.queue, {})[event_type] = projection
    return [idempotent_subscription(queue, tuple(by_type), {t: SCHEMAS[p.handler]() for t, p in by_type.items()},
                                    uow_factory, _projecting(by_type), batch=True)
            for queue, by_type in queues.items()]


def read(envelope: Envelope) -> dict[str, Any]:
    """A journaled envelope read as its handler reads it (for a rebuild)."""
    handler = next(p.handler for p in projections.PROJECTIONS if envelope.event_type in p.event_types)
    return read_payload(SCHEMAS[handler](), envelope)
