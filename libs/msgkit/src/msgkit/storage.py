"""The outbox and inbox tables, defined once here and created by each service's migrations.

Outbox: the state change and the event row are written in the same transaction
(``add_to_outbox`` takes the caller's session), so an event exists if and only if the change
committed. The relay publishes rows later; nothing is published from a web worker.

Inbox: a consumer records ``(handler, message_id)`` in the same transaction as the
handler's effect (``claim_message``). A redelivered message finds its row and the handler
skips it, which turns at-least-once delivery into an exactly-once effect. Rows are kept
for ``INBOX_RETENTION`` (well beyond any redelivery: retries last minutes, a replay from
the dead-letter queue is a human decision within days).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from sqlalchemy import (
    DDL,
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Uuid,
    delete,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from msgkit.envelope import Envelope

OUTBOX_RETENTION = timedelta(days=7)
INBOX_RETENTION = timedelta(days=30)


def outbox_table(metadata: MetaData, name: str = "outbox") -> Table:
    table = Table(
        name,
        metadata,
        Column("id", BigInteger, Identity(always=False), primary_key=True),
        Column("message_id", Uuid, nullable=False, unique=True),
        Column("event_type", String(200), nullable=False),
        Column("aggregate_id", String(200), nullable=False),
        Column("aggregate_version", Integer, nullable=False),
        Column("correlation_id", String(200)),
        # The whole envelope as text: published byte for byte as it was committed.
        Column("body", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("next_attempt_at", DateTime(timezone=True)),
        Column("last_error", Text),
    )
    # The relay only ever looks for unpublished rows: a partial index keeps that cheap
    # however many published rows wait for pruning.
    Index(f"ix_{name}_pending", table.c.id, postgresql_where=table.c.published_at.is_(None))
    Index(f"ix_{name}_published_at", table.c.published_at)
    for statement in outbox_wake_up_ddl(name):
        event.listen(table, "after_create", DDL(statement))
    return table


def outbox_channel(table: str = "outbox") -> str:
    """The notification channel on which the relay hears that rows were committed to ``table``."""
    return f"{table}_pending"


def outbox_wake_up_ddl(table: str = "outbox") -> list[str]:
    """A trigger that wakes the relay when rows are committed, so it need not poll to find them soon.

    Once per inserting statement, not per row, and PostgreSQL folds a transaction's identical notifications
    into one, delivered at commit only (a rolled-back transaction wakes nobody). It costs the writer no round
    trip: the notification rides in the insert it already sends. The relay still polls every ``RELAY_IDLE_MS``,
    so a notification lost (the relay's listening connection cut, or a table made without the trigger) only
    delays rows, as before.
    """
    function = f"{table}_wake_relay"
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN PERFORM pg_notify('{outbox_channel(table)}', ''); RETURN NULL; END $$",
        f"CREATE TRIGGER {function} AFTER INSERT ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


def drop_outbox_wake_up_ddl(table: str = "outbox") -> list[str]:
    function = f"{table}_wake_relay"
    return [f"DROP TRIGGER IF EXISTS {function} ON {table}", f"DROP FUNCTION IF EXISTS {function}()"]


def inbox_table(metadata: MetaData, name: str = "inbox") -> Table:
    table = Table(
        name,
        metadata,
        Column("handler", String(200), nullable=False),
        Column("message_id", Uuid, nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("handler", "message_id", name=f"pk_{name}"),
    )
    Index(f"ix_{name}_received_at", table.c.received_at)
    return table


_OUTBOX_CHUNK = 1000  # rows per executemany


def add_to_outbox(session: Session | Connection, outbox: Table, envelope: Envelope) -> None:
    """Write the event in the caller's transaction; the caller commits (or not)."""
    add_all_to_outbox(session, outbox, [envelope])


def add_all_to_outbox(session: Session | Connection, outbox: Table, envelopes: Sequence[Envelope]) -> None:
    """Write the events in the caller's transaction, in one executemany (a transaction announcing thousands of
    facts makes one round trip per thousand, not one each), in their order: the relay sends by id."""
    for start in range(0, len(envelopes), _OUTBOX_CHUNK):
        session.execute(insert(outbox), [
            {"message_id": uuid.UUID(envelope.message_id), "event_type": envelope.event_type,
             "aggregate_id": envelope.aggregate_id, "aggregate_version": envelope.aggregate_version,
             "correlation_id": envelope.correlation_id, "body": envelope.to_json()}
            for envelope in envelopes[start:start + _OUTBOX_CHUNK]])


def claim_message(session: Session | Connection, inbox: Table, handler: str, envelope: Envelope) -> bool:
    """Record the message for this handler; False if it was already processed (skip it).

    Two deliveries of one message racing in two consumers both insert; the second waits
    on the first's row lock and then does nothing, so only one effect commits.
    """
    result = session.execute(
        pg_insert(inbox)
        .values(handler=handler, message_id=uuid.UUID(envelope.message_id), event_type=envelope.event_type)
        .on_conflict_do_nothing(index_elements=["handler", "message_id"])
        .returning(inbox.c.message_id)
    )
    return result.first() is not None


def claim_messages(session: Session | Connection, inbox: Table, handler: str, envelopes: Sequence[Envelope]) -> set[str]:
    """``claim_message`` for a batch, in one statement: the ids of the messages claimed now (to apply), the
    others being already processed. A message twice in the batch is claimed once: apply its first copy only."""
    rows = {envelope.message_id: envelope for envelope in envelopes}
    if not rows:
        return set()
    result = session.execute(
        pg_insert(inbox)
        .values([{"handler": handler, "message_id": uuid.UUID(message_id), "event_type": envelope.event_type}
                 for message_id, envelope in rows.items()])
        .on_conflict_do_nothing(index_elements=["handler", "message_id"])
        .returning(inbox.c.message_id)
    )
    return {str(message_id) for message_id in result.scalars()}


def replay_outbox(connection: Connection, outbox: Table, event_types: list[str] | None = None,
                  since: datetime | None = None) -> int:
    """Mark published rows as unpublished again, so the relay sends them once more with their own message ids.

    For a consumer that subscribed after the events were published (the events went to the queues of
    that time only): consumers that had them already find the message id in their inbox and skip it,
    and replicas drop versions older than what they hold. Only rows still in the outbox (see
    ``OUTBOX_RETENTION``) can be replayed.
    """
    conditions = [outbox.c.published_at.isnot(None)]
    if event_types:
        conditions.append(outbox.c.event_type.in_(event_types))
    if since is not None:
        conditions.append(outbox.c.created_at >= since)
    return connection.execute(outbox.update().where(*conditions).values(
        published_at=None, attempts=0, next_attempt_at=None, last_error=None)).rowcount


def prune_inbox(connection: Connection, inbox: Table, retention: timedelta = INBOX_RETENTION) -> int:
    cutoff = datetime.now(timezone.utc) - retention
    return connection.execute(delete(inbox).where(inbox.c.received_at < cutoff)).rowcount


def prune_outbox(connection: Connection, outbox: Table, retention: timedelta = OUTBOX_RETENTION, limit: int = 5000) -> int:
    cutoff = datetime.now(timezone.utc) - retention
    doomed = select(outbox.c.id).where(outbox.c.published_at < cutoff).limit(limit).scalar_subquery()
    return connection.execute(delete(outbox).where(outbox.c.id.in_(doomed))).rowcount
