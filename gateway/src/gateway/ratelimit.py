"""Rate limits per client address (Flask-Limiter).

One general limit shared by every route, and a tighter one per group of routes named in
the routing table (``login``: token and refresh; ``signup``: account creation), counted
on top of the general one. Probes and metrics are never limited. Counters live in
RATELIMIT_STORAGE_URI: ``memory://`` counts per process, fine on a laptop; several
replicas need a shared store (``redis://...``, with the ``redis`` extra installed).

The client address is ``request.remote_addr``: the peer itself, or the real client once
ProxyFix has read the headers of TRUSTED_PROXIES proxies. Never trust a client-sent
X-Forwarded-For without a proxy that overwrites it, or anyone picks their own bucket.
"""

from __future__ import annotations

import math
import time

from flask import Flask, g, request
from flask_limiter import Limit, Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from gateway.config import Settings
from gateway.observability import is_ops_path
from svckit.errors import error_response


def _not_in_group(group: str):
    def exempt() -> bool:
        route = g.get("route")
        return route is None or route.limit_group != group

    return exempt


def install_rate_limits(app: Flask, settings: Settings) -> Limiter:
    """Register after the hooks that resolve the route: the group limits read ``g.route``."""
    group_limits = [
        Limit(value, scope=f"group:{group}", shared=True, exempt_when=_not_in_group(group))
        for group, value in settings.ratelimit_groups.items()
    ]
    limiter = Limiter(
        get_remote_address,
        application_limits=[settings.ratelimit_default],
        default_limits=group_limits,
        storage_uri=settings.ratelimit_storage_uri,
        strategy="fixed-window",
        headers_enabled=False,  # Retry-After on the 429 only, written below
        # A store outage must not close the front door: count in memory until it is back.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        enabled=settings.ratelimit_enabled,
    )
    limiter.request_filter(lambda: is_ops_path(request.path))
    limiter.init_app(app)

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error: RateLimitExceeded):
        window = error.limit.limit.get_expiry()
        current = limiter.current_limit
        left = math.ceil(current.reset_at - time.time()) if current else window
        retry_after = max(1, min(left, window))
        return error_response(
            429, "TOO_MANY_REQUESTS", "Too many requests; try again later.",
            {"limit": str(error.limit.limit)}, headers={"Retry-After": str(retry_after)},
        )

    return limiter
