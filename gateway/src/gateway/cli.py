"""``gateway api``: the gateway under gunicorn (gthread workers, like every service's ``api``)."""

from __future__ import annotations

import os
import sys

import click

from gateway.config import Settings
from svckit.gunicorn import run_gunicorn
from svckit.logs import configure_logging


@click.group(name="gateway", help="The API gateway's processes.")
def main() -> None:
    pass


@main.command(help="Serve the gateway with gunicorn.")
@click.option("--bind", default=lambda: os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8080')}"),
              show_default="0.0.0.0:$PORT, PORT=8080")
@click.option("--workers", type=int, default=lambda: int(os.environ.get("WEB_CONCURRENCY", "1")),
              show_default="$WEB_CONCURRENCY or 1")
@click.option("--threads", type=int, default=lambda: int(os.environ.get("WEB_THREADS", "32")),
              show_default="$WEB_THREADS or 32")
def api(bind: str, workers: int, threads: int) -> None:
    # Each in-flight request, a streamed export included, holds one thread while it waits
    # on a service, hence more threads than a service's default. The connection pool is
    # sized from WEB_THREADS in each worker: pass the chosen value down to them.
    os.environ["WEB_THREADS"] = str(threads)
    settings = Settings.from_env()  # a bad setting stops here, before any worker starts
    configure_logging("gateway", "api", settings.log_level, settings.log_format)
    # The workers import the gateway themselves: forgotten here, its modules are read from disk
    # again by each new worker, so a graceful reload (kill -HUP, devstack restart gateway) runs
    # the gateway's current code, and not only new processes.
    for name in [name for name in sys.modules if name == "gateway" or name.startswith("gateway.")]:
        del sys.modules[name]
    run_gunicorn("gateway.app:create_app", bind=bind, workers=workers, threads=threads, name="gateway")
