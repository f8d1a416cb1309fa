"""The composition root of reporting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from msgkit import Subscription
from reporting.adapters import orm
from reporting.adapters.unit_of_work import SqlAlchemyReportingUnitOfWork
from reporting.config import Settings
from reporting.entrypoints.consumers.subscriptions import subscriptions
from svckit.auth import JwksKeySource, TokenVerifier
from svckit.live import AbstractNotices, NoNotices
from svckit.runtime import BaseRuntime


@dataclass
class Reporting(BaseRuntime):
    settings: Settings
    verifier: TokenVerifier
    # Reporting only reads events: it publishes none, so it runs no relay (its outbox stays empty).
    publishes: ClassVar[bool] = False
    # "campaign X's participations changed", published after each commit of the participations' projection,
    # heard by the streams of Orga's live activity pages
    notices: AbstractNotices = field(default_factory=NoNotices)

    def uow(self) -> SqlAlchemyReportingUnitOfWork:
        return SqlAlchemyReportingUnitOfWork(self.session_factory, self.notices)

    def subscriptions(self) -> list[Subscription]:
        return subscriptions(self.uow)


def bootstrap(settings: Settings | None = None) -> Reporting:
    settings = settings or Settings.from_env()
    common = settings.common
    # Reporting's reads aggregate many rows, so the planner's cost estimates pass the JIT thresholds, and
    # compiling then costs more than it saves: about a second per page at 100,000 participations.
    engine, session_factory = BaseRuntime.connect(common, options="-c jit=off")
    return Reporting(
        common=common, engine=engine, session_factory=session_factory, outbox=orm.outbox, inbox=orm.inbox,
        settings=settings, notices=settings.live.notices(),
        verifier=TokenVerifier(JwksKeySource(common.jwks_url), issuer=common.jwt_issuer, audience=common.jwt_audience),
    )
