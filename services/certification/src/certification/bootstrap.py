"""The composition root of certification: every handler is bound to its dependencies here, once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from certification.adapters import orm
from certification.adapters.unit_of_work import SqlAlchemyCertificationUnitOfWork
from certification.config import Settings
from certification.domain.limits import JoiningLimits
from certification.entrypoints.consumers.subscriptions import subscriptions
from certification.service_layer.dependencies import Dependencies
from certification.service_layer.handlers import HANDLERS
from msgkit import Subscription
from svckit.auth import JwksKeySource, TokenVerifier
from svckit.live import AbstractNotices, NoNotices
from svckit.mail import Mailer
from svckit.runtime import BaseRuntime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Certification(BaseRuntime):
    settings: Settings
    verifier: TokenVerifier
    mailer: Mailer
    now: Callable[[], datetime] = utcnow
    new_id: Callable[[], UUID] = field(default=uuid.uuid4)
    limits: JoiningLimits = field(default_factory=JoiningLimits)
    # "session X changed", published after each commit that changes an invigilator's page, heard by its streams
    notices: AbstractNotices = field(default_factory=NoNotices)

    def uow(self) -> SqlAlchemyCertificationUnitOfWork:
        return SqlAlchemyCertificationUnitOfWork(self.session_factory, self.notices)

    def dependencies(self) -> Dependencies:
        return Dependencies(uow=self.uow, now=self.now, new_id=self.new_id, limits=self.limits)

    def handle(self, command: Any) -> Any:
        """Run the use case of ``command`` with its dependencies (the one place routes reach handlers)."""
        return HANDLERS[type(command)](command, self.dependencies())

    def subscriptions(self) -> list[Subscription]:
        return subscriptions(self.uow, self.mailer, self.settings.public_url, self.settings.learner_url)


def bootstrap(settings: Settings | None = None) -> Certification:
    settings = settings or Settings.from_env()
    common = settings.common
    engine, session_factory = BaseRuntime.connect(common)
    return Certification(
        common=common, engine=engine, session_factory=session_factory, outbox=orm.outbox, inbox=orm.inbox,
        settings=settings, mailer=settings.mail.mailer(), notices=settings.live.notices(),
        verifier=TokenVerifier(JwksKeySource(common.jwks_url), issuer=common.jwt_issuer, audience=common.jwt_audience),
    )
