"""What every answer carries and whom a service believes about the client's address (svckit.web)."""

import psycopg
import pytest
from flask import jsonify, request
from sqlalchemy import exc as sa

from svckit.config import CommonSettings, ConfigurationError
from svckit.testing import assert_error
from svckit.web import create_service_app


def app_with(**options):
    app = create_service_app(name="things", title="Things", **options)

    @app.get("/api/address")
    def address():
        return jsonify(address=request.remote_addr)

    @app.get("/api/public")
    def public():
        return jsonify(ok=True), 200, {"Cache-Control": "public, max-age=300"}

    return app.test_client()


def test_every_answer_says_nosniff_and_no_store_unless_its_route_says_otherwise():
    client = app_with()
    for response in (client.get("/api/address"), client.get("/api/nowhere"), client.get("/health/live"),
                     client.get("/openapi.json")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
    public = client.get("/api/public")
    assert public.headers["Cache-Control"] == "public, max-age=300"
    assert public.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("peer, expected", [
    ("127.0.0.1", "203.0.113.7"),  # the gateway, on a trusted address: its X-Forwarded-For is believed
    ("10.244.3.9", "203.0.113.7"),  # inside a trusted network
    ("192.0.2.50", "192.0.2.50"),  # anyone else keeps their own address, whatever they claim
    ("10.245.0.1", "10.245.0.1"),
])
def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(peer, expected):
    client = app_with(trusted_proxies=1, trusted_proxy_addresses=("127.0.0.1", "10.244.0.0/16"))
    response = client.get("/api/address", headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": peer})
    assert response.get_json()["address"] == expected


def test_without_trusted_proxies_nobody_is_believed():
    client = app_with(trusted_proxies=0, trusted_proxy_addresses=("127.0.0.1",))
    response = client.get("/api/address", headers={"X-Forwarded-For": "203.0.113.7"},
                          environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.get_json()["address"] == "127.0.0.1"


def test_trusted_proxy_addresses_are_loopback_by_default_and_required_in_production():
    assert CommonSettings.from_env("things", {}).trusted_proxy_addresses == ("127.0.0.1/32", "::1/128")
    settings = CommonSettings.from_env("things", {"TRUSTED_PROXY_ADDRESSES": "10.244.0.0/16, 192.0.2.1"})
    assert settings.trusted_proxy_addresses == ("10.244.0.0/16", "192.0.2.1/32")
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXY_ADDRESSES"):
        CommonSettings.from_env("things", {"TRUSTED_PROXY_ADDRESSES": "not-an-address"})
    production = {"SERVICE_ENV": "production", "DATABASE_URL": "postgresql://db/x", "RABBITMQ_URL": "amqp://u:p@mq/",
                  "JWKS_URL": "http://identity/.well-known/jwks.json"}
    assert CommonSettings.from_env("things", production).trusted_proxy_addresses == ()
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXY_ADDRESSES"):
        CommonSettings.from_env("things", {**production, "TRUSTED_PROXIES": "1"})
    assert CommonSettings.from_env("things", {**production, "TRUSTED_PROXIES": "1",
                                              "TRUSTED_PROXY_ADDRESSES": "10.244.0.0/16"}).trusted_proxies == 1


def raising(error: Exception):
    client = app_with()

    @client.application.get("/api/fails")
    def fails():
        raise error

    return client.get("/api/fails")


@pytest.mark.parametrize("error", [
    sa.OperationalError("SELECT 1", {}, psycopg.OperationalError("connection refused")),
    sa.InterfaceError("SELECT 1", {}, psycopg.InterfaceError("connection closed")),
    sa.DBAPIError("SELECT 1", {}, psycopg.DatabaseError("gone"), connection_invalidated=True),
    sa.TimeoutError("QueuePool limit of size 5 overflow 5 reached"),
    psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
])
def test_a_database_that_cannot_be_reached_answers_503_with_retry_after(error):
    response = raising(error)
    assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert int(response.headers["Retry-After"]) > 0


def test_a_value_the_database_refuses_is_a_400_and_other_errors_stay_500():
    assert_error(raising(sa.DataError("SELECT", {}, psycopg.DataError("integer out of range"))), 400)
    assert_error(raising(sa.IntegrityError("INSERT", {}, psycopg.IntegrityError("dup"))), 500, "INTERNAL_ERROR")


def test_database_bounds_come_from_the_environment():
    default = CommonSettings.from_env("things", {}).db_timeouts
    assert (default.connect_seconds, default.pool_seconds, default.statement_ms, default.idle_in_transaction_ms,
            default.answer_deadline) == (5.0, 10.0, 10_000, 30_000, 15.0)
    assert default.server_options() == "-c statement_timeout=10000 -c idle_in_transaction_session_timeout=30000"
    tuned = CommonSettings.from_env("things", {"DB_STATEMENT_TIMEOUT_MS": "0", "DB_ANSWER_TIMEOUT_SECONDS": "2.5",
                                               "DB_IDLE_IN_TRANSACTION_TIMEOUT_MS": "0"}).db_timeouts
    assert tuned.answer_deadline == 2.5 and tuned.server_options().startswith("-c statement_timeout=0 ")
    assert CommonSettings.from_env("things", {"DB_STATEMENT_TIMEOUT_MS": "0"}).db_timeouts.answer_deadline is None
    with pytest.raises(ConfigurationError, match="DB_STATEMENT_TIMEOUT_MS"):
        CommonSettings.from_env("things", {"DB_STATEMENT_TIMEOUT_MS": "-1"})


def test_each_kind_of_process_has_the_database_bounds_of_its_work():
    from svckit.config import process_kind

    def bounds(env=None):
        timeouts = CommonSettings.from_env("things", env or {}).db_timeouts
        return timeouts.statement_ms, timeouts.idle_in_transaction_ms, timeouts.answer_deadline

    assert bounds() == (10_000, 30_000, 15.0)  # an app built outside a process command is an api
    with process_kind("relay"):
        assert bounds() == (10_000, 30_000, 15.0)
    with process_kind("consumer"):
        assert bounds() == (60_000, 300_000, 65.0)
        assert bounds({"DB_STATEMENT_TIMEOUT_MS": "5000"}) == (5_000, 300_000, 10.0)  # a setting overrides its kind
    with process_kind("command"):
        assert bounds() == (0, 0, None)  # one-off commands are never cut
    assert bounds() == (10_000, 30_000, 15.0)
    with pytest.raises(ValueError, match="no process kind"), process_kind("cron"):
        pass


def test_each_process_command_builds_its_runtime_with_the_bounds_of_its_kind(monkeypatch):
    import click
    from click.testing import CliRunner

    from svckit import cli
    from svckit.cli import ServiceDefinition, service_cli

    seen: list[tuple[int, int]] = []

    class Stop(Exception):
        pass

    def load_runtime():
        timeouts = CommonSettings.from_env("things", {}).db_timeouts
        seen.append((timeouts.statement_ms, timeouts.idle_in_transaction_ms))
        raise Stop

    monkeypatch.setattr(cli, "configure_logging", lambda *args: None)
    group = service_cli(ServiceDefinition(name="things", app_factory="x:y", load_runtime=load_runtime,
                                          migrations="x:y"))

    @group.command("admin-thing")
    def admin_thing() -> None:  # a service's own command builds its runtime as it likes
        load_runtime()

    @group.command("looks")
    def looks() -> None:
        click.echo(CommonSettings.from_env("things", {}).db_timeouts.statement_ms)

    import svckit.gunicorn

    # the api's workers build their runtime (gunicorn forks them from the command's thread, context and all)
    monkeypatch.setattr(svckit.gunicorn, "run_gunicorn", lambda *args, **kwargs: load_runtime())
    for command in (["relay"], ["consumer"], ["api"], ["outbox", "replay"], ["dead-letters", "list"],
                    ["admin-thing"]):
        result = CliRunner().invoke(group, command)
        assert isinstance(result.exception, Stop), (command, result.output, result.exception)
    assert seen == [(10_000, 30_000), (60_000, 300_000), (10_000, 30_000), (0, 0), (0, 0), (0, 0)]
    # and the kind ends with the command
    assert CommonSettings.from_env("things", {}).db_timeouts.statement_ms == 10_000
    assert CliRunner().invoke(group, ["looks"]).output.strip() == "0"


def test_the_idempotency_vocabulary_is_defined_once_and_the_openapi_documents_follow_it():
    from svckit.idempotency import IDEMPOTENCY_KEY_HEADER, MUTATIONS, REQUEST_IN_PROGRESS
    from svckit.openapi import DESCRIPTIONS, error_statuses

    assert MUTATIONS == {"POST", "PUT", "PATCH", "DELETE"}
    assert all({409, 422} <= error_statuses("/api/things", method.lower(), {}) for method in MUTATIONS)
    assert not {409, 422} & error_statuses("/api/things", "get", {})
    assert REQUEST_IN_PROGRESS in DESCRIPTIONS[409] and IDEMPOTENCY_KEY_HEADER in DESCRIPTIONS[409]
