"""Settings from the environment only (12-factor), with defaults that work on a laptop.

Nothing is read or created at import time: each service builds its settings in its
composition root. In production (``SERVICE_ENV=production``) there is no default for a
connection string or a secret: a missing one stops the process at start with a clear
message, and demo data is refused.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from svckit.db import PROCESS_TIMEOUTS, DatabaseTimeouts

ENVIRONMENTS = ("development", "test", "production")
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"


class ConfigurationError(RuntimeError):
    pass


def normalize_database_url(url: str) -> str:
    """Accept the usual ``postgresql://`` form and use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def env_bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{value!r} is not a boolean (use true or false)")


def env_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigurationError(f"{name}={raw!r} is not an integer") from error


def env_float(environ: Mapping[str, str], name: str, default: float, *, zero_is_off: bool = False) -> float:
    """A positive number; with ``zero_is_off``, 0 too (a bound turned off)."""
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError as error:
        raise ConfigurationError(f"{name}={raw!r} is not a number") from error
    if value < 0 or (value == 0 and not zero_is_off):
        raise ConfigurationError(f"{name}={raw!r} must be {'0 (off) or more' if zero_is_off else 'positive'}")
    return value


LOOPBACK = ("127.0.0.1/32", "::1/128")


def networks(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated list of addresses or CIDR networks, each checked and written as a network."""
    raw = env.get(name)
    if raw is None:
        return default
    try:
        return tuple(str(ipaddress.ip_network(item.strip(), strict=False)) for item in raw.split(",") if item.strip())
    except ValueError as error:
        raise ConfigurationError(f"{name}={raw!r}: expected addresses or CIDR networks, comma-separated") from error


_PROCESS_KIND: ContextVar[str] = ContextVar("svckit_process_kind", default="api")


@contextmanager
def process_kind(kind: str) -> Iterator[None]:
    """Settings read inside the block take the database bounds of this kind of process
    (``svckit.db.PROCESS_TIMEOUTS``: api, relay, consumer, command). The process commands say their kind
    (``svckit.cli``) around the building of their runtime; anything else (an app built by a test) is an api."""
    if kind not in PROCESS_TIMEOUTS:
        raise ValueError(f"no process kind {kind!r}; the kinds are {', '.join(PROCESS_TIMEOUTS)}")
    token = _PROCESS_KIND.set(kind)
    try:
        yield
    finally:
        _PROCESS_KIND.reset(token)


def database_timeouts(env: Mapping[str, str], kind: str | None = None) -> DatabaseTimeouts:
    """The bounds of every wait on the database (svckit.db says what each covers): those of the process's
    kind (``process_kind``), each overridden by its variable when set."""
    base = PROCESS_TIMEOUTS[kind or _PROCESS_KIND.get()]
    answer = env.get("DB_ANSWER_TIMEOUT_SECONDS")
    return DatabaseTimeouts(
        connect_seconds=env_float(env, "DB_CONNECT_TIMEOUT_SECONDS", base.connect_seconds),
        pool_seconds=env_float(env, "DB_POOL_TIMEOUT_SECONDS", base.pool_seconds),
        statement_ms=int(env_float(env, "DB_STATEMENT_TIMEOUT_MS", base.statement_ms, zero_is_off=True)),
        idle_in_transaction_ms=int(env_float(env, "DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", base.idle_in_transaction_ms,
                                             zero_is_off=True)),
        answer_seconds=base.answer_seconds if answer in (None, "") else env_float(
            env, "DB_ANSWER_TIMEOUT_SECONDS", 0, zero_is_off=True),
    )


def environment_of(env: Mapping[str, str]) -> str:
    environment = env.get("SERVICE_ENV", "development")
    if environment not in ENVIRONMENTS:
        raise ConfigurationError(f"SERVICE_ENV={environment!r}: expected one of {', '.join(ENVIRONMENTS)}")
    return environment


def setting(env: Mapping[str, str], name: str, default: str, *, production: bool) -> str:
    """A value with a laptop default, which production must set explicitly."""
    value = env.get(name, "")
    if value:
        return value
    if production:
        raise ConfigurationError(f"{name} must be set in production (no default there)")
    return default


@dataclass(frozen=True)
class CommonSettings:
    service: str
    environment: str
    database_url: str
    rabbitmq_url: str
    jwks_url: str
    jwt_issuer: str
    jwt_audience: str
    log_level: str = "INFO"
    log_format: str = "json"
    ops_port: int = 0
    db_pool_size: int = 5
    db_timeouts: DatabaseTimeouts = field(default_factory=DatabaseTimeouts)
    idempotency_lease_seconds: float = 60.0  # how long a key may stay "in progress" (svckit.idempotency)
    trusted_proxies: int = 0
    # Peers whose X-Forwarded-* headers are believed (the gateway): anyone else who reaches the port keeps
    # their own address, so that per-address limits cannot be dodged there.
    trusted_proxy_addresses: tuple[str, ...] = LOOPBACK
    retry_delays_ms: tuple[int, ...] = (1_000, 10_000, 60_000)
    # Messages a consumer applies in one transaction, for the subscriptions that take batches (msgkit.consumer);
    # 1: one transaction per message everywhere.
    consumer_batch: int = 100
    # How long the outbox relay sleeps when it found less than a full batch: the longest an event waits in the
    # outbox (a committed share waits half of it on average before it is published); each wake-up is one query.
    relay_idle_ms: int = 200
    relay_wake_ms: int = 5  # 0: the relay polls only, no LISTEN (behind a pooler in transaction mode, say)
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls, service: str, environ: Mapping[str, str] | None = None) -> CommonSettings:
        env = os.environ if environ is None else environ
        environment = environment_of(env)
        production = environment == "production"

        def required(name: str, default: str) -> str:
            return setting(env, name, default, production=production)

        rabbitmq_url = required("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)
        if production and "guest:guest@" in rabbitmq_url:
            raise ConfigurationError("RABBITMQ_URL uses the default guest account, refused in production")
        trusted_proxies = env_int(env, "TRUSTED_PROXIES", 0)
        # On a laptop the gateway calls the apis on loopback; in production the gateway's pods have
        # addresses of the cluster's pod network, which only the deployment knows.
        trusted_addresses = networks(env, "TRUSTED_PROXY_ADDRESSES", () if production else LOOPBACK)
        if production and trusted_proxies and not trusted_addresses:
            raise ConfigurationError("TRUSTED_PROXIES is set: TRUSTED_PROXY_ADDRESSES must name the gateway's "
                                     "addresses or network in production (e.g. the cluster's pod network)")
        delays = env.get("MESSAGE_RETRY_DELAYS_MS", "")
        try:
            retry_delays = tuple(int(d) for d in delays.split(",") if d.strip()) or (1_000, 10_000, 60_000)
        except ValueError as error:
            raise ConfigurationError(f"MESSAGE_RETRY_DELAYS_MS={delays!r} is not a list of integers") from error
        consumer_batch = env_int(env, "CONSUMER_BATCH", 100)
        if not 1 <= consumer_batch <= 1000:
            raise ConfigurationError(f"CONSUMER_BATCH={consumer_batch}: from 1 (no batches) to 1000")
        relay_idle_ms = env_int(env, "RELAY_IDLE_MS", 200)
        if not 10 <= relay_idle_ms <= 5000:
            raise ConfigurationError(f"RELAY_IDLE_MS={relay_idle_ms}: from 10 to 5000")
        relay_wake_ms = env_int(env, "RELAY_WAKE_MS", 5)
        if not 0 <= relay_wake_ms <= 1000:
            raise ConfigurationError(f"RELAY_WAKE_MS={relay_wake_ms}: from 0 (no wake-up, polling only) to 1000")
        return cls(
            service=service,
            environment=environment,
            database_url=normalize_database_url(required("DATABASE_URL", f"{DEFAULT_POSTGRES}/skills_{service}")),
            rabbitmq_url=rabbitmq_url,
            jwks_url=required("JWKS_URL", "http://127.0.0.1:8101/.well-known/jwks.json"),
            jwt_issuer=env.get("JWT_ISSUER", "skills-platform"),
            jwt_audience=env.get("JWT_AUDIENCE", "skills-platform"),
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            log_format=env.get("LOG_FORMAT", "json"),
            ops_port=env_int(env, "OPS_PORT", 0),
            db_pool_size=env_int(env, "DB_POOL_SIZE", 5),
            db_timeouts=database_timeouts(env),
            idempotency_lease_seconds=env_float(env, "IDEMPOTENCY_LEASE_SECONDS", 60.0),
            trusted_proxies=trusted_proxies,
            trusted_proxy_addresses=trusted_addresses,
            retry_delays_ms=retry_delays,
            consumer_batch=consumer_batch,
            relay_idle_ms=relay_idle_ms,
            relay_wake_ms=relay_wake_ms,
            extra=dict(env),
        )

    def refuse_demo_in_production(self) -> None:
        if self.production:
            raise ConfigurationError("demo data is refused in production (SERVICE_ENV=production)")
