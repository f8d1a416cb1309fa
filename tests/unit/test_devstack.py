"""make up's choices (tools/devstack.py): which outbox events it replays, and which processes it starts."""

import importlib.util
import json
from pathlib import Path

spec = importlib.util.spec_from_file_location("devstack", Path(__file__).parents[2] / "tools" / "devstack.py")
devstack = importlib.util.module_from_spec(spec)
spec.loader.exec_module(devstack)

URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


def report(service, queues, created=(), consumes=True, publishes=True):
    return {"service": service, "consumes": consumes, "publishes": publishes, "queues": queues,
            "created": {queue: queues[queue] for queue in created}, "changes": []}


REPORTING = {"reporting.on_account_changed": ["identity.user.registered.v1", "identity.user.orga_terms_accepted.v1"],
             "reporting.on_campaign_changed": ["campaigns.campaign.created.v1"]}
CAMPAIGNS = {"campaigns.on_terms_accepted": ["identity.user.orga_terms_accepted.v1"]}


def test_nothing_is_replayed_when_every_queue_existed(tmp_path, monkeypatch):
    monkeypatch.setattr(devstack, "BINDINGS", tmp_path / "bindings.json")
    assert devstack.to_replay([report("reporting", REPORTING), report("campaigns", CAMPAIGNS)], URL) == {}


def test_the_event_types_of_a_new_queue_are_replayed_from_their_producers(tmp_path, monkeypatch):
    monkeypatch.setattr(devstack, "BINDINGS", tmp_path / "bindings.json")
    reports = [report("reporting", REPORTING, created=["reporting.on_account_changed"]), report("campaigns", CAMPAIGNS)]
    assert devstack.to_replay(reports, URL) == {
        "identity": ["identity.user.orga_terms_accepted.v1", "identity.user.registered.v1"]}


def test_an_event_type_bound_since_the_last_make_up_to_an_existing_queue_is_replayed(tmp_path, monkeypatch):
    bindings = tmp_path / "bindings.json"
    monkeypatch.setattr(devstack, "BINDINGS", bindings)
    bindings.write_text(json.dumps({"rabbitmq_url": URL, "queues": {
        "reporting.on_account_changed": ["identity.user.registered.v1"],
        "reporting.on_campaign_changed": ["campaigns.campaign.created.v1"]}}))
    assert devstack.to_replay([report("reporting", REPORTING)], URL) == {
        "identity": ["identity.user.orga_terms_accepted.v1"]}
    # a record of another broker says nothing about this one
    assert devstack.to_replay([report("reporting", REPORTING)], "amqp://guest:guest@elsewhere:5672/%2F") == {}


def test_a_service_that_publishes_nothing_gets_no_relay(tmp_path, monkeypatch):
    monkeypatch.setattr(devstack, "CONF", tmp_path / "supervisord.conf")
    monkeypatch.setattr(devstack, "CHECKS", tmp_path / "checks.json")
    cfg = devstack.settings()
    services = set(devstack.SERVICES)
    checks = devstack.write_config(cfg, consumers=services, publishers=services - {"reporting"})
    programs = [name for name, _ in checks]
    assert "reporting-relay" not in programs and "reporting-consumer" in programs
    assert {f"{s}-relay" for s in services - {"reporting"}} <= set(programs)
    assert "[program:reporting-relay]" not in (tmp_path / "supervisord.conf").read_text()
