"""Which processes reporting runs: a consumer, and no relay, since it publishes nothing."""

import json

from click.testing import CliRunner

from reporting.entrypoints.cli import main


def test_reporting_publishes_nothing_so_it_has_no_relay(runtime, reporting_database, amqp_url, monkeypatch):
    assert runtime.make_relay() is None
    monkeypatch.setenv("DATABASE_URL", reporting_database)
    monkeypatch.setenv("RABBITMQ_URL", amqp_url)
    monkeypatch.setenv("SERVICE_ENV", "test")

    relay = CliRunner().invoke(main, ["relay"])
    assert relay.exit_code != 0 and "reporting publishes no event: it has no relay to run" in relay.output

    # declare-topology tells make up (and anyone) what to start: a consumer, no relay.
    declared = CliRunner().invoke(main, ["declare-topology", "--json"])
    assert declared.exit_code == 0, declared.output
    report = json.loads(declared.output)
    assert (report["service"], report["consumes"], report["publishes"]) == ("reporting", True, False)
    told = CliRunner().invoke(main, ["declare-topology"])
    assert "reporting: publishes no event, runs no relay" in told.output
