"""The composition root of assessment."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from uuid import UUID

from assessment.adapters import orm
from assessment.adapters.content_store import ContentStore
from assessment.adapters.unit_of_work import SqlAlchemyAssessmentUnitOfWork
from assessment.config import Settings
from assessment.domain.content import LearningContent
from assessment.entrypoints.consumers.subscriptions import subscriptions
from msgkit import Subscription
from svckit.auth import JwksKeySource, TokenVerifier
from svckit.runtime import BaseRuntime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Assessment(BaseRuntime):
    settings: Settings
    verifier: TokenVerifier
    content_store: ContentStore
    now: Callable[[], datetime] = utcnow
    new_id: Callable[[], UUID] = field(default=uuid.uuid4)

    def uow(self) -> SqlAlchemyAssessmentUnitOfWork:
        return SqlAlchemyAssessmentUnitOfWork(self.session_factory)

    def content(self) -> LearningContent:
        return self.content_store.current()

    def subscriptions(self) -> list[Subscription]:
        return subscriptions(self.uow, self.content, self.settings.rules, self.new_id)


def bootstrap(settings: Settings | None = None) -> Assessment:
    settings = settings or Settings.from_env()
    common = settings.common
    engine, session_factory = BaseRuntime.connect(common)
    return Assessment(
        common=common, engine=engine, session_factory=session_factory, outbox=orm.outbox, inbox=orm.inbox,
        settings=settings,
        verifier=TokenVerifier(JwksKeySource(common.jwks_url), issuer=common.jwt_issuer, audience=common.jwt_audience),
        content_store=ContentStore(engine, settings.content_refresh_seconds),
    )
