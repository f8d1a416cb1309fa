"""The certification test on the real database and broker: created and ended by certification's events, taken
through the API, surviving an api process replaced mid-test and a broker outage."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pika
import pytest
import requests
from assessment_it import asked_at_once, end_course, next_question, release_certification_content, start_course
from sqlalchemy import select, text

from assessment.adapters import orm
from assessment.bootstrap import bootstrap
from assessment.config import Settings
from assessment.entrypoints.api.app import create_app
from msgkit import Envelope
from msgkit.testing import TcpProxy, blocking_channel, get_messages, running, wait_until
from msgkit.topology import declare_exchange, exchange_name
from svckit.testing import (
    ManualClock,
    ServiceProcess,
    TestKeys,
    assert_error,
    example_envelope,
    free_port,
    service_command,
)

PROGRESSED, COMPLETED = "assessment.certification_test.progressed.v1", "assessment.certification_test.completed.v1"


@pytest.fixture
def certification(runtime):
    release_certification_content(runtime)
    return runtime


def base(course_id: str) -> str:
    return f"/api/certification-courses/{course_id}/assessment"


def outbox(runtime, course_id: str) -> list[Envelope]:
    with runtime.engine.connect() as connection:
        bodies = connection.execute(select(orm.outbox.c.body).where(orm.outbox.c.aggregate_id == course_id)
                                    .order_by(orm.outbox.c.id)).scalars().all()
    return [Envelope.from_json(body) for body in bodies]


def answer(client, person, course_id: str, challenge_id: str, value=1, **extra):
    return client.post(f"{base(course_id)}/answers", headers=person.auth,
                       json={"challenge_id": challenge_id, "value": value, **extra})


def take(client, person, course_id: str, count: int) -> list[dict]:
    """Answer ``count`` questions, right one in two (proposal 1 is right in the made-up release)."""
    asked = []
    for _ in range(count):
        body = next_question(client, person, course_id)
        assert body["question_number"] == body["answers_count"] + 1
        asked.append(body["challenge"])
        response = answer(client, person, course_id, body["challenge"]["id"], 1 + len(asked) % 2)
        assert response.status_code == 201, response.get_json()
        assert set(response.get_json()) == {"index", "challenge_id", "test"}  # no right or wrong, no correction
    return asked


def test_a_candidate_takes_the_whole_test_of_32_questions_and_the_end_is_published(certification, client, learner):
    person = learner()
    course_id = str(uuid.uuid4())
    assert_error(client.get(base(course_id), headers=person.auth), 404, "CERTIFICATION_TEST_NOT_FOUND")  # not yet
    start_course(certification, person.id, course_id=course_id)
    test = client.get(base(course_id), headers=person.auth).get_json()
    assert (test["state"], test["answers_count"], test["questions_count"], test["end_reason"]) == (
        "STARTED", 0, 32, None)

    asked = take(client, person, course_id, 32)
    assert len({c["id"] for c in asked}) == 32
    assert len({c["id"].split("-")[0][:-1] for c in asked}) == 32  # one question per tube
    over = next_question(client, person, course_id)
    assert (over["state"], over["end_reason"], over["answers_count"], over["challenge"], over["question_number"]) == (
        "ENDED", "COMPLETED", 32, None, None)
    assert answer(client, person, course_id, asked[0]["id"], 2).status_code == 200  # the same: the recorded one
    assert_error(answer(client, person, course_id, asked[0]["id"], 1), 409, "CERTIFICATION_TEST_ENDED")

    events = outbox(certification, course_id)
    assert [e.event_type for e in events] == [PROGRESSED] * 32 + [COMPLETED]
    assert [e.payload["answers_count"] for e in events[:32]] == list(range(1, 33))
    versions = [e.aggregate_version for e in events]
    assert versions == sorted(set(versions))
    completed = events[-1].payload
    assert completed["end_reason"] == "COMPLETED" and completed["user_id"] == person.id
    assert [a["challenge_id"] for a in completed["answers"]] == [c["id"] for c in asked]
    assert [a["status"] for a in completed["answers"]] == ["ko", "ok"] * 16
    assert completed["skips_if_abandoned"] == [] and completed["configuration_version"] == 1


def test_someone_else_s_test_is_not_found_on_any_route(certification, client, learner):
    candidate, other = learner("candidate"), learner("other")
    course_id = start_course(certification, candidate.id)
    challenge = next_question(client, candidate, course_id)["challenge"]
    for response in (client.get(base(course_id), headers=other.auth),
                     client.get(f"{base(course_id)}/next-challenge", headers=other.auth),
                     answer(client, other, course_id, challenge["id"])):
        assert_error(response, 404, "CERTIFICATION_TEST_NOT_FOUND")
    assert client.get(base(course_id), headers=candidate.auth).get_json()["answers_count"] == 0


def test_the_same_answer_sent_again_gives_back_the_recorded_one_and_publishes_nothing_more(certification, client,
                                                                                           learner):
    person = learner()
    course_id = start_course(certification, person.id)
    challenge = next_question(client, person, course_id)["challenge"]
    first = answer(client, person, course_id, challenge["id"], 2)
    again = answer(client, person, course_id, challenge["id"], 2)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["index"] == first.get_json()["index"] == 1
    assert_error(answer(client, person, course_id, challenge["id"], 1), 409, "CHALLENGE_ALREADY_ANSWERED")
    assert len(outbox(certification, course_id)) == 1


def test_two_requests_for_the_next_question_at_once_give_one_question(certification, learner):
    person = learner()
    for _ in range(4):
        course_id = start_course(certification, person.id)
        got = asked_at_once(certification, person, course_id)
        with certification.engine.connect() as connection:
            row = connection.execute(text("SELECT current_challenge_id, version FROM certification_tests "
                                          "WHERE course_id = :c"), {"c": course_id}).one()
        assert got[0] == got[1] == row.current_challenge_id and row.version == 2  # chosen and stored once


def test_a_request_for_the_next_question_waits_for_the_test_s_row_held_by_another(certification, client, learner):
    """The lock that makes two requests give one question: the second waits for the first's transaction."""
    person = learner()
    course_id = start_course(certification, person.id)
    done = threading.Event()
    result = {}

    def ask() -> None:
        result["challenge"] = next_question(create_app(certification).test_client(), person, course_id)["challenge"]
        done.set()

    with certification.engine.connect() as holder:
        holder.execute(text("SELECT 1 FROM certification_tests WHERE course_id = :c FOR UPDATE"), {"c": course_id})
        threading.Thread(target=ask, daemon=True).start()
        assert not done.wait(1.0), "the request did not wait for the row"
        holder.execute(text("UPDATE certification_tests SET current_challenge_id = 't11x1-a', version = version + 1 "
                            "WHERE course_id = :c"), {"c": course_id})
        holder.commit()
    assert done.wait(10) and result["challenge"]["id"] == "t11x1-a"  # the holder's question, not a second one


def test_an_end_by_the_invigilator_before_the_start_ends_the_test_at_its_creation(certification, client, learner):
    person = learner()
    course_id = str(uuid.uuid4())
    ended_at = datetime.now(timezone.utc)
    end_course(certification, course_id, person.id, ended_at)
    assert_error(client.get(base(course_id), headers=person.auth), 404, "CERTIFICATION_TEST_NOT_FOUND")
    start_course(certification, person.id, course_id=course_id)
    test = client.get(base(course_id), headers=person.auth).get_json()
    assert (test["state"], test["end_reason"]) == ("ENDED", "ENDED_BY_INVIGILATOR")
    assert next_question(client, person, course_id)["challenge"] is None
    [completed] = [e.payload for e in outbox(certification, course_id)]
    assert completed["answers"] == [] and len(completed["skips_if_abandoned"]) == 32
    with certification.engine.connect() as connection:
        assert connection.execute(select(orm.certification_pending_ends)
                                  .where(orm.certification_pending_ends.c.course_id == uuid.UUID(course_id))).first() \
            is None


def test_an_end_by_the_invigilator_mid_test_refuses_further_answers(certification, client, learner):
    person = learner()
    course_id = start_course(certification, person.id)
    take(client, person, course_id, 3)
    current = next_question(client, person, course_id)["challenge"]
    end_course(certification, course_id, person.id)
    end_course(certification, course_id, person.id)  # a second end (another message) changes nothing
    assert_error(answer(client, person, course_id, current["id"]), 409, "CERTIFICATION_TEST_ENDED")
    assert next_question(client, person, course_id)["challenge"] is None
    events = outbox(certification, course_id)
    assert [e.event_type for e in events] == [PROGRESSED] * 3 + [COMPLETED]
    completed = events[-1].payload
    assert completed["end_reason"] == "ENDED_BY_INVIGILATOR" and completed["answers_count"] == 3
    assert len(completed["skips_if_abandoned"]) == 29


def test_a_course_started_twice_has_one_test(certification, client, learner):
    person = learner()
    course_id = start_course(certification, person.id)
    challenge = next_question(client, person, course_id)["challenge"]
    start_course(certification, person.id, course_id=course_id)  # another message for the same course
    assert next_question(client, person, course_id)["challenge"] == challenge
    with certification.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM certification_tests WHERE course_id = :c"),
                                  {"c": course_id}).scalar() == 1


def test_a_timed_question_shows_the_timer_lengthened_by_the_extra_time_and_a_late_answer_is_timed_out(
        certification, learner):
    clock = ManualClock()
    timed_runtime = dataclasses.replace(certification, now=clock)
    client = create_app(timed_runtime).test_client()
    person = learner()
    course_id = start_course(certification, person.id, extra_time=33)
    next_question(client, person, course_id)
    with certification.engine.begin() as connection:  # as if the algorithm had chosen a timed (level-3) question
        connection.execute(text("UPDATE certification_tests SET current_challenge_id = 't11x3-a' "
                                "WHERE course_id = :c"), {"c": course_id})
    assert next_question(client, person, course_id)["challenge"]["timer"] == 40  # 30 s and a third
    clock.advance(seconds=40 + 5 + 1)
    assert answer(client, person, course_id, "t11x3-a", 1).status_code == 201
    with certification.engine.connect() as connection:
        assert connection.execute(text("SELECT status FROM certification_answers WHERE course_id = :c"),
                                  {"c": course_id}).scalar() == "timed_out"


@contextmanager
def jwks_server():
    """identity's JWKS, as a tiny server publishing the tests' key: a real api process verifies tokens with it."""
    key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(TestKeys.private_key().public_key()))
    body = json.dumps({"keys": [{**key, "kid": "test", "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


class HttpClient:
    """Just what the helpers above call on Flask's test client, over real HTTP."""

    def __init__(self, url: str) -> None:
        self.url = url

    def get(self, path: str, headers: dict):
        return _Reply(requests.get(self.url + path, headers=headers, timeout=10))

    def post(self, path: str, headers: dict, json: dict):
        return _Reply(requests.post(self.url + path, headers=headers, json=json, timeout=10))


class _Reply:
    def __init__(self, response) -> None:
        self.status_code, self._response = response.status_code, response

    def get_json(self):
        return self._response.json()


def test_the_test_goes_on_when_the_api_process_is_killed_mid_test_and_another_serves_it(
        certification, assessment_database, amqp_url, learner, tmp_path):
    person = learner()
    course_id = start_course(certification, person.id)
    with jwks_server() as jwks_url:
        env = {"SERVICE_ENV": "test", "DATABASE_URL": assessment_database, "RABBITMQ_URL": amqp_url,
               "JWKS_URL": jwks_url, "CONTENT_REFRESH_SECONDS": "1"}

        def api(name: str) -> tuple[ServiceProcess, HttpClient]:
            port = free_port()
            process = ServiceProcess([*service_command("assessment"), "api", "--bind", f"127.0.0.1:{port}"], env,
                                     tmp_path / f"{name}.log", f"http://127.0.0.1:{port}/health/ready")
            return process.start().wait_ready(), HttpClient(f"http://127.0.0.1:{port}")

        first, client = api("first")
        try:
            take(client, person, course_id, 10)
            on_screen = next_question(client, person, course_id)["challenge"]
        finally:
            first.kill()  # gone at once, with its memory (pools, content): nothing of the test was there
        second, client = api("second")
        try:
            again = next_question(client, person, course_id)
            assert again["challenge"] == on_screen and again["question_number"] == 11
            asked = take(client, person, course_id, 22)
            assert asked[0]["id"] == on_screen["id"]
            assert next_question(client, person, course_id)["end_reason"] == "COMPLETED"
        finally:
            second.stop()
    assert [e.event_type for e in outbox(certification, course_id)] == [PROGRESSED] * 32 + [COMPLETED]


def test_an_unknown_configuration_version_is_dead_lettered_with_its_reason(certification, assessment_database,
                                                                            amqp_url):
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": assessment_database,
                                  "RABBITMQ_URL": amqp_url, "MESSAGE_RETRY_DELAYS_MS": "50,50"})
    consuming = bootstrap(settings)
    course_id = str(uuid.uuid4())
    envelope = example_envelope("certification.course.started.v1", aggregate_id=course_id,
                                contracts_from=Path(__file__).parent, course_id=course_id, configuration_version=99)
    try:
        with running(consuming.make_consumer()) as consumer:
            wait_until(lambda: consumer.connected)
            with blocking_channel(amqp_url) as channel:
                declare_exchange(channel, "certification")
                channel.confirm_delivery()
                channel.basic_publish(exchange_name("certification"), envelope.event_type,
                                      json.dumps(envelope.to_dict()).encode(),
                                      pika.BasicProperties(message_id=envelope.message_id, delivery_mode=2))
            letters = []

            def dead_letter():
                letters.extend(m for m in get_messages(amqp_url, "assessment.all.dlq")
                               if m[0].message_id == envelope.message_id)
                return letters

            [(properties, _)] = wait_until(dead_letter, timeout=30)
    finally:
        consuming.engine.dispose()
    assert properties.headers["x-original-queue"] == "assessment.on_course_started"
    assert properties.headers["x-dead-letter-reason"] == "failed"
    assert "configuration version 99 is unknown" in properties.headers["x-last-error"]
    with certification.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM certification_tests WHERE course_id = :c"),
                                  {"c": course_id}).scalar() == 0


def test_answers_are_recorded_during_a_broker_outage_and_their_events_published_after(
        certification, client, learner, assessment_database, amqp_url):
    observer = f"assessment.observer_{uuid.uuid4().hex[:8]}"
    with blocking_channel(amqp_url) as channel:
        declare_exchange(channel, "assessment")
        channel.queue_declare(queue=observer, durable=True, arguments={"x-queue-type": "quorum"})
        for event_type in (PROGRESSED, COMPLETED):
            channel.queue_bind(queue=observer, exchange=exchange_name("assessment"), routing_key=event_type)
    proxy = TcpProxy.for_url(amqp_url)
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": assessment_database,
                                  "RABBITMQ_URL": proxy.url(amqp_url)})
    relaying = bootstrap(settings)
    person = learner()
    course_id = start_course(certification, person.id)
    try:
        with running(relaying.make_relay()) as relay:
            wait_until(lambda: relay.connected)
            proxy.cut()
            wait_until(lambda: not relay.connected, message="the relay saw the broker go")
            take(client, person, course_id, 3)  # the api never needs the broker
            end_course(certification, course_id, person.id)
            time.sleep(0.5)
            with certification.engine.connect() as connection:
                waiting = connection.execute(text("SELECT count(*) FROM outbox WHERE aggregate_id = :c "
                                                  "AND published_at IS NULL"), {"c": course_id}).scalar()
            assert waiting == 4
            proxy.restore()
            got: list[Envelope] = []

            def published():
                got.extend(Envelope.from_json(body) for _, body in get_messages(amqp_url, observer))
                return len([e for e in got if e.aggregate_id == course_id]) >= 4

            wait_until(published, timeout=30, message="the events published once the broker is back")
    finally:
        proxy.close()
        relaying.engine.dispose()
        with blocking_channel(amqp_url) as channel:
            channel.queue_delete(queue=observer)
    mine = [e for e in got if e.aggregate_id == course_id]
    assert [e.event_type for e in mine] == [PROGRESSED] * 3 + [COMPLETED]
    assert mine[-1].payload["answers_count"] == 3


def test_the_pool_takes_the_fitted_parameters_of_the_configured_file(certification, assessment_database, amqp_url,
                                                                     tmp_path, learner):
    fitted = tmp_path / "fitted.json"
    fitted.write_text(json.dumps({"content_version": 1, "fitted_at": "2026-12-01T00:00:00+00:00", "items": {
        "t11x1-a": {"discrimination": 0.8, "difficulty": -1.25, "answers": 900, "fitted": True},
        "t11x1-b": {"discrimination": 0.9, "difficulty": 3.0, "answers": 3, "fitted": False}}}))
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": assessment_database,
                                  "RABBITMQ_URL": amqp_url, "CERTIFICATION_ITEM_PARAMETERS": str(fitted)})
    configured = bootstrap(settings)
    try:
        course_id = start_course(configured, learner().id)
    finally:
        configured.engine.dispose()
    with certification.engine.connect() as connection:
        pool = connection.execute(text("SELECT p.parameters, p.items FROM certification_item_pools p JOIN "
                                       "certification_tests t ON t.pool_id = p.id WHERE t.course_id = :c"),
                                  {"c": course_id}).one()
    items = {item[0]: item for item in pool.items}
    assert pool.parameters == "fitted 2026-12-01T00:00:00+00:00 on release 1"
    assert items["t11x1-a"][1:3] == [0.8, -1.25]  # fitted
    assert items["t11x1-b"][1:3] == [1.5, -2.0] and items["t11x2-a"][1:3] == [1.5, -1.0]  # derived: not fitted
