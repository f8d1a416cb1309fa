from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

from reporting.adapters import orm
from reporting.adapters.journal import SqlAlchemyJournal
from reporting.adapters.read_models import SqlAlchemyReadModels
from reporting.service_layer.unit_of_work import ReportingUnitOfWork
from svckit.db import set_local_timeouts
from svckit.live import AbstractNotices
from svckit.uow import SqlAlchemyUnitOfWork

REBUILD_LOCK = 61_006  # an advisory lock key of reporting's database: one rebuild at a time


class SqlAlchemyReportingUnitOfWork(SqlAlchemyUnitOfWork, ReportingUnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session], notices: AbstractNotices | None = None) -> None:
        # reporting publishes no event (its outbox stays empty), only the live pages' notices
        super().__init__(session_factory, producer="reporting", outbox=orm.outbox, inbox=orm.inbox,
                         to_integration=lambda _event: None, notices=notices)

    def open_repositories(self, session: Session) -> None:
        self.read_models = SqlAlchemyReadModels(session)
        self.journal = SqlAlchemyJournal(session)
        # The journal and the answers' progress gather their writes to make them in one statement each (a batch of
        # events, a rebuild): before the transaction's next other statement, so that it sees them, and before
        # the commit.
        self._writing = False
        event.listen(session, "do_orm_execute", lambda _statement: self._write_pending())

    def _write_pending(self) -> None:
        if self._writing:
            return  # the pending writes' own statements
        self._writing = True
        try:
            self.journal.write_pending()
            self.read_models.write_pending()
        finally:
            self._writing = False

    def commit(self) -> None:
        self._write_pending()
        self.read_models.derive_pending()
        super().commit()

    def begin_rebuild(self) -> None:
        # SET LOCAL, first: PgBouncer's transaction mode ignores the command's own startup options (svckit.db),
        # and the lock may wait for another rebuild.
        set_local_timeouts(self.session, statement_ms=0, idle_in_transaction_ms=0)
        self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REBUILD_LOCK})
