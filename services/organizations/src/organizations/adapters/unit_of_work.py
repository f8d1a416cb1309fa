from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from organizations import integration_events
from organizations.adapters import orm
from organizations.adapters.repositories import (
    SqlAlchemyImports,
    SqlAlchemyKnownUsers,
    SqlAlchemyLearners,
    SqlAlchemyOrganizations,
    SqlAlchemyReconciliationFailures,
)
from organizations.service_layer.unit_of_work import OrganizationsUnitOfWork
from svckit.uow import SqlAlchemyUnitOfWork


class SqlAlchemyOrganizationsUnitOfWork(SqlAlchemyUnitOfWork, OrganizationsUnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        super().__init__(session_factory, producer="organizations", outbox=orm.outbox, inbox=orm.inbox,
                         to_integration=integration_events.to_integration)

    def open_repositories(self, session: Session) -> None:
        self.known_users = SqlAlchemyKnownUsers(session)
        self.organizations = SqlAlchemyOrganizations(session, self.track)
        self.learners = SqlAlchemyLearners(session, self.track)
        self.imports = SqlAlchemyImports(session)
        self.reconciliation_failures = SqlAlchemyReconciliationFailures(session)
