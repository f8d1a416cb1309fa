"""The outbox relay: publishes committed outbox rows to the producer's exchange.

Guarantees, and what each costs:

- **Nothing committed is lost.** A row is marked published only after the broker confirmed
  it (publisher confirms): a confirm means the message is on disk in a durable queue (for
  quorum queues, on a majority of nodes). A crash, a lost connection or a broker restart
  between publish and confirm leaves the row unpublished, and it is published again later.
  The price is that a message may be published twice; consumers dedupe with their inbox.
- **Unroutable events are not dropped.** An event no queue is bound for goes to the
  exchange's alternate exchange and waits in ``<producer>.unrouted`` (see ``topology``).
  Every message is also published ``mandatory``: if even that routing fails (a broken
  topology), the broker returns it and the row stays in the outbox with a growing delay
  (``next_attempt_at``). A nacked message is kept the same way. Neither blocks the rows
  behind it.
- **Fast.** Confirms are awaited for a whole window (one batch of ``batch_size`` rows,
  published back to back) instead of one by one: a synchronous confirm per message costs
  about six times the throughput here (see ``bench/``).
- **Safe with several replicas.** Each batch is claimed with ``SELECT ... FOR UPDATE SKIP
  LOCKED`` and its row locks are held until the confirms are in and the rows are marked,
  so two relays never publish the same row at once; each takes the next free batch. That
  transaction is idle while the confirms come (up to ``confirm_timeout``, 30 s): it sets its own
  ``idle_in_transaction_session_timeout`` to four times that (``SET LOCAL``), so that the database
  never ends it first, whatever the process's bound (svckit.db).
  Two replicas do not keep the global order of rows: consumers drop stale updates with
  ``aggregate_version``.
- **Patient with the broker, and quick to come back.** While it is unreachable the relay
  retries with a back-off capped at 1.5 s and jittered (``msgkit.backoff.reconnect_backoff``),
  so it publishes again within about two seconds of the broker's return; rows pile up in the
  outbox meanwhile and nothing else waits.
- **Soon, without polling hard.** A trigger on the outbox notifies the relay's channel when rows are
  committed (``storage.outbox_wake_up_ddl``); the relay LISTENs on a connection of its own, watched by the
  same I/O loop, and claims ``wake_delay`` (5 ms) after a notification, instead of at its next poll
  (``idle_interval``, 200 ms). Notifications that come while a batch is in flight make the next claim come
  as soon. The poll stays, as the fallback for a notification lost with that connection (the relay opens
  it again at its next idle poll). LISTEN needs a session of its own: relays connect to their database
  directly, not through PgBouncer's transaction mode.
- **Clean stop.** ``stop()`` (the SIGTERM handler) only sets a flag; the batch in flight gets
  its confirms and its rows marked, then the connection closes.

The relay runs pika's ``SelectConnection`` (callbacks on an I/O loop) because the blocking
adapter can only wait for confirms one message at a time. Database work runs inside the
loop's callbacks: a batch takes milliseconds, well under the heartbeat.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pika
import psycopg
from pika.adapters.select_connection import PollEvents
from pika.spec import Basic
from sqlalchemy import Engine, Table, func, or_, select, text, update
from sqlalchemy.engine import Connection, RootTransaction
from sqlalchemy.exc import SQLAlchemyError

from msgkit import metrics
from msgkit.amqp import BROKER_ERRORS
from msgkit.backoff import RECONNECT_MAXIMUM, reconnect_backoff, sleep_unless
from msgkit.storage import OUTBOX_RETENTION, outbox_channel, prune_outbox
from msgkit.topology import declare_exchange, exchange_name

log = logging.getLogger("msgkit.relay")

MAX_ROW_DELAY = timedelta(minutes=5)
# How much longer than the confirm wait a batch's transaction may stay idle before PostgreSQL ends it.
BATCH_IDLE_FACTOR = 4


@dataclass
class _Batch:
    connection: Connection
    transaction: RootTransaction
    started: float
    size: int
    pending: dict[int, Any] = field(default_factory=dict)  # delivery tag -> row
    acked: list[Any] = field(default_factory=list)
    failed: list[tuple[Any, str]] = field(default_factory=list)
    returned: dict[str, str] = field(default_factory=dict)  # message id -> reply text
    timeout: object | None = None


class OutboxRelay:
    def __init__(
        self,
        *,
        engine: Engine,
        outbox: Table,
        amqp_url: str,
        producer: str,
        batch_size: int = 500,
        idle_interval: float = 0.2,
        wake_delay: float | None = 0.005,
        confirm_timeout: float = 30.0,
        heartbeat: int = 15,
        max_backoff: float = RECONNECT_MAXIMUM,
        retention: timedelta = OUTBOX_RETENTION,
        housekeeping_interval: float = 300.0,
    ) -> None:
        self.engine, self.outbox, self.producer = engine, outbox, producer
        self.exchange = exchange_name(producer)
        self.batch_size, self.idle_interval, self.confirm_timeout = batch_size, idle_interval, confirm_timeout
        # None: no LISTEN, the relay finds rows by polling only (the behaviour before notifications, for benches).
        self.wake_delay = wake_delay
        # confirm_timeout (30 s) is well below the idle bound of the batch's transaction (2 minutes): the relay
        # gives up on slow confirms (and reconnects) long before the database would end its session.
        self.batch_idle_bound_ms = int(confirm_timeout * BATCH_IDLE_FACTOR * 1000)
        self.retention, self.housekeeping_interval = retention, housekeeping_interval
        self._parameters = pika.URLParameters(amqp_url)
        self._parameters.heartbeat = heartbeat
        self._parameters.client_properties = {"connection_name": f"{producer}-relay"}
        self._backoff = reconnect_backoff(max_backoff)
        self._db_backoff = reconnect_backoff(max_backoff)
        self._stopping = False
        self._connection: pika.SelectConnection | None = None
        self._channel: Any = None
        self._delivery_tag = 0
        self._batch: _Batch | None = None
        self._next_pump: tuple[object, float] | None = None  # (the loop's timeout, when it is due)
        self._listener: tuple[psycopg.Connection, int] | None = None  # the connection and its socket
        self._notified = False
        self._last_housekeeping = 0.0
        self.connected = False

    # -- lifecycle -------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the relay to stop; safe to call from a signal handler."""
        self._stopping = True

    def run(self) -> None:
        log.info("relay starting", extra={"exchange": self.exchange})
        while not self._stopping:
            if not self._declare_topology():
                self._retry_later()
                continue
            self._connection = pika.SelectConnection(
                self._parameters,
                on_open_callback=self._on_connection_open,
                on_open_error_callback=self._on_connection_open_error,
                on_close_callback=self._on_connection_closed,
            )
            self._connection.ioloop.start()
            self._set_connected(False)
            if not self._stopping:
                self._retry_later()
        log.info("relay stopped")

    def _retry_later(self) -> None:
        delay = self._backoff.next()
        log.warning("broker unreachable, retrying", extra={"retry_in_s": round(delay, 2)})
        sleep_unless(lambda: self._stopping, delay)

    def _declare_topology(self) -> bool:
        # The exchange and its alternate exchange, declared on a short blocking connection:
        # the callback-style channel below would need five nested callbacks for the same.
        try:
            connection = pika.BlockingConnection(self._parameters)
        except BROKER_ERRORS as error:
            log.warning("cannot connect to the broker", extra={"error": repr(error)})
            return False
        try:
            declare_exchange(connection.channel(), self.producer)
            return True
        except BROKER_ERRORS as error:
            log.error("cannot declare the exchange", extra={"error": repr(error)})
            return False
        finally:
            if connection.is_open:
                connection.close()

    def _set_connected(self, value: bool) -> None:
        self.connected = value
        metrics.BROKER_CONNECTED.labels("relay").set(1 if value else 0)

    # -- connection and channel ----------------------------------------------------------

    def _on_connection_open(self, connection: pika.SelectConnection) -> None:
        connection.channel(on_open_callback=self._on_channel_open)

    def _on_connection_open_error(self, connection: pika.SelectConnection, error: BaseException) -> None:
        log.warning("cannot connect to the broker", extra={"error": str(error)})
        connection.ioloop.stop()

    def _on_connection_closed(self, connection: pika.SelectConnection, reason: BaseException) -> None:
        self._channel = None
        self._next_pump = None
        self._stop_listening()
        if self._batch is not None:
            # Confirms that never came: the rows stay unpublished and go out again later.
            log.warning("connection lost with a batch in flight", extra={"rows": self._batch.size})
            self._abandon_batch()
        if not self._stopping:
            log.warning("broker connection closed", extra={"reason": str(reason)})
        connection.ioloop.stop()

    def _on_channel_open(self, channel: Any) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(ack_nack_callback=self._on_confirm, callback=self._on_confirm_mode)

    def _on_confirm_mode(self, _frame: Any) -> None:
        self._delivery_tag = 0
        self._set_connected(True)
        self._backoff.reset()
        log.info("relay connected", extra={"exchange": self.exchange})
        self._listen()
        self._schedule(0)

    def _on_channel_closed(self, _channel: Any, reason: BaseException) -> None:
        self._channel = None
        connection = self._connection
        if connection is not None and connection.is_open:
            log.warning("channel closed, reconnecting", extra={"reason": str(reason)})
            connection.close()

    # -- the publishing pump ---------------------------------------------------------------

    def _schedule(self, delay: float) -> None:
        """The next claim, in ``delay`` seconds; one is ever pending, so a wake-up never starts a second loop."""
        if self._connection is None:
            return
        ioloop = self._connection.ioloop
        if self._next_pump is not None:
            ioloop.remove_timeout(self._next_pump[0])
        self._next_pump = (ioloop.call_later(delay, self._pump), time.monotonic() + delay)

    def _pump(self) -> None:
        self._next_pump = None
        if self._batch is not None or self._channel is None:
            return
        if self._stopping:
            if self._connection is not None and self._connection.is_open:
                self._connection.close()
            return
        try:
            self._housekeeping()
            batch = self._claim()
        except SQLAlchemyError as error:
            delay = self._db_backoff.next()
            log.warning("outbox unreachable", extra={"error": str(error).splitlines()[0], "retry_in_s": round(delay, 2)})
            self._schedule(delay)
            return
        self._db_backoff.reset()
        if batch is None:
            self._listen()
            self._schedule(self.idle_interval)
            return
        self._batch = batch
        for row in batch.pending.values():
            self._channel.basic_publish(
                exchange=self.exchange,
                routing_key=row.event_type,
                body=row.body.encode(),
                properties=pika.BasicProperties(
                    content_type="application/json",
                    delivery_mode=pika.DeliveryMode.Persistent,
                    message_id=str(row.message_id),
                    type=row.event_type,
                    app_id=self.producer,
                    correlation_id=row.correlation_id,
                    timestamp=int(row.created_at.timestamp()),
                    headers={"x-correlation-id": row.correlation_id} if row.correlation_id else None,
                ),
                mandatory=True,
            )
        batch.timeout = self._connection.ioloop.call_later(self.confirm_timeout, self._on_confirm_timeout)

    def _claim(self) -> _Batch | None:
        o = self.outbox
        connection = self.engine.connect()
        transaction = connection.begin()
        try:
            rows = connection.execute(
                select(o.c.id, o.c.message_id, o.c.event_type, o.c.correlation_id, o.c.body, o.c.attempts, o.c.created_at)
                .where(o.c.published_at.is_(None), or_(o.c.next_attempt_at.is_(None), o.c.next_attempt_at <= func.now()))
                .order_by(o.c.id)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
        except BaseException:
            transaction.rollback()
            connection.close()
            raise
        if not rows:
            transaction.commit()
            connection.close()
            return None
        try:
            # The rows stay locked, the transaction idle, while the confirms come: its idle bound must be well
            # above the confirm wait, whatever the process's own (30 s, the same as the wait, once ended the
            # session under a relay waiting for slow confirms, and the batch was published again). SET LOCAL,
            # for this transaction only, is what PgBouncer's transaction mode lets through.
            connection.execute(text("SELECT set_config('idle_in_transaction_session_timeout', :ms, true)"),
                               {"ms": str(self.batch_idle_bound_ms)})
        except BaseException:
            transaction.rollback()
            connection.close()
            raise
        batch = _Batch(connection=connection, transaction=transaction, started=time.perf_counter(), size=len(rows))
        for row in rows:
            self._delivery_tag += 1
            batch.pending[self._delivery_tag] = row
        return batch

    def _on_return(self, _channel: Any, method: Any, properties: pika.BasicProperties, _body: bytes) -> None:
        # The broker returns an unroutable mandatory message just before confirming it.
        if self._batch is not None and properties.message_id:
            self._batch.returned[properties.message_id] = method.reply_text

    def _on_confirm(self, frame: Any) -> None:
        batch = self._batch
        if batch is None:
            return
        method = frame.method
        acked = isinstance(method, Basic.Ack)
        tags = [tag for tag in batch.pending if tag <= method.delivery_tag] if method.multiple else [method.delivery_tag]
        for tag in tags:
            row = batch.pending.pop(tag, None)
            if row is None:
                continue
            if not acked:
                batch.failed.append((row, "NACKED"))
            elif str(row.message_id) in batch.returned:
                batch.failed.append((row, f"UNROUTABLE: {batch.returned[str(row.message_id)]}"))
            else:
                batch.acked.append(row)
        if not batch.pending:
            self._finish_batch()

    def _on_confirm_timeout(self) -> None:
        if self._batch is None:
            return
        log.warning("confirms did not come in time, reconnecting", extra={"timeout_s": self.confirm_timeout})
        self._batch.timeout = None
        if self._connection is not None and self._connection.is_open:
            self._connection.close()  # the batch is abandoned in _on_connection_closed

    def _finish_batch(self) -> None:
        batch = self._batch
        assert batch is not None
        if batch.timeout is not None and self._connection is not None:
            self._connection.ioloop.remove_timeout(batch.timeout)
        o = self.outbox
        try:
            if batch.acked:
                batch.connection.execute(
                    update(o).where(o.c.id.in_([row.id for row in batch.acked])).values(published_at=func.now(), last_error=None)
                )
            now = datetime.now(timezone.utc)
            for row, reason in batch.failed:
                delay = min(timedelta(seconds=2 ** min(row.attempts, 16)), MAX_ROW_DELAY)
                batch.connection.execute(
                    update(o)
                    .where(o.c.id == row.id)
                    .values(attempts=o.c.attempts + 1, next_attempt_at=now + delay, last_error=reason)
                )
            batch.transaction.commit()
        except SQLAlchemyError as error:
            # Published but not marked: the rows go out again later (consumers dedupe).
            log.error("cannot mark published rows", extra={"error": str(error).splitlines()[0]})
            self._abandon_batch()
            self._schedule(self._db_backoff.next())
            return
        finally:
            batch.connection.close()
        self._batch = None
        metrics.OUTBOX_BATCH_SECONDS.observe(time.perf_counter() - batch.started)
        for row in batch.acked:
            metrics.PUBLISHED.labels(row.event_type).inc()
            log.info(
                "event published",
                extra={"message_id": str(row.message_id), "event_type": row.event_type, "correlation_id": row.correlation_id},
            )
        for row, reason in batch.failed:
            metrics.PUBLISH_FAILURES.labels(reason.split(":")[0]).inc()
            log.warning(
                "event not taken by the broker, kept for later",
                extra={"message_id": str(row.message_id), "event_type": row.event_type, "reason": reason},
            )
        # A full batch means more rows are probably waiting: go again at once; rows committed meanwhile, soon.
        notified, self._notified = self._notified, False
        if batch.size == self.batch_size:
            self._schedule(0)
        else:
            self._schedule(self.wake_delay if notified and self.wake_delay is not None else self.idle_interval)

    # -- the wake-up: LISTEN on the outbox's channel ------------------------------------------

    def _listen(self) -> None:
        if self.wake_delay is None or self._listener is not None or self._connection is None:
            return
        try:
            raw = self.engine.raw_connection()
            listener = raw.driver_connection
            raw.detach()  # a session of its own, for as long as the relay listens; never back to the pool
            listener.rollback()  # whatever the pool's check-out began; autocommit needs no transaction open
            listener.autocommit = True
            listener.execute(f'LISTEN "{outbox_channel(self.outbox.name)}"')
        except (SQLAlchemyError, psycopg.Error) as error:
            log.warning("cannot listen for new outbox rows, polling only",
                        extra={"error": str(error).splitlines()[0] if str(error) else repr(error)})
            return
        self._listener = (listener, listener.fileno())
        self._connection.ioloop.add_handler(self._listener[1], self._on_notification, PollEvents.READ)

    def _on_notification(self, _fd: int, _events: int) -> None:
        if self._listener is None:
            return
        listener = self._listener[0]
        try:
            listener.pgconn.consume_input()
            while listener.pgconn.notifies() is not None:
                pass
        except psycopg.Error as error:
            log.warning("lost the outbox's notifications, polling until they are back", extra={"error": str(error)})
            self._stop_listening()
            return
        if self._batch is not None:
            self._notified = True
        elif self._next_pump is not None and self._next_pump[1] > time.monotonic() + self.wake_delay:
            self._schedule(self.wake_delay)

    def _stop_listening(self) -> None:
        listening, self._listener = self._listener, None
        if listening is None:
            return
        listener, socket = listening
        if self._connection is not None:
            try:
                self._connection.ioloop.remove_handler(socket)
            except OSError:
                pass  # libpq closed the socket when the session was lost, and epoll forgot it then
        try:
            listener.close()
        except psycopg.Error:
            pass

    def _abandon_batch(self) -> None:
        batch, self._batch = self._batch, None
        if batch is None:
            return
        try:
            batch.transaction.rollback()
            batch.connection.close()
        except SQLAlchemyError:
            batch.connection.invalidate()

    def _housekeeping(self) -> None:
        now = time.monotonic()
        if now - self._last_housekeeping < self.housekeeping_interval:
            return
        self._last_housekeeping = now
        with self.engine.begin() as connection:
            pruned = prune_outbox(connection, self.outbox, self.retention)
        if pruned:
            log.info("outbox pruned", extra={"rows": pruned})
