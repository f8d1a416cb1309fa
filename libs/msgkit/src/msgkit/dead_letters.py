"""Looking at and replaying dead letters: the human step after the retries.

A consuming service has one dead-letter queue for all its handlers (``<consumer>.all.dlq``, see
``msgkit.topology``), and each dead letter says whose it is: the consumer names the handler's
queue in ``x-original-queue``; the broker, when it dead-letters a message itself (over the
quorum queue's delivery limit), names it in ``x-death``. Why a message is there:

- ``failed``: its handler raised on every attempt (``x-last-error`` holds the last error,
  ``x-attempt`` the number of attempts);
- ``unreadable``: not JSON, not an envelope, not an event the handler reads, or a payload its
  schema rejects (``MalformedMessage``); the reason is in ``x-last-error``;
- ``delivery-limit``: the broker delivered it more than ``DELIVERY_LIMIT`` times without an ack:
  its consumer died or lost the broker while holding it, every time. There is no handler error
  to show (none was caught); ``x-death`` gives the queue and the time;
- anything else is the broker's own word from ``x-death`` (``rejected`` for the poison an
  earlier version rejected, moved here from its per-handler dead-letter queue).

Listing takes every message of the queue without acking it and closes the channel, which
returns them all (RabbitMQ does not promise they keep their order). Replay moves a handler's
messages back to its queue with their attempt count reset, each one acked in the dead-letter
queue only once the broker confirmed the copy (a crash duplicates, never loses; the handler's
inbox absorbs the duplicate); the other handlers' letters are left unacked, so they return to
the queue when the channel closes. A message that fails again comes back after its retries, so
a replay is safe to run at any time.

A return counts as a delivery for a quorum queue up to RabbitMQ 4.2, and 4.0 gave quorum queues
a default delivery limit of 20: before running those versions, turn the limit off for the
dead-letter queues by a policy, or twenty listings would drop their letters. The platform runs
3.13, where a queue has no limit unless it asks for one, and the dead-letter queue does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pika

from msgkit.amqp import blocking_channel
from msgkit.topology import DELIVERY_LIMIT, ConsumerQueues, attempts_of


@dataclass(frozen=True)
class DeadLetter:
    message_id: str | None
    event_type: str | None
    handler: str | None  # None only for a message nothing says the origin of
    attempts: int
    error: str | None
    reason: str  # "failed", "unreadable", "delivery-limit", or the broker's x-death reason


def _text(value: Any) -> str | None:
    """A header as text: None when absent, whatever a publisher put there otherwise."""
    if value is None or isinstance(value, str):
        return value
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def describe(properties: pika.BasicProperties, queues: ConsumerQueues) -> DeadLetter:
    headers = properties.headers or {}
    deaths = headers.get("x-death")
    # x-death lists the broker's dead-lettering, newest first. The consumer's own copies start without it,
    # so a dead letter that has one and was not a retry's expiry was dead-lettered by the broker. (Only the
    # broker should write it; one a publisher forged is ignored rather than let it break the listing.)
    newest = deaths[0] if isinstance(deaths, list) and deaths and isinstance(deaths[0], dict) else None
    death = newest if newest is not None and _text(newest.get("reason")) != "expired" else None
    error = _text(headers.get("x-last-error"))
    if death is not None:
        queue = _text(death.get("queue"))
        reason = _text(death.get("reason")) or "unknown"
        if reason == "delivery_limit":
            reason = "delivery-limit"
            error = (f"delivered more than {DELIVERY_LIMIT} times without an ack: its consumer died or lost the "
                     "broker while holding it each time" + (f" (an earlier attempt failed with {error})" if error else ""))
    else:
        queue = _text(headers.get("x-original-queue"))
        reason = _text(headers.get("x-dead-letter-reason")) or ("failed" if error else "unknown")
    return DeadLetter(
        message_id=properties.message_id,
        event_type=properties.type,
        handler=queues.handler_of(queue or _text(headers.get("x-original-queue"))),
        attempts=attempts_of(headers),  # a count that is not one is 0, as the consumer reads it
        error=error,
        reason=reason,
    )


def _letters(channel: Any, queues: ConsumerQueues) -> Iterator[tuple[Any, pika.BasicProperties, bytes, DeadLetter]]:
    """Each message waiting in the dead-letter queue when called, taken and left unacked."""
    waiting = channel.queue_declare(queue=queues.dead, passive=True).method.message_count
    for _ in range(waiting):
        method, properties, body = channel.basic_get(queue=queues.dead, auto_ack=False)
        if method is None:
            return
        yield method, properties, body, describe(properties, queues)


def list_dead_letters(amqp_url: str, consumer: str, handler: str | None = None, limit: int = 100) -> list[DeadLetter]:
    """Up to ``limit`` dead letters of ``handler`` (of every handler when None), left in place."""
    queues = ConsumerQueues.of(consumer, ())
    seen: list[DeadLetter] = []
    with blocking_channel(amqp_url) as channel:
        for _, _, _, letter in _letters(channel, queues):
            if handler is None or letter.handler == handler:
                seen.append(letter)
                if len(seen) >= limit:
                    break
        # Closing the channel returns every message we looked at.
    return seen


def replay_dead_letters(amqp_url: str, consumer: str, handler: str, limit: int | None = None) -> int:
    """Send ``handler``'s dead letters back to its queue; returns how many were replayed."""
    queues = ConsumerQueues.of(consumer, ())
    main = queues.main(handler)
    replayed = 0
    with blocking_channel(amqp_url) as channel:
        channel.queue_declare(queue=main, passive=True)
        channel.confirm_delivery()
        for method, properties, body, letter in _letters(channel, queues):
            if limit is not None and replayed >= limit:
                break
            if letter.handler != handler:
                continue  # another handler's: left unacked, back in the queue when the channel closes
            original = properties.headers or {}
            headers = {k: v for k, v in original.items() if not k.startswith("x-")}  # the broker's bookkeeping too
            headers.update({"x-replayed": True, "x-correlation-id": original.get("x-correlation-id")})
            copy = pika.BasicProperties(
                content_type=properties.content_type, delivery_mode=pika.DeliveryMode.Persistent,
                message_id=properties.message_id, type=properties.type, app_id=properties.app_id,
                correlation_id=properties.correlation_id, timestamp=properties.timestamp,
                headers={k: v for k, v in headers.items() if v is not None},
            )
            channel.basic_publish(exchange="", routing_key=main, body=body, properties=copy, mandatory=True)
            channel.basic_ack(method.delivery_tag)
            replayed += 1
    return replayed
