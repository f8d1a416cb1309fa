"""A short-lived blocking channel, for one-off work (topology checks, dead-letter tools, tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.adapters.utils.connection_workflow import AMQPConnectorException

# What losing or not reaching the broker can raise. A handshake that times out while the broker (or the
# machine) is slow raises pika's connector exceptions, which are not AMQPErrors: a process that caught only
# AMQPError would die at start instead of retrying.
BROKER_ERRORS: tuple[type[BaseException], ...] = (pika.exceptions.AMQPError, AMQPConnectorException, OSError)


@contextmanager
def blocking_channel(amqp_url: str) -> Iterator[BlockingChannel]:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        yield connection.channel()
    finally:
        if connection.is_open:
            connection.close()
