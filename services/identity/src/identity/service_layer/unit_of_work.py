from __future__ import annotations

from identity.service_layer.ports import (
    AbstractAccountTokens,
    AbstractGarLinks,
    AbstractLoginFailures,
    AbstractMailRequests,
    AbstractMembershipReplica,
    AbstractOAuthClients,
    AbstractRefreshTokenRepository,
    AbstractTemporaryPasswords,
    AbstractUsedAssertions,
    AbstractUserRepository,
)
from svckit.uow import AbstractUnitOfWork


class IdentityUnitOfWork(AbstractUnitOfWork):
    """The repositories a use case of identity reaches, in one transaction."""

    users: AbstractUserRepository
    refresh_tokens: AbstractRefreshTokenRepository
    login_failures: AbstractLoginFailures
    mail_requests: AbstractMailRequests
    account_tokens: AbstractAccountTokens
    memberships: AbstractMembershipReplica
    gar_links: AbstractGarLinks
    used_assertions: AbstractUsedAssertions
    oauth_clients: AbstractOAuthClients
    temporary_passwords: AbstractTemporaryPasswords
