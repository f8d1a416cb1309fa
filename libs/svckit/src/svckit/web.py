"""The app factory every service's API starts from.

It gives each service the same outside: the common error shape, a correlation id on every
request and log line (taken from ``X-Correlation-ID`` or made here, and sent back), one JSON
access-log line per request, Prometheus metrics at ``/metrics``, ``/health/live`` (the
process answers) and ``/health/ready`` (its database answers), and the OpenAPI document
at ``/openapi.json`` built by flask-smorest from the marshmallow schemas.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping

from flask import Flask, Response, g, jsonify, request
from flask_smorest import Api, Blueprint
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from msgkit import context
from svckit import inputs
from svckit.auth import BEARER, TokenVerifier
from svckit.errors import any_error_response, register_error_handlers
from svckit.idempotency import IdempotencyKeys
from svckit.openapi import ErrorResponses, ErrorSchema, register_error_responses

CORRELATION_HEADER = "X-Correlation-ID"
_SANE_CORRELATION = re.compile(r"[\x21-\x7e]{1,200}")
access_log = logging.getLogger("svckit.access")

REQUESTS = Counter("http_requests_total", "HTTP requests answered", ["method", "endpoint", "status"])
LATENCY = Histogram(
    "http_request_duration_seconds", "Time to answer an HTTP request", ["method", "endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class ServiceApi(Api):
    """flask-smorest's Api, answering its HTTP errors in the platform's shape and documenting them so
    (``svckit.openapi``)."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # no catch-all: each operation lists its error statuses

    def __init__(self, app: Flask) -> None:
        super().__init__(app, spec_kwargs={"extra_plugins": [ErrorResponses()]})

    def _register_responses(self) -> None:
        register_error_responses(self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)

    def handle_http_exception(self, error: HTTPException):  # noqa: D102
        return any_error_response(error)


class TrustedProxyFix:
    """ProxyFix for requests whose peer is a trusted proxy (the gateway); any other peer keeps its own
    address, scheme and host whatever its ``X-Forwarded-*`` headers claim."""

    def __init__(self, app: Callable, hops: int, trusted: Iterable[str]) -> None:
        self.app = app
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops)
        self.trusted = [ipaddress.ip_network(network, strict=False) for network in trusted]

    def _trusted(self, peer: str | None) -> bool:
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            return False
        return any(address in network for network in self.trusted)

    def __call__(self, environ: dict, start_response: Callable):
        handler = self.fixed if self._trusted(environ.get("REMOTE_ADDR")) else self.app
        return handler(environ, start_response)


def metrics_response() -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def health_routes(app: Flask, ready_checks: Mapping[str, Callable[[], bool]]) -> None:
    @app.get("/health/live")
    def live():
        return jsonify(status="ok")

    @app.get("/health/ready")
    def ready():
        results = {}
        for name, check in ready_checks.items():
            try:
                results[name] = "ok" if check() else "down"
            except Exception:  # noqa: BLE001 - a failing check is a "down", never a 500
                results[name] = "down"
        healthy = all(value == "ok" for value in results.values())
        return jsonify(status="ok" if healthy else "unavailable", checks=results), 200 if healthy else 503

    @app.get("/metrics")
    def metrics():
        return metrics_response()


def correlation_id_from(incoming: str | None) -> str:
    """The caller's correlation id when it is sane (visible ASCII, at most 200 characters), else a new one.

    Anything else (spaces, control characters, a long blob) would end up in every log line.
    """
    if incoming and _SANE_CORRELATION.fullmatch(incoming):
        return incoming
    return str(uuid.uuid4())


def _correlation_and_metrics(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        correlation = correlation_id_from(request.headers.get(CORRELATION_HEADER))
        g.correlation_token = context.correlation_id.set(correlation)
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        correlation = context.correlation_id.get()
        if correlation:
            response.headers[CORRELATION_HEADER] = correlation
        started = g.get("request_started")
        if started is not None and not request.path.startswith(("/metrics", "/health")):
            elapsed = time.perf_counter() - started
            endpoint = request.url_rule.rule if request.url_rule else "<unmatched>"
            REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
            LATENCY.labels(request.method, endpoint).observe(elapsed)
            access_log.info(
                "request",
                extra={"method": request.method, "path": request.path, "status": response.status_code,
                       "duration_ms": round(elapsed * 1000, 2)},
            )
        return response

    @app.teardown_request
    def _reset(_error: BaseException | None) -> None:
        token = g.pop("correlation_token", None)
        if token is not None:
            context.correlation_id.reset(token)


def _protective_headers(app: Flask) -> None:
    """``nosniff`` on every answer (a browser never guesses a type other than the one sent), and
    ``Cache-Control: no-store`` on every answer whose route does not set its own: answers carry personal
    data (names, results, tokens), which no shared or browser cache may keep. A route that may be cached
    says so itself (identity's public JWKS: ``public, max-age=300``)."""

    @app.after_request
    def _protect(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response


def create_service_app(
    *,
    name: str,
    title: str,
    version: str = "1",
    description: str = "",
    blueprints: Iterable[Blueprint] = (),
    error_table: Mapping[type[Exception], tuple[int, str]] | None = None,
    ready_checks: Mapping[str, Callable[[], bool]] | None = None,
    token_verifier: TokenVerifier | None = None,
    idempotency: IdempotencyKeys | None = None,
    max_content_length: int = 1024 * 1024,
    trusted_proxies: int = 0,
    trusted_proxy_addresses: Iterable[str] = (),
) -> Flask:
    app = Flask(name)
    if trusted_proxies:
        # Behind the gateway, the client's address is the last one the gateway appended; only the gateway
        # (trusted_proxy_addresses) is believed.
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, trusted_proxies, trusted_proxy_addresses)
    app.config.update(
        API_TITLE=title,
        API_VERSION=version,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={"info": {"description": description}},
        MAX_CONTENT_LENGTH=max_content_length,
    )
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    if token_verifier is not None:
        app.extensions["token_verifier"] = token_verifier
    _correlation_and_metrics(app)
    _protective_headers(app)
    inputs.init_app(app)  # before the idempotency keys: a refused request stores nothing
    register_error_handlers(app, error_table or {})
    api = ServiceApi(app)
    api.spec.components.security_scheme("bearerAuth", BEARER["bearerAuth"])
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    if idempotency is not None:
        idempotency.init_app(app)
    health_routes(app, ready_checks or {})
    return app
