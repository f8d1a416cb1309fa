"""Building a consuming handler: tolerant parsing, inbox claim, one transaction.

``idempotent_subscription`` turns a service-layer function ``handle(data, envelope, uow)``
into a msgkit subscription that:

1. reads the payload with the consumer's own marshmallow schema (one for all its event types, or one
   per event type), ignoring unknown fields
   (producers may add optional fields without a new major); a payload the schema rejects
   is unreadable for good and raises ``MalformedMessage`` (straight to the dead-letter queue);
2. opens a unit of work, records the message in the inbox (a duplicate stops here),
   calls ``handle`` and commits; the consumer acks only after that commit.

With ``batch=True`` the subscription also handles a batch (``msgkit.consumer``): every payload read first,
one unit of work, the messages claimed in the inbox in one statement, ``handle`` for each message claimed,
in delivery order (with its correlation id bound), one commit. Any error rolls the whole batch back and the
consumer handles its messages again one by one (the path above). For handlers that publish nothing: events
recorded by aggregates would reach the outbox at the batch's commit, outside each message's correlation id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError

from msgkit import Envelope, MalformedMessage, Subscription, context
from svckit.uow import AbstractUnitOfWork


class TolerantSchema(Schema):
    """Base for nested parts of a consumer's schema: ``load(unknown=EXCLUDE)`` reaches only the top
    level, so a nested schema must ignore unknown fields by itself."""

    class Meta:
        unknown = EXCLUDE


def read_payload(schema: Schema, envelope: Envelope) -> dict[str, Any]:
    try:
        return schema.load(envelope.payload, unknown=EXCLUDE)
    except ValidationError as error:
        raise MalformedMessage(f"{envelope.event_type} payload is unreadable: {error.messages}") from error


def idempotent_subscription(
    name: str,
    event_types: tuple[str, ...],
    schema: Schema | Mapping[str, Schema],
    uow_factory: Callable[[], AbstractUnitOfWork],
    handle: Callable[[dict[str, Any], Envelope, Any], None],
    *,
    batch: bool = False,
) -> Subscription:
    def read(envelope: Envelope) -> dict[str, Any]:
        return read_payload(schema[envelope.event_type] if isinstance(schema, Mapping) else schema, envelope)

    def handler(envelope: Envelope) -> None:
        data = read(envelope)
        with uow_factory() as uow:
            if not uow.claim(name, envelope):
                return  # already processed: a redelivery or a duplicate publication
            handle(data, envelope, uow)
            uow.commit()

    def batch_handler(envelopes: Sequence[Envelope]) -> None:
        payloads = [read(envelope) for envelope in envelopes]  # an unreadable one fails the batch before any work
        with uow_factory() as uow:
            claimed = uow.claim_all(name, envelopes)
            for data, envelope in zip(payloads, envelopes, strict=True):
                if envelope.message_id not in claimed:
                    continue  # already processed, or its first copy in this batch was
                claimed.discard(envelope.message_id)
                with context.bound(envelope.correlation_id, envelope.message_id):
                    handle(data, envelope, uow)
            uow.commit()

    handler.__name__ = name
    return Subscription(name=name, event_types=event_types, handler=handler,
                        batch_handler=batch_handler if batch else None)
