"""make up's choices (tools/devstack.py): which outbox events it replays, and which processes it starts."""

import importlib.util
import json
from pathlib import Path

import pytest

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


def record(bindings, queues):
    bindings.write_text(json.dumps({"rabbitmq_url": URL, "queues": queues}))


def test_nothing_is_replayed_when_every_queue_existed_as_recorded(tmp_path, monkeypatch):
    bindings = tmp_path / "bindings.json"
    monkeypatch.setattr(devstack, "BINDINGS", bindings)
    record(bindings, {**REPORTING, **CAMPAIGNS})
    assert devstack.to_replay([report("reporting", REPORTING), report("campaigns", CAMPAIGNS)], URL) == {}


def test_the_event_types_of_a_new_queue_are_replayed_from_their_producers(tmp_path, monkeypatch):
    bindings = tmp_path / "bindings.json"
    monkeypatch.setattr(devstack, "BINDINGS", bindings)
    record(bindings, {**REPORTING, **CAMPAIGNS})
    reports = [report("reporting", REPORTING, created=["reporting.on_account_changed"]), report("campaigns", CAMPAIGNS)]
    assert devstack.to_replay(reports, URL) == {
        "identity": ["identity.user.orga_terms_accepted.v1", "identity.user.registered.v1"]}


def test_an_event_type_bound_since_the_last_make_up_to_an_existing_queue_is_replayed(tmp_path, monkeypatch):
    bindings = tmp_path / "bindings.json"
    monkeypatch.setattr(devstack, "BINDINGS", bindings)
    record(bindings, {"reporting.on_account_changed": ["identity.user.registered.v1"],
                      "reporting.on_campaign_changed": ["campaigns.campaign.created.v1"]})
    assert devstack.to_replay([report("reporting", REPORTING)], URL) == {
        "identity": ["identity.user.orga_terms_accepted.v1"]}


def test_a_queue_that_exists_but_is_absent_from_the_record_is_new(tmp_path, monkeypatch):
    """make up stopped after declare-topology created it and before the record was written (a later
    service's migration failed): the next run finds the queue, which never got its replay."""
    bindings = tmp_path / "bindings.json"
    monkeypatch.setattr(devstack, "BINDINGS", bindings)
    record(bindings, {"reporting.on_campaign_changed": ["campaigns.campaign.created.v1"], **CAMPAIGNS})
    reports = [report("reporting", REPORTING), report("campaigns", CAMPAIGNS)]  # every queue existed
    assert devstack.to_replay(reports, URL) == {
        "identity": ["identity.user.orga_terms_accepted.v1", "identity.user.registered.v1"]}


EVERY_TYPE = {"campaigns": ["campaigns.campaign.created.v1"],
              "identity": ["identity.user.orga_terms_accepted.v1", "identity.user.registered.v1"]}


def test_without_a_record_every_bound_event_type_is_replayed_once(tmp_path, monkeypatch):
    bindings = tmp_path / "bindings.json"
    monkeypatch.setattr(devstack, "BINDINGS", bindings)
    reports = [report("reporting", REPORTING), report("campaigns", CAMPAIGNS)]  # queues of an unrecorded run
    assert devstack.to_replay(reports, URL) == EVERY_TYPE
    devstack.record_bindings(reports, URL)  # what make up writes once the replays are done
    assert devstack.to_replay(reports, URL) == {}


def test_a_record_of_another_broker_or_unreadable_is_no_record(tmp_path, monkeypatch):
    bindings = tmp_path / "bindings.json"
    monkeypatch.setattr(devstack, "BINDINGS", bindings)
    reports = [report("reporting", REPORTING), report("campaigns", CAMPAIGNS)]
    record(bindings, {**REPORTING, **CAMPAIGNS})
    assert devstack.to_replay(reports, "amqp://guest:guest@elsewhere:5672/%2F") == EVERY_TYPE
    bindings.write_text('{"rabbitmq_url": "amqp://')  # cut short
    assert devstack.to_replay(reports, URL) == EVERY_TYPE


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


def started_stack(tmp_path, monkeypatch):
    """A written configuration and a supervisorctl that records what it is asked."""
    for name in ("CONF", "CHECKS"):
        monkeypatch.setattr(devstack, name, tmp_path / getattr(devstack, name).name)
    services = set(devstack.SERVICES)
    devstack.write_config(devstack.settings(), consumers=services, publishers=services - {"reporting"})
    calls = []
    monkeypatch.setattr(devstack, "supervisord_running", lambda: True)
    monkeypatch.setattr(devstack, "supervisorctl", lambda *args, check=True: calls.append(args))
    monkeypatch.setattr(devstack, "wait_ready", lambda checks, timeout=90.0: calls.append(("ready", *dict(checks))))
    monkeypatch.setattr(devstack, "reload_gateway", lambda url: calls.append(("reload", "gateway")))
    return calls


def test_restart_takes_every_program_make_status_lists_idempotency_prune_too(tmp_path, monkeypatch):
    calls = started_stack(tmp_path, monkeypatch)
    devstack.restart(["idempotency-prune"])  # no readiness check: a plain stop and start
    assert calls == [("stop", "idempotency-prune"), ("start", "idempotency-prune")]
    calls.clear()
    devstack.restart(["all"])
    programs = [name for name in (tmp_path / "supervisord.conf").read_text().split("[program:")[1:]]
    restarted = [call[1] for call in calls if call[0] in ("start", "reload")]
    # 6 apis, 6 consumers, 5 relays, the gateway, idempotency-prune, and the demo GAR where SimpleSAMLphp is installed
    assert len(restarted) == len(programs) == 19 + (devstack.idp_missing() is None) and restarted[-1] == "gateway"
    assert "idempotency-prune" in restarted and ("ready", "identity-api") in calls


def test_restart_refuses_a_name_that_is_no_program(tmp_path, monkeypatch):
    calls = started_stack(tmp_path, monkeypatch)
    with pytest.raises(SystemExit):
        devstack.restart(["reporting-relay"])
    assert calls == []


def test_a_setting_given_for_one_program_reaches_that_program_only(tmp_path, monkeypatch):
    monkeypatch.setattr(devstack, "CONF", tmp_path / "supervisord.conf")
    monkeypatch.setattr(devstack, "CHECKS", tmp_path / "checks.json")
    monkeypatch.setenv("DEV_REPORTING_WEB_THREADS", "256")
    monkeypatch.setenv("DEV_GATEWAY_LIVE_MAX_STREAMS", "220")
    cfg = devstack.settings()
    assert devstack.service_env("reporting", cfg)["WEB_THREADS"] == "256"  # over make up's own 32
    assert devstack.service_env("certification", cfg)["WEB_THREADS"] == "32"
    assert "LIVE_MAX_STREAMS" not in devstack.service_env("reporting", cfg)
    services = set(devstack.SERVICES)
    devstack.write_config(cfg, consumers=services, publishers=services - {"reporting"})
    gateway = next(section for section in (tmp_path / "supervisord.conf").read_text().split("\n\n")
                   if section.startswith("[program:gateway]"))
    assert 'LIVE_MAX_STREAMS="220"' in gateway


def test_reporting_hears_the_live_notices_in_the_machines_redis():
    env = devstack.service_env("reporting", devstack.settings())
    assert env["LIVE_REDIS_URL"] == devstack.settings()["redis_url"] and env["WEB_THREADS"] == "32"


def test_edge_haproxy_puts_the_edge_on_the_gateways_port_and_the_python_gateway_behind_it(tmp_path, monkeypatch):
    monkeypatch.setattr(devstack, "CONF", tmp_path / "supervisord.conf")
    monkeypatch.setattr(devstack, "CHECKS", tmp_path / "checks.json")
    services = set(devstack.SERVICES)
    monkeypatch.delenv("EDGE", raising=False)
    checks = dict(devstack.write_config(devstack.settings(), consumers=services, publishers=services))
    assert "edge" not in checks and checks["gateway"] == "http://127.0.0.1:8080/health/ready"  # today's default
    monkeypatch.setenv("EDGE", "haproxy")
    checks = dict(devstack.write_config(devstack.settings(), consumers=services, publishers=services))
    conf = (tmp_path / "supervisord.conf").read_text()
    edge = conf.split("[program:edge]\n")[1].split("\n\n")[0]
    gateway = conf.split("[program:gateway]\n")[1].split("\n\n")[0]
    assert "gateway edge --bind 0.0.0.0:8080 --gateway-url http://127.0.0.1:8090" in edge
    assert "api --bind 127.0.0.1:8090" in gateway and 'TRUSTED_PROXIES="1"' in gateway
    assert 'TRUSTED_PROXIES="1"' not in edge  # the edge is the first hop: it believes no client's header
    assert checks["edge"] == "http://127.0.0.1:8080/health/ready"
    monkeypatch.setenv("EDGE", "nginx")
    with pytest.raises(SystemExit):
        devstack.settings()


def test_a_port_a_previous_run_is_still_freeing_is_waited_for_and_one_kept_busy_is_named(monkeypatch):
    import socket
    import threading

    freed, kept = socket.socket(), socket.socket()
    for sock in (freed, kept):
        sock.bind(("127.0.0.1", 0))
        sock.listen()
    ports = [freed.getsockname()[1], kept.getsockname()[1]]
    threading.Timer(0.6, freed.close).start()  # a draining api of the run before, gone a moment later
    try:
        assert devstack.busy_ports(ports, wait_seconds=2) == [ports[1]]
    finally:
        kept.close()
    assert devstack.busy_ports(ports, wait_seconds=0) == []
