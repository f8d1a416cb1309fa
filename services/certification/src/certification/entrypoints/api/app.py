"""certification's HTTP API (``certification api`` serves ``create_app()`` with gunicorn)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from certification.adapters import orm
from certification.bootstrap import Certification, bootstrap
from certification.entrypoints.api import live
from certification.entrypoints.api.errors import ERRORS
from certification.entrypoints.api.routes import (
    admin,
    candidates,
    centers,
    certificates,
    invitations,
    jury,
    sessions,
    taking,
    windows,
)
from certification.entrypoints.api.school_report import school_report
from svckit.db import database_ready
from svckit.idempotency import IdempotencyKeys
from svckit.web import create_service_app


def create_app(runtime: Certification | None = None) -> Flask:
    runtime = runtime or bootstrap()
    app = create_service_app(
        name="certification",
        title="Certification",
        description="Certification centres, national windows, sessions, candidates, joining and starting the "
                    "invigilated test, finalization, results and certificates; a school's results for the school "
                    "report's applications (LSU/LSL).",
        blueprints=[admin, centers, invitations, windows, sessions, candidates, taking, jury, certificates,
                    school_report],
        error_table=ERRORS,
        ready_checks={"database": lambda: database_ready(runtime.engine)},
        token_verifier=runtime.verifier,
        idempotency=IdempotencyKeys(runtime.engine, orm.idempotency_keys,
                                    lease=timedelta(seconds=runtime.common.idempotency_lease_seconds)),
        max_content_length=runtime.settings.max_import_bytes + 64 * 1024,  # the file plus the form around it
        trusted_proxies=runtime.common.trusted_proxies,
        trusted_proxy_addresses=runtime.common.trusted_proxy_addresses,
    )
    app.extensions["certification"] = runtime
    live.init_app(app, runtime)
    return app
