"""The gateway's composition root: ``create_app()`` wires settings, table and adapters.

Request path through the hooks, in order: correlation id and timer; route resolution;
rate limits (they read the route's group); then the view: unknown route, body size,
token, forward. Everything the gateway answers itself uses the common error shape.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway.config import Settings
from gateway.observability import install_request_hooks
from gateway.openapi import OpenApiCatalog
from gateway.proxy import Forwarder
from gateway.ratelimit import install_rate_limits
from gateway.routes import RoutingTable
from gateway.tokens import require_principal
from gateway.web import install_web_faces
from svckit.auth import JwksKeySource, TokenVerifier
from svckit.errors import ApiError, register_error_handlers
from svckit.web import health_routes

STATIC = Path(__file__).parent / "static"
PROXIED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def create_app(settings: Settings | None = None, table: RoutingTable | None = None) -> Flask:
    settings = settings or Settings.from_env()
    table = table or RoutingTable()
    app = Flask("gateway", static_folder=str(STATIC), static_url_path="/static")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    # "/api//users" must reach the routing table (and fail there), not be redirected by werkzeug.
    app.url_map.merge_slashes = False

    forwarder = Forwarder(settings.services, pool_size=settings.pool_size,
                          connect_timeout=settings.connect_timeout, read_timeout=settings.read_timeout,
                          retry_seconds=settings.retry_seconds, retry_body_bytes=settings.retry_body_bytes,
                          max_streams=settings.max_streams)
    catalog = OpenApiCatalog(settings.services, table, forwarder.session,
                             timeout=settings.openapi_timeout, cache_seconds=settings.openapi_cache_seconds)
    # svckit.auth.authenticate() reads the verifier from here.
    app.extensions["token_verifier"] = TokenVerifier(JwksKeySource(settings.jwks_url),
                                                     issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    app.extensions["gateway"] = {"settings": settings, "table": table, "forwarder": forwarder, "catalog": catalog}

    install_request_hooks(app)

    @app.before_request
    def _resolve_route() -> None:
        if request.endpoint == "proxy":
            g.resolution = table.resolve(request.method, request.path)
            g.route = g.resolution.route

    install_rate_limits(app, settings)

    @app.after_request
    def _protect_answers(response):
        # What the services send carries these already; the gateway's own answers need them too: no
        # browser guesses a type, and no cache on the way keeps an error (a 401, a 429) for others.
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.status_code >= 400:
            response.headers.setdefault("Cache-Control", "no-store")
        return response
    register_error_handlers(app, {})
    # Readiness is "this process serves": tying it to the services would take the whole
    # front door out of rotation whenever one service has a bad minute.
    health_routes(app, {})

    @app.get("/api/openapi.json")
    def openapi_document():
        return jsonify(catalog.document())

    def proxy(path: str):
        resolution = g.resolution
        route = resolution.route
        if route is None:
            if resolution.path_known:
                raise ApiError(405, "METHOD_NOT_ALLOWED", f"{request.method} is not allowed on this path.",
                               headers={"Allow": ", ".join(sorted(resolution.allowed))})
            raise ApiError(404, "ROUTE_NOT_FOUND", "No API route matches this path.", {"path": request.path})
        if request.content_length is not None and request.content_length > settings.max_body_bytes:
            raise ApiError(413, "PAYLOAD_TOO_LARGE", "The request body is too large.",
                           {"max_bytes": settings.max_body_bytes})
        if route.token:
            require_principal()  # 401 in the common shape, or 503 when the keys cannot be fetched
        return forwarder.forward(route, request, g.correlation_id)

    # Only /api and /.well-known are forwarded; every other path is the web faces'.
    for prefix in ("/api", "/.well-known"):
        app.add_url_rule(f"{prefix}/<path:path>", "proxy", proxy, methods=PROXIED_METHODS,
                         provide_automatic_options=False)
    install_web_faces(app, settings.web_root)

    if settings.trusted_proxies > 0:
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=1, x_host=1, x_port=1)  # type: ignore[method-assign]
    return app
