"""The composition root of organizations."""

from __future__ import annotations

from dataclasses import dataclass

from msgkit import Subscription
from organizations.adapters import orm
from organizations.adapters.unit_of_work import SqlAlchemyOrganizationsUnitOfWork
from organizations.config import Settings
from organizations.entrypoints.consumers.subscriptions import subscriptions
from svckit.auth import JwksKeySource, TokenVerifier
from svckit.runtime import BaseRuntime


@dataclass
class Organizations(BaseRuntime):
    settings: Settings
    verifier: TokenVerifier

    def uow(self) -> SqlAlchemyOrganizationsUnitOfWork:
        return SqlAlchemyOrganizationsUnitOfWork(self.session_factory)

    def subscriptions(self) -> list[Subscription]:
        return subscriptions(self.uow)


def bootstrap(settings: Settings | None = None) -> Organizations:
    settings = settings or Settings.from_env()
    common = settings.common
    engine, session_factory = BaseRuntime.connect(common)
    return Organizations(
        common=common, engine=engine, session_factory=session_factory, outbox=orm.outbox, inbox=orm.inbox,
        settings=settings,
        verifier=TokenVerifier(JwksKeySource(common.jwks_url), issuer=common.jwt_issuer, audience=common.jwt_audience),
    )
