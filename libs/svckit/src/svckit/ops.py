"""A small HTTP server inside consumer and relay processes, for Kubernetes probes and Prometheus.

``/health/live``: the process answers. ``/health/ready``: its database answers and it holds
a broker connection. ``/metrics``: the plumbing's counters. It runs in a daemon thread;
the process's main thread does the real work.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping

from flask import Flask
from werkzeug.serving import make_server

from svckit.web import health_routes

log = logging.getLogger("svckit.ops")


def start_ops_server(port: int, ready_checks: Mapping[str, Callable[[], bool]], host: str = "0.0.0.0") -> int | None:
    """Serve probes and metrics on ``port`` (0: no server); returns the bound port."""
    if not port:
        return None
    app = Flask("ops")
    health_routes(app, ready_checks)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per probe
    server = make_server(host, port, app, threaded=True)
    threading.Thread(target=server.serve_forever, name="ops-server", daemon=True).start()
    log.info("ops server listening", extra={"port": server.server_port})
    return server.server_port
