"""Rate limits (Flask-Limiter): per account where there is one, per client address where not.

Each forwarded request (``/api/**``, ``/.well-known/**``) and the merged OpenAPI document count
against exactly one general bucket, and some against a group's bucket:

- a request whose bearer token the gateway verified counts against its **account** (the token's
  subject): ``RATELIMIT_ACCOUNT``. A whole class behind one school proxy shares an address,
  not an account, so learners answering together never take from each other;
- any other request (no token, or a token that does not verify: it names nobody) counts
  against its **client address**: ``RATELIMIT_ADDRESS``;
- log-in, refresh, sign-up and asking for a password reset link come before there is an account:
  each counts per address in its own group (``RATELIMIT_LOGIN``, ``RATELIMIT_REFRESH``,
  ``RATELIMIT_SIGNUP``, ``RATELIMIT_PASSWORD_RESET``) and nowhere else;
- matching oneself in a school's list counts per account in its group
  (``RATELIMIT_RECONCILIATION``) as well.

Probes, metrics and the web faces' files are never limited. The figures and their reasons are
in gateway/README.md; guessing a password is throttled per account by identity itself.

Counters live in RATELIMIT_STORAGE_URI: ``redis://...`` shares them between every gateway
process and replica (production refuses anything else); ``memory://`` counts per process, for
tests. When Redis cannot be reached, Flask-Limiter counts in each process's memory until it is
back (checked again after 1, 2, 4 ... 32 s): the limits then hold per process, looser by the
number of processes, and the front door stays open.

The client address is ``request.remote_addr``: the peer itself, or the real client once
ProxyFix has read the headers of TRUSTED_PROXIES proxies. Never trust a client-sent
X-Forwarded-For without a proxy that overwrites it, or anyone picks their own bucket. An address
counts as ``svckit.net.client_bucket`` says: an IPv4 address, or an IPv6 address's /64 network
(one home or school, which may use any of its 2^64 addresses).
"""

from __future__ import annotations

import math
import time

from flask import Flask, g, request
from flask_limiter import Limit, Limiter, RateLimitExceeded

from gateway.config import Settings
from gateway.routes import ADDRESS_GROUPS, RECONCILIATION
from gateway.tokens import verified_principal
from svckit.errors import error_response
from svckit.net import client_bucket

ACCOUNT, ADDRESS = "account", "address"
# The endpoints counted: forwarded requests and the merged OpenAPI document (app.py's names).
LIMITED_ENDPOINTS = frozenset({"proxy", "openapi_document"})
# Redis answers in a fraction of a millisecond; one that hangs must not hold the request long.
REDIS_TIMEOUT_SECONDS = 0.25


def _group() -> str | None:
    route = g.get("route")
    return route.limit_group if route is not None else None


def caller() -> tuple[str, str]:
    """("account", subject) when the request carries a valid token, else ("address", the client's bucket).

    The address groups (log-in, refresh, sign-up, reset links) are always counted per address: the
    gateway knows no account there.
    """
    found = g.get("rate_caller")
    if found is None:
        principal = None if _group() in ADDRESS_GROUPS else verified_principal()
        found = (ACCOUNT, principal.user_id) if principal is not None else (ADDRESS, client_bucket(request.remote_addr))
        g.rate_caller = found
    return found


def _caller_key() -> str:
    kind, who = caller()
    return f"{kind}:{who}"


def _address_key() -> str:
    return f"{ADDRESS}:{client_bucket(request.remote_addr)}"


def _general(kind: str):
    def exempt() -> bool:
        return _group() in ADDRESS_GROUPS or caller()[0] != kind

    return exempt


def _not_in_group(group: str):
    def exempt() -> bool:
        return _group() != group

    return exempt


def storage_options(uri: str) -> dict[str, float]:
    if uri.startswith("redis"):
        return {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS}
    return {}


def install_rate_limits(app: Flask, settings: Settings) -> Limiter:
    """Register after the hooks that resolve the route: the limits read ``g.route``."""
    limits = [
        Limit(settings.ratelimit_account, key_function=_caller_key, scope=ACCOUNT, shared=True,
              exempt_when=_general(ACCOUNT)),
        Limit(settings.ratelimit_address, key_function=_caller_key, scope=ADDRESS, shared=True,
              exempt_when=_general(ADDRESS)),
        *(Limit(value, key_function=_caller_key if group == RECONCILIATION else _address_key,
                scope=f"group:{group}", shared=True, exempt_when=_not_in_group(group))
          for group, value in settings.ratelimit_groups.items()),
    ]
    limiter = Limiter(
        _caller_key,
        default_limits=limits,
        storage_uri=settings.ratelimit_storage_uri,
        storage_options=storage_options(settings.ratelimit_storage_uri),
        key_prefix=settings.ratelimit_key_prefix,
        strategy="fixed-window",
        headers_enabled=False,  # Retry-After on the 429 only, written below
        # A store outage must not close the front door: count in memory until it is back.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        enabled=settings.ratelimit_enabled,
    )
    limiter.request_filter(lambda: request.endpoint not in LIMITED_ENDPOINTS)
    limiter.init_app(app)

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error: RateLimitExceeded):
        window = error.limit.limit.get_expiry()
        current = limiter.current_limit
        left = math.ceil(current.reset_at - time.time()) if current else window
        retry_after = max(1, min(left, window))
        return error_response(
            429, "TOO_MANY_REQUESTS", "Too many requests; try again later.",
            {"limit": str(error.limit.limit), "per": _scope_of(error)}, headers={"Retry-After": str(retry_after)},
        )

    return limiter


def _scope_of(error: RateLimitExceeded) -> str:
    """What the refused limit counts: "account", "address", or a group's name."""
    scope = error.limit.scope
    return scope.removeprefix("group:") if isinstance(scope, str) else ADDRESS
