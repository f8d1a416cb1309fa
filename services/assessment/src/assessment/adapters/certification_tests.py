"""The certification tests' repository (SQLAlchemy Core).

The hot path (next question, answer) reads one row, the test's answers and its live alerts (most tests have
none: one index probe on (course_id, number)); the pool is read
once per process and kept (a pool never changes: its id is the digest of its contents). The answers and alerts
a process last read or wrote are kept too (adapters.state_cache), stamped with the row's version and ``xmin``,
which the statement that reads (and locks) the row returns: while they are the same, the two other reads are
spared.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, delete, func, insert, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from assessment.adapters import orm
from assessment.adapters.state_cache import StateCache
from assessment.domain.certification import (
    CertificationAnswer,
    CertificationTest,
    ItemPool,
    LiveAlert,
    PendingEnd,
    item_document,
    item_from_document,
)
from assessment.service_layer.ports import AbstractCertificationTests
from svckit.uow import ConcurrentUpdate

Track = Callable[[Any], Any]


class PoolCache:
    """The pools a process has read, by id (immutable, so never stale); a few per release at most."""

    def __init__(self) -> None:
        self._pools: dict[str, ItemPool] = {}
        self._lock = threading.Lock()

    def get(self, pool_id: str) -> ItemPool | None:
        return self._pools.get(pool_id)

    def keep(self, pool: ItemPool) -> None:
        with self._lock:
            self._pools[pool.id] = pool


@dataclass(frozen=True)
class TestSnapshot:
    """A test's answers and alerts as a process last read or wrote them (each request copies the alerts)."""

    __test__ = False

    answers: tuple[CertificationAnswer, ...]
    alerts: tuple[LiveAlert, ...]

    @classmethod
    def of(cls, test: CertificationTest) -> TestSnapshot:
        return cls(tuple(test.answers), tuple(dataclasses.replace(alert) for alert in test.alerts))


_XMIN = literal_column("xmin::text").label("xmin")
_SET = ("state", "end_reason", "ended_at", "current_challenge_id", "current_served_at", "version")
_UPDATE = (update(orm.certification_tests)
           .where(orm.certification_tests.c.course_id == bindparam("b_course_id"),
                  orm.certification_tests.c.version == bindparam("read_version"))
           .values({name: bindparam(name) for name in _SET})
           .returning(literal_column("xmin::text")))


class SqlAlchemyCertificationTests(AbstractCertificationTests):
    def __init__(self, session: Session, track: Track, pools: PoolCache,
                 states: StateCache[TestSnapshot] | None = None) -> None:
        self.session, self.track, self.pools = session, track, pools
        self.states = states if states is not None else StateCache(0)

    def lock_course(self, course_id: UUID) -> None:
        # A transaction-scoped advisory lock on the course: a start and an invigilator's end handled at once
        # by two consumers wait for each other, so neither misses the other's row.
        self.session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(str(course_id), 0))))

    def _pool(self, pool_id: str) -> ItemPool:
        pool = self.pools.get(pool_id)
        if pool is None:
            row = self.session.execute(select(orm.certification_item_pools)
                                       .where(orm.certification_item_pools.c.id == pool_id)).mappings().one()
            pool = ItemPool(row["id"], row["content_version"], row["parameters"],
                            tuple(item_from_document(item) for item in row["items"]))
            self.pools.keep(pool)
        return pool

    def get(self, course_id: UUID, *, for_update: bool = False) -> CertificationTest | None:
        course_id = course_id if isinstance(course_id, UUID) else UUID(str(course_id))
        table = orm.certification_tests
        query = select(table, _XMIN).where(table.c.course_id == course_id)
        row = self.session.execute(query.with_for_update() if for_update else query).mappings().first()
        if row is None:
            return None
        snapshot = self.states.get(course_id, (row["version"], row["xmin"]))
        if snapshot is not None:
            answers, alerts = list(snapshot.answers), [dataclasses.replace(alert) for alert in snapshot.alerts]
        else:
            answers = [CertificationAnswer(index=a["index"], challenge_id=a["challenge_id"], value=a["value"],
                                           status=a["status"], answered_at=a["answered_at"],
                                           elapsed_ms=a["elapsed_ms"])
                       for a in self.session.execute(select(orm.certification_answers)
                                                     .where(orm.certification_answers.c.course_id == course_id)
                                                     .order_by(orm.certification_answers.c.index)).mappings()]
            alerts = [LiveAlert(id=a["id"], number=a["number"], challenge_id=a["challenge_id"],
                                question_number=a["question_number"], raised_at=a["raised_at"], status=a["status"],
                                decided_at=a["decided_at"], decided_by=a["decided_by"])
                      for a in self.session.execute(select(orm.certification_live_alerts)
                                                    .where(orm.certification_live_alerts.c.course_id == course_id)
                                                    .order_by(orm.certification_live_alerts.c.number)).mappings()]
        test = CertificationTest(
            course_id=row["course_id"], user_id=row["user_id"], configuration_version=row["configuration_version"],
            extra_time_percentage=row["extra_time_percentage"], pool=self._pool(row["pool_id"]),
            started_at=row["started_at"], state=row["state"], end_reason=row["end_reason"],
            ended_at=row["ended_at"], current_challenge_id=row["current_challenge_id"],
            current_served_at=row["current_served_at"], version=row["version"], answers=answers, alerts=alerts)
        if snapshot is None:
            self.states.keep(course_id, (row["version"], row["xmin"]), TestSnapshot.of(test))
        return self.track(test)

    def add(self, test: CertificationTest) -> None:
        pool = test.pool
        self.session.execute(pg_insert(orm.certification_item_pools).values(
            id=pool.id, content_version=pool.content_version, parameters=pool.parameters,
            items=[item_document(item) for item in pool.items], created_at=datetime.now(timezone.utc))
            .on_conflict_do_nothing(index_elements=["id"]))
        self.session.execute(insert(orm.certification_tests).values(
            course_id=test.course_id, user_id=test.user_id, configuration_version=test.configuration_version,
            extra_time_percentage=test.extra_time_percentage, pool_id=pool.id, started_at=test.started_at,
            version=test.version, **self._columns(test)))
        test.loaded_version = test.version
        self._write_new(test)
        self.track(test)

    def save(self, test: CertificationTest) -> None:
        if test.version == test.loaded_version:
            if test.new_answers or test.changed_alerts:  # never happens: a change bumps the version
                self.states.drop(test.course_id)
            self._write_new(test)
            return
        written = self.session.execute(_UPDATE, {
            **self._columns(test), "version": test.version, "b_course_id": test.course_id,
            "read_version": test.loaded_version}).scalar()
        if written is None:
            self.states.drop(test.course_id)
            raise ConcurrentUpdate(f"certification test {test.course_id} changed since it was read")
        test.loaded_version = test.version
        self._write_new(test)
        # Stamped with this transaction's id: if it rolls back, no row will ever carry it.
        self.states.keep(test.course_id, (test.version, written), TestSnapshot.of(test))

    @staticmethod
    def _columns(test: CertificationTest) -> dict[str, Any]:
        return {"state": test.state, "end_reason": test.end_reason, "ended_at": test.ended_at,
                "current_challenge_id": test.current_challenge_id, "current_served_at": test.current_served_at}

    def _write_new(self, test: CertificationTest) -> None:
        if test.new_answers:
            self.session.execute(insert(orm.certification_answers), [
                {"course_id": test.course_id, "index": a.index, "challenge_id": a.challenge_id, "value": a.value,
                 "status": a.status, "answered_at": a.answered_at, "elapsed_ms": a.elapsed_ms}
                for a in test.new_answers])
            test.new_answers.clear()
        if test.changed_alerts:
            table = orm.certification_live_alerts
            statement = pg_insert(table).values([
                {"id": a.id, "course_id": test.course_id, "number": a.number, "challenge_id": a.challenge_id,
                 "question_number": a.question_number, "status": a.status, "raised_at": a.raised_at,
                 "decided_at": a.decided_at, "decided_by": a.decided_by} for a in {a.id: a for a in
                                                                                   test.changed_alerts}.values()])
            self.session.execute(statement.on_conflict_do_update(index_elements=[table.c.id], set_={
                "status": statement.excluded.status, "decided_at": statement.excluded.decided_at,
                "decided_by": statement.excluded.decided_by}))
            test.changed_alerts.clear()

    def pending_end(self, course_id: UUID) -> PendingEnd | None:
        table = orm.certification_pending_ends
        row = self.session.execute(select(table).where(table.c.course_id == course_id)).first()
        return PendingEnd(row.course_id, row.ended_at) if row else None

    def keep_pending_end(self, end: PendingEnd) -> None:
        self.session.execute(pg_insert(orm.certification_pending_ends).values(
            course_id=end.course_id, ended_at=end.ended_at).on_conflict_do_nothing(index_elements=["course_id"]))

    def forget_pending_end(self, course_id: UUID) -> None:
        table = orm.certification_pending_ends
        self.session.execute(delete(table).where(table.c.course_id == course_id))
