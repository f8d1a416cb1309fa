"""Correlation id, metrics and one access-log line per request.

The correlation id is taken from the client when sane, else made here; it is put in the
log context, sent to the service and returned to the client. The access line and the
request metrics are written when the response is closed, so a streamed CSV export is
timed to its last byte, not to its headers. Labels carry the route pattern from the
routing table, never the raw path, so the number of series stays bounded.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import Counter, Histogram

from msgkit import context
from svckit.web import CORRELATION_HEADER, correlation_id_from

access_log = logging.getLogger("gateway.access")

_DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)

REQUESTS = Counter(
    "gateway_requests_total", "Requests answered by the gateway", ["method", "route", "service", "status"],
)
REQUEST_DURATION = Histogram(
    "gateway_request_duration_seconds", "From the request's arrival to its response's last byte",
    ["method", "route", "status"], buckets=_DURATION_BUCKETS,
)
UPSTREAM_DURATION = Histogram(
    "gateway_upstream_duration_seconds", "From sending to a service to its response headers",
    ["service", "outcome"], buckets=_DURATION_BUCKETS,
)

UPSTREAM_RETRIES = Counter(
    "gateway_upstream_retries_total", "Requests sent again to a service, by why (gateway.proxy)",
    ["service", "reason"],
)

UNMATCHED = "<unmatched>"
_OPS_PATHS = ("/health/", "/metrics")


def is_ops_path(path: str) -> bool:
    return path.startswith(_OPS_PATHS)


def observe_upstream(service: str, outcome: str, seconds: float) -> None:
    UPSTREAM_DURATION.labels(service, outcome).observe(seconds)


def observe_retry(service: str, reason: str) -> None:
    UPSTREAM_RETRIES.labels(service, reason).inc()


def install_request_hooks(app: Flask) -> None:
    """Register first, so the later hooks (rate limits, routing) already see the correlation id."""

    @app.before_request
    def _start() -> None:
        g.request_started = time.perf_counter()
        g.correlation_id = correlation_id_from(request.headers.get(CORRELATION_HEADER))
        g.correlation_token = context.correlation_id.set(g.correlation_id)

    @app.after_request
    def _finish(response: Response) -> Response:
        correlation = g.get("correlation_id")
        if correlation:
            response.headers[CORRELATION_HEADER] = correlation
        started = g.get("request_started")
        if started is None or is_ops_path(request.path):
            return response
        route = g.get("route")
        fields = {
            "method": request.method,
            "path": request.path,
            "route": route.pattern if route else (request.url_rule.rule if _own_rule() else UNMATCHED),
            # "upstream", not "service": the log filter stamps "service" with the process's name.
            "upstream": route.service if route else "gateway",
            "status": response.status_code,
            "correlation_id": correlation,
        }
        if response.direct_passthrough:
            # werkzeug hands such a body (a static file) to the server without close hooks.
            _record(fields, started)
        else:
            # Runs once the WSGI server has sent the last byte (or the client went away).
            response.call_on_close(lambda: _record(fields, started))
        return response

    @app.teardown_request
    def _reset(_error: BaseException | None) -> None:
        token = g.pop("correlation_token", None)
        if token is not None:
            context.correlation_id.reset(token)


def _own_rule() -> bool:
    return request.url_rule is not None and request.endpoint != "proxy"


def _record(fields: dict[str, Any], started: float) -> None:
    elapsed = time.perf_counter() - started
    status = str(fields["status"])
    REQUESTS.labels(fields["method"], fields["route"], fields["upstream"], status).inc()
    REQUEST_DURATION.labels(fields["method"], fields["route"], status).observe(elapsed)
    access_log.info("request", extra={**fields, "duration_ms": round(elapsed * 1000, 2)})
