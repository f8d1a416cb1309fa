"""reporting's HTTP API: health, metrics and OpenAPI for now; its routes arrive with their issue."""

from __future__ import annotations

from flask import Flask

from reporting.adapters import orm
from reporting.bootstrap import Reporting, bootstrap
from svckit.db import database_ready
from svckit.idempotency import IdempotencyKeys
from svckit.web import create_service_app


def create_app(runtime: Reporting | None = None) -> Flask:
    runtime = runtime or bootstrap()
    app = create_service_app(
        name="reporting",
        title="Reporting",
        description="Read models built from events: follow-up, results, CSV exports.",
        blueprints=[],
        ready_checks={"database": lambda: database_ready(runtime.engine)},
        token_verifier=runtime.verifier,
        idempotency=IdempotencyKeys(runtime.engine, orm.idempotency_keys),
        trusted_proxies=runtime.common.trusted_proxies,
    )
    app.extensions["reporting"] = runtime
    return app
