"""reporting's HTTP API (``reporting api`` serves ``create_app()`` with gunicorn)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from reporting.adapters import orm
from reporting.bootstrap import Reporting, bootstrap
from reporting.entrypoints.api import live
from reporting.entrypoints.api.errors import ERRORS
from reporting.entrypoints.api.export_routes import export
from reporting.entrypoints.api.routes import campaign, organization
from svckit.db import database_ready
from svckit.idempotency import IdempotencyKeys
from svckit.web import create_service_app


def create_app(runtime: Reporting | None = None) -> Flask:
    runtime = runtime or bootstrap()
    app = create_service_app(
        name="reporting",
        title="Reporting",
        description="Read models built from events: follow-up, results, CSV exports.",
        blueprints=[campaign, organization, export],
        error_table=ERRORS,
        ready_checks={"database": lambda: database_ready(runtime.engine)},
        token_verifier=runtime.verifier,
        idempotency=IdempotencyKeys(runtime.engine, orm.idempotency_keys,
                                    lease=timedelta(seconds=runtime.common.idempotency_lease_seconds)),
        trusted_proxies=runtime.common.trusted_proxies,
        trusted_proxy_addresses=runtime.common.trusted_proxy_addresses,
    )
    app.extensions["reporting"] = runtime
    live.init_app(app, runtime)
    return app
