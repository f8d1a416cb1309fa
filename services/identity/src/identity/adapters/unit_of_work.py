from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from identity.adapters import orm
from identity.adapters.clients import SqlAlchemyOAuthClients
from identity.adapters.replicas import SqlAlchemyMembershipReplica
from identity.adapters.repositories import (
    SqlAlchemyAccountTokens,
    SqlAlchemyGarLinks,
    SqlAlchemyLoginFailures,
    SqlAlchemyMailRequests,
    SqlAlchemyRefreshTokenRepository,
    SqlAlchemyTemporaryPasswords,
    SqlAlchemyUsedAssertions,
    SqlAlchemyUserRepository,
)
from identity.integration_events import to_integration
from identity.service_layer.unit_of_work import IdentityUnitOfWork
from svckit.uow import SqlAlchemyUnitOfWork


class SqlAlchemyIdentityUnitOfWork(SqlAlchemyUnitOfWork, IdentityUnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        super().__init__(session_factory, producer="identity", outbox=orm.outbox, inbox=orm.inbox,
                         to_integration=to_integration)

    def open_repositories(self, session: Session) -> None:
        self.users = SqlAlchemyUserRepository(session, self.track)
        self.refresh_tokens = SqlAlchemyRefreshTokenRepository(session)
        self.login_failures = SqlAlchemyLoginFailures(session)
        self.mail_requests = SqlAlchemyMailRequests(session, self.track)
        self.account_tokens = SqlAlchemyAccountTokens(session)
        self.memberships = SqlAlchemyMembershipReplica(session)
        self.gar_links = SqlAlchemyGarLinks(session)
        self.used_assertions = SqlAlchemyUsedAssertions(session)
        self.oauth_clients = SqlAlchemyOAuthClients(session)
        self.temporary_passwords = SqlAlchemyTemporaryPasswords(session)
