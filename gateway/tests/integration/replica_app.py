"""A service replica for the restart tests: served by the real gunicorn of every api
(svckit.gunicorn, in a subprocess), answering a little slowly so requests are in hand when it stops."""

from __future__ import annotations

import os
import time

from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = Flask("replica")

    @app.get("/health/ready")
    def ready():
        return "ok"

    @app.get("/api/assessments/<assessment_id>/next-challenge")
    def question(assessment_id: str):
        time.sleep(0.02)
        return jsonify(pid=os.getpid(), assessment=assessment_id)

    @app.post("/api/assessments/<assessment_id>/answers")
    def answer(assessment_id: str):
        time.sleep(0.03)
        return jsonify(pid=os.getpid(), key=request.headers.get("Idempotency-Key"), body=request.get_json()), 201

    return app
