"""What reporting consumes: one queue per handler (``reporting.<handler>``), each event journaled then
projected in one transaction (``service_layer/projections.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msgkit import Envelope, Subscription
from reporting.entrypoints.consumers.schemas import SCHEMAS
from reporting.service_layer import projections
from reporting.service_layer.unit_of_work import ReportingUnitOfWork
from svckit.consumers import idempotent_subscription, read_payload


def _projecting(projection: projections.Projection):
    def handle(data: dict[str, Any], envelope: Envelope, uow: ReportingUnitOfWork) -> None:
        projections.project(data, envelope, uow, projection)
    return handle


def subscriptions(uow_factory: Callable[[], ReportingUnitOfWork]) -> list[Subscription]:
    return [idempotent_subscription(p.handler, p.event_types, SCHEMAS[p.handler](), uow_factory, _projecting(p))
            for p in projections.PROJECTIONS]


def read(envelope: Envelope) -> dict[str, Any]:
    """A journaled envelope read as its handler reads it (for a rebuild)."""
    handler = next(p.handler for p in projections.PROJECTIONS if envelope.event_type in p.event_types)
    return read_payload(SCHEMAS[handler](), envelope)
