"""gunicorn, started from the service's own command (``<service> api``).

gthread workers: requests mostly wait on PostgreSQL, so threads give concurrency cheaply;
CPU-bound scale comes from more processes (replicas), one worker each by default. The
graceful timeout (25 s) stays below the pod's termination grace period.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from gunicorn.app.base import BaseApplication

from svckit.cli import load_app_factory
from svckit.logs import configure_logging


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


def run_gunicorn(factory: str, *, bind: str, workers: int, threads: int, name: str, log_level: str = "INFO",
                 log_format: str = "json") -> None:
    options = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 25,
        "keepalive": 5,
        "proc_name": f"{name}-api",
        "accesslog": None,  # the app logs one JSON line per request itself
        "child_exit": _child_exit,
        "control_socket_disable": True,  # many gunicorns per machine, read-only filesystems in pods
    }
    _Application(factory, options, name, log_level, log_format).run()
