"""Exchanges and queues, declared from each service's subscription list.

- One durable topic exchange per producer, ``<producer>.events``; routing key = event type.
- One durable *quorum* queue per consuming handler, ``<consumer>.<handler>``, bound to the
  event types the handler reads. Quorum queues are replicated (Raft) and keep a delivery
  count, so a message that crashes its consumer again and again is dead-lettered after
  ``DELIVERY_LIMIT`` deliveries instead of looping forever.
- One retry queue per delay, ``<consumer>.<handler>.retry.<ms>ms``: nobody consumes it; each
  message waits its TTL there and is dead-lettered back to the handler queue. The delay is
  in the name, so changing the delays creates new queues instead of failing on the
  arguments of the old ones (RabbitMQ refuses to redeclare a queue with other arguments).
- Per producer, an alternate exchange ``<producer>.unrouted`` and its queue: an event no
  queue is bound for (a new event type nobody reads yet) is kept there, for a week and up
  to a million messages, instead of being dropped by the broker or returned to the relay.
- One dead-letter queue per handler, ``<consumer>.<handler>.dlq``, where poison messages and
  messages out of retries wait for a human (``<service> dead-letters list|replay <handler>``,
  see ``msgkit.dead_letters``).

Dead-lettering uses the ``at-least-once`` strategy of quorum queues: the message leaves
the source queue only once the dead-letter queue confirmed it, so a broker restart in
between does not lose it (the default strategy is at-most-once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from msgkit.envelope import Envelope, producer_of

if TYPE_CHECKING:
    from pika.adapters.blocking_connection import BlockingChannel

DELIVERY_LIMIT = 20
DEFAULT_RETRY_DELAYS_MS: tuple[int, ...] = (1_000, 10_000, 60_000)

Handler = Callable[[Envelope], None]


UNROUTED_TTL_MS = 7 * 24 * 3600 * 1000
UNROUTED_MAX_LENGTH = 1_000_000


def exchange_name(producer: str) -> str:
    return f"{producer}.events"


def unrouted_name(producer: str) -> str:
    return f"{producer}.unrouted"


@dataclass(frozen=True)
class Subscription:
    """A consuming handler and the event types it reads; it gets its own queue."""

    name: str
    event_types: tuple[str, ...]
    handler: Handler

    def __post_init__(self) -> None:
        if not self.event_types:
            raise ValueError(f"subscription {self.name} reads no event type")
        for event_type in self.event_types:
            producer_of(event_type)  # validates the name


def subscribe(handler: Handler, *event_types: str, name: str | None = None) -> Subscription:
    return Subscription(name=name or handler.__name__, event_types=tuple(event_types), handler=handler)


@dataclass(frozen=True)
class HandlerQueues:
    main: str
    retries: tuple[tuple[str, int], ...]  # (queue, delay in ms), in order of attempts
    dead: str

    @classmethod
    def of(cls, consumer: str, handler: str, retry_delays_ms: Sequence[int]) -> HandlerQueues:
        main = f"{consumer}.{handler}"
        retries = tuple((f"{main}.retry.{delay}ms", delay) for delay in retry_delays_ms)
        return cls(main=main, retries=retries, dead=f"{main}.dlq")


_SAFE_DEAD_LETTERING = {"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}


def declare_exchange(channel: BlockingChannel, producer: str) -> str:
    """The producer's topic exchange with its alternate exchange; producers and consumers both call it."""
    name, unrouted = exchange_name(producer), unrouted_name(producer)
    channel.exchange_declare(exchange=unrouted, exchange_type="fanout", durable=True)
    channel.queue_declare(
        queue=unrouted,
        durable=True,
        arguments={"x-queue-type": "quorum", "x-message-ttl": UNROUTED_TTL_MS,
                   "x-max-length": UNROUTED_MAX_LENGTH, "x-overflow": "drop-head"},
    )
    channel.queue_bind(queue=unrouted, exchange=unrouted)
    channel.exchange_declare(exchange=name, exchange_type="topic", durable=True,
                             arguments={"alternate-exchange": unrouted})
    return name


def declare_subscription(
    channel: BlockingChannel, consumer: str, subscription: Subscription, retry_delays_ms: Sequence[int]
) -> HandlerQueues:
    queues = HandlerQueues.of(consumer, subscription.name, retry_delays_ms)
    channel.queue_declare(queue=queues.dead, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_declare(
        queue=queues.main,
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": queues.dead,
            **_SAFE_DEAD_LETTERING,
        },
    )
    for retry_queue, delay_ms in queues.retries:
        channel.queue_declare(
            queue=retry_queue,
            durable=True,
            arguments={
                "x-queue-type": "quorum",
                "x-message-ttl": delay_ms,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": queues.main,
                **_SAFE_DEAD_LETTERING,
            },
        )
    for event_type in subscription.event_types:
        exchange = declare_exchange(channel, producer_of(event_type))
        channel.queue_bind(queue=queues.main, exchange=exchange, routing_key=event_type)
    return queues


def declare_consumer_topology(
    channel: BlockingChannel,
    consumer: str,
    subscriptions: Iterable[Subscription],
    retry_delays_ms: Sequence[int] = DEFAULT_RETRY_DELAYS_MS,
) -> dict[str, HandlerQueues]:
    """Declare every queue a consumer process needs; idempotent, safe at each start."""
    declared: dict[str, HandlerQueues] = {}
    for subscription in subscriptions:
        if subscription.name in declared:
            raise ValueError(f"two subscriptions of {consumer} are named {subscription.name}")
        declared[subscription.name] = declare_subscription(channel, consumer, subscription, retry_delays_ms)
    return declared
