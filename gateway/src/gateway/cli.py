"""``gateway api``: the gateway under gunicorn (gthread workers, like every service's ``api``)."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import click

from gateway.config import Settings
from gateway.edge import EdgeOptions, EdgeRunner, haproxy_config, parse_peers, read_keys
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


def _edge_options(bind: str, gateway_url: str, ops_bind: str | None, keys: dict) -> EdgeOptions:
    peers = parse_peers(os.environ.get("EDGE_PEERS", ""))
    peers_dns = os.environ.get("EDGE_PEERS_DNS", "") or None
    local = os.environ.get("EDGE_PEER_NAME", "") or None
    if peers and peers_dns:
        raise click.UsageError("EDGE_PEERS and EDGE_PEERS_DNS: one or the other")
    if peers and local not in {peer.name for peer in peers}:
        raise click.UsageError("EDGE_PEERS is set: EDGE_PEER_NAME must name this edge among them")
    if peers_dns and (not local or not re.fullmatch(r"[^:\s]+:\d+", peers_dns)):
        raise click.UsageError("EDGE_PEERS_DNS=host:port needs EDGE_PEER_NAME, this edge's address")
    threads = int(os.environ.get("EDGE_THREADS", "0") or 0) or None
    access_log = (os.environ.get("LOG_LEVEL", "") or "INFO").upper() in ("DEBUG", "INFO")
    return EdgeOptions(bind=bind, gateway_url=gateway_url, keys=keys, ops_bind=ops_bind, access_log=access_log,
                       peers=peers, local_peer=local if peers or peers_dns else None, peers_dns=peers_dns,
                       threads=threads)


_BIND = click.option("--bind", default=lambda: os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8080')}"),
                     show_default="0.0.0.0:$PORT, PORT=8080")
_GATEWAY_URL = click.option("--gateway-url", default=lambda: os.environ.get("EDGE_GATEWAY_URL", "http://127.0.0.1:8090"),
                            show_default="$EDGE_GATEWAY_URL or http://127.0.0.1:8090",
                            help="the Python gateway behind the edge: web faces, /api/openapi.json")
_OPS_BIND = click.option("--ops-bind", default=lambda: os.environ.get("EDGE_OPS_BIND", "") or None,
                         help="host:port of the edge's /metrics and /health/live")


@main.command("haproxy-config", help="Print the HAProxy configuration generated from the routing table.")
@_BIND
@_GATEWAY_URL
@_OPS_BIND
@click.option("--keys-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="identity's public keys as <kid>.pem files")
def haproxy_config_command(bind: str, gateway_url: str, ops_bind: str | None, keys_dir: Path | None) -> None:
    settings = Settings.from_env()
    keys = read_keys(keys_dir) if keys_dir else {}
    click.echo(haproxy_config(settings, _edge_options(bind, gateway_url, ops_bind, keys)), nl=False)


@main.command(help="Run HAProxy as the edge, its configuration generated from the routing table and kept current.")
@_BIND
@_GATEWAY_URL
@_OPS_BIND
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path),
              default=lambda: os.environ.get("EDGE_WORKDIR", "") or tempfile.mkdtemp(prefix="edge-"),
              help="where the configuration and the keys are written")
def edge(bind: str, gateway_url: str, ops_bind: str | None, workdir: Path) -> None:
    settings = Settings.from_env()
    configure_logging("gateway", "edge", settings.log_level, settings.log_format)
    refresh = float(os.environ.get("EDGE_KEYS_REFRESH_SECONDS", "30") or 30)
    runner = EdgeRunner(settings, _edge_options(bind, gateway_url, ops_bind, {}), workdir,
                        refresh_seconds=refresh, haproxy=os.environ.get("HAPROXY", "haproxy"))
    sys.exit(runner.run())
