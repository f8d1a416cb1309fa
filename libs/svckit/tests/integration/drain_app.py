"""A tiny app for the drain tests of svckit.gunicorn, served by a real gunicorn in a subprocess."""

from __future__ import annotations

import time

from flask import Flask, Response, request

from svckit.live import EVENT_STREAM, InMemoryNotices, LiveStream, View


def create_app() -> Flask:
    app = Flask("drain")

    @app.get("/health/ready")
    def ready():
        return "ok"

    @app.get("/slow")
    def slow():
        time.sleep(float(request.args.get("seconds", "1")))
        return "finished"

    notices = InMemoryNotices()

    @app.get("/stream")
    def stream():
        # A live page nobody changes, for 10 minutes: only a drain ends it early.
        with_listener = notices.listen("page")
        listener = with_listener.__enter__()
        response = Response(iter(LiveStream(event="page", first=View("{}"), render=lambda: View("{}"),
                                            listener=listener, lifetime=600)), mimetype=EVENT_STREAM)
        response.call_on_close(lambda: with_listener.__exit__(None, None, None))
        return response

    return app
