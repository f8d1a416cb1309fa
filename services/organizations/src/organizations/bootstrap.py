"""The composition root of organizations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from msgkit import Subscription
from organizations.adapters import orm
from organizations.adapters.learner_files import read_learner_file
from organizations.adapters.unit_of_work import SqlAlchemyOrganizationsUnitOfWork
from organizations.config import Settings
from organizations.domain.reconciliation_limits import ReconciliationLimits
from organizations.entrypoints.consumers.subscriptions import subscriptions
from organizations.service_layer.ports import LearnerFileReader
from svckit.auth import JwksKeySource, TokenVerifier
from svckit.mail import Mailer
from svckit.runtime import BaseRuntime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Organizations(BaseRuntime):
    settings: Settings
    verifier: TokenVerifier
    mailer: Mailer
    read_file: LearnerFileReader
    now: Callable[[], datetime] = utcnow
    reconciliation_limits: ReconciliationLimits = field(default_factory=ReconciliationLimits)

    def uow(self) -> SqlAlchemyOrganizationsUnitOfWork:
        return SqlAlchemyOrganizationsUnitOfWork(self.session_factory)

    def subscriptions(self) -> list[Subscription]:
        return subscriptions(self.uow, self.mailer, self.settings.public_url)


def bootstrap(settings: Settings | None = None) -> Organizations:
    settings = settings or Settings.from_env()
    orm.start_mappers()
    common = settings.common
    engine, session_factory = BaseRuntime.connect(common)

    def read_file(filename, stream, *, organization_type, uai):
        return read_learner_file(filename, stream, organization_type=organization_type, uai=uai,
                                 max_bytes=settings.max_import_bytes)

    return Organizations(
        common=common, engine=engine, session_factory=session_factory, outbox=orm.outbox, inbox=orm.inbox,
        settings=settings,
        verifier=TokenVerifier(JwksKeySource(common.jwks_url), issuer=common.jwt_issuer, audience=common.jwt_audience),
        mailer=settings.mail.mailer(),
        read_file=read_file,
    )
