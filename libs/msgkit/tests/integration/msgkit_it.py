"""Shared pieces of the msgkit integration tests: tables, an effect-writing handler, threads."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, String, Table, Uuid, func, insert, select, text

from msgkit import Envelope, add_to_outbox, claim_message, inbox_table, outbox_table

metadata = MetaData()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
# Every effect a handler commits, without any unique constraint: a double effect shows as two rows.
effects = Table(
    "effects",
    metadata,
    Column("message_id", Uuid, nullable=False),
    Column("handler", String(200), nullable=False),
    Column("n", Integer, nullable=False),
    Column("at", DateTime(timezone=True), server_default=func.now()),
)
started = Table("started", metadata, Column("message_id", Uuid), Column("pid", Integer))


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def event(producer: str, n: int, **payload) -> Envelope:
    return Envelope(event_type=f"{producer}.thing.happened.v1", producer=producer, aggregate_id=f"thing-{n}",
                    aggregate_version=1, payload={"n": n, **payload})


def write_events(engine: Engine, producer: str, count: int, start: int = 0, **payload) -> list[Envelope]:
    envelopes = [event(producer, n, **payload) for n in range(start, start + count)]
    with engine.begin() as connection:
        for envelope in envelopes:
            add_to_outbox(connection, outbox, envelope)
    return envelopes


def effect_handler(engine: Engine, handler: str, *, fail_when=lambda envelope: False, slow_seconds: float = 0.0):
    """A handler that records its effect and its inbox row in one transaction."""

    def handle(envelope: Envelope) -> None:
        with engine.begin() as connection:
            if not claim_message(connection, inbox, handler, envelope):
                return
            if slow_seconds:
                with engine.begin() as side:
                    side.execute(insert(started).values(message_id=uuid.UUID(envelope.message_id), pid=0))
                time.sleep(slow_seconds)
            connection.execute(insert(effects).values(message_id=uuid.UUID(envelope.message_id), handler=handler,
                                                      n=envelope.payload["n"]))
            if fail_when(envelope):
                raise RuntimeError(f"handler refuses {envelope.payload['n']}")

    handle.__name__ = handler
    return handle


def effect_counts(engine: Engine, handler: str) -> dict[int, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(effects.c.n, func.count()).where(effects.c.handler == handler).group_by(effects.c.n)
        ).all()
    return {n: count for n, count in rows}


def unpublished(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar_one()


def declare_pre_issue_16_queues(channel, consumer: str, handler: str, event_types: tuple[str, ...],
                                retry_delays_ms: tuple[int, ...]) -> None:
    """The queues of one handler as msgkit declared them before issue 16: its own retry queues and
    dead-letter queue, and its queue dead-lettering to the latter (kept here to test the migration)."""
    from msgkit.envelope import producer_of
    from msgkit.topology import declare_exchange

    main = f"{consumer}.{handler}"
    safe = {"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}
    channel.queue_declare(queue=f"{main}.dlq", durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_declare(queue=main, durable=True, arguments={
        "x-queue-type": "quorum", "x-delivery-limit": 20, "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": f"{main}.dlq", **safe})
    for delay in retry_delays_ms:
        channel.queue_declare(queue=f"{main}.retry.{delay}ms", durable=True, arguments={
            "x-queue-type": "quorum", "x-message-ttl": delay, "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": main, **safe})
    for event_type in event_types:
        channel.queue_bind(queue=main, exchange=declare_exchange(channel, producer_of(event_type)),
                           routing_key=event_type)


# The latest version of each thing, guarded by version as the replicas are: an older event changes nothing.
latest = Table("latest", metadata, Column("aggregate_id", String(200), primary_key=True),
               Column("version", Integer, nullable=False), Column("n", Integer, nullable=False))


def effect_batch_handler(engine: Engine, handler: str, *, fail_when=lambda envelope: False, batches=None,
                         applied=None, after_commit=lambda envelopes: None):
    """A batch handler as svckit builds them: one transaction, the inbox claims in one statement, each message
    claimed applied in delivery order (its effect row and the version-guarded ``latest``), one commit.
    ``batches`` collects each batch's size, ``applied`` the n of each message applied, in order."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    from msgkit import claim_messages

    def handle(envelopes) -> None:
        if batches is not None:
            batches.append(len(envelopes))
        done = []
        with engine.begin() as connection:
            claimed = claim_messages(connection, inbox, handler, envelopes)
            for envelope in envelopes:
                if envelope.message_id not in claimed:
                    continue
                claimed.discard(envelope.message_id)
                connection.execute(insert(effects).values(message_id=uuid.UUID(envelope.message_id), handler=handler,
                                                          n=envelope.payload["n"]))
                row = pg_insert(latest).values(aggregate_id=envelope.aggregate_id,
                                               version=envelope.aggregate_version, n=envelope.payload["n"])
                connection.execute(row.on_conflict_do_update(
                    index_elements=[latest.c.aggregate_id], set_={"version": row.excluded.version, "n": row.excluded.n},
                    where=latest.c.version < row.excluded.version))
                if fail_when(envelope):
                    raise RuntimeError(f"handler refuses {envelope.payload['n']}")
                done.append(envelope.payload["n"])
        if applied is not None:
            applied.extend(done)
        after_commit(envelopes)

    return handle


def latest_of(engine: Engine, aggregate_id: str) -> tuple[int, int] | None:
    with engine.connect() as connection:
        row = connection.execute(select(latest.c.version, latest.c.n).where(latest.c.aggregate_id == aggregate_id)).first()
    return None if row is None else (row.version, row.n)
