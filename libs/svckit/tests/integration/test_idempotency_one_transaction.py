"""Idempotency keys recorded in the request's own transaction (``IdempotencyKeys(one_transaction=True)``): the key,
the effect (every unit of work of the request joins that transaction) and the stored answer commit together, so a
keyed request costs one transaction, and the guarantees of svckit.idempotency hold without a lease: same key and
body, the first answer; another body, 422; the same key at once, one effect; a failure before the commit, no effect
and no key (the retry runs)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from flask import jsonify, request
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event, func, insert, select, text
from sqlalchemy.orm import sessionmaker

from svckit.db import DatabaseTimeouts, create_db_engine
from svckit.errors import ApiError
from svckit.idempotency import IdempotencyKeys, idempotency_table
from svckit.live import AbstractNotices
from svckit.testing import assert_error
from svckit.uow import SqlAlchemyUnitOfWork
from svckit.web import create_service_app

metadata = MetaData()
keys = idempotency_table(metadata)
effects = Table("effects", metadata, Column("id", Integer, primary_key=True), Column("name", String(50)))
outbox = Table("outbox_stub", metadata, Column("id", Integer, primary_key=True))


class Notices(AbstractNotices):
    def __init__(self, database: str) -> None:
        self.published: list[tuple[str, int]] = []  # (channel, effects committed when it was published)
        self.database = database

    def publish(self, channel: str) -> None:
        self.published.append((channel, effect_count(self.database)))

    def listen(self, channel: str):  # pragma: no cover - not used
        raise NotImplementedError


@pytest.fixture(scope="module")
def database(database_factory):
    url = database_factory("svckit_idempotency_one")
    engine = create_engine(url)
    metadata.create_all(engine)
    engine.dispose()
    return url


def effect_count(database) -> int:
    engine = create_engine(database)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(effects)).scalar_one()
    engine.dispose()
    return count


@pytest.fixture
def app(database, proxy):
    """Everything through the proxy, as a service's one engine; the route's effect in a unit of work."""
    engine = create_db_engine(proxy.database_url(database), timeouts=DatabaseTimeouts(connect_seconds=1,
                                                                                       answer_seconds=2))
    sessions = sessionmaker(engine)
    notices = Notices(database)
    app = create_service_app(name="things", title="Things", idempotency=IdempotencyKeys(engine, keys,
                                                                                        one_transaction=True))
    app.config.update(hold_seconds=0.0, transactions=[], notices=notices, engine=engine)
    event.listen(engine, "begin", lambda _connection: app.config["transactions"].append(request.path))

    @app.post("/api/things")
    def make():
        body = request.get_json(silent=True) or {}
        with SqlAlchemyUnitOfWork(sessions, producer="things", outbox=outbox, inbox=outbox,
                                  to_integration=lambda _e: None, notices=notices) as uow:
            uow.session.execute(insert(effects).values(name=body.get("name", "thing")))
            if body.get("refuse"):
                raise ApiError(409, "REFUSED", "Refused after writing: nothing of it stays.")
            uow.announce("things")
            uow.commit()
        time.sleep(app.config["hold_seconds"])
        if body.get("cut"):
            proxy.cut()  # the unit of work committed; the request's transaction has not
        return jsonify(made=True, effects=effect_count(database)), 201

    yield app
    engine.dispose()


def test_a_keyed_request_is_one_transaction_and_its_replay_is_the_first_answer(app, database):
    client, key = app.test_client(), str(uuid.uuid4())
    before = effect_count(database)
    first = client.post("/api/things", headers={"Idempotency-Key": key}, json={"name": "a"})
    assert first.status_code == 201
    assert first.get_json()["effects"] == before  # the effect was not committed while the answer was built
    assert app.config["transactions"] == ["/api/things"]  # key, effect and answer: one transaction
    again = client.post("/api/things", headers={"Idempotency-Key": key}, json={"name": "a"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert effect_count(database) == before + 1
    assert app.config["notices"].published[-1] == ("things", before + 1)  # announced after the commit only


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(app, database):
    client, key = app.test_client(), str(uuid.uuid4())
    assert client.post("/api/things", headers={"Idempotency-Key": key}, json={"name": "a"}).status_code == 201
    before = effect_count(database)
    assert_error(client.post("/api/things", headers={"Idempotency-Key": key}, json={"name": "b"}), 422,
                 "IDEMPOTENCY_KEY_REUSED")
    assert effect_count(database) == before


def test_the_same_key_at_once_makes_one_effect_and_the_second_gets_the_first_answer(app, database):
    app.config["hold_seconds"] = 0.5  # the first request holds its transaction (and its key's row) meanwhile
    key, before, answers = str(uuid.uuid4()), effect_count(database), []

    def send() -> None:
        answers.append(app.test_client().post("/api/things", headers={"Idempotency-Key": key}, json={"name": "c"}))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join(10)
    assert sorted(a.status_code for a in answers) == [201, 201]
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert answers[0].get_json() == answers[1].get_json()
    assert effect_count(database) == before + 1


def test_a_failure_before_the_commit_leaves_no_effect_and_no_key_and_the_retry_runs_once(app, proxy, database):
    client, key, before = app.test_client(), str(uuid.uuid4()), effect_count(database)
    assert_error(client.post("/api/things", headers={"Idempotency-Key": key}, json={"name": "d", "cut": True}),
                 503, "SERVICE_UNAVAILABLE")
    proxy.restore()
    engine = create_engine(database)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(keys).where(keys.c.key == key)).scalar_one() == 0
    engine.dispose()
    assert effect_count(database) == before  # the process may die now: nothing to free, no lease to wait for
    retry = client.post("/api/things", headers={"Idempotency-Key": key}, json={"name": "d"})
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry.headers
    assert effect_count(database) == before + 1


def test_a_refusal_rolls_its_writes_back_and_is_replayed(app, database):
    client, key, before = app.test_client(), str(uuid.uuid4()), effect_count(database)
    body = {"name": "e", "refuse": True}
    assert_error(client.post("/api/things", headers={"Idempotency-Key": key}, json=body), 409, "REFUSED")
    again = client.post("/api/things", headers={"Idempotency-Key": key}, json=body)
    assert_error(again, 409, "REFUSED")
    assert again.headers["Idempotent-Replayed"] == "true"
    assert effect_count(database) == before


def test_a_key_left_in_progress_by_a_process_of_two_transactions_is_taken_over_after_its_lease(app, database):
    """During a rollout, a process of the old kind may leave a key "in progress" (it died between): the lease rule
    still applies, and the taker runs in one transaction."""
    client, key = app.test_client(), str(uuid.uuid4())
    engine = create_engine(database)
    fingerprint = IdempotencyKeys(engine, keys).fingerprint("POST", "/api/things?", b'{"name": "f"}')
    with engine.begin() as connection:
        connection.execute(insert(keys).values(scope="anonymous", key=key, fingerprint=fingerprint,
                                               created_at=func.now() - text("interval '2 minutes'")))
    engine.dispose()
    answer = client.post("/api/things", headers={"Idempotency-Key": key}, data=b'{"name": "f"}',
                         content_type="application/json")
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert client.post("/api/things", headers={"Idempotency-Key": key}, data=b'{"name": "f"}',
                       content_type="application/json").headers["Idempotent-Replayed"] == "true"
