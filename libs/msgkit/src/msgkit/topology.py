"""Exchanges and queues, declared from each service's subscription list.

Per producer:

- One durable topic exchange, ``<producer>.events``; routing key = event type.
- An alternate exchange ``<producer>.unrouted`` and its queue: an event no queue is bound for
  (a new event type nobody reads yet) is kept there, for a week and up to a million messages,
  instead of being dropped by the broker or returned to the relay.

Per consuming handler, one queue and no more:

- A durable *quorum* queue, ``<consumer>.<handler>``, bound to the event types the handler reads.
  It is the queue the handler consumes and the one KEDA measures. Quorum queues are replicated
  (Raft) and count deliveries, so a message that crashes its consumer again and again is
  dead-lettered after ``DELIVERY_LIMIT`` deliveries instead of looping forever.

Per consuming service, shared by all its handlers, a fixed number of queues (one per retry
delay, and one dead-letter queue) however many handlers it has:

- One retry queue per delay, ``<consumer>.retry.<ms>ms``, fed by a fanout exchange of the same
  name. The consumer publishes a failed message's copy to that exchange with the *handler's
  queue as routing key*; nobody consumes the retry queue; when the delay (the queue's TTL) is
  over, the queue dead-letters the message to the default exchange with its own routing key,
  that is, back to its handler's queue and to no other (the default exchange routes a key to
  the queue of that name). The delay is in the name, so changing the delays makes new queues
  instead of failing on the arguments of the old ones.
- One dead-letter queue, ``<consumer>.all.dlq``, where poison messages, messages out of retries
  and messages over the delivery limit wait for a person (``<service> dead-letters list|replay
  <handler>``, see ``msgkit.dead_letters``). Each one says whose it is: the consumer puts the
  handler's queue in ``x-original-queue``; the broker's own dead-lettering (delivery limit) names
  it in ``x-death``.

Handler names have no dot, so every plumbing queue has three parts and a handler's queue two:
they cannot collide, and ``^<consumer>\\.[^.]+$`` matches the handlers' queues only (KEDA reads
those).

Dead-lettering uses the ``at-least-once`` strategy of quorum queues: the message leaves the
source queue only once the target confirmed it, so a broker restart in between does not lose
it (the default strategy is at-most-once).

A queue declared by an earlier version with other arguments (before issue 16 each handler had
its own retry and dead-letter queues, and its queue dead-lettered to ``<handler>.dlq``) makes
RabbitMQ refuse the declaration with PRECONDITION_FAILED. The consumer then raises
``TopologyConflict``, which says what to do, logs it and tries again every 10 s without consuming:
run ``<service> declare-topology`` once, with the old consumers stopped. That command (``migrate=True``) replaces such a queue without losing a
message or an event, and reports each step: it refuses while a consumer still reads the queue;
a holding queue with the same bindings catches what is published meanwhile; the handler's old
retry queues have their messages moved there (retried at once rather than after their delay)
and are deleted; the old queue's messages move there too (each copy confirmed before its
original is acked), the old queue is deleted and declared anew, and the messages move back.
The handler's old dead-letter queue has its letters moved to the service's (still named by
handler), then is deleted. Run again, it finishes what an interrupted run left.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pika
import pika.exceptions

from msgkit.envelope import Envelope, producer_of

if TYPE_CHECKING:
    from pika.adapters.blocking_connection import BlockingChannel, BlockingConnection

log = logging.getLogger("msgkit.topology")


class _ProbeAnswers(logging.Filter):
    """pika logs a warning for every channel the broker closes; a 404 to a passive declaration that
    asks whether a queue exists is an answer, not a warning. (The blocking adapter handles the close
    in the thread that asked, so a thread-local flag tells those apart.)"""

    probing = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(self.probing, "active", False)


logging.getLogger("pika.channel").addFilter(_ProbeAnswers())

DELIVERY_LIMIT = 20
DEFAULT_RETRY_DELAYS_MS: tuple[int, ...] = (1_000, 10_000, 60_000)

Handler = Callable[[Envelope], None]
BatchHandler = Callable[[Sequence[Envelope]], None]

UNROUTED_TTL_MS = 7 * 24 * 3600 * 1000
UNROUTED_MAX_LENGTH = 1_000_000

HANDLER_NAME = re.compile(r"^[A-Za-z0-9_-]+$")

# Headers the broker writes about a message's earlier trips through queues: a copy the consumer
# publishes again is a new message, and starts without them.
BROKER_BOOKKEEPING = ("x-death", "x-delivery-count", "x-first-death-exchange", "x-first-death-queue",
                      "x-first-death-reason")


def attempts_of(headers: dict[str, Any] | None) -> int:
    """The attempts a message's ``x-attempt`` header counts, 0 when it counts nothing readable.

    The consumer writes that header itself (an integer) on the copies it sends to a retry queue or the
    dead-letter queue, but a message can arrive with anything in it (a foreign publisher, a hand-made
    replay). A value that is not a count is read as 0 rather than as poison: the header is the
    plumbing's bookkeeping, not the event, and a sound event must not be dead-lettered for it; at worst
    the message gets its retries again, and each copy the consumer makes carries a clean count, so the
    retries still end. Raising here instead killed the consumer, which got the message back at each
    restart (and returned its prefetched messages with it) until the delivery limit dead-lettered them.
    """
    value = (headers or {}).get("x-attempt", 0)
    if isinstance(value, bytes):
        value = value.decode("ascii", errors="replace")
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return 0
    try:
        count = int(value)
    except ValueError:
        return 0
    return max(0, count)


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
    # Opt-in: applies several messages in one transaction, all or nothing (``msgkit.consumer`` says how a
    # batch is taken, committed, acked, and what happens when it fails). ``handler`` stays the one-message
    # path, which a failed batch falls back to.
    batch_handler: BatchHandler | None = None

    def __post_init__(self) -> None:
        if not HANDLER_NAME.match(self.name):
            raise ValueError(f"subscription name {self.name!r}: letters, digits, '_' and '-' only (no dot)")
        if not self.event_types:
            raise ValueError(f"subscription {self.name} reads no event type")
        for event_type in self.event_types:
            producer_of(event_type)  # validates the name


def subscribe(handler: Handler, *event_types: str, name: str | None = None,
              batch_handler: BatchHandler | None = None) -> Subscription:
    return Subscription(name=name or handler.__name__, event_types=tuple(event_types), handler=handler,
                        batch_handler=batch_handler)


@dataclass(frozen=True)
class ConsumerQueues:
    """The names of a consuming service's queues: one per handler, the shared retry and dead-letter queues."""

    consumer: str
    retries: tuple[tuple[str, int], ...]  # (queue, which is also its exchange; delay in ms), in order of attempts
    dead: str

    @classmethod
    def of(cls, consumer: str, retry_delays_ms: Sequence[int]) -> ConsumerQueues:
        retries = tuple((f"{consumer}.retry.{delay}ms", delay) for delay in retry_delays_ms)
        return cls(consumer=consumer, retries=retries, dead=f"{consumer}.all.dlq")

    def main(self, handler: str) -> str:
        return f"{self.consumer}.{handler}"

    def handler_of(self, queue: str | None) -> str | None:
        """``organizations.on_user_registered`` -> ``on_user_registered``; None for any other queue."""
        prefix = f"{self.consumer}."
        if not queue or not queue.startswith(prefix) or "." in queue[len(prefix):]:
            return None
        return queue[len(prefix):]


@dataclass
class DeclaredTopology:
    queues: ConsumerQueues
    handlers: dict[str, str]  # handler name -> its queue
    # the handlers' queues that did not exist before this declaration -> the event types bound to them:
    # what a new consumer missed, and what is worth replaying from the producers' outboxes
    created: dict[str, tuple[str, ...]] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)  # what was done to queues of an earlier layout


class TopologyConflict(RuntimeError):
    """A queue exists with other arguments than this version declares, and cannot be replaced now."""


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


def handler_queue_arguments(queues: ConsumerQueues) -> dict[str, Any]:
    return {
        "x-queue-type": "quorum",
        "x-delivery-limit": DELIVERY_LIMIT,
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": queues.dead,
        **_SAFE_DEAD_LETTERING,
    }


def declare_consumer_topology(
    connection: BlockingConnection,
    consumer: str,
    subscriptions: Iterable[Subscription],
    retry_delays_ms: Sequence[int] = DEFAULT_RETRY_DELAYS_MS,
    *,
    migrate: bool = False,
) -> DeclaredTopology:
    """Declare every exchange and queue a consumer needs; idempotent, safe at each start.

    ``migrate`` (``<service> declare-topology``) replaces the queues an earlier version declared
    with other arguments; without it such a queue raises ``TopologyConflict``.
    """
    subscriptions = list(subscriptions)
    names = [subscription.name for subscription in subscriptions]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f"two subscriptions of {consumer} are named {name}")
    queues = ConsumerQueues.of(consumer, retry_delays_ms)
    declared = DeclaredTopology(queues=queues, handlers={s.name: queues.main(s.name) for s in subscriptions})
    channel = connection.channel()
    for producer in sorted({producer_of(t) for s in subscriptions for t in s.event_types}):
        declare_exchange(channel, producer)
    channel.queue_declare(queue=queues.dead, durable=True, arguments={"x-queue-type": "quorum"})
    for retry_queue, delay_ms in queues.retries:
        channel.exchange_declare(exchange=retry_queue, exchange_type="fanout", durable=True)
        channel.queue_declare(
            queue=retry_queue,
            durable=True,
            arguments={
                "x-queue-type": "quorum",
                "x-message-ttl": delay_ms,
                # no dead-letter routing key: the message keeps its own, its handler's queue
                "x-dead-letter-exchange": "",
                **_SAFE_DEAD_LETTERING,
            },
        )
        channel.queue_bind(queue=retry_queue, exchange=retry_queue)
    delays = {*retry_delays_ms, *DEFAULT_RETRY_DELAYS_MS}
    for subscription in subscriptions:
        main = queues.main(subscription.name)
        existed = queue_state(connection, main) is not None
        if migrate:
            declared.changes += _migrate_handler(connection, queues, subscription, delays)
        else:
            try:
                channel.queue_declare(queue=main, durable=True, arguments=handler_queue_arguments(queues))
            except pika.exceptions.ChannelClosedByBroker as error:
                if error.reply_code != 406:
                    raise
                raise TopologyConflict(
                    f"the queue {main} exists with other arguments than this version declares ({error.reply_text}); "
                    f"it was probably declared by an earlier version, which gave each handler its own retry and "
                    f"dead-letter queues. Stop {consumer}'s consumers of the earlier version and run "
                    f"'{consumer} declare-topology' once: it moves the queue's messages and says what it did."
                ) from error
            if queue_state(connection, _holding_queue(main)) is not None:
                log.warning("a replacement of the queue stopped half-way: its holding queue still gets every event; "
                            f"run '{consumer} declare-topology' to finish it", extra={"queue": main})
        _bind_all(channel, main, subscription)
        if not existed:
            declared.created[main] = subscription.event_types
    if channel.is_open:
        channel.close()
    return declared


# -- the earlier layout ---------------------------------------------------------------------------


def queue_state(connection: BlockingConnection, queue: str) -> tuple[int, int] | None:
    """(messages ready, consumers) of a queue, or None when it does not exist."""
    channel = connection.channel()
    _ProbeAnswers.probing.active = True
    try:
        method = channel.queue_declare(queue=queue, passive=True).method
        return method.message_count, method.consumer_count
    except pika.exceptions.ChannelClosedByBroker as error:
        if error.reply_code == 404:
            return None
        raise
    finally:
        _ProbeAnswers.probing.active = False
        if channel.is_open:
            channel.close()


def move_messages(channel: BlockingChannel, source: str, target: str,
                  default_headers: dict[str, Any] | None = None) -> int:
    """Move every ready message of ``source`` to ``target`` in order; ``channel`` is in confirm mode.

    Each copy is confirmed before its original is acked: a crash in between duplicates a message,
    never loses one (consumers dedupe by their inbox)."""
    moved = 0
    while True:
        method, properties, body = channel.basic_get(queue=source, auto_ack=False)
        if method is None:
            return moved
        headers = {**(default_headers or {}), **(properties.headers or {})}
        headers.pop("x-delivery-count", None)  # the broker's count in the old queue, not the new one's
        properties.headers = headers
        channel.basic_publish(exchange="", routing_key=target, body=body, properties=properties, mandatory=True)
        channel.basic_ack(method.delivery_tag)
        moved += 1


def _holding_queue(main: str) -> str:
    return f"{main}.moving"


def _confirming_channel(connection: BlockingConnection) -> BlockingChannel:
    channel = connection.channel()
    channel.confirm_delivery()
    return channel


def _bind_all(channel: BlockingChannel, queue: str, subscription: Subscription, bind: bool = True) -> None:
    for event_type in subscription.event_types:
        exchange = exchange_name(producer_of(event_type))
        if bind:
            channel.queue_bind(queue=queue, exchange=exchange, routing_key=event_type)
        else:
            channel.queue_unbind(queue=queue, exchange=exchange, routing_key=event_type)


def _declared_as_now(connection: BlockingConnection, queues: ConsumerQueues, main: str) -> bool:
    """Declare the handler's queue; False when it exists with other arguments (PRECONDITION_FAILED)."""
    channel = connection.channel()
    try:
        channel.queue_declare(queue=main, durable=True, arguments=handler_queue_arguments(queues))
        return True
    except pika.exceptions.ChannelClosedByBroker as error:
        if error.reply_code != 406:
            raise
        return False
    finally:
        if channel.is_open:
            channel.close()


def _refuse_if_read(connection: BlockingConnection, queues: ConsumerQueues, main: str) -> None:
    state = queue_state(connection, main)
    if state is not None and state[1]:
        raise TopologyConflict(
            f"the queue {main} exists with other arguments than this version declares, and {state[1]} consumer(s) "
            f"still read it (an earlier version): stop them, then run '{queues.consumer} declare-topology' again.")


def _migrate_handler(connection: BlockingConnection, queues: ConsumerQueues, subscription: Subscription,
                     delays_ms: set[int]) -> list[str]:
    """Declare the handler's queue, replacing what an earlier layout left; returns what was done.

    Quorum queues cannot be deleted on condition (``if-empty``, ``if-unused``), so every queue is
    emptied before it is deleted, and nothing else feeds it by then: the handler's consumers are
    stopped (checked), events published meanwhile reach the holding queue through its bindings as
    well, and the old retry queues, which dead-letter into the handler's queue, are emptied first.
    """
    main, holding = queues.main(subscription.name), _holding_queue(queues.main(subscription.name))
    changes: list[str] = []
    replace = not _declared_as_now(connection, queues, main)
    channel = _confirming_channel(connection)
    try:
        if replace:
            _refuse_if_read(connection, queues, main)
            # The holding queue catches what is published while the handler's queue is replaced.
            channel.queue_declare(queue=holding, durable=True, arguments={"x-queue-type": "quorum"})
            _bind_all(channel, holding, subscription)
        target = holding if replace else main
        for delay in sorted(delays_ms):
            old_retry = f"{main}.retry.{delay}ms"
            if queue_state(connection, old_retry) is None:
                continue
            moved = move_messages(channel, old_retry, target)
            channel.queue_delete(queue=old_retry)
            changes.append(f"{old_retry}: {moved} message(s) moved to {target} (retried now rather than after "
                           f"their delay), deleted" if moved else f"{old_retry}: empty, deleted")
        if replace:
            moved = move_messages(channel, main, holding)
            _refuse_if_read(connection, queues, main)  # once more, right before the delete
            channel.queue_delete(queue=main)
            channel.queue_declare(queue=main, durable=True, arguments=handler_queue_arguments(queues))
            _bind_all(channel, main, subscription)
            changes.append(f"{main}: declared again with this version's arguments, its {moved} message(s) kept "
                           f"(moved through {holding})" if moved else
                           f"{main}: empty, declared again with this version's arguments")
        if queue_state(connection, holding) is not None:
            _bind_all(channel, holding, subscription, bind=False)
            moved = move_messages(channel, holding, main)
            channel.queue_delete(queue=holding)
            if not replace:
                changes.append(f"{holding}: left by an interrupted run; {moved} message(s) moved to {main}, deleted")
        old_dead = f"{main}.dlq"
        if queue_state(connection, old_dead) is not None:
            # Letters the broker dead-lettered there name the handler in x-death; those the consumer
            # published carry x-original-queue already. Either way the header makes it plain.
            moved = move_messages(channel, old_dead, queues.dead, default_headers={"x-original-queue": main})
            channel.queue_delete(queue=old_dead)
            changes.append(f"{old_dead}: {moved} dead letter(s) moved to {queues.dead}, deleted" if moved else
                           f"{old_dead}: empty, deleted")
    finally:
        if channel.is_open:
            channel.close()
    return changes
