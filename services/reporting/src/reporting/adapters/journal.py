from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from msgkit import Envelope
from reporting.adapters import orm
from reporting.service_layer.unit_of_work import AbstractJournal

# The events a transaction journaled, in one statement, in the order they were applied (``seq``). The inbox
# already stops a redelivery; the unique message id keeps a replayed publication out too.
RECORD = text("""
INSERT INTO journal (message_id, event_type, aggregate_id, aggregate_version, occurred_at, envelope)
SELECT message_id, event_type, aggregate_id, aggregate_version, occurred_at, CAST(envelope AS jsonb)
FROM unnest(CAST(:message_ids AS uuid[]), CAST(:event_types AS text[]), CAST(:aggregate_ids AS text[]),
            CAST(:aggregate_versions AS integer[]), CAST(:occurred_ats AS timestamptz[]), CAST(:envelopes AS text[]))
     WITH ORDINALITY AS recorded(message_id, event_type, aggregate_id, aggregate_version, occurred_at, envelope, rank)
ORDER BY rank
ON CONFLICT (message_id) DO NOTHING
""")


class SqlAlchemyJournal(AbstractJournal):
    def __init__(self, session: Session) -> None:
        self.session = session
        self._pending: list[Envelope] = []

    def record(self, envelope: Envelope) -> None:
        """Written with the transaction's other events, before its next statement or its commit
        (``write_pending``)."""
        self._pending.append(envelope)

    def write_pending(self) -> None:
        if not self._pending:
            return
        envelopes, self._pending = self._pending, []
        self.session.execute(RECORD, {
            "message_ids": [e.message_id for e in envelopes], "event_types": [e.event_type for e in envelopes],
            "aggregate_ids": [e.aggregate_id for e in envelopes],
            "aggregate_versions": [e.aggregate_version for e in envelopes],
            "occurred_ats": [datetime.fromisoformat(e.occurred_at.replace("Z", "+00:00")) for e in envelopes],
            "envelopes": [orjson.dumps(e.to_dict()).decode() for e in envelopes]})

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
