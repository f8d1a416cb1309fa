"""Looking at and replaying a handler's dead-letter queue: the human step after the retries.

Replay moves each message back to the handler's queue with its attempt count reset, and
only then acks it in the dead-letter queue (publish confirmed first: a crash duplicates,
never loses; the handler's inbox absorbs the duplicate). A message that fails again comes
back to the dead-letter queue after its retries, so a replay is safe to run at any time.
"""

from __future__ import annotations

from dataclasses import dataclass

import pika

from msgkit.amqp import blocking_channel
from msgkit.topology import HandlerQueues


@dataclass(frozen=True)
class DeadLetter:
    message_id: str | None
    event_type: str | None
    attempts: int
    error: str | None
    reason: str  # "failed" (out of retries) or "rejected" (unreadable, or over the delivery limit)


def _describe(properties: pika.BasicProperties) -> DeadLetter:
    headers = properties.headers or {}
    return DeadLetter(
        message_id=properties.message_id,
        event_type=properties.type,
        attempts=int(headers.get("x-attempt", 0)),
        error=headers.get("x-last-error"),
        reason="failed" if "x-last-error" in headers else "rejected",
    )


def list_dead_letters(amqp_url: str, consumer: str, handler: str, limit: int = 100) -> list[DeadLetter]:
    """Up to ``limit`` dead letters, left in place."""
    queue = HandlerQueues.of(consumer, handler, ()).dead
    seen = []
    with blocking_channel(amqp_url) as channel:
        channel.queue_declare(queue=queue, passive=True)
        for _ in range(limit):
            method, properties, _ = channel.basic_get(queue=queue, auto_ack=False)
            if method is None:
                break
            seen.append(_describe(properties))
        # Closing the channel returns every message we looked at, in order.
    return seen


def replay_dead_letters(amqp_url: str, consumer: str, handler: str, limit: int | None = None) -> int:
    """Send dead letters back to the handler's queue; returns how many were replayed."""
    queues = HandlerQueues.of(consumer, handler, ())
    replayed = 0
    with blocking_channel(amqp_url) as channel:
        channel.queue_declare(queue=queues.dead, passive=True)
        channel.queue_declare(queue=queues.main, passive=True)
        channel.confirm_delivery()
        while limit is None or replayed < limit:
            method, properties, body = channel.basic_get(queue=queues.dead, auto_ack=False)
            if method is None:
                break
            headers = {k: v for k, v in (properties.headers or {}).items() if not k.startswith("x-")}
            headers.update({"x-replayed": True, "x-correlation-id": (properties.headers or {}).get("x-correlation-id")})
            copy = pika.BasicProperties(
                content_type=properties.content_type, delivery_mode=pika.DeliveryMode.Persistent,
                message_id=properties.message_id, type=properties.type, app_id=properties.app_id,
                correlation_id=properties.correlation_id, timestamp=properties.timestamp,
                headers={k: v for k, v in headers.items() if v is not None},
            )
            channel.basic_publish(exchange="", routing_key=queues.main, body=body, properties=copy, mandatory=True)
            channel.basic_ack(method.delivery_tag)
            replayed += 1
    return replayed
