from __future__ import annotations

from identity.service_layer.ports import (
    AbstractLoginFailures,
    AbstractMembershipReplica,
    AbstractRefreshTokenRepository,
    AbstractUserRepository,
)
from svckit.uow import AbstractUnitOfWork


class IdentityUnitOfWork(AbstractUnitOfWork):
    """The repositories a use case of identity reaches, in one transaction."""

    users: AbstractUserRepository
    refresh_tokens: AbstractRefreshTokenRepository
    login_failures: AbstractLoginFailures
    memberships: AbstractMembershipReplica
