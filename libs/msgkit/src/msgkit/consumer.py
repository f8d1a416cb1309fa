"""The consumer loop: one connection, one queue per handler, at-least-once delivery.

The handlers of a service share its retry queues and its dead-letter queue (``msgkit.topology``).

Guarantees, and what each costs:

- **Ack after commit.** A message is acknowledged only after its handler returned, i.e.
  after the handler's transaction (with its inbox row) committed. A consumer killed in
  the middle of a message never acked it, so the broker delivers it again.
- **One effect per message.** Handlers record the message id in their inbox table in
  the same transaction as their effect (``msgkit.storage.claim_message``) and skip a
  message already recorded; redeliveries and duplicate publications have no second effect.
- **Bounded retries, then a human.** A handler that raises has its message copied to the
  service's next retry queue, with its handler's queue as routing key (it waits there, then
  comes back to that queue only), and acked; after the last delay it goes to the service's
  dead-letter queue with the error and its handler's queue in its headers (``x-last-error``,
  ``x-original-queue``, ``x-attempt``). The copy is published with a confirm before the
  original is acked, so a crash in between duplicates, never loses.
- **Poison goes straight to the dead-letter queue, with its error.** A body that cannot be
  parsed (or that a handler declares unreadable with ``MalformedMessage``) is copied to the
  dead-letter queue the same way, with ``x-dead-letter-reason: unreadable`` and the reason it
  is unreadable in ``x-last-error``, then acked: never requeued, which would loop on it forever.
  The quorum queue's delivery limit catches the remaining loop: a message that kills its
  consumer ``DELIVERY_LIMIT`` times is dead-lettered by the broker, which says so in ``x-death``.
  Nothing a message carries may kill the consumer, since each crash also returns its prefetched
  messages and counts a delivery against them: an ``x-attempt`` that is not a count reads as 0
  (``topology.attempts_of`` says why), a time without a zone as UTC.
- **A sick database is not a bad message.** When a handler fails because the database is
  unreachable (``is_transient``), the consumer does not spend the message's retries: it
  closes the channel (unacked messages go back to the queue), waits until ``ready_check``
  passes, and reconnects. A statement or transaction the database cut for overrunning a time
  bound (``statement_timeout``, ``idle_in_transaction_session_timeout``...) is not an outage: the
  database answered; the handler failed, and its message is retried (``is_database_down``).
- **Reconnects, quickly.** pika does not reconnect by itself: after a lost broker the loop
  reconnects with a back-off capped at 1.5 s and jittered (``msgkit.backoff.reconnect_backoff``:
  back within about two seconds of the broker's return, whatever the outage lasted), and
  redeclares its topology. Waiting for the database uses the same back-off.
  Heartbeats (``heartbeat`` seconds, 15 by default) detect a dead peer.
- **Clean stop.** ``stop()`` (the SIGTERM handler) only sets a flag. The message in hand is
  finished and acked; prefetched messages not yet started are left unacked and go back to
  the queue once, when the channel closes (a requeueing nack would have the broker hand
  them straight back to this still-subscribed consumer, in a loop).
- **Throughput.** Up to ``prefetch`` (100) unacked messages per channel, so the next message
  is already local while the handler commits. Acks of handled messages are sent together
  (``multiple``), every ``ack_batch`` messages and whenever the loop comes up for air: an ack
  is still only ever sent after its handler committed, and one lost with a crash only means
  a redelivery that the inbox absorbs. Sending each ack on its own costs a socket flush per
  message (see ``bench/``).
- **Batches (opt-in: ``batch`` > 1 and a subscription with a ``batch_handler``).** The loop takes the
  deliveries already in hand (it waits ``batch_wait`` seconds at most for more, up to ``batch``), and gives
  a handler's readable messages to its ``batch_handler`` at once: one transaction, each message claimed in
  the inbox and applied in delivery order, one commit. Only after that commit are they acked (``multiple``,
  once every earlier delivery is settled). The batch is all or nothing: if it raises, its transaction is
  rolled back and the consumer handles the same messages again one by one through ``handler``, each in its
  own transaction, so a failing message is retried and dead-lettered alone and the others are applied once
  (a database outage stops the batch as it stops a message: nothing acked, nothing retried). A crash before
  the commit loses the batch's effects and its messages come back; a crash between the commit and the acks
  makes redeliveries that the inbox skips. Unreadable bodies never enter a batch. On ``stop()``, the batch
  in hand is finished; deliveries not yet in a batch go back to the queue.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from typing import Any

import pika
import pika.exceptions
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from msgkit import context, metrics
from msgkit.amqp import BROKER_ERRORS
from msgkit.backoff import RECONNECT_MAXIMUM, reconnect_backoff, sleep_unless
from msgkit.envelope import Envelope, MalformedMessage
from msgkit.topology import (
    BROKER_BOOKKEEPING,
    DEFAULT_RETRY_DELAYS_MS,
    ConsumerQueues,
    Subscription,
    TopologyConflict,
    attempts_of,
    declare_consumer_topology,
)

log = logging.getLogger("msgkit.consumer")

MAX_ERROR_HEADER = 1000
TOPOLOGY_CONFLICT_WAIT = 10.0  # a conflict waits for a person to run declare-topology: no need to knock faster


@dataclass
class _Delivery:
    subscription: Subscription
    handler: str  # the handler's queue
    publisher: Any
    channel: Any
    method: Any
    properties: pika.BasicProperties
    body: bytes


class _InfrastructureDown(Exception):
    """A handler failed because something it needs (its database) is down."""


# What PostgreSQL answers when it cuts a statement or a transaction short for overrunning one of its time
# bounds (svckit.db sets them): the database is up and answering, the handler was too slow.
CUT_BY_A_TIME_BOUND = frozenset({
    "57014",  # query_canceled: statement_timeout (or a cancel request)
    "55P03",  # lock_not_available: lock_timeout
    "25P03",  # idle_in_transaction_session_timeout: the transaction sat idle (outside work in it, a mail...)
    "25P04",  # transaction_timeout (PostgreSQL 17)
})


def sqlstate_of(error: BaseException) -> str | None:
    """The SQLSTATE of a database error (SQLAlchemy's wrapper or the driver's own), None if it has none."""
    original = getattr(error, "orig", None) or error
    return getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)


def is_database_down(error: BaseException) -> bool:
    """Whether a handler failed because its database cannot be reached (spend no retry, wait for it).

    Not when the database cut the handler's own statement or transaction for running too long: psycopg's
    QueryCanceled is an OperationalError and the end of an idle transaction an invalidated connection, yet
    the database is up; taken for an outage, such a message came back without end (and its prefetched
    batch with it, at each reconnection) until the delivery limit dead-lettered them all. It is a failure
    of the handler instead, with retries and then the dead-letter queue, like any other."""
    if sqlstate_of(error) in CUT_BY_A_TIME_BOUND:
        return False
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


class Consumer:
    def __init__(
        self,
        *,
        amqp_url: str,
        consumer: str,
        subscriptions: Sequence[Subscription],
        prefetch: int = 100,
        retry_delays_ms: Sequence[int] = DEFAULT_RETRY_DELAYS_MS,
        heartbeat: int = 15,
        max_backoff: float = RECONNECT_MAXIMUM,
        is_transient: Callable[[BaseException], bool] = is_database_down,
        ready_check: Callable[[], bool] | None = None,
        housekeeping: Callable[[], None] | None = None,
        housekeeping_interval: float = 600.0,
        ack_batch: int = 50,
        batch: int = 1,
        batch_wait: float = 0.005,
    ) -> None:
        self.consumer, self.subscriptions = consumer, list(subscriptions)
        self.prefetch, self.retry_delays_ms = prefetch, tuple(retry_delays_ms)
        self.is_transient, self.ready_check = is_transient, ready_check
        self.housekeeping, self.housekeeping_interval = housekeeping, housekeeping_interval
        self._parameters = pika.URLParameters(amqp_url)
        self._parameters.heartbeat = heartbeat
        self._parameters.blocked_connection_timeout = 60
        self._parameters.client_properties = {"connection_name": f"{consumer}-consumer"}
        self._backoff = reconnect_backoff(max_backoff)
        self._stopping = False
        self._last_housekeeping = time.monotonic()
        self.ack_batch = ack_batch
        # A batch needs the next one's deliveries on their way while it commits: at least two batches in flight.
        self.batch, self.batch_wait = max(1, batch), batch_wait
        if self.batch > 1:
            self.prefetch = max(self.prefetch, 2 * self.batch)
        self._pending: list[_Delivery] = []
        self._queues = ConsumerQueues.of(consumer, self.retry_delays_ms)
        self._ack_channel: Any = None
        self._ack_tag: int | None = None  # newest handled message not yet acked on _ack_channel
        self._ack_count = 0
        self.connected = False

    def stop(self) -> None:
        """Ask the loop to stop after the message in hand; safe from a signal handler."""
        self._stopping = True

    def run(self) -> None:
        log.info("consumer starting", extra={"handlers": [s.name for s in self.subscriptions]})
        while not self._stopping:
            try:
                self._consume()
            except _InfrastructureDown:
                self._set_connected(False)
                self._wait_until_ready()
            except TopologyConflict as error:
                self._set_connected(False)
                log.error("cannot declare the queues", extra={"error": str(error)})
                sleep_unless(lambda: self._stopping, TOPOLOGY_CONFLICT_WAIT)
            except BROKER_ERRORS as error:
                self._set_connected(False)
                if self._stopping:
                    break
                delay = self._backoff.next()
                log.warning("broker connection lost, reconnecting", extra={"error": repr(error), "retry_in_s": round(delay, 2)})
                sleep_unless(lambda: self._stopping, delay)
        self._set_connected(False)
        log.info("consumer stopped")

    # -- the loop ------------------------------------------------------------------------------

    def _consume(self) -> None:
        connection = pika.BlockingConnection(self._parameters)
        try:
            channel = connection.channel()
            self._ack_channel, self._ack_tag, self._ack_count = channel, None, 0
            declared = declare_consumer_topology(connection, self.consumer, self.subscriptions, self.retry_delays_ms)
            # A second channel, in confirm mode, for the retry and dead-letter copies.
            publisher = connection.channel()
            publisher.confirm_delivery()
            channel.basic_qos(prefetch_count=self.prefetch)
            tags = [
                channel.basic_consume(
                    queue=declared.handlers[sub.name],
                    on_message_callback=partial(self._on_message, sub, declared.handlers[sub.name], publisher),
                )
                for sub in self.subscriptions
            ]
            self._set_connected(True)
            self._backoff.reset()
            log.info("consumer connected", extra={"queues": list(declared.handlers.values())})
            while not self._stopping:
                connection.process_data_events(time_limit=1.0)
                if self._pending:
                    self._take_batch(connection)
                    self._handle_pending()
                self._flush_acks()
                self._maybe_housekeeping()
            for tag in tags:
                channel.basic_cancel(tag)
            self._flush_acks()
        finally:
            self._pending = []  # not started: they go back to the queue when the channel closes
            if connection.is_open:
                try:
                    connection.close()  # unacked messages go back to their queues
                except pika.exceptions.AMQPError:
                    pass

    def _on_message(
        self,
        subscription: Subscription,
        handler: str,  # the handler's queue
        publisher: Any,
        channel: Any,
        method: Any,
        properties: pika.BasicProperties,
        body: bytes,
    ) -> None:
        if self._stopping:
            return  # not started: left unacked, it goes back to the queue when the channel closes
        if self.batch > 1:
            self._pending.append(_Delivery(subscription, handler, publisher, channel, method, properties, body))
            return
        self._handle_one(subscription, handler, publisher, channel, method, properties, body)

    def _handle_one(self, subscription: Subscription, handler: str, publisher: Any, channel: Any, method: Any,
                    properties: pika.BasicProperties, body: bytes) -> None:
        attempt = attempts_of(properties.headers)  # never raises: a bad count is 0 (see attempts_of)
        try:
            envelope = Envelope.from_json(body)
            if envelope.event_type not in subscription.event_types:
                raise MalformedMessage(f"{envelope.event_type} is not read by {handler}")
        except MalformedMessage as error:
            self._poison(channel, publisher, method, properties, body, handler, attempt, error,
                         {"message_id": properties.message_id, "handler": handler})
            return
        started = time.perf_counter()
        fields = {"message_id": envelope.message_id, "event_type": envelope.event_type,
                  "correlation_id": envelope.correlation_id, "handler": handler, "attempt": attempt}
        try:
            with context.bound(envelope.correlation_id, envelope.message_id):
                subscription.handler(envelope)
        except MalformedMessage as error:
            self._poison(channel, publisher, method, properties, body, handler, attempt, error, fields)
            return
        except Exception as error:
            if self.is_transient(error):
                self._flush_acks()  # what committed before the outage is done
                log.warning("handler cannot reach its database", extra={**fields, "error": str(error).splitlines()[0]})
                metrics.CONSUMED.labels(handler, "infrastructure_down").inc()
                raise _InfrastructureDown() from error
            self._retry_or_dead_letter(channel, publisher, method, properties, body, handler, attempt, error, fields)
            return
        self._ack_later(method.delivery_tag)
        elapsed = time.perf_counter() - started
        metrics.HANDLER_SECONDS.labels(handler).observe(elapsed)
        metrics.CONSUMED.labels(handler, "ack").inc()
        metrics.EVENT_LAG_SECONDS.labels(handler).observe(_lag(envelope))
        log.info("event consumed", extra={**fields, "duration_ms": round(elapsed * 1000, 2)})

    def _poison(self, channel: Any, publisher: Any, method: Any, properties: pika.BasicProperties, body: bytes,
                handler: str, attempt: int, error: Exception, fields: dict[str, Any]) -> None:
        # No retry can make it readable: straight to the dead-letter queue, with the reason in its headers.
        self._copy_then_ack(channel, publisher, method, properties, body, exchange="", routing_key=self._queues.dead,
                            headers={"x-attempt": attempt, "x-original-queue": handler,
                                     "x-dead-letter-reason": "unreadable", "x-last-error": _error_text(error)})
        metrics.CONSUMED.labels(handler, "poison").inc()
        log.error("unreadable message dead-lettered", extra={**fields, "target_queue": self._queues.dead,
                                                              "error": str(error)})

    def _retry_or_dead_letter(self, channel: Any, publisher: Any, method: Any, properties: pika.BasicProperties,
                              body: bytes, handler: str, attempt: int, error: Exception,
                              fields: dict[str, Any]) -> None:
        headers: dict[str, Any] = {"x-attempt": attempt + 1, "x-original-queue": handler,
                                   "x-last-error": _error_text(error)}
        if attempt < len(self._queues.retries):
            # The retry queue's exchange, keyed by the handler's queue: the delay over, the message
            # is dead-lettered by that key, back to this handler's queue and no other.
            exchange, routing_key, outcome = self._queues.retries[attempt][0], handler, "retry"
        else:
            exchange, routing_key, outcome = "", self._queues.dead, "dead_letter"
            headers["x-dead-letter-reason"] = "failed"
        self._copy_then_ack(channel, publisher, method, properties, body, exchange=exchange, routing_key=routing_key,
                            headers=headers)
        metrics.CONSUMED.labels(handler, outcome).inc()
        log.warning(f"handler failed, message sent to {outcome.replace('_', ' ')}",
                    extra={**fields, "target_queue": exchange or routing_key, "error": repr(error)},
                    exc_info=outcome == "dead_letter")

    def _copy_then_ack(self, channel: Any, publisher: Any, method: Any, properties: pika.BasicProperties, body: bytes,
                       *, exchange: str, routing_key: str, headers: dict[str, Any]) -> None:
        kept = {key: value for key, value in (properties.headers or {}).items()
                if key not in BROKER_BOOKKEEPING and key != "x-dead-letter-reason"}
        copy = pika.BasicProperties(
            content_type=properties.content_type, delivery_mode=pika.DeliveryMode.Persistent,
            message_id=properties.message_id, type=properties.type, app_id=properties.app_id,
            correlation_id=properties.correlation_id, timestamp=properties.timestamp, headers={**kept, **headers},
        )
        # Confirmed before the ack: a crash in between makes a duplicate, never a loss.
        publisher.basic_publish(exchange=exchange, routing_key=routing_key, body=body, properties=copy, mandatory=True)
        channel.basic_ack(method.delivery_tag)

    def _ack_later(self, tag: int) -> None:
        if self._pending_handled is not None:  # inside a round of batches: acked at its end (see _handle_pending)
            self._pending_handled.append(tag)
            return
        self._ack_tag = tag
        self._ack_count += 1
        if self._ack_count >= self.ack_batch:
            self._flush_acks()

    # -- batches ---------------------------------------------------------------------------------

    _pending_handled: list[int] | None = None

    def _take_batch(self, connection: Any) -> None:
        """More deliveries already on their way, up to ``batch`` per handler, ``batch_wait`` seconds at most."""
        deadline = time.monotonic() + self.batch_wait
        while not self._stopping and len(self._pending) < self.batch:
            before, left = len(self._pending), deadline - time.monotonic()
            connection.process_data_events(time_limit=max(0.0, left))
            if len(self._pending) == before and left <= 0:
                break

    def _handle_pending(self) -> None:
        """Every delivery taken: each handler's in one batch (or one by one), then the acks.

        The handlers share the channel, whose delivery tags are one sequence: an ack ``multiple`` up to a
        tag would also ack any earlier delivery still waiting here. So the acks of a round are sent once
        every delivery of the round is settled; a round cut short (the database went down) acks what it
        committed one tag at a time, and leaves the rest to come back."""
        pending, self._pending = self._pending, []
        if self._stopping:
            return  # not started: they go back to the queue when the channel closes
        groups: dict[str, list[_Delivery]] = {}
        for delivery in pending:
            groups.setdefault(delivery.handler, []).append(delivery)
        self._pending_handled = []
        try:
            for deliveries in groups.values():
                if deliveries[0].subscription.batch_handler is None:
                    for d in deliveries:
                        self._handle_one(d.subscription, d.handler, d.publisher, d.channel, d.method, d.properties,
                                         d.body)
                else:  # what one process_data_events dispatched may be more than a batch
                    for first in range(0, len(deliveries), self.batch):
                        self._handle_batch(deliveries[first:first + self.batch])
        except _InfrastructureDown:
            handled, self._pending_handled = self._pending_handled, None
            if self._ack_channel is not None and self._ack_channel.is_open:
                for tag in handled:
                    self._ack_channel.basic_ack(tag)
            raise
        handled, self._pending_handled = self._pending_handled, None
        if handled:
            self._ack_tag = max(handled)
            self._ack_count += len(handled)

    def _handle_batch(self, deliveries: list[_Delivery]) -> None:
        subscription, handler = deliveries[0].subscription, deliveries[0].handler
        readable: list[tuple[_Delivery, Envelope]] = []
        for d in deliveries:
            try:
                envelope = Envelope.from_json(d.body)
                if envelope.event_type not in subscription.event_types:
                    raise MalformedMessage(f"{envelope.event_type} is not read by {handler}")
            except MalformedMessage as error:
                self._poison(d.channel, d.publisher, d.method, d.properties, d.body, handler,
                             attempts_of(d.properties.headers), error,
                             {"message_id": d.properties.message_id, "handler": handler})
                continue
            readable.append((d, envelope))
        if not readable:
            return
        started = time.perf_counter()
        try:
            subscription.batch_handler([envelope for _, envelope in readable])
        except Exception as error:
            if self.is_transient(error):
                log.warning("handler cannot reach its database", extra={
                    "handler": handler, "batch": len(readable), "error": str(error).splitlines()[0]})
                metrics.CONSUMED.labels(handler, "infrastructure_down").inc()
                raise _InfrastructureDown() from error
            # All or nothing: rolled back whole. Each message again in its own transaction, so that the one
            # that fails is retried and dead-lettered alone.
            log.warning("batch failed, its messages handled one by one", extra={
                "handler": handler, "batch": len(readable), "error": repr(error)})
            metrics.CONSUMED.labels(handler, "batch_failed").inc()
            for d, _ in readable:
                self._handle_one(subscription, handler, d.publisher, d.channel, d.method, d.properties, d.body)
            return
        elapsed = time.perf_counter() - started
        for d, envelope in readable:
            self._ack_later(d.method.delivery_tag)
            metrics.HANDLER_SECONDS.labels(handler).observe(elapsed / len(readable))
            metrics.CONSUMED.labels(handler, "ack").inc()
            metrics.EVENT_LAG_SECONDS.labels(handler).observe(_lag(envelope))
        log.info("events consumed", extra={"handler": handler, "batch": len(readable),
                                           "message_ids": [envelope.message_id for _, envelope in readable],
                                           "duration_ms": round(elapsed * 1000, 2)})

    def _flush_acks(self) -> None:
        # ``multiple`` acks every outstanding tag up to this one; tags already settled on
        # their own (retries, dead letters, poison) are not outstanding and are not touched.
        if self._ack_tag is not None and self._ack_channel is not None and self._ack_channel.is_open:
            self._ack_channel.basic_ack(self._ack_tag, multiple=True)
        self._ack_tag, self._ack_count = None, 0

    # -- helpers ---------------------------------------------------------------------------------

    def _wait_until_ready(self) -> None:
        backoff = reconnect_backoff()
        while not self._stopping:
            try:
                if self.ready_check is None or self.ready_check():
                    return
            except Exception as error:  # noqa: BLE001 - the check itself failing means "not ready"
                log.debug("ready check failed", extra={"error": str(error)})
            sleep_unless(lambda: self._stopping, backoff.next())

    def _maybe_housekeeping(self) -> None:
        if self.housekeeping is None or time.monotonic() - self._last_housekeeping < self.housekeeping_interval:
            return
        self._last_housekeeping = time.monotonic()
        try:
            self.housekeeping()
        except Exception:
            log.exception("housekeeping failed")

    def _set_connected(self, value: bool) -> None:
        self.connected = value
        metrics.BROKER_CONNECTED.labels("consumer").set(1 if value else 0)


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_HEADER]


def _lag(envelope: Envelope) -> float:
    occurred = datetime.fromisoformat(envelope.occurred_at.replace("Z", "+00:00"))
    if occurred.tzinfo is None:
        # The envelope accepts a time without a zone; subtracting it from an aware one raised, after the
        # handler committed, and killed the consumer. Producers write UTC.
        occurred = occurred.replace(tzinfo=timezone.utc)
    return max(0.0, (datetime.now(timezone.utc) - occurred).total_seconds())
