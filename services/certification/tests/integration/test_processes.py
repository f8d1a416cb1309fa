"""certification's consumer and relay on the real broker: what organizations publishes makes a school a centre,
poison goes to the dead-letter queue, and what certification writes to its outbox reaches its exchange."""

import json
import uuid
from pathlib import Path

import pika
from certification_it import SESSION
from sqlalchemy import text

from msgkit.testing import blocking_channel, get_messages, running, wait_until
from msgkit.topology import declare_exchange
from svckit.contracts import load_contract


def center_exists(runtime, center_id):
    with runtime.engine.connect() as connection:
        return connection.execute(text("SELECT type FROM centers WHERE id = :id"), {"id": center_id}).scalar()


def test_a_school_announced_on_the_broker_becomes_a_centre_and_poison_is_dead_lettered(runtime, amqp_url):
    message = load_contract("organizations.organization.created.v1", Path(__file__).parent).example
    school_id = str(uuid.uuid4())
    message.update(message_id=str(uuid.uuid4()), aggregate_id=school_id)
    message["payload"].update(organization_id=school_id, external_id="0754321X")
    with running(runtime.make_consumer()) as consumer:
        wait_until(lambda: consumer.connected)
        with blocking_channel(amqp_url) as channel:
            declare_exchange(channel, "organizations")
            channel.confirm_delivery()
            for body in (json.dumps(message).encode(), b'{"broken": true}'):
                channel.basic_publish("organizations.events", "organizations.organization.created.v1", body,
                                      pika.BasicProperties(message_id=str(uuid.uuid4()), delivery_mode=2))
        assert wait_until(lambda: center_exists(runtime, school_id)) == "SCO"
        [(properties, poison)] = wait_until(lambda: get_messages(amqp_url, "certification.all.dlq"))
    assert poison == b'{"broken": true}'
    assert properties.headers["x-original-queue"] == "certification.on_organization_created"


def test_the_relay_publishes_what_a_use_case_wrote_to_the_outbox(runtime, client, college, amqp_url):
    with blocking_channel(amqp_url) as channel:
        declare_exchange(channel, "certification")
        channel.queue_declare("test.certification.sessions", durable=False, auto_delete=False)
        channel.queue_bind("test.certification.sessions", "certification.events", "certification.session.#")
    session = client.post(f"/api/certification-centers/{college.id}/sessions", headers=college.head.auth,
                          json=SESSION).get_json()
    seen: list[dict] = []  # the earlier tests' sessions are published too, in the outbox's order

    def ours():
        seen.extend(json.loads(body) for _, body in get_messages(amqp_url, "test.certification.sessions"))
        return [message for message in seen if message["aggregate_id"] == session["id"]]

    with running(runtime.make_relay()):
        [published] = wait_until(ours)
    assert (published["event_type"], published["payload"]["number"]) == (
        "certification.session.scheduled.v1", session["number"])


def handled(runtime, *message_ids):
    with runtime.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM inbox WHERE message_id = ANY(CAST(:ids AS uuid[]))"),
                                  {"ids": list(message_ids)}).scalar()


def test_a_tests_progress_and_outcome_on_the_broker_are_kept_once_each(runtime, amqp_url):
    course_id, user_id = str(uuid.uuid4()), str(uuid.uuid4())
    progressed = load_contract("assessment.certification_test.progressed.v1", Path(__file__).parent).example
    progressed.update(message_id=str(uuid.uuid4()), aggregate_id=course_id, aggregate_version=3)
    progressed["payload"].update(course_id=course_id, user_id=user_id, answers_count=1)
    completed = load_contract("assessment.certification_test.completed.v1", Path(__file__).parent).example
    completed.update(message_id=str(uuid.uuid4()), aggregate_id=course_id, aggregate_version=10)
    completed["payload"].update(course_id=course_id, user_id=user_id)

    def kept():
        with runtime.engine.connect() as connection:
            return connection.execute(text("SELECT answers_count, end_reason, outcome FROM course_tests "
                                           "WHERE course_id = :id"), {"id": course_id}).first()

    with running(runtime.make_consumer()) as consumer:
        wait_until(lambda: consumer.connected)
        with blocking_channel(amqp_url) as channel:
            declare_exchange(channel, "assessment")
            channel.confirm_delivery()
            # the outcome, then a late progress of an earlier version, and the outcome again (a redelivery)
            for message in (completed, progressed, completed):
                channel.basic_publish("assessment.events", message["event_type"], json.dumps(message).encode(),
                                      pika.BasicProperties(message_id=message["message_id"], delivery_mode=2))
        wait_until(lambda: handled(runtime, progressed["message_id"], completed["message_id"]) == 2)
    row = kept()
    assert (row.answers_count, row.end_reason) == (2, "ENDED_BY_INVIGILATOR")  # the outcome's, not the late progress'
    assert [a["status"] for a in row.outcome["answers"]] == ["ok", "skipped"]
    assert len(row.outcome["skips_if_abandoned"]) == 1
