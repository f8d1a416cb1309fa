"""The composition root of campaigns."""

from __future__ import annotations

from dataclasses import dataclass

from campaigns.adapters import orm
from campaigns.config import Settings
from svckit.auth import JwksKeySource, TokenVerifier
from svckit.runtime import BaseRuntime


@dataclass
class Campaigns(BaseRuntime):
    settings: Settings
    verifier: TokenVerifier


def bootstrap(settings: Settings | None = None) -> Campaigns:
    settings = settings or Settings.from_env()
    common = settings.common
    engine, session_factory = BaseRuntime.connect(common)
    return Campaigns(
        common=common, engine=engine, session_factory=session_factory, outbox=orm.outbox, inbox=orm.inbox,
        settings=settings,
        verifier=TokenVerifier(JwksKeySource(common.jwks_url), issuer=common.jwt_issuer, audience=common.jwt_audience),
    )
