"""assessment's HTTP API (``assessment api`` serves ``create_app()`` with gunicorn)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from assessment.adapters import orm
from assessment.bootstrap import Assessment, bootstrap
from assessment.entrypoints.api.errors import ERRORS
from assessment.entrypoints.api.routes import admin, learner
from svckit.db import database_ready
from svckit.idempotency import IdempotencyKeys
from svckit.web import create_service_app


def create_app(runtime: Assessment | None = None) -> Flask:
    runtime = runtime or bootstrap()
    app = create_service_app(
        name="assessment",
        title="Assessment",
        description="Learning content and the adaptive test.",
        blueprints=[learner, admin],
        error_table=ERRORS,
        ready_checks={"database": lambda: database_ready(runtime.engine)},
        token_verifier=runtime.verifier,
        # An answer's key, its effect and its stored reply commit in one transaction (svckit.idempotency).
        idempotency=IdempotencyKeys(runtime.engine, orm.idempotency_keys,
                                    lease=timedelta(seconds=runtime.common.idempotency_lease_seconds),
                                    one_transaction=True),
        trusted_proxies=runtime.common.trusted_proxies,
        trusted_proxy_addresses=runtime.common.trusted_proxy_addresses,
    )
    app.extensions["assessment"] = runtime
    return app
