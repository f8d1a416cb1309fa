"""Live alerts on the real database: raised through the API and published, decided by certification's event
(applied once, whatever arrives twice or late), a validated question replaced by one question only."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from assessment_it import (
    asked_at_once,
    deliver,
    end_course,
    next_question,
    release_certification_content,
    start_course,
)
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from assessment.adapters import orm
from assessment.entrypoints.api.app import create_app
from msgkit import Envelope, MalformedMessage
from svckit.testing import assert_error, example_envelope, handle_envelope

RAISED, DECIDED = "assessment.certification_test.live_alert_raised.v1", "certification.live_alert.decided.v1"
INVIGILATOR = str(uuid.uuid4())


@pytest.fixture
def certification(runtime):
    release_certification_content(runtime)
    return runtime


def base(course_id: str) -> str:
    return f"/api/certification-courses/{course_id}"


def answer(client, person, course_id: str, challenge_id: str, value=1):
    return client.post(f"{base(course_id)}/assessment/answers", headers=person.auth,
                       json={"challenge_id": challenge_id, "value": value})


def signal(client, person, course_id: str):
    return client.post(f"{base(course_id)}/live-alerts", headers=person.auth)


def decide(runtime, course_id: str, alert_id: str, decision: str, at: datetime | None = None) -> Envelope:
    envelope = example_envelope(DECIDED, aggregate_id=alert_id, aggregate_version=2, contracts_from=Path(__file__).parent,
                                course_id=course_id, alert_id=alert_id, decision=decision, decided_by=INVIGILATOR,
                                decided_at=(at or datetime.now(timezone.utc)).isoformat())
    handle_envelope(runtime, envelope)
    return envelope


def outbox(runtime, course_id: str, event_type: str) -> list[Envelope]:
    with runtime.engine.connect() as connection:
        bodies = connection.execute(select(orm.outbox.c.body).where(orm.outbox.c.aggregate_id == course_id)
                                    .order_by(orm.outbox.c.id)).scalars().all()
    return [e for e in (Envelope.from_json(body) for body in bodies) if e.event_type == event_type]


def take(client, person, course_id: str, count: int) -> list[dict]:
    asked = []
    for _ in range(count):
        body = next_question(client, person, course_id)
        if body["challenge"] is None:
            break
        asked.append(body["challenge"])
        assert answer(client, person, course_id, body["challenge"]["id"], 1 + len(asked) % 2).status_code == 201
    return asked


def test_a_candidate_signals_the_question_and_answers_nothing_until_the_invigilator_decides(certification, client,
                                                                                           learner):
    person, other = learner("candidate"), learner("other")
    course_id = start_course(certification, person.id)
    assert_error(signal(client, person, course_id), 409, "NO_QUESTION_TO_SIGNAL")  # nothing served yet
    take(client, person, course_id, 2)
    question = next_question(client, person, course_id)
    assert question["live_alert"] is None
    assert_error(signal(client, other, course_id), 404, "CERTIFICATION_TEST_NOT_FOUND")
    assert_error(signal(client, person, str(uuid.uuid4())), 404, "CERTIFICATION_TEST_NOT_FOUND")

    raised = signal(client, person, course_id)
    assert raised.status_code == 201, raised.get_json()
    alert = raised.get_json()
    assert set(alert) == {"id", "challenge_id", "question_number", "status", "raised_at", "decided_at"}
    assert (alert["challenge_id"], alert["question_number"], alert["status"], alert["decided_at"]) == (
        question["challenge"]["id"], 3, "ONGOING", None)
    assert_error(signal(client, person, course_id), 409, "LIVE_ALERT_ALREADY_ONGOING")
    assert_error(answer(client, person, course_id, question["challenge"]["id"]), 409, "LIVE_ALERT_ONGOING")
    again = next_question(client, person, course_id)
    assert again["challenge"]["id"] == question["challenge"]["id"] and again["answers_count"] == 2
    assert again["live_alert"] == alert
    assert client.get(f"{base(course_id)}/assessment", headers=person.auth).get_json()["live_alert"] == alert

    [event] = outbox(certification, course_id, RAISED)
    assert event.payload == {"course_id": course_id, "alert_id": alert["id"], "challenge_id": alert["challenge_id"],
                             "question_number": 3, "raised_at": event.payload["raised_at"]}
    with certification.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM certification_answers WHERE course_id = :c"),
                                  {"c": course_id}).scalar() == 2  # the refused answer recorded nothing


def test_a_validated_question_is_replaced_and_the_test_still_ends_after_32_answers(certification, client, learner):
    person = learner()
    course_id = start_course(certification, person.id)
    take(client, person, course_id, 5)
    signalled = next_question(client, person, course_id)["challenge"]
    alert = signal(client, person, course_id).get_json()
    message = decide(certification, course_id, alert["id"], "VALIDATED")
    handle_envelope(certification, message)  # the same message again: the inbox drops it
    decide(certification, course_id, alert["id"], "DISMISSED")  # a second decision: the first stands

    replaced = next_question(client, person, course_id)
    assert replaced["live_alert"]["status"] == "VALIDATED" and replaced["live_alert"]["decided_at"] is not None
    assert replaced["question_number"] == 6 and replaced["answers_count"] == 5  # question 6 again, another item
    assert replaced["challenge"]["id"] != signalled["id"]
    assert replaced["challenge"]["id"].split("-")[0] != signalled["id"].split("-")[0]  # nor its sibling (skill)
    assert_error(answer(client, person, course_id, signalled["id"]), 409, "WRONG_CHALLENGE")

    asked = take(client, person, course_id, 40)
    assert len(asked) == 27
    over = next_question(client, person, course_id)
    assert (over["state"], over["end_reason"], over["answers_count"]) == ("ENDED", "COMPLETED", 32)
    [completed] = outbox(certification, course_id, "assessment.certification_test.completed.v1")
    ids = [a["challenge_id"] for a in completed.payload["answers"]]
    assert len(ids) == 32 and signalled["id"] not in ids
    assert signalled["id"].split("-")[0] not in {a["skill_id"] for a in completed.payload["answers"]}


def test_a_dismissed_alert_lets_the_candidate_answer_the_same_question(certification, client, learner):
    person = learner()
    course_id = start_course(certification, person.id)
    question = next_question(client, person, course_id)["challenge"]
    alert = signal(client, person, course_id).get_json()
    decide(certification, course_id, alert["id"], "DISMISSED")
    shown = next_question(client, person, course_id)
    assert shown["challenge"]["id"] == question["id"] and shown["live_alert"]["status"] == "DISMISSED"
    answered = answer(client, person, course_id, question["id"])
    assert answered.status_code == 201 and answered.get_json()["index"] == 1
    assert answered.get_json()["test"]["live_alert"]["id"] == alert["id"]


def test_two_requests_for_the_next_question_after_a_validation_give_one_question(certification, learner):
    person = learner()
    for _ in range(3):
        course_id = start_course(certification, person.id)
        client = create_app(certification).test_client()
        next_question(client, person, course_id)
        alert = signal(client, person, course_id).get_json()
        decide(certification, course_id, alert["id"], "VALIDATED")
        got = asked_at_once(certification, person, course_id)
        with certification.engine.connect() as connection:
            stored = connection.execute(text("SELECT current_challenge_id FROM certification_tests "
                                             "WHERE course_id = :c"), {"c": course_id}).scalar()
        assert got[0] == got[1] == stored and stored != alert["challenge_id"]


def test_a_decision_for_an_ended_test_is_recorded_and_changes_nothing_else(certification, client, learner):
    person = learner()
    course_id = start_course(certification, person.id)
    take(client, person, course_id, 3)
    next_question(client, person, course_id)
    alert = signal(client, person, course_id).get_json()
    end_course(certification, course_id, person.id)
    assert_error(signal(client, person, course_id), 409, "CERTIFICATION_TEST_ENDED")
    decide(certification, course_id, alert["id"], "VALIDATED")
    test = client.get(f"{base(course_id)}/assessment", headers=person.auth).get_json()
    assert (test["state"], test["end_reason"], test["answers_count"]) == ("ENDED", "ENDED_BY_INVIGILATOR", 3)
    assert test["live_alert"]["status"] == "VALIDATED"
    assert len(outbox(certification, course_id, "assessment.certification_test.completed.v1")) == 1


def test_a_decision_for_an_alert_unknown_here_is_refused_for_the_dead_letter_queue(certification, client, learner):
    person = learner()
    course_id = start_course(certification, person.id)
    with pytest.raises(Exception, match="no alert"):
        decide(certification, course_id, str(uuid.uuid4()), "VALIDATED")
    with pytest.raises(Exception, match="no certification test"):
        decide(certification, str(uuid.uuid4()), str(uuid.uuid4()), "VALIDATED")
    with pytest.raises(MalformedMessage):
        deliver(certification, DECIDED, course_id, course_id=course_id, alert_id=str(uuid.uuid4()), decision="NO")


def test_the_database_keeps_one_ongoing_alert_per_test_whatever_the_code_does(certification, client, learner):
    person = learner()
    course_id = start_course(certification, person.id)
    next_question(client, person, course_id)
    signal(client, person, course_id)
    with certification.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.execute(orm.certification_live_alerts.insert().values(
            id=uuid.uuid4(), course_id=course_id, number=2, challenge_id="t11x1-a", question_number=1,
            status="ONGOING", raised_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
