"""Certification results, from certification's events to the Orga route and the learners' list: kept per course
at the result's version, read by the organization's members only."""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path

import pika
import pytest
from reporting_it import account, certification_result, grant, learner, organization, person
from sqlalchemy import func, select

from msgkit.testing import blocking_channel, running, wait_until
from msgkit.topology import declare_exchange
from reporting.adapters import orm
from reporting.entrypoints.consumers.subscriptions import read
from reporting.service_layer import projections
from svckit.contracts import load_contract
from svckit.testing import example_envelope, handle_envelope

ORGANIZATIONS = "/api/organizations"
RESULTS = "certification.results.published.v1"


def result_row(runtime, course_id):
    with runtime.engine.connect() as connection:
        return connection.execute(select(orm.certification_results).where(
            orm.certification_results.c.course_id == course_id)).first()


def get(client, who, organization_id, **query):
    return client.get(f"{ORGANIZATIONS}/{organization_id}/certification-results", headers=who.auth,
                      query_string=query)


# --- the projection -------------------------------------------------------------------------------


def test_a_correction_replaces_the_result_and_an_older_one_changes_nothing(runtime, school):
    course = certification_result(runtime, school.id, "Lou", "Apprenant", version=2, score=312, mesh_level=3)

    certification_result(runtime, school.id, "Lou", "Apprenant", version=4, course_id=course, score=356,
                         mesh_level=3, verification_code="P-BCDFGHJK")
    certification_result(runtime, school.id, "Lou", "Apprenant", version=3, course_id=course, score=100,
                         mesh_level=1)

    row = result_row(runtime, course)
    assert (row.version, row.score, row.verification_code, row.sort_last_name) == (4, 356, "P-BCDFGHJK",
                                                                                    "apprenant")


@pytest.mark.parametrize("seed", range(4))
def test_the_versions_of_a_result_in_any_order_leave_the_highest(runtime, school, seed):
    course = str(uuid.uuid4())
    versions = [(2, 312, "validated"), (3, None, "rejected"), (5, 401, "validated"), (4, 356, "validated")]
    random.Random(seed).shuffle(versions)
    for version, score, status in versions:
        certification_result(runtime, school.id, "Lou", "Apprenant", version=version, course_id=course,
                             score=score, status=status)

    row = result_row(runtime, course)
    assert (row.version, row.score, row.status) == (5, 401, "validated")


def test_a_result_delivered_twice_is_journaled_and_applied_once_and_rebuilt_the_same(runtime, school):
    course = str(uuid.uuid4())
    envelope = example_envelope(RESULTS, aggregate_id=course, aggregate_version=2,
                                contracts_from=Path(__file__).parent, course_id=course, organization_id=school.id)
    handle_envelope(runtime, envelope)
    handle_envelope(runtime, envelope)
    with runtime.engine.connect() as connection:
        journaled = connection.execute(select(func.count()).select_from(orm.journal).where(
            orm.journal.c.message_id == envelope.message_id)).scalar()
    before = result_row(runtime, course)

    projections.rebuild(runtime.uow(), ["certification"], read)

    assert journaled == 1
    assert result_row(runtime, course) == before
    assert (before.status, before.score, before.competence_levels[0]) == (
        "validated", 312, {"competence_code": "1.1", "level": 3})


def test_a_result_published_on_the_real_broker_is_kept_once(runtime, school, amqp_url):
    course = str(uuid.uuid4())
    message = load_contract(RESULTS, Path(__file__).parent).example
    message.update(message_id=str(uuid.uuid4()), aggregate_id=course, aggregate_version=2)
    message["payload"].update(course_id=course, organization_id=school.id, last_name="Broker")

    def handled():
        with runtime.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(orm.inbox).where(
                orm.inbox.c.message_id == message["message_id"])).scalar()

    with running(runtime.make_consumer()) as consumer:
        wait_until(lambda: consumer.connected)
        with blocking_channel(amqp_url) as channel:
            declare_exchange(channel, "certification")
            channel.confirm_delivery()
            for _ in range(2):  # a redelivery
                channel.basic_publish("certification.events", RESULTS, json.dumps(message).encode(),
                                      pika.BasicProperties(message_id=message["message_id"], delivery_mode=2))
        wait_until(lambda: result_row(runtime, course))
    assert (handled(), result_row(runtime, course).last_name) == (1, "Broker")


# --- the route --------------------------------------------------------------------------------------


@pytest.fixture
def results(runtime, school):
    alice = account(runtime, "Alicia", "Compte")
    alice_learner = learner(runtime, school.id, "Alice", "Martin", user_id=alice, division="3A")
    bob_learner = learner(runtime, school.id, "Bob", "Durand", division="3B")
    courses = {
        # names the learner
        "bob": certification_result(runtime, school.id, "Bob", "Durand", division="3B",
                                    organization_learner_id=bob_learner, certification_date="2026-12-14",
                                    score=312, mesh_level=3, verification_code="P-Y468BCDF"),
        # names no learner, but the account linked to one took it
        "alice": certification_result(runtime, school.id, "Alice", "martin", division="3A", user_id=alice,
                                      status="rejected", reason="FRAUD", score=None, mesh_level=None,
                                      competence_levels=[], certification_date="2026-12-10"),
        # a learner reporting has not heard of
        "zoe": certification_result(runtime, school.id, "Zoé", "Zen", division="3A",
                                    organization_learner_id=str(uuid.uuid4())),
    }
    elsewhere = organization(runtime, name="Autre collège")
    certification_result(runtime, elsewhere, "Hugo", "Ailleurs", division="3A")
    certification_result(runtime, None, "Pro", "Adulte")  # a PRO centre's candidate: no organization
    return dict(courses, alice_learner=alice_learner, bob_learner=bob_learner, alice=alice)


def test_the_results_of_the_organization_s_pupils_come_by_last_name_with_their_learner(client, school, results):
    response = get(client, school.teacher, school.id)

    assert response.status_code == 200
    assert (response.json["total"], response.json["page"], response.json["page_size"]) == (3, 1, 20)
    bob, alice, zoe = response.json["items"]
    assert bob == {"course_id": results["bob"], "learner_id": results["bob_learner"], "first_name": "Bob",
                   "last_name": "Durand", "division": "3B", "status": "validated", "score": 312, "mesh_level": 3,
                   "certification_date": "2026-12-14", "verification_code": "P-Y468BCDF", "session_number": 1004}
    assert (alice["learner_id"], alice["last_name"], alice["status"], alice["score"], alice["mesh_level"]) == (
        results["alice_learner"], "martin", "rejected", None, None)
    assert (zoe["course_id"], zoe["learner_id"]) == (results["zoe"], None)


def test_the_results_are_filtered_by_class_and_paged(client, school, results):
    third_a = get(client, school.teacher, school.id, division="3A")
    both = get(client, school.teacher, school.id, division=["3A", "3B"], page=2, page_size=2)

    assert ([item["last_name"] for item in third_a.json["items"]], third_a.json["total"]) == (["martin", "Zen"], 2)
    assert ([item["last_name"] for item in both.json["items"]], both.json["total"], both.json["page"]) == (
        ["Zen"], 3, 2)


def test_the_results_are_refused_outside_the_organization_and_unknown_organizations_are_not_found(
        runtime, client, school, results):
    outsider, newcomer = person("autre"), person("nouveau")
    grant(runtime, organization(runtime, name="Autre collège"), outsider)
    grant(runtime, school.id, newcomer, version=4, terms=False)

    refused, untermed = get(client, outsider, school.id), get(client, newcomer, school.id)
    unknown = get(client, school.teacher, str(uuid.uuid4()))

    assert (refused.status_code, refused.json["error"]["code"]) == (403, "NOT_A_MEMBER")
    assert (untermed.status_code, untermed.json["error"]["code"]) == (403, "ORGA_TERMS_NOT_ACCEPTED")
    assert (unknown.status_code, unknown.json["error"]["code"]) == (404, "ORGANIZATION_NOT_FOUND")
    assert get(client, school.admin, school.id).status_code == 200
    anonymous = client.get(f"{ORGANIZATIONS}/{school.id}/certification-results")
    assert anonymous.status_code == 401


@pytest.mark.parametrize("query", [{"page_size": 0}, {"page": -1}, {"page_size": 1000}])
def test_the_results_refuse_bad_arguments(client, school, query):
    response = get(client, school.teacher, school.id, **query)

    assert (response.status_code, response.json["error"]["code"]) == (400, "VALIDATION_ERROR")


def test_the_learners_list_shows_each_pupil_s_latest_certification_result(runtime, client, school, results):
    # Bob sat again after a cancellation: the later session is his latest result
    certification_result(runtime, school.id, "Bob", "Durand", organization_learner_id=results["bob_learner"],
                         status="cancelled", reason="CANCELLED_DUE_TO_LACK_OF_ANSWERS_FOR_TECHNICAL_REASON",
                         score=None, mesh_level=None, competence_levels=[], certification_date="2026-11-30")
    learner(runtime, school.id, "Dora", "Sans", division="3A")

    items = client.get(f"{ORGANIZATIONS}/{school.id}/learners", headers=school.teacher.auth).json["items"]

    latest = {item["last_name"]: (item["certification_status"], item["certification_score"],
                                  item["certification_date"]) for item in items}
    assert latest == {"Durand": ("validated", 312, "2026-12-14"), "Martin": ("rejected", None, "2026-12-10"),
                      "Sans": (None, None, None)}
    assert {"campaigns_count", "certifiable", "linked_at"} <= set(items[0])  # the shape only gains fields


def test_a_result_naming_another_learner_is_not_lent_to_the_account_s_learner(runtime, client, school):
    lou = account(runtime, "Lou", "Compte")
    learner(runtime, school.id, "Lou", "Premier", user_id=lou)
    other = learner(runtime, school.id, "Lou", "Second")
    certification_result(runtime, school.id, "Lou", "Second", user_id=lou, organization_learner_id=other)

    items = client.get(f"{ORGANIZATIONS}/{school.id}/learners", headers=school.teacher.auth).json["items"]

    assert {item["last_name"]: item["certification_status"] for item in items} == {"Premier": None,
                                                                                 "Second": "validated"}
