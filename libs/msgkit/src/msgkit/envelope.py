"""The envelope every integration event travels in (DESIGN.md section 3).

The envelope is the only part of a message the plumbing reads; the payload belongs to
the producer's contract (``contracts/events/<producer>/``) and is read by the consumer's
own tolerant schema.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

EVENT_TYPE = re.compile(r"^(?P<producer>[a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.v[1-9][0-9]*$")

_REQUIRED = (
    "message_id",
    "event_type",
    "occurred_at",
    "producer",
    "aggregate_id",
    "aggregate_version",
    "payload",
)


class MalformedMessage(ValueError):
    """A message that no retry can ever make readable: it goes straight to the dead-letter queue."""


def producer_of(event_type: str) -> str:
    """``identity.user.registered.v1`` -> ``identity`` (the exchange is ``identity.events``)."""
    match = EVENT_TYPE.match(event_type)
    if not match:
        raise ValueError(f"event type {event_type!r} is not <service>.<aggregate>.<past_fact>.v<major>")
    return match.group("producer")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Envelope:
    event_type: str
    producer: str
    aggregate_id: str
    aggregate_version: int
    payload: dict[str, Any]
    message_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=lambda: utcnow().isoformat().replace("+00:00", "Z"))
    correlation_id: str | None = None
    causation_id: str | None = None

    def __post_init__(self) -> None:
        if producer_of(self.event_type) != self.producer:
            raise ValueError(f"{self.event_type} cannot be produced by {self.producer}")

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies the payload, seconds for a batch of 500 learners.
        return {name: getattr(self, name) for name in _FIELDS}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Any) -> Envelope:
        if not isinstance(data, dict):
            raise MalformedMessage("the message is not a JSON object")
        missing = [name for name in _REQUIRED if name not in data]
        if missing:
            raise MalformedMessage(f"the envelope lacks {', '.join(missing)}")
        if not isinstance(data["payload"], dict):
            raise MalformedMessage("the payload is not a JSON object")
        try:
            uuid.UUID(str(data["message_id"]))
            version = int(data["aggregate_version"])
            datetime.fromisoformat(str(data["occurred_at"]).replace("Z", "+00:00"))
            return cls(
                message_id=str(data["message_id"]),
                event_type=str(data["event_type"]),
                occurred_at=str(data["occurred_at"]),
                producer=str(data["producer"]),
                correlation_id=data.get("correlation_id"),
                causation_id=data.get("causation_id"),
                aggregate_id=str(data["aggregate_id"]),
                aggregate_version=version,
                payload=data["payload"],
            )
        except (TypeError, ValueError) as error:
            raise MalformedMessage(f"the envelope is invalid: {error}") from error

    @classmethod
    def from_json(cls, body: bytes | str) -> Envelope:
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise MalformedMessage(f"the body is not JSON: {error}") from error
        return cls.from_dict(data)


_FIELDS = tuple(f.name for f in fields(Envelope))
