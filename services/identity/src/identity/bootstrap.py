"""The composition root: the one place where identity's real adapters are wired."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial

from identity.adapters import orm
from identity.adapters.arrivals import JwtArrivalTokens
from identity.adapters.client_secrets import HmacClientSecrets
from identity.adapters.hashing import Argon2PasswordHasher
from identity.adapters.keys import SigningKeyStore
from identity.adapters.saml import SamlServiceProvider
from identity.adapters.tokens import JwtAccessTokenIssuer, JwtClientTokenIssuer
from identity.adapters.unit_of_work import SqlAlchemyIdentityUnitOfWork
from identity.config import Settings
from identity.domain.clients import ClientAuthThrottle
from identity.entrypoints.consumers.subscriptions import subscriptions
from identity.service_layer import handlers
from identity.service_layer.mails import AccountLinks
from msgkit import Subscription
from svckit.auth import TokenVerifier
from svckit.mail import Mailer
from svckit.runtime import BaseRuntime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Identity(BaseRuntime):
    settings: Settings
    keys: SigningKeyStore
    issuer: JwtAccessTokenIssuer
    verifier: TokenVerifier
    mailer: Mailer
    saml: SamlServiceProvider
    arrivals: JwtArrivalTokens
    client_secrets: HmacClientSecrets
    client_issuer: JwtClientTokenIssuer
    hasher: Argon2PasswordHasher = field(default_factory=Argon2PasswordHasher)
    now: Callable[[], datetime] = utcnow
    client_throttle: ClientAuthThrottle = field(default_factory=ClientAuthThrottle)

    def uow(self) -> SqlAlchemyIdentityUnitOfWork:
        return SqlAlchemyIdentityUnitOfWork(self.session_factory)

    @property
    def links(self) -> AccountLinks:
        return AccountLinks(self.settings.learner_url, self.settings.orga_url)

    def subscriptions(self) -> list[Subscription]:
        return subscriptions(self.uow, partial(handlers.on_account_mail_requested, mailer=self.mailer,
                                               links=self.links, policy=self.settings.recovery, now=self.now))


def bootstrap(settings: Settings | None = None) -> Identity:
    settings = settings or Settings.from_env()
    orm.start_mappers()
    common = settings.common
    engine, session_factory = BaseRuntime.connect(common)
    keys = SigningKeyStore(engine, settings.signing_keys_secret)
    return Identity(
        common=common,
        engine=engine,
        session_factory=session_factory,
        outbox=orm.outbox,
        inbox=orm.inbox,
        settings=settings,
        keys=keys,
        issuer=JwtAccessTokenIssuer(keys, issuer=common.jwt_issuer, audience=common.jwt_audience,
                                    ttl_seconds=settings.tokens.access_ttl_seconds),
        verifier=TokenVerifier(keys, issuer=common.jwt_issuer, audience=common.jwt_audience),
        hasher=Argon2PasswordHasher.with_parameters(settings.argon2, settings.argon2_concurrency),
        mailer=settings.mail.mailer(),
        saml=SamlServiceProvider(settings.saml),
        arrivals=JwtArrivalTokens(keys, issuer=common.jwt_issuer, audience=common.jwt_audience),
        client_secrets=HmacClientSecrets(settings.signing_keys_secret),
        client_issuer=JwtClientTokenIssuer(keys, issuer=common.jwt_issuer, audience=common.jwt_audience,
                                           ttl_seconds=settings.tokens.access_ttl_seconds),
    )
