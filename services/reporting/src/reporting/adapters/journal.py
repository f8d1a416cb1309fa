from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from msgkit import Envelope
from reporting.adapters import orm
from reporting.service_layer.unit_of_work import AbstractJournal


class SqlAlchemyJournal(AbstractJournal):
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, envelope: Envelope) -> None:
        # The inbox already stops a redelivery; the unique message id keeps a replayed publication out too.
        self.session.execute(pg_insert(orm.journal).values(
            message_id=envelope.message_id, event_type=envelope.event_type, aggregate_id=envelope.aggregate_id,
            aggregate_version=envelope.aggregate_version,
            occurred_at=datetime.fromisoformat(envelope.occurred_at.replace("Z", "+00:00")),
            envelope=envelope.to_dict()).on_conflict_do_nothing(index_elements=[orm.journal.c.message_id]))

    def replay(self, event_types: frozenset[str], batch: int = 1000) -> Iterator[Envelope]:
        """The journal in the order events were applied, a page at a time (keyset on ``seq``), so that a
        journal of any size streams in constant memory."""
        table, last = orm.journal, 0
        while True:
            rows = self.session.execute(
                select(table.c.seq, table.c.envelope).where(table.c.seq > last, table.c.event_type.in_(event_types))
                .order_by(table.c.seq).limit(batch)).all()
            if not rows:
                return
            for row in rows:
                yield Envelope.from_dict(row.envelope)
            last = rows[-1].seq


def journal_status(engine: Engine) -> list[Any]:
    """Per event type: how many were journaled, the last one's occurrence and arrival, and the lag between
    them (what ``reporting projections status`` shows)."""
    table = orm.journal
    latest = (select(table.c.event_type, func.count().over(partition_by=table.c.event_type).label("events"),
                     table.c.occurred_at, table.c.received_at,
                     func.row_number().over(partition_by=table.c.event_type,
                                            order_by=table.c.seq.desc()).label("recency"))
              .subquery())
    with engine.connect() as connection:
        return connection.execute(select(latest.c.event_type, latest.c.events, latest.c.occurred_at,
                                         latest.c.received_at, (latest.c.received_at - latest.c.occurred_at)
                                         .label("lag")).where(latest.c.recency == 1)
                                  .order_by(latest.c.event_type)).all()
