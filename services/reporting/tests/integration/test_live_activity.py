"""A campaign's activity pushed live to Orga, on the real database and the machine's Redis: the participations'
projection announces the campaign after its commit and never for a rollback, a stream sends the activity at once
and again when a share (or any participation's change) is projected, bursts are coalesced, and the stream's
access is the activity page's."""

from __future__ import annotations

import dataclasses
import json
import queue
import threading
import time
import uuid

import pytest
import redis
from reporting_it import account, answer, campaign, grant, organization, person, results, share, start

from reporting.bootstrap import bootstrap
from reporting.config import Settings
from reporting.entrypoints.api.app import create_app
from reporting.service_layer.unit_of_work import activity_channel
from svckit.auth import TokenVerifier
from svckit.testing import HeardNotices, TestKeys, assert_error

REDIS_URL = "redis://127.0.0.1:6379/0"
LIFETIME = 4.0  # seconds: the streams of these tests end by themselves soon


def make_runtime(reporting_database, amqp_url, **env):
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": reporting_database, "RABBITMQ_URL": amqp_url,
                                  "LIVE_REDIS_URL": REDIS_URL, "LIVE_STREAM_SECONDS": str(LIFETIME),
                                  "LIVE_ACTIVITY_COALESCE_SECONDS": "0.1", **env})
    return dataclasses.replace(bootstrap(settings), verifier=TokenVerifier(TestKeys(), "skills-platform",
                                                                           "skills-platform"))


@pytest.fixture
def live(reporting_database, amqp_url, runtime):  # runtime: the content released
    live = make_runtime(reporting_database, amqp_url)
    yield live
    live.engine.dispose()


@pytest.fixture
def live_client(live):
    return create_app(live).test_client()


class Stream:
    """An open event stream read by a thread: its events (parsed) and its end, as they come."""

    def __init__(self, response):
        self.response, self.items = response, queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        buffer = b""
        for chunk in self.response.response:
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                fields = dict(line.split(": ", 1) for line in block.decode().split("\n"))
                if "" not in fields:  # a comment (keep-alive)
                    self.items.put(("event", {**fields, "data": json.loads(fields["data"])}))
        self.items.put(("end", None))

    def event(self, timeout=3.0) -> dict:
        kind, item = self.items.get(timeout=timeout)
        assert kind == "event", (kind, item)
        return item

    def events_within(self, seconds: float) -> list[dict]:
        events, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                kind, item = self.items.get(timeout=left)
            except queue.Empty:
                break
            if kind == "end":
                break
            events.append(item)
        return events

    def close(self):
        self.thread.join(LIFETIME + 5)
        self.response.close()


def open_stream(client, campaign_id, who) -> Stream:
    response = client.get(f"/api/campaigns/{campaign_id}/activity/events", headers=who.auth, buffered=False)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/event-stream" and response.headers["Cache-Control"] == "no-store"
    return Stream(response)


@pytest.fixture
def class_4b(live, school):
    campaign_id = campaign(live, school.id)
    return campaign_id


def test_the_stream_sends_the_activity_at_once_then_again_when_a_share_is_projected(live, live_client, school,
                                                                                    class_4b):
    zoe = account(live, "Zoé", "Lefèvre")
    participation_id = start(live, class_4b, school.id, zoe)
    stream = open_stream(live_client, class_4b, school.teacher)
    first = stream.event()
    assert first["event"] == "activity" and first["retry"] == "1000"
    # exactly the JSON of GET /activity
    assert first["data"] == live_client.get(f"/api/campaigns/{class_4b}/activity", headers=school.teacher.auth).json
    assert (first["data"]["started_count"], first["data"]["shared_count"]) == (1, 0)
    shared_at = time.monotonic()
    share(live, participation_id, class_4b, school.id, zoe, results({"1.1": (2, 3)}))  # the consumer's commit
    after = stream.event(timeout=2.0)
    assert time.monotonic() - shared_at < 1.0
    assert (after["data"]["started_count"], after["data"]["shared_count"]) == (0, 1)
    assert int(first["id"]) < int(after["id"])
    stream.close()


def test_a_class_answering_at_once_is_one_view_per_coalescing_period(reporting_database, amqp_url, runtime, school):
    slow = make_runtime(reporting_database, amqp_url, LIVE_ACTIVITY_COALESCE_SECONDS="1.0")
    client = create_app(slow).test_client()
    campaign_id = campaign(slow, school.id)
    pupils = [start(slow, campaign_id, school.id, account(slow, "Élève", str(n))) for n in range(10)]
    stream = open_stream(client, campaign_id, school.teacher)
    stream.event()
    for progress, participation_id in enumerate(pupils):
        answer(slow, participation_id, campaign_id, 0.1 + progress / 100)  # ten commits, ten notices in ~0.2 s
    views = stream.events_within(1.6)
    # the first notice after a quiet spell at once, the rest of the burst together one period later
    assert 1 <= len(views) <= 2
    assert views[-1]["data"]["average_progress_rate"] is not None
    stream.close()
    slow.engine.dispose()


def test_a_projection_announces_its_campaign_after_its_commit_and_a_rollback_announces_nothing(live, school,
                                                                                             class_4b):
    listener = HeardNotices(REDIS_URL, f"live:reporting:{activity_channel(class_4b)}")
    heard = listener.count
    start(live, class_4b, school.id, account(live, "Zoé", "Lefèvre"))  # projected and committed
    assert heard() == 1
    with live.uow() as uow:
        uow.touch_campaign(class_4b)  # and no commit: rolled back on leaving
    assert heard() == 0
    with live.uow() as uow, pytest.raises(RuntimeError):
        uow.touch_campaign(class_4b)
        raise RuntimeError("the handler failed")  # the consumer's transaction rolls back
    assert heard() == 0
    with live.uow() as uow:
        uow.touch_campaign(class_4b)
        uow.touch_campaign(class_4b)
        uow.commit()
    assert heard() == 1  # once per commit
    listener.close()


def test_changes_of_other_campaigns_and_directory_events_announce_nothing_here(live, school, class_4b):
    listener = redis.Redis.from_url(REDIS_URL).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(f"live:reporting:{activity_channel(class_4b)}")
    listener.get_message(timeout=0.5)
    other = campaign(live, school.id, name="Autre")
    start(live, other, school.id, account(live, "Léo", "Petit"))
    grant(live, school.id, person("nouveau"), "MEMBER", 5)
    assert listener.get_message(timeout=0.5) is None
    listener.close()


def test_the_stream_is_refused_as_the_activity_page_is(live, live_client, school, class_4b):
    path = f"/api/campaigns/{class_4b}/activity/events"
    assert_error(live_client.get(path), 401, "MISSING_TOKEN")
    stranger = person("autre-college")
    other_school = organization(live, name="Collège Jean Moulin")
    grant(live, other_school, stranger, "ADMIN", 2)  # an admin, of another organization
    assert_error(live_client.get(path, headers=stranger.auth), 403, "NOT_A_MEMBER")
    assert_error(live_client.get(f"/api/campaigns/{uuid.uuid4()}/activity/events", headers=school.teacher.auth),
                 404, "CAMPAIGN_NOT_FOUND")


def test_a_process_holding_its_most_streams_answers_503_with_retry_after(reporting_database, amqp_url, runtime,
                                                                        school):
    one = make_runtime(reporting_database, amqp_url, LIVE_MAX_STREAMS="1")
    client = create_app(one).test_client()
    campaign_id = campaign(one, school.id)
    stream = open_stream(client, campaign_id, school.teacher)
    stream.event()
    refused = client.get(f"/api/campaigns/{campaign_id}/activity/events", headers=school.teacher.auth)
    assert_error(refused, 503, "LIVE_STREAMS_FULL")
    assert refused.headers["Retry-After"] == "5"
    stream.close()
    one.engine.dispose()
