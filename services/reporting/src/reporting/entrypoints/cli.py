"""``reporting``: the service's processes (api, consumer, relay, migrate...) and its projection commands."""

from __future__ import annotations

import time

import click

from reporting.adapters.journal import journal_status
from reporting.bootstrap import bootstrap
from reporting.entrypoints.consumers.subscriptions import read
from reporting.service_layer import projections
from svckit.cli import ServiceDefinition, service_cli

main = service_cli(ServiceDefinition(
    name="reporting",
    app_factory="reporting.entrypoints.api.app:create_app",
    load_runtime=bootstrap,
    migrations="reporting:migrations",
))


@main.group("projections", help="The read models built from the journal of consumed events.")
def projections_group() -> None:
    pass


@projections_group.command("rebuild", help="Empty read models and apply the whole journal to them again, in one "
                           "transaction (readers keep the old ones until it commits). Also back-fills a new "
                           f"read model. Names: {', '.join(projections.NAMES)}; none means all.")
@click.argument("names", nargs=-1)
def rebuild(names: tuple[str, ...]) -> None:
    runtime = bootstrap()
    started = time.monotonic()
    try:
        applied = projections.rebuild(runtime.uow(), names or projections.NAMES, read)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"rebuilt {', '.join(names or projections.NAMES)} from {applied} journaled event(s) "
               f"in {time.monotonic() - started:.1f} s")


@projections_group.command("status", help="The journal per event type: how many, the last one, and its lag from "
                           "publication to effect.")
def status() -> None:
    rows = journal_status(bootstrap().engine)
    if not rows:
        click.echo("the journal is empty: no event consumed yet")
    for row in rows:
        click.echo(f"{row.event_type:55} {row.events:>9} events, last occurred {row.occurred_at:%Y-%m-%d %H:%M:%S}"
                   f", lag {row.lag.total_seconds():.3f} s")
