"""campaigns' HTTP API (``campaigns api`` serves ``create_app()`` with gunicorn)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from campaigns.adapters import orm
from campaigns.bootstrap import Campaigns, bootstrap
from campaigns.entrypoints.api.errors import ERRORS
from campaigns.entrypoints.api.routes import admin_profiles, campaign, orga, participations, profiles
from svckit.db import database_ready
from svckit.idempotency import IdempotencyKeys
from svckit.web import create_service_app


def create_app(runtime: Campaigns | None = None) -> Flask:
    runtime = runtime or bootstrap()
    app = create_service_app(
        name="campaigns",
        title="Campaigns",
        description="Campaigns, their codes and target profiles; participations.",
        blueprints=[orga, campaign, participations, profiles, admin_profiles],
        error_table=ERRORS,
        ready_checks={"database": lambda: database_ready(runtime.engine)},
        token_verifier=runtime.verifier,
        idempotency=IdempotencyKeys(runtime.engine, orm.idempotency_keys,
                                    lease=timedelta(seconds=runtime.common.idempotency_lease_seconds)),
        trusted_proxies=runtime.common.trusted_proxies,
        trusted_proxy_addresses=runtime.common.trusted_proxy_addresses,
    )
    app.extensions["campaigns"] = runtime
    return app
