"""One command per service, one subcommand per process kind.

``<service> api``        the HTTP API under gunicorn (gthread workers)
``<service> consumer``   the RabbitMQ consumer (if the service consumes)
``<service> relay``      the outbox relay (if the service publishes)
``<service> migrate``    Alembic upgrade to head, then exit (run once per release)
``<service> declare-topology``  declare the consumer's queues (and replace those of an earlier layout), then exit
``<service> idempotency prune [--every SECONDS]``  delete the Idempotency-Key answers older than 24 hours (once, or
                                 every SECONDS until SIGTERM)

One image runs any of them by its command; each service adds its own admin commands.

Each command says what kind of process it is, and its database bounds follow
(``svckit.db.PROCESS_TIMEOUTS``): ``api``, ``relay`` and ``consumer`` their own, every other command
(``migrate``, ``outbox replay``, a service's admin commands...) the one-off command's, no time bound.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import click
from sqlalchemy import Engine

from svckit import migrations
from svckit.config import CommonSettings, database_timeouts, process_kind
from svckit.db import database_ready
from svckit.logs import configure_logging
from svckit.ops import start_ops_server

log = logging.getLogger("svckit.cli")


class Runtime(Protocol):
    """What a service's composition root hands to the process commands."""

    common: CommonSettings
    engine: Engine
    publishes: bool

    def make_relay(self) -> Any | None: ...

    def make_consumer(self) -> Any | None: ...


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    app_factory: str  # "module:function" returning the Flask app
    load_runtime: Callable[[], Runtime]
    migrations: str  # Alembic script location, "package:folder"


def _run_until_signalled(worker: Any) -> None:
    def _stop(signum: int, _frame: Any) -> None:
        # Only a flag: the loop finishes the message (or batch) in hand, then returns.
        log.info("stop requested", extra={"signal": signal.Signals(signum).name})
        worker.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    worker.run()


class Periodic:
    """A task run every ``seconds`` until ``stop()`` (a signal handler may call it: it only sets a flag)."""

    def __init__(self, task: Callable[[], None], seconds: float, name: str) -> None:
        self.task, self.seconds, self.name = task, seconds, name
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True

    def run(self) -> None:
        from msgkit.backoff import sleep_unless

        log.info("periodic task started", extra={"task": self.name, "every_s": self.seconds})
        while not self._stopping:
            try:
                self.task()
            except Exception:  # noqa: BLE001 - a round that fails (the database away) is not the end of the loop
                log.exception("periodic task failed; the next round tries again",
                              extra={"task": self.name, "retry_in_s": self.seconds})
            sleep_unless(lambda: self._stopping, self.seconds)
        log.info("periodic task stopped", extra={"task": self.name})


def service_cli(definition: ServiceDefinition) -> click.Group:
    @click.group(name=definition.name, help=f"The {definition.name} service's processes and admin commands.")
    @click.pass_context
    def group(context: click.Context) -> None:
        # One-off commands unless the command says otherwise: no time bound on their database work.
        context.with_resource(process_kind("command"))

    @group.command(help="Serve the HTTP API with gunicorn.")
    @click.option("--bind", default=lambda: os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}"))
    @click.option("--workers", type=int, default=lambda: int(os.environ.get("WEB_CONCURRENCY", "1")))
    @click.option("--threads", type=int, default=lambda: int(os.environ.get("WEB_THREADS", "8")))
    def api(bind: str, workers: int, threads: int) -> None:
        from svckit.gunicorn import run_gunicorn

        os.environ["WEB_THREADS"] = str(threads)  # the workers size their live streams' slots on it (svckit.live)
        settings = CommonSettings.from_env(definition.name)
        configure_logging(definition.name, "api", settings.log_level, settings.log_format)
        click.get_current_context().with_resource(process_kind("api"))  # the workers build their runtime
        run_gunicorn(definition.app_factory, bind=bind, workers=workers, threads=threads, name=definition.name,
                     log_level=settings.log_level, log_format=settings.log_format)

    @group.command(help="Publish the outbox to RabbitMQ until SIGTERM.")
    def relay() -> None:
        runtime = _runtime(definition, "relay", bounds="relay")
        worker = runtime.make_relay()
        if worker is None:
            raise click.ClickException(f"{definition.name} publishes no event: it has no relay to run")
        start_ops_server(runtime.common.ops_port, {
            "database": lambda: database_ready(runtime.engine), "broker": lambda: worker.connected})
        _run_until_signalled(worker)

    @group.command(help="Consume the service's subscriptions until SIGTERM.")
    def consumer() -> None:
        runtime = _runtime(definition, "consumer", bounds="consumer")
        worker = runtime.make_consumer()
        if worker is None:
            raise click.ClickException(f"{definition.name} consumes no event")
        start_ops_server(runtime.common.ops_port, {
            "database": lambda: database_ready(runtime.engine), "broker": lambda: worker.connected})
        _run_until_signalled(worker)

    @group.command(help="Upgrade the database schema to the latest migration, then exit.")
    def migrate() -> None:
        settings = CommonSettings.from_env(definition.name)
        configure_logging(definition.name, "migrate", settings.log_level, settings.log_format)
        migrations.upgrade(settings.database_url, definition.migrations)
        click.echo(f"{definition.name}: database at the latest migration")

    @group.command("declare-topology", help="Declare the consumer's exchanges and queues, replacing those an earlier "
                                            "version declared otherwise (run it with the old consumers stopped), "
                                            "then exit.")
    @click.option("--json", "as_json", is_flag=True,
                  help="Print what was declared as JSON: whether the service consumes and publishes, its handler "
                       "queues with their event types, those created (what to replay for them) and what was "
                       "changed.")
    def declare_topology(as_json: bool) -> None:
        import json

        import pika

        from msgkit import TopologyConflict, declare_consumer_topology

        runtime = _runtime(definition, "declare-topology")
        worker = runtime.make_consumer()
        report: dict[str, Any] = {"service": definition.name, "consumes": worker is not None,
                                  "publishes": runtime.publishes, "queues": {}, "created": {}, "changes": []}
        if worker is not None:
            connection = pika.BlockingConnection(pika.URLParameters(runtime.common.rabbitmq_url))
            try:
                declared = declare_consumer_topology(connection, worker.consumer, worker.subscriptions,
                                                     worker.retry_delays_ms, migrate=True)
            except TopologyConflict as error:
                raise click.ClickException(str(error)) from error
            finally:
                if connection.is_open:
                    connection.close()
            report.update(queues={declared.handlers[s.name]: list(s.event_types) for s in worker.subscriptions},
                          created={queue: list(types) for queue, types in declared.created.items()},
                          changes=declared.changes)
        if as_json:
            click.echo(json.dumps(report))
            return
        for change in report["changes"]:
            click.echo(f"{definition.name}: {change}")
        if worker is None:
            click.echo(f"{definition.name}: consumes no event, no queue to declare")
        else:
            created = f"{len(report['created'])} handler queue(s) created" if report["created"] else "no queue created"
            click.echo(f"{definition.name}: topology declared ({created})")
        if not runtime.publishes:
            click.echo(f"{definition.name}: publishes no event, runs no relay")

    @group.group("outbox", help="The events this service published.")
    def outbox() -> None:
        pass

    @outbox.command("replay", help="Publish again the events still in the outbox (kept 7 days), for a consumer "
                                   "that subscribed since; consumers that had them skip them by message id.")
    @click.option("--event-type", "event_types", multiple=True, help="Only these event types (repeatable).")
    @click.option("--since", type=click.DateTime(), default=None, help="Only events written since (UTC).")
    def outbox_replay(event_types: tuple[str, ...], since) -> None:
        from datetime import timezone

        from msgkit import replay_outbox

        runtime = _runtime(definition, "outbox-replay")
        with runtime.engine.begin() as connection:
            count = replay_outbox(connection, runtime.outbox, list(event_types) or None,
                                  since.replace(tzinfo=timezone.utc) if since else None)
        click.echo(f"{definition.name}: {count} event(s) to publish again; the relay sends them")

    @group.group("idempotency", help="The answers kept for Idempotency-Key replays (24 hours).")
    def idempotency() -> None:
        pass

    @idempotency.command("prune", help="Delete the keys older than 24 hours, in batches. Once, for a scheduler (a "
                                       "CronJob in Kubernetes), or with --every as a process of its own (compose's "
                                       "idempotency-prune service).")
    @click.option("--every", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
                  help="Prune again every SECONDS until SIGTERM or SIGINT; a failed round (the database away) is "
                       "logged and the next one tries again.")
    def idempotency_prune(every: float | None) -> None:
        from sqlalchemy import MetaData

        from svckit.db import create_db_engine
        from svckit.idempotency import idempotency_table, prune_idempotency_keys

        settings = CommonSettings.from_env(definition.name)
        configure_logging(definition.name, "idempotency-prune", settings.log_level, settings.log_format)
        # Every service keeps its keys in svckit's table, so its shape is known here without the service's runtime.
        # Short batches: the api's bounds, so that a round stuck on a frozen connection fails and the next one runs.
        engine = create_db_engine(settings.database_url, pool_size=1, application_name=f"{definition.name}-prune",
                                  timeouts=database_timeouts(os.environ, "api"))
        table = idempotency_table(MetaData())

        def prune() -> None:
            with engine.connect() as connection:
                count = prune_idempotency_keys(connection, table)
            click.echo(f"{definition.name}: {count} idempotency key(s) older than 24 hours deleted")

        try:
            if every is None:
                prune()
            else:
                _run_until_signalled(Periodic(prune, every, "idempotency prune"))
        finally:
            engine.dispose()

    @group.group("dead-letters", help="Messages a handler gave up on: list them, or replay them into its queue.")
    def dead_letters() -> None:
        pass

    @dead_letters.command("list", help="Show the dead letters of a handler, or of every handler (left in place).")
    @click.argument("handler", required=False)
    @click.option("--limit", type=int, default=100)
    def list_command(handler: str | None, limit: int) -> None:
        from msgkit.dead_letters import list_dead_letters

        runtime = _runtime(definition, "dead-letters")
        if handler is not None:
            _check_handler(runtime, handler)
        letters = list_dead_letters(runtime.common.rabbitmq_url, definition.name, handler, limit)
        for letter in letters:
            click.echo(f"{letter.message_id}  {letter.handler or '?'}  {letter.event_type}  {letter.reason}  "
                       f"attempts={letter.attempts}  {letter.error or ''}")
        click.echo(f"{len(letters)} dead letter(s) shown for {definition.name}.{handler or '*'}")

    @dead_letters.command("replay", help="Move a handler's dead letters back to its queue, attempts reset; the "
                                         "other handlers' stay.")
    @click.argument("handler")
    @click.option("--limit", type=int, default=None)
    def replay_command(handler: str, limit: int | None) -> None:
        from msgkit.dead_letters import replay_dead_letters

        runtime = _runtime(definition, "dead-letters")
        _check_handler(runtime, handler)
        count = replay_dead_letters(runtime.common.rabbitmq_url, definition.name, handler, limit)
        click.echo(f"{count} message(s) replayed into {definition.name}.{handler}")

    return group


def _check_handler(runtime: Runtime, handler: str) -> None:
    worker = runtime.make_consumer()
    handlers = sorted(subscription.name for subscription in worker.subscriptions) if worker is not None else []
    if handler not in handlers:
        raise click.ClickException(f"no handler {handler!r}; the handlers are: {', '.join(handlers) or 'none'}")


def _runtime(definition: ServiceDefinition, kind: str, bounds: str = "command") -> Runtime:
    """The service's runtime, its database bounds those of the ``bounds`` kind of process."""
    settings = CommonSettings.from_env(definition.name)
    configure_logging(definition.name, kind, settings.log_level, settings.log_format)
    with process_kind(bounds):
        return definition.load_runtime()
