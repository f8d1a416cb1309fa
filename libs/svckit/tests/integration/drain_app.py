"""A tiny app for the drain tests of svckit.gunicorn, served by a real gunicorn in a subprocess."""

from __future__ import annotations

import time

from flask import Flask, request


def create_app() -> Flask:
    app = Flask("drain")

    @app.get("/health/ready")
    def ready():
        return "ok"

    @app.get("/slow")
    def slow():
        time.sleep(float(request.args.get("seconds", "1")))
        return "finished"

    return app
