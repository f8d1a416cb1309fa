from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from certification import integration_events
from certification.adapters import orm
from certification.adapters.repositories import (
    SqlAlchemyCandidates,
    SqlAlchemyCenters,
    SqlAlchemyFailures,
    SqlAlchemyInvigilators,
    SqlAlchemyLiveAlerts,
    SqlAlchemyReplicas,
    SqlAlchemyResults,
    SqlAlchemySessions,
    SqlAlchemyWindows,
)
from certification.service_layer.unit_of_work import CertificationUnitOfWork
from svckit.live import AbstractNotices
from svckit.uow import SqlAlchemyUnitOfWork


class SqlAlchemyCertificationUnitOfWork(SqlAlchemyUnitOfWork, CertificationUnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session], notices: AbstractNotices | None = None) -> None:
        super().__init__(session_factory, producer="certification", outbox=orm.outbox, inbox=orm.inbox,
                         to_integration=integration_events.to_integration, notices=notices)

    def open_repositories(self, session: Session) -> None:
        self.centers = SqlAlchemyCenters(session, self.track)
        self.windows = SqlAlchemyWindows(session)
        self.sessions = SqlAlchemySessions(session, self.track)
        self.candidates = SqlAlchemyCandidates(session, self.track)
        self.replicas = SqlAlchemyReplicas(session)
        self.failures = SqlAlchemyFailures(session)
        self.invigilators = SqlAlchemyInvigilators(session)
        self.results = SqlAlchemyResults(session)
        self.live_alerts = SqlAlchemyLiveAlerts(session, self.track)
