"""The gateway's settings, from the environment only; nothing is read at import time.

Defaults work on a laptop (services on 127.0.0.1:8101-8105). In production
(``SERVICE_ENV=production``) the service URLs and the JWKS URL have no default: a missing
one stops the process at start, as in every service (svckit.config).

A service URL may list several base URLs, comma separated: the gateway takes them in turn
(gateway.upstreams). ``services`` maps each service to all of its base URLs, one or several.

Rate limits (gateway.ratelimit, the figures and their reasons in gateway/README.md): per account
for a request whose token the gateway verified, per client address for the rest, and per group
of routes. Production keeps the counters in Redis: ``memory://`` counts per process, so with
several processes every limit would be several times what it says.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from limits import parse_many

from gateway.routes import (
    ASSESSMENT,
    CAMPAIGNS,
    CERTIFICATE_CHECK,
    CERTIFICATION,
    IDENTITY,
    LOGIN,
    ORGANIZATIONS,
    RECONCILIATION,
    REFRESH,
    REPORTING,
    RESET_REQUEST,
    SIGNUP,
)
from gateway.upstreams import split_urls
from svckit.config import ConfigurationError, env_bool, env_float, env_int, environment_of, setting

# service name -> (environment variable, laptop default)
SERVICE_URLS = {
    IDENTITY: ("IDENTITY_URL", "http://127.0.0.1:8101"),
    ORGANIZATIONS: ("ORGANIZATIONS_URL", "http://127.0.0.1:8102"),
    CAMPAIGNS: ("CAMPAIGNS_URL", "http://127.0.0.1:8103"),
    ASSESSMENT: ("ASSESSMENT_URL", "http://127.0.0.1:8104"),
    REPORTING: ("REPORTING_URL", "http://127.0.0.1:8105"),
    CERTIFICATION: ("CERTIFICATION_URL", "http://127.0.0.1:8106"),
}
MIB = 1024 * 1024
# Rate limits: (environment variable, default). gateway/README.md says why these figures.
ACCOUNT_LIMIT = ("RATELIMIT_ACCOUNT", "300/minute")  # every request with a verified token, per account
ADDRESS_LIMIT = ("RATELIMIT_ADDRESS", "600/minute")  # every other request, per client address
GROUP_LIMITS = {
    # Log-ins and sign-ups each cost identity an argon2id hash: 280 + 240 a minute is about one identity api.
    LOGIN: ("RATELIMIT_LOGIN", "280/minute"),  # POST /api/token, /api/password-resets, /api/email-verifications
    REFRESH: ("RATELIMIT_REFRESH", "300/minute"),  # POST /api/token/refresh, per address
    SIGNUP: ("RATELIMIT_SIGNUP", "240/minute"),  # POST /api/users, per address
    RESET_REQUEST: ("RATELIMIT_PASSWORD_RESET", "100/minute"),  # POST /api/password-reset-requests, per address
    RECONCILIATION: ("RATELIMIT_RECONCILIATION", "10/minute"),
    # POST /api/certificate-verifications, per address: a school checking a class's certificates from one address
    # stays well under it; guessing one of 24^8 codes at 60 a minute is hopeless.
    CERTIFICATE_CHECK: ("RATELIMIT_CERTIFICATE_CHECK", "60/minute"),  # matching oneself in a school's list, per account
}
SHARED_STORES = ("redis://", "rediss://", "redis+sentinel://", "redis+unix://")
# The web faces, built by `npm run build` in web/ (make install does it) into the package.
BUILT_WEB_FACES = Path(__file__).parent / "web"


@dataclass(frozen=True)
class Settings:
    environment: str
    services: Mapping[str, tuple[str, ...]]  # service name -> its base URLs (replicas), no trailing slash
    jwks_url: str
    jwt_issuer: str = "skills-platform"
    jwt_audience: str = "skills-platform"
    max_body_bytes: int = 25 * MIB
    connect_timeout: float = 3.0
    read_timeout: float = 30.0
    trusted_proxies: int = 0
    pool_size: int = 32  # connections kept per service: one per worker thread
    max_streams: int = 16  # event streams passed at once by a process (each holds a thread): half the threads
    # Seconds a request that reached no replica (refused, connect timeout) is tried again, on
    # the others and then on all, before a 503 (gateway.proxy).
    retry_seconds: float = 5.0
    # A keyed mutation's body up to this size is kept to be sent again after a broken connection.
    retry_body_bytes: int = MIB
    ratelimit_enabled: bool = True
    ratelimit_storage_uri: str = "memory://"
    ratelimit_key_prefix: str = "gateway"
    ratelimit_account: str = ACCOUNT_LIMIT[1]
    ratelimit_address: str = ADDRESS_LIMIT[1]
    ratelimit_groups: Mapping[str, str] = field(
        default_factory=lambda: {group: default for group, (_, default) in GROUP_LIMITS.items()})
    openapi_timeout: float = 2.0
    openapi_cache_seconds: float = 60.0
    log_level: str = "INFO"
    log_format: str = "json"
    web_root: Path = BUILT_WEB_FACES

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        environment = environment_of(env)
        production = environment == "production"

        def urls(name: str, default: str) -> tuple[str, ...]:
            value = setting(env, name, default, production=production)
            listed = split_urls(value)
            if not listed:
                raise ConfigurationError(f"{name}={value!r} names no URL")
            for one in listed:
                if not one.startswith(("http://", "https://")):
                    raise ConfigurationError(f"{name}={value!r}: {one!r} is not an http(s) URL")
            if len(set(listed)) != len(listed):
                raise ConfigurationError(f"{name}={value!r} names a URL twice")
            return listed

        def url(name: str, default: str) -> str:
            listed = urls(name, default)
            if len(listed) > 1:
                raise ConfigurationError(f"{name} takes one URL, not a list")
            return listed[0]

        # the service URLs first: in production, a missing one is what to say first
        services = {name: urls(variable, default) for name, (variable, default) in SERVICE_URLS.items()}

        def rate(name: str, default: str) -> str:
            value = env.get(name, "") or default
            try:
                parse_many(value)
            except ValueError as error:
                raise ConfigurationError(f"{name}={value!r} is not a rate limit such as '30/minute'") from error
            return value

        if env.get("RATELIMIT_DEFAULT"):
            raise ConfigurationError("RATELIMIT_DEFAULT is gone: the general limit is now per account "
                                     "(RATELIMIT_ACCOUNT) and per address for requests without a token "
                                     "(RATELIMIT_ADDRESS); see gateway/README.md")
        ratelimit_enabled = env_bool(env.get("RATELIMIT_ENABLED"), default=True)
        storage = env.get("RATELIMIT_STORAGE_URI", "")
        if production and ratelimit_enabled and not storage.startswith(SHARED_STORES):
            raise ConfigurationError(
                f"RATELIMIT_STORAGE_URI={storage!r}: production runs several gateway processes, which must "
                "share their counters: give a redis:// URI (memory:// counts per process)")
        storage = storage or "memory://"
        retry_body = env_int(env, "UPSTREAM_RETRY_BODY_BYTES", MIB)
        if retry_body < 0:
            raise ConfigurationError("UPSTREAM_RETRY_BODY_BYTES must be >= 0")

        threads = max(1, env_int(env, "WEB_THREADS", 32))
        max_streams = env_int(env, "LIVE_MAX_STREAMS", max(threads // 2, 1))
        if not 0 <= max_streams < threads:
            raise ConfigurationError(f"LIVE_MAX_STREAMS={max_streams} must be from 0 to WEB_THREADS - 1 "
                                     f"({threads - 1}): streams hold threads, ordinary requests need some")
        trusted_proxies = env_int(env, "TRUSTED_PROXIES", 0)
        max_body = env_int(env, "MAX_BODY_BYTES", 25 * MIB)
        if trusted_proxies < 0 or max_body <= 0:
            raise ConfigurationError("TRUSTED_PROXIES must be >= 0 and MAX_BODY_BYTES > 0")
        return cls(
            environment=environment,
            services=services,
            jwks_url=url("JWKS_URL", "http://127.0.0.1:8101/.well-known/jwks.json"),
            jwt_issuer=env.get("JWT_ISSUER", "") or "skills-platform",
            jwt_audience=env.get("JWT_AUDIENCE", "") or "skills-platform",
            max_body_bytes=max_body,
            connect_timeout=env_float(env, "UPSTREAM_CONNECT_TIMEOUT", 3.0),
            read_timeout=env_float(env, "UPSTREAM_READ_TIMEOUT", 30.0),
            trusted_proxies=trusted_proxies,
            pool_size=threads,
            max_streams=max_streams,
            retry_seconds=env_float(env, "UPSTREAM_RETRY_SECONDS", 5.0),
            retry_body_bytes=retry_body,
            ratelimit_enabled=ratelimit_enabled,
            ratelimit_storage_uri=storage,
            ratelimit_key_prefix=env.get("RATELIMIT_KEY_PREFIX", "") or "gateway",
            ratelimit_account=rate(*ACCOUNT_LIMIT),
            ratelimit_address=rate(*ADDRESS_LIMIT),
            ratelimit_groups={group: rate(*limit) for group, limit in GROUP_LIMITS.items()},
            openapi_timeout=env_float(env, "OPENAPI_FETCH_TIMEOUT", 2.0),
            openapi_cache_seconds=env_float(env, "OPENAPI_CACHE_SECONDS", 60.0),
            log_level=(env.get("LOG_LEVEL", "") or "INFO").upper(),
            log_format=env.get("LOG_FORMAT", "") or "json",
            web_root=Path(env.get("WEB_ROOT", "") or BUILT_WEB_FACES),
        )
