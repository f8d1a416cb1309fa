"""The invigilator's page pushed live, on the real database and the machine's Redis: notices are published after
a commit and never for a rollback, and a stream opened on one app instance shows what another instance changed,
the expiry of an authorization, and carries on (or ends cleanly) when Redis is away."""

from __future__ import annotations

import dataclasses
import json
import logging
import queue
import threading
import time
import uuid

import pytest
from certification_it import deliver, person, room_with_candidate
from sqlalchemy.exc import IntegrityError

from certification.adapters import orm
from certification.bootstrap import bootstrap
from certification.config import Settings
from certification.entrypoints.api.app import create_app
from certification.service_layer.unit_of_work import invigilation_channel
from svckit.auth import TokenVerifier
from svckit.testing import HeardNotices, TestKeys, assert_error

REDIS_URL = "redis://127.0.0.1:6379/0"
LIFETIME = 4.0  # seconds: the streams of these tests end by themselves soon


def make_runtime(database_url, amqp_url, tmp_path, clock, **env):
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": database_url, "RABBITMQ_URL": amqp_url,
                                  "MAIL_DIR": str(tmp_path / "mail"), "LIVE_REDIS_URL": REDIS_URL,
                                  "LIVE_STREAM_SECONDS": str(LIFETIME), **env})
    return dataclasses.replace(bootstrap(settings), now=clock,
                               verifier=TokenVerifier(TestKeys(), "skills-platform", "skills-platform"))


@pytest.fixture
def runtime(certification_database, amqp_url, tmp_path, clock):
    runtime = make_runtime(certification_database, amqp_url, tmp_path, clock)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def other_client(certification_database, amqp_url, tmp_path, clock):
    """Another api instance: its own engine, its own Redis client, its own app (what another replica is)."""
    runtime = make_runtime(certification_database, amqp_url, tmp_path, clock)
    yield create_app(runtime).test_client()
    runtime.engine.dispose()


@pytest.fixture
def room(runtime, client, platform_admin):
    """A PRO centre's session, a candidate who joined, and an invigilator who opened the session."""
    room = room_with_candidate(runtime, client, platform_admin)
    room.invigilator = person("surveillant")
    assert client.post("/api/certification-invigilations", headers=room.invigilator.auth, json={
        "session_number": room.session["number"], "invigilator_password": room.session["invigilator_password"]}
    ).status_code == 200
    return room


def join(client, room):
    return client.post("/api/certification-joinings", headers=room.zoe.auth, json={
        "session_number": room.session["number"], "first_name": "Zoé", "last_name": "Lefèvre",
        "birthdate": "1990-01-02"})


def authorize(client, room):
    return client.post(f"/api/certification-candidates/{room.candidate['id']}/authorization",
                       headers=room.invigilator.auth)


class Stream:
    """An open event stream, read by a thread: its events (parsed), comments and end, as they come."""

    def __init__(self, response):
        self.response, self.items = response, queue.Queue()
        self.raw: list[bytes] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        buffer = b""
        for chunk in self.response.response:
            self.raw.append(chunk)
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                fields = [line.split(": ", 1) for line in block.decode().split("\n")]
                if fields[0][0] == "":
                    self.items.put(("comment", fields[0][1]))
                    continue
                message = {name: value for name, value in fields}
                self.items.put(("event", {**message, "data": json.loads(message["data"])}))
        self.items.put(("end", time.monotonic()))

    def next(self, timeout=3.0):
        kind, item = self.items.get(timeout=timeout)
        while kind == "comment":
            kind, item = self.items.get(timeout=timeout)
        return kind, item

    def event(self, timeout=3.0) -> dict:
        kind, item = self.next(timeout)
        assert kind == "event", (kind, item)
        return item

    def close(self):
        self.thread.join(LIFETIME + 5)
        self.response.close()


def open_stream(client, room, who=None) -> Stream:
    response = client.get(f"/api/certification-sessions/{room.session['id']}/invigilation/events",
                          headers=(who or room.invigilator).auth, buffered=False)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/event-stream" and response.headers["Cache-Control"] == "no-store"
    return Stream(response)


def statuses(event) -> list[str]:
    return [candidate["status"] for candidate in event["data"]["candidates"]]


def test_the_stream_sends_the_page_at_once_then_what_another_instance_changed(runtime, client, other_client, room):
    stream = open_stream(client, room)
    first = stream.event()
    assert first["event"] == "invigilation" and first["retry"] == "1000"
    # exactly the JSON of GET /invigilation
    assert first["data"] == client.get(f"/api/certification-sessions/{room.session['id']}/invigilation",
                                       headers=room.invigilator.auth).get_json()
    assert statuses(first) == ["NOT_ARRIVED"]
    started = time.monotonic()
    assert join(other_client, room).status_code == 201
    joined = stream.event(timeout=2.0)
    assert statuses(joined) == ["JOINED"] and time.monotonic() - started < 1.0
    assert authorize(other_client, room).status_code == 204
    authorized = stream.event(timeout=2.0)
    assert statuses(authorized) == ["AUTHORIZED"]
    assert int(first["id"]) < int(joined["id"]) < int(authorized["id"])
    assert stream.next(timeout=LIFETIME + 2)[0] == "end"  # the bounded lifetime: EventSource reconnects
    stream.close()


def test_the_stream_shows_an_authorization_expiring_by_time_alone(runtime, client, clock, room):
    assert join(client, room).status_code == 201
    assert authorize(client, room).status_code == 204
    clock.advance(minutes=15, seconds=-1)  # one second of the 15 minutes left
    stream = open_stream(client, room)
    assert statuses(stream.event()) == ["AUTHORIZED"]
    clock.advance(seconds=2)  # the service's clock is past the end when the stream wakes, about 1 s later
    expired = stream.event(timeout=2.5)
    assert statuses(expired) == ["JOINED"]
    stream.close()


def test_the_tests_progress_heard_by_the_consumer_reaches_the_stream(runtime, client, room):
    assert join(client, room).status_code == 201
    assert authorize(client, room).status_code == 204
    started = client.post("/api/certification-courses", headers=room.zoe.auth, json={
        "candidate_id": room.candidate["id"], "access_code": room.session["access_code"]}).get_json()
    stream = open_stream(client, room)
    first = stream.event()
    assert statuses(first) == ["STARTED"] and first["data"]["candidates"][0]["answers_count"] == 0
    deliver(runtime, "assessment.certification_test.progressed.v1", started["course_id"], 5,
            course_id=started["course_id"], user_id=room.zoe.id, answers_count=4, questions_count=32,
            answered_at="2026-11-23T09:10:00Z")
    progressed = stream.event(timeout=2.0)["data"]["candidates"][0]
    assert (progressed["answers_count"], progressed["questions_count"]) == (4, 32)
    stream.close()


def test_a_batch_of_progress_keeps_the_latest_and_tells_the_session_once(runtime, client, room):
    """The consumer takes the tests' progress in batches (CONSUMER_BATCH): shuffled and redelivered, a course's
    progress ends at its latest version, and the session's page is told once for the whole batch."""
    import random
    from pathlib import Path

    from svckit.testing import example_envelope

    assert join(client, room).status_code == 201
    assert authorize(client, room).status_code == 204
    course_id = client.post("/api/certification-courses", headers=room.zoe.auth, json={
        "candidate_id": room.candidate["id"], "access_code": room.session["access_code"]}).get_json()["course_id"]
    progress = [example_envelope("assessment.certification_test.progressed.v1", aggregate_id=course_id,
                                 aggregate_version=n + 1, contracts_from=Path(__file__).parent, course_id=course_id,
                                 user_id=room.zoe.id, answers_count=n, questions_count=32,
                                 answered_at=f"2026-11-23T09:{10 + n:02d}:00Z") for n in range(1, 9)]
    batch = random.Random(5).sample(progress, len(progress)) + progress[2:4]
    subscription = next(s for s in runtime.subscriptions() if batch[0].event_type in s.event_types)
    assert subscription.batch_handler is not None
    listener = HeardNotices(REDIS_URL, f"live:certification:{invigilation_channel(uuid.UUID(room.session['id']))}")
    subscription.batch_handler(batch)
    assert listener.count() == 1
    listener.close()
    view = client.get(f"/api/certification-sessions/{room.session['id']}/invigilation", headers=room.invigilator.auth)
    assert view.get_json()["candidates"][0]["answers_count"] == 8


def test_a_commit_publishes_its_sessions_and_a_rollback_publishes_nothing(runtime, room):
    session_id = uuid.UUID(room.session["id"])
    listener = HeardNotices(REDIS_URL, f"live:certification:{invigilation_channel(session_id)}")
    heard = listener.count
    with runtime.uow() as uow:
        uow.touch_session(session_id)  # and no commit: rolled back on leaving
    assert heard() == 0
    with runtime.uow() as uow, pytest.raises(IntegrityError):
        uow.touch_session(session_id)
        uow.session.execute(orm.candidates.insert().values(id=uuid.uuid4(), session_id=uuid.uuid4()))
        uow.commit()  # refused by the database: nothing happened, nothing is announced
    assert heard() == 0
    with runtime.uow() as uow:
        uow.touch_session(session_id)
        uow.touch_session(session_id)
        uow.commit()
    assert heard() == 1  # once per commit
    listener.close()


def test_before_streaming_errors_are_answered_in_the_common_shape(client, room):
    path = f"/api/certification-sessions/{room.session['id']}/invigilation/events"
    assert_error(client.get(path), 401, "MISSING_TOKEN")
    assert_error(client.get(path, headers=person("stranger").auth), 403, "NOT_AN_INVIGILATOR")
    assert_error(client.get(f"/api/certification-sessions/{uuid.uuid4()}/invigilation/events",
                            headers=room.invigilator.auth), 404, "SESSION_NOT_FOUND")


def test_a_process_holding_its_most_streams_answers_503_with_retry_after(certification_database, amqp_url, tmp_path,
                                                                        clock, room):
    runtime = make_runtime(certification_database, amqp_url, tmp_path, clock, LIVE_MAX_STREAMS="1")
    client = create_app(runtime).test_client()
    stream = open_stream(client, room)
    stream.event()
    refused = client.get(f"/api/certification-sessions/{room.session['id']}/invigilation/events",
                         headers=room.invigilator.auth)
    assert_error(refused, 503, "LIVE_STREAMS_FULL")
    assert refused.headers["Retry-After"] == "5"
    stream.close()  # its slot is given back at its end
    open_stream(client, room).close()
    runtime.engine.dispose()


def test_without_redis_the_page_is_sent_and_the_stream_ends_and_changes_still_answer(
        certification_database, amqp_url, tmp_path, clock, room, caplog):
    runtime = make_runtime(certification_database, amqp_url, tmp_path, clock, LIVE_REDIS_URL="redis://127.0.0.1:1/0")
    client = create_app(runtime).test_client()
    stream = open_stream(client, room)
    first = stream.event()
    assert first["retry"] == "5000" and statuses(first) == ["NOT_ARRIVED"]
    assert stream.next()[0] == "end"
    stream.close()
    with caplog.at_level(logging.WARNING, logger="svckit.live"):
        assert join(client, room).status_code == 201  # committed; only the notice is lost
        assert authorize(client, room).status_code == 204
    assert any(record.getMessage() == "live notice not published" for record in caplog.records)
    runtime.engine.dispose()
