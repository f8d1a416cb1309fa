"""assessment's api when its database goes away (issue 16): a TCP proxy stands between the real app and the
real PostgreSQL. A cut (connections closed, new ones refused) and a freeze (connections held open, nothing
comes back) each answer 503 SERVICE_UNAVAILABLE in the common shape, within a bound, with Retry-After; the
service comes back by itself once the database does."""

import dataclasses
import threading
import time

import pytest
from assessment_it import create_campaign, join
from sqlalchemy import event, text

from assessment.bootstrap import bootstrap
from assessment.config import Settings
from assessment.entrypoints.api.app import create_app
from svckit.auth import TokenVerifier
from svckit.testing import FreezableTcpProxy, TestKeys, assert_error

ANSWER_DEADLINE = 1.5  # DB_ANSWER_TIMEOUT_SECONDS below
BOUND = 6.0  # what a request may cost when the database is frozen: the deadline, a reconnect, margins


@pytest.fixture
def proxy(assessment_database):
    proxy = FreezableTcpProxy.for_database(assessment_database)
    yield proxy
    proxy.thaw()
    proxy.close()


@pytest.fixture
def through_proxy(runtime, proxy, assessment_database, amqp_url):
    """The api on a connection through the proxy, with short bounds (the defaults are seconds longer)."""
    settings = Settings.from_env({
        "SERVICE_ENV": "test", "DATABASE_URL": proxy.database_url(assessment_database), "RABBITMQ_URL": amqp_url,
        "CONTENT_REFRESH_SECONDS": "3600", "DB_CONNECT_TIMEOUT_SECONDS": "1", "DB_POOL_TIMEOUT_SECONDS": "2",
        "DB_STATEMENT_TIMEOUT_MS": "1000", "DB_ANSWER_TIMEOUT_SECONDS": str(ANSWER_DEADLINE),
        "IDEMPOTENCY_LEASE_SECONDS": "1"})
    proxied = dataclasses.replace(bootstrap(settings), verifier=TokenVerifier(TestKeys(), "skills-platform",
                                                                              "skills-platform"))
    yield proxied, create_app(proxied).test_client()
    proxied.engine.dispose()


def timed(call, limit: float = 60.0):
    """(response, seconds), without hanging the test run when the request hangs."""
    outcome = {}

    def run():
        started = time.monotonic()
        outcome["response"] = call()
        outcome["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit)
    assert not worker.is_alive(), f"the request still hangs after {limit} s"
    return outcome["response"], outcome["seconds"]


def unavailable(response) -> None:
    assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert int(response.headers["Retry-After"]) > 0


@pytest.fixture
def assessment(runtime, client, learner):
    person = learner()
    participation_id = join(runtime, create_campaign(runtime, ["recherche1", "recherche2"]), person.id)
    assessment_id = client.get(f"/api/campaign-participations/{participation_id}/assessment",
                               headers=person.auth).get_json()["id"]
    return person, assessment_id


def test_a_cut_answers_503_and_the_service_comes_back(through_proxy, proxy, assessment):
    _, client = through_proxy
    person, assessment_id = assessment

    def results():
        return client.get(f"/api/assessments/{assessment_id}/results", headers=person.auth)

    assert results().status_code == 200
    proxy.cut()
    for _ in range(3):  # the pooled connection breaks, then new ones are refused
        response, seconds = timed(results)
        unavailable(response)
        assert seconds < BOUND
    challenge = client.post(f"/api/assessments/{assessment_id}/answers", headers={**person.auth, "Idempotency-Key": "k1"},
                            json={"challenge_id": "recherche1-a", "value": "1"})
    unavailable(challenge)
    proxy.restore()
    assert results().status_code == 200


def test_a_frozen_database_answers_503_within_a_bound_and_the_service_comes_back(through_proxy, proxy, assessment):
    _, client = through_proxy
    person, assessment_id = assessment

    def next_challenge():
        return client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth)

    assert next_challenge().status_code == 200
    proxy.freeze()
    for _ in range(2):  # on the pooled connection, then on a new one that never completes its handshake
        response, seconds = timed(next_challenge)
        unavailable(response)
        assert seconds < BOUND, f"{seconds:.1f} s"
    proxy.thaw()
    assert next_challenge().status_code == 200


def test_an_answer_cut_before_its_reply_was_stored_is_not_recorded_and_is_recorded_once_when_sent_again(
        through_proxy, proxy, assessment):
    """The key, the answer and its reply commit in one transaction (svckit.idempotency, one transaction per keyed
    request): the database cut after the answer's unit of work, before the reply is stored, loses all of it, so
    the learner's 503 is the truth. Sent again with the same key once the database is back, the answer is recorded
    (201), once; the next retry replays it."""
    proxied, client = through_proxy
    person, assessment_id = assessment
    challenge = client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth).get_json()
    headers, body = {**person.auth, "Idempotency-Key": "answer-1"}, {"challenge_id": challenge["challenge"]["id"],
                                                                      "skipped": True}

    def cut_once(_session):
        event.remove(proxied.session_factory, "after_commit", cut_once)
        proxy.cut()

    def counts() -> tuple[int, int, int]:
        with proxied.engine.connect() as connection:
            return connection.execute(text(
                "SELECT (SELECT count(*) FROM answers WHERE assessment_id = :a), "
                "(SELECT count(*) FROM outbox WHERE event_type = 'assessment.answer.recorded.v1' AND aggregate_id = :s),"
                "(SELECT count(*) FROM idempotency_keys WHERE key = 'answer-1')"),
                {"a": assessment_id, "s": str(assessment_id)}).one()

    event.listen(proxied.session_factory, "after_commit", cut_once)  # the unit of work's commit: not the request's
    unavailable(client.post(f"/api/assessments/{assessment_id}/answers", headers=headers, json=body))
    proxy.restore()
    assert counts() == (0, 0, 0)  # neither the answer, nor its event, nor the key

    again = client.post(f"/api/assessments/{assessment_id}/answers", headers=headers, json=body)
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["assessment"]["progress"]["answers_count"] == 1
    replayed = client.post(f"/api/assessments/{assessment_id}/answers", headers=headers, json=body)
    assert replayed.headers["Idempotent-Replayed"] == "true" and replayed.get_json() == again.get_json()
    assert counts() == (1, 1, 1)
