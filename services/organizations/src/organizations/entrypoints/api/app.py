"""organizations' HTTP API (``organizations api`` serves ``create_app()`` with gunicorn)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from organizations.adapters import orm
from organizations.bootstrap import Organizations, bootstrap
from organizations.entrypoints.api.errors import ERRORS
from organizations.entrypoints.api.routes import admin, gar, invitations, learners, orga
from svckit.db import database_ready
from svckit.idempotency import IdempotencyKeys
from svckit.web import create_service_app


def create_app(runtime: Organizations | None = None) -> Flask:
    runtime = runtime or bootstrap()
    app = create_service_app(
        name="organizations",
        title="Organizations",
        description="Organizations, their members, invitations and learner lists.",
        blueprints=[admin, orga, invitations, learners, gar],
        error_table=ERRORS,
        ready_checks={"database": lambda: database_ready(runtime.engine)},
        token_verifier=runtime.verifier,
        idempotency=IdempotencyKeys(runtime.engine, orm.idempotency_keys,
                                    lease=timedelta(seconds=runtime.common.idempotency_lease_seconds)),
        trusted_proxies=runtime.common.trusted_proxies,
        trusted_proxy_addresses=runtime.common.trusted_proxy_addresses,
        max_content_length=runtime.settings.max_import_bytes + 1024 * 1024,  # the file plus the form around it
    )
    app.extensions["organizations"] = runtime
    return app
