"""gunicorn, started from the service's own command (``<service> api``).

gthread workers: requests mostly wait on PostgreSQL, so threads give concurrency cheaply;
CPU-bound scale comes from more processes (replicas), one worker each by default.

**Drain on SIGTERM** (every api and the gateway). The worker stops accepting, finishes every
request in hand within the graceful timeout (25 s), answers a request
that arrives on a kept-alive connection meanwhile with ``Connection: close``, and exits. On
top of gunicorn's own drain, :class:`DrainingWorker` closes its listening socket at once:
gunicorn would keep it open until the drain ends, so the kernel would go on completing new
connections that nobody serves, and reset them when the worker exits, after the client had
sent its request (the gateway could then not tell whether a POST had been read). Closed, the
socket refuses new connections straight away, and the gateway sends the request to another
replica. Connections the kernel had already queued are accepted and served before it closes.
Live streams (server-sent events, ``svckit.live``) end within half a second of the signal.

The graceful timeout stays below the pod's termination grace period minus its preStop pause
(deploy/: 45 s > 5 s + 25 s). ``kill -HUP`` on the master replaces the workers gracefully
without closing the listening socket (the gateway's restart without a gap in ``make up``).
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import TConn, ThreadWorker

from svckit.live import begin_drain
from svckit.logs import configure_logging

GRACEFUL_TIMEOUT = 25  # seconds; deploy/ and tests/deploy align the pods' termination grace on it


class DrainingWorker(ThreadWorker):
    """gunicorn's gthread worker that closes its listening sockets as soon as it stops, and ends its live
    streams (``svckit.live``) within half a second: a stream would otherwise hold its thread, and the
    drain, until the graceful timeout, and the browser reconnects by itself to another replica."""

    def handle_exit(self, sig: int, frame: Any) -> None:
        begin_drain()
        super().handle_exit(sig, frame)

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled)
        if not enabled and not self.alive:
            self._close_listeners()

    def _close_listeners(self) -> None:
        for listener in self.sockets:
            if getattr(listener, "sock", None) is None:
                continue  # closed already
            # Whatever the kernel completed before now is served (with "Connection: close").
            listener.setblocking(False)
            while True:
                try:
                    client, address = listener.accept()
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    break
                client.setblocking(True)
                self.nr_conns += 1
                self.enqueue_req(TConn(self.cfg, client, address, listener.getsockname()))
            listener.close()


def _child_exit(_server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


class _Application(BaseApplication):
    def __init__(self, factory: str, options: dict[str, Any], name: str, log_level: str, log_format: str) -> None:
        self.factory, self.options = factory, options
        self.service, self.log_level, self.log_format = name, log_level, log_format
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # In the worker, after gunicorn set up its own handlers: back to one JSON stream.
        configure_logging(self.service, "api", self.log_level, self.log_format)
        for name in ("gunicorn.error", "gunicorn.access"):
            logging.getLogger(name).handlers[:] = []
            logging.getLogger(name).propagate = True
        return load_app_factory(self.factory)()


def load_app_factory(path: str) -> Callable[[], Any]:
    """``module:attribute``, the application factory a worker builds its app with."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def run_gunicorn(factory: str, *, bind: str, workers: int, threads: int, name: str, log_level: str = "INFO",
                 log_format: str = "json") -> None:
    options = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": f"{__name__}.DrainingWorker",
        "timeout": 60,
        "graceful_timeout": GRACEFUL_TIMEOUT,
        "keepalive": 5,
        "proc_name": f"{name}-api",
        "accesslog": None,  # the app logs one JSON line per request itself
        "child_exit": _child_exit,
        "control_socket_disable": True,  # many gunicorns per machine, read-only filesystems in pods
    }
    _Application(factory, options, name, log_level, log_format).run()

