"""Correlation and causation of the work in hand, for logs and for the events it produces.

The gateway gives each request a correlation id; services take it from the
``X-Correlation-ID`` header, events carry it in their envelope and AMQP headers, and the
consumer restores it while a handler runs, so one id follows a user action end to end.
The causation id is the message that caused the work (none for an HTTP request).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
causation_id: ContextVar[str | None] = ContextVar("causation_id", default=None)


@contextmanager
def bound(correlation: str | None, causation: str | None = None) -> Iterator[None]:
    tokens = (correlation_id.set(correlation), causation_id.set(causation))
    try:
        yield
    finally:
        correlation_id.reset(tokens[0])
        causation_id.reset(tokens[1])
