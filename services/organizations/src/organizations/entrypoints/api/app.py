"""organizations' HTTP API; its routes arrive with issue 3."""

from __future__ import annotations

from flask import Flask

from organizations.adapters import orm
from organizations.bootstrap import Organizations, bootstrap
from svckit.db import database_ready
from svckit.idempotency import IdempotencyKeys
from svckit.web import create_service_app


def create_app(runtime: Organizations | None = None) -> Flask:
    runtime = runtime or bootstrap()
    app = create_service_app(
        name="organizations",
        title="Organizations",
        description="Organizations, their members, invitations and learners.",
        blueprints=[],
        ready_checks={"database": lambda: database_ready(runtime.engine)},
        token_verifier=runtime.verifier,
        idempotency=IdempotencyKeys(runtime.engine, orm.idempotency_keys),
        trusted_proxies=runtime.common.trusted_proxies,
        max_content_length=25 * 1024 * 1024,  # learner files (SIECLE exports) are several MB
    )
    app.extensions["organizations"] = runtime
    return app
