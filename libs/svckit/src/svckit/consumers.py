"""Building a consuming handler: tolerant parsing, inbox claim, one transaction.

``idempotent_subscription`` turns a service-layer function ``handle(data, envelope, uow)``
into a msgkit subscription that:

1. reads the payload with the consumer's own marshmallow schema (one for all its event types, or one
   per event type), ignoring unknown fields
   (producers may add optional fields without a new major); a payload the schema rejects
   is unreadable for good and raises ``MalformedMessage`` (straight to the dead-letter queue);
2. opens a unit of work, records the message in the inbox (a duplicate stops here),
   calls ``handle`` and commits; the consumer acks only after that commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError

from msgkit import Envelope, MalformedMessage, Subscription
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
) -> Subscription:
    def handler(envelope: Envelope) -> None:
        data = read_payload(schema[envelope.event_type] if isinstance(schema, Mapping) else schema, envelope)
        with uow_factory() as uow:
            if not uow.claim(name, envelope):
                return  # already processed: a redelivery or a duplicate publication
            handle(data, envelope, uow)
            uow.commit()

    handler.__name__ = name
    return Subscription(name=name, event_types=event_types, handler=handler)
