"""assessment's HTTP API: health, metrics and OpenAPI for now; its routes arrive with their issue."""

from __future__ import annotations

from flask import Flask

from assessment.adapters import orm
from assessment.bootstrap import Assessment, bootstrap
from svckit.db import database_ready
from svckit.idempotency import IdempotencyKeys
from svckit.web import create_service_app


def create_app(runtime: Assessment | None = None) -> Flask:
    runtime = runtime or bootstrap()
    app = create_service_app(
        name="assessment",
        title="Assessment",
        description="Learning content and the adaptive test.",
        blueprints=[],
        ready_checks={"database": lambda: database_ready(runtime.engine)},
        token_verifier=runtime.verifier,
        idempotency=IdempotencyKeys(runtime.engine, orm.idempotency_keys),
        trusted_proxies=runtime.common.trusted_proxies,
    )
    app.extensions["assessment"] = runtime
    return app
