"""The composition root of campaigns."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from uuid import UUID

from campaigns.adapters import orm
from campaigns.adapters.unit_of_work import SqlAlchemyCampaignsUnitOfWork
from campaigns.config import Settings
from campaigns.entrypoints.consumers.subscriptions import subscriptions
from msgkit import Subscription
from svckit.auth import JwksKeySource, TokenVerifier
from svckit.runtime import BaseRuntime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Campaigns(BaseRuntime):
    settings: Settings
    verifier: TokenVerifier
    now: Callable[[], datetime] = utcnow
    new_id: Callable[[], UUID] = field(default=uuid.uuid4)

    def uow(self) -> SqlAlchemyCampaignsUnitOfWork:
        return SqlAlchemyCampaignsUnitOfWork(self.session_factory)

    def subscriptions(self) -> list[Subscription]:
        return subscriptions(self.uow)


def bootstrap(settings: Settings | None = None) -> Campaigns:
    settings = settings or Settings.from_env()
    common = settings.common
    engine, session_factory = BaseRuntime.connect(common)
    return Campaigns(
        common=common, engine=engine, session_factory=session_factory, outbox=orm.outbox, inbox=orm.inbox,
        settings=settings,
        verifier=TokenVerifier(JwksKeySource(common.jwks_url), issuer=common.jwt_issuer, audience=common.jwt_audience),
    )
