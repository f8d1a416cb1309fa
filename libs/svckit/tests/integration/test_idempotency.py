"""Idempotency keys on a real PostgreSQL (svckit.idempotency): never stuck "in progress" past their lease when
the answer cannot be stored (a database cut between the effect and the answer's write, a dead process), and
pruned after 24 hours by ``<service> idempotency prune``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from flask import jsonify, request
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, insert, select

from msgkit.testing import wait_until
from svckit.cli import ServiceDefinition, service_cli
from svckit.db import DatabaseTimeouts, create_db_engine
from svckit.idempotency import IdempotencyKeys, fingerprint_key, idempotency_table, prune_idempotency_keys
from svckit.testing import assert_error
from svckit.web import create_service_app

metadata = MetaData()
keys = idempotency_table(metadata)
effects = Table("effects", metadata, Column("id", Integer, primary_key=True), Column("name", String(50)))


@pytest.fixture(scope="module")
def database(database_factory):
    url = database_factory("svckit_idempotency")
    engine = create_engine(url)
    metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def app(database, proxy):
    """Keys on a connection through the proxy; the route's effect on a direct one, then ``cut_after`` cuts."""
    direct = create_engine(database)
    keyed = create_db_engine(proxy.database_url(database), timeouts=DatabaseTimeouts(connect_seconds=1,
                                                                                      answer_seconds=2))
    app = create_service_app(name="things", title="Things",
                             idempotency=IdempotencyKeys(keyed, keys, lease=timedelta(seconds=1)))
    app.config["cut_after"] = False

    @app.post("/api/things")
    def make():
        with direct.begin() as connection:
            connection.execute(insert(effects).values(name="thing"))
        if app.config["cut_after"]:
            proxy.cut()  # the effect is committed; the answer's write will fail
        return jsonify(made=True), 201

    yield app
    direct.dispose()
    keyed.dispose()


def effect_count(database) -> int:
    engine = create_engine(database)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(effects)).scalar_one()
    engine.dispose()
    return count


def test_a_key_whose_answer_could_not_be_stored_is_freed_as_soon_as_the_database_is_back(app, proxy, database):
    """The database cut between the effect and the answer's write: the key cannot be freed then, but the
    process frees it once the database answers again, so the client's retry runs at once instead of getting
    409 for the whole lease (the faults bench found a learner refused for a minute after a 10 s cut)."""
    client, key = app.test_client(), {"Idempotency-Key": str(uuid.uuid4())}
    app.extensions["idempotency"].lease = timedelta(seconds=60)
    before = effect_count(database)
    app.config["cut_after"] = True
    assert_error(client.post("/api/things", headers=key), 503, "SERVICE_UNAVAILABLE")
    app.config["cut_after"] = False
    proxy.restore()
    assert effect_count(database) == before + 1
    retried = client.post("/api/things", headers=key)  # run again: the route's domain makes it one effect
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
    replayed = client.post("/api/things", headers=key)
    assert replayed.status_code == 201 and replayed.headers["Idempotent-Replayed"] == "true"


def test_a_key_left_by_a_database_cut_is_freed_for_the_other_replicas_too(app, proxy, database):
    """The retry reaches another replica, which has nothing to free: the first process frees the key on its own
    within a second of the database's return."""
    key = {"Idempotency-Key": str(uuid.uuid4())}
    app.extensions["idempotency"].lease = timedelta(seconds=60)
    app.config["cut_after"] = True
    assert_error(app.test_client().post("/api/things", headers=key), 503, "SERVICE_UNAVAILABLE")
    app.config["cut_after"] = False
    proxy.restore()
    replica = create_service_app(name="things", title="Things", idempotency=IdempotencyKeys(
        create_engine(database), keys, lease=timedelta(seconds=60)))
    replica.post("/api/things")(lambda: (jsonify(made=True), 201))
    started = time.monotonic()
    wait_until(lambda: replica.test_client().post("/api/things", headers=key).status_code == 201, timeout=5, interval=0.2)
    assert time.monotonic() - started < 3


def test_a_key_whose_process_is_gone_with_the_database_is_taken_over_after_its_lease(app, proxy, database):
    """The first process gone with the database (nobody left to free the key): the lease frees it."""
    client, key = app.test_client(), {"Idempotency-Key": str(uuid.uuid4())}
    app.config["cut_after"] = True
    assert_error(client.post("/api/things", headers=key), 503, "SERVICE_UNAVAILABLE")
    app.config["cut_after"] = False
    app.extensions["idempotency"].forget_unfreed()  # as a process that died with the database down
    proxy.restore()
    in_progress = client.post("/api/things", headers=key)
    assert_error(in_progress, 409, "REQUEST_IN_PROGRESS")
    assert 1 <= int(in_progress.headers["Retry-After"]) <= 1
    time.sleep(1.1)
    retried = client.post("/api/things", headers=key)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
    replayed = client.post("/api/things", headers=key)
    assert replayed.status_code == 201 and replayed.headers["Idempotent-Replayed"] == "true"


def test_a_key_left_by_a_dead_process_is_taken_over_after_its_lease(app, database):
    client, key = app.test_client(), str(uuid.uuid4())
    first = client.post("/api/things", headers={"Idempotency-Key": key})
    assert first.status_code == 201
    engine = create_engine(database)
    with engine.begin() as connection:  # as a process killed between the key and its answer leaves it
        connection.execute(keys.update().where(keys.c.key == key).values(status=None, body=None))
    assert_error(client.post("/api/things", headers={"Idempotency-Key": key}), 409, "REQUEST_IN_PROGRESS")
    with engine.begin() as connection:
        connection.execute(keys.update().where(keys.c.key == key).values(
            created_at=datetime.now(timezone.utc) - timedelta(seconds=2)))
    engine.dispose()
    assert client.post("/api/things", headers={"Idempotency-Key": key}).status_code == 201


def test_a_key_must_be_visible_ascii(app):
    assert_error(app.test_client().post("/api/things", headers={"Idempotency-Key": "clé"}), 400,
                 "INVALID_IDEMPOTENCY_KEY")


def add_keys(database, ages: list[timedelta], scope: str = "prune-test") -> None:
    engine = create_engine(database)
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        connection.execute(insert(keys), [{"scope": scope, "key": str(uuid.uuid4()), "fingerprint": "f",
                                           "status": 201, "created_at": now - age} for age in ages])
    engine.dispose()


def prune_test_keys(database, scope: str = "prune-test") -> int:
    engine = create_engine(database)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(keys).where(keys.c.scope == scope)
                                   ).scalar_one()
    engine.dispose()
    return count


def test_pruning_deletes_the_keys_older_than_a_day_in_batches(database):
    add_keys(database, [timedelta(hours=25)] * 7 + [timedelta(hours=23)] * 3)
    engine = create_engine(database)
    with engine.connect() as connection:
        assert prune_idempotency_keys(connection, keys, batch=3) == 7
    engine.dispose()
    assert prune_test_keys(database) == 3


def test_the_service_command_prunes(database, monkeypatch):
    add_keys(database, [timedelta(days=3)] * 2)
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("SERVICE_ENV", "test")
    definition = ServiceDefinition(name="things", app_factory="x:y", load_runtime=lambda: None, migrations="x:y")
    result = CliRunner().invoke(service_cli(definition), ["idempotency", "prune"])
    assert result.exit_code == 0, result.output
    assert "2 idempotency key(s) older than 24 hours deleted" in result.output


PRUNER = """
import sys
from svckit.cli import ServiceDefinition, service_cli
definition = ServiceDefinition(name="things", app_factory="x:y", load_runtime=lambda: None, migrations="x:y")
service_cli(definition)(["idempotency", "prune", "--every", sys.argv[1]])
"""


def test_the_prune_command_repeats_every_few_seconds_until_sigterm(database, tmp_path):
    """compose's idempotency-prune service: ``idempotency prune --every SECONDS``, stopped cleanly by SIGTERM."""
    add_keys(database, [timedelta(days=2)] * 3 + [timedelta(hours=1)], scope="loop")
    output = open(tmp_path / "prune.log", "w+")
    process = subprocess.Popen([sys.executable, "-c", PRUNER, "0.5"], stdout=output, stderr=subprocess.STDOUT,
                               env={**os.environ, "DATABASE_URL": database, "SERVICE_ENV": "test"})
    try:
        wait_until(lambda: prune_test_keys(database, "loop") == 1, timeout=15, message="the first round")
        add_keys(database, [timedelta(days=2)] * 2, scope="loop")
        wait_until(lambda: prune_test_keys(database, "loop") == 1, timeout=15, message="a later round")
        assert process.poll() is None  # still looping
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
    finally:
        process.kill()
        output.seek(0)
        printed = output.read()
        output.close()
    assert "3 idempotency key(s) older than 24 hours deleted" in printed, printed
    assert "2 idempotency key(s) older than 24 hours deleted" in printed, printed


@pytest.mark.parametrize("first_answer", [500, 201])
def test_a_request_that_finishes_after_its_key_was_taken_over_leaves_the_takers_key_alone(database, first_answer):
    """A first request so slow that its lease ran out, and a second one took the key over: when the first one
    finally answers, the key is the taker's. Freeing it (a 5xx) let a third request run beside the taker;
    storing its answer replaced the taker's."""
    engine = create_engine(database)
    app = create_service_app(name="things", title="Things",
                             idempotency=IdempotencyKeys(engine, keys, lease=timedelta(seconds=5)))
    entered = {"a": threading.Event(), "b": threading.Event()}
    go = {"a": threading.Event(), "b": threading.Event()}
    answers = {"a": first_answer, "b": 201}

    @app.post("/api/slow")
    def slow():
        who = request.headers["X-Who"]
        entered[who].set()
        assert go[who].wait(10)
        if answers[who] >= 500:
            return jsonify(error={"code": "BOOM", "message": "boom", "details": {}}), answers[who]
        return jsonify(who=who), answers[who]

    key = str(uuid.uuid4())
    results: dict[str, object] = {}

    def send(who):
        results[who] = app.test_client().post("/api/slow", headers={"Idempotency-Key": key, "X-Who": who})

    first = threading.Thread(target=send, args=("a",))
    first.start()
    try:
        assert entered["a"].wait(10)
        with engine.begin() as connection:  # the first request has been running longer than its lease
            connection.execute(keys.update().where(keys.c.key == key).values(
                created_at=datetime.now(timezone.utc) - timedelta(seconds=6)))
        second = threading.Thread(target=send, args=("b",))
        second.start()
        assert entered["b"].wait(10)  # the key taken over

        go["a"].set()  # the first request answers late
        first.join(10)
        assert results["a"].status_code == first_answer
        third = app.test_client().post("/api/slow", headers={"Idempotency-Key": key, "X-Who": "c"})
        assert_error(third, 409, "REQUEST_IN_PROGRESS")  # the taker still runs: nobody beside it

        go["b"].set()
        second.join(10)
        assert results["b"].status_code == 201
        replayed = app.test_client().post("/api/slow", headers={"Idempotency-Key": key, "X-Who": "d"})
        assert replayed.status_code == 201 and replayed.headers["Idempotent-Replayed"] == "true"
        assert replayed.get_json() == {"who": "b"}  # the taker's answer, not the late one's
    finally:
        for event in go.values():
            event.set()
        first.join(10)
        engine.dispose()


def test_with_a_secret_the_stored_fingerprint_is_an_hmac_and_the_same_request_still_replays(database):
    import hashlib

    engine = create_engine(database)
    secret = fingerprint_key("a service's own secret, 32 characters or more")

    def app_with(fingerprint_secret):
        app = create_service_app(name="things", title="Things",
                                 idempotency=IdempotencyKeys(engine, keys, fingerprint_secret=fingerprint_secret))

        @app.post("/api/secrets")
        def make():
            return jsonify(made=True), 201

        return app

    client, key, body = app_with(secret).test_client(), str(uuid.uuid4()), b'{"password": "hunter2"}'
    try:
        first = client.post("/api/secrets", data=body, content_type="application/json", headers={"Idempotency-Key": key})
        again = client.post("/api/secrets", data=body, content_type="application/json", headers={"Idempotency-Key": key})
        with engine.connect() as connection:
            stored = connection.execute(select(keys.c.fingerprint).where(keys.c.key == key)).scalar_one()
        assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
        assert stored != hashlib.sha256(b"\n".join([b"POST", b"/api/secrets?", body])).hexdigest()
        assert len(stored) == 64 and secret != fingerprint_key("another secret")
        # A key stored before the secret changed no longer matches its request (said in the README).
        after_change = app_with(fingerprint_key("another secret")).test_client().post(
            "/api/secrets", data=body, content_type="application/json", headers={"Idempotency-Key": key})
        assert_error(after_change, 422, "IDEMPOTENCY_KEY_REUSED")
    finally:
        engine.dispose()


@pytest.mark.parametrize("one_transaction", [False, True])
def test_a_key_older_than_its_keeping_time_is_a_new_key(database, one_transaction):
    """A key unpruned yet but older than 24 hours is replaced: the request runs (no replay, no 422 for another
    body), and a key still kept is replayed."""
    engine = create_engine(database)
    app = create_service_app(name="things", title="Things",
                             idempotency=IdempotencyKeys(engine, keys, one_transaction=one_transaction))
    made = []

    @app.post("/api/things")
    def make():
        made.append(1)
        return jsonify(made=len(made)), 201

    old, kept = str(uuid.uuid4()), str(uuid.uuid4())
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        connection.execute(insert(keys), [
            {"scope": "anonymous", "key": old, "fingerprint": "another request", "status": 201, "created_at":
             now - timedelta(hours=25), "body": b'{"made": 0}', "content_type": "application/json"},
            {"scope": "anonymous", "key": kept, "fingerprint": app.extensions["idempotency"].fingerprint(
                "POST", "/api/things?", b""), "status": 201, "created_at": now - timedelta(hours=23),
             "body": b'{"made": 0}', "content_type": "application/json"}])
    client = app.test_client()

    renewed = client.post("/api/things", headers={"Idempotency-Key": old})
    replayed = client.post("/api/things", headers={"Idempotency-Key": kept})
    again = client.post("/api/things", headers={"Idempotency-Key": old})

    assert (renewed.status_code, renewed.json, renewed.headers.get("Idempotent-Replayed")) == (201, {"made": 1}, None)
    assert (replayed.json, replayed.headers.get("Idempotent-Replayed")) == ({"made": 0}, "true")
    assert (again.json, again.headers.get("Idempotent-Replayed")) == ({"made": 1}, "true")
    assert len(made) == 1
    engine.dispose()
