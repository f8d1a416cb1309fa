from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from organizations.adapters import orm
from organizations.adapters.repositories import SqlAlchemyKnownUsers
from organizations.service_layer.unit_of_work import OrganizationsUnitOfWork
from svckit.uow import IntegrationEvent, SqlAlchemyUnitOfWork


def to_integration(_event: Any) -> IntegrationEvent | None:
    return None  # organizations publishes nothing yet (issue 3 adds its events)


class SqlAlchemyOrganizationsUnitOfWork(SqlAlchemyUnitOfWork, OrganizationsUnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        super().__init__(session_factory, producer="organizations", outbox=orm.outbox, inbox=orm.inbox,
                         to_integration=to_integration)

    def open_repositories(self, session: Session) -> None:
        self.known_users = SqlAlchemyKnownUsers(session)
