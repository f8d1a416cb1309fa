"""Each api process keeps the tests it served between requests (adapters.state_cache, issue 18): two app
instances on one database are two replicas, each with its own cache. Whatever one writes, the other sees at
its next request; a write that rolled back is never served."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from assessment_it import (
    create_campaign,
    deliver,
    end_course,
    join,
    next_question,
    release_certification_content,
    start_course,
)
from test_learner_journey import level_of, start, value_for

from assessment.adapters.state_cache import StateCache
from assessment.entrypoints.api.app import create_app
from assessment.service_layer import handlers
from svckit.testing import assert_error


@pytest.fixture
def replicas(runtime):
    """Two api processes on the same database, each with its own caches."""
    other = dataclasses.replace(runtime, assessment_states=StateCache(100), test_states=StateCache(100))
    return (runtime, create_app(runtime).test_client()), (other, create_app(other).test_client())


def ask(client, person, assessment_id: str) -> dict:
    response = client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def reply(client, person, assessment_id: str, challenge: dict, right: bool = True) -> dict:
    response = client.post(f"/api/assessments/{assessment_id}/answers", headers=person.auth,
                           json={"challenge_id": challenge["id"], "value": value_for(challenge, right)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_answers_written_through_one_replica_are_seen_by_the_other_at_its_next_request(replicas, learner):
    (one, a), (other, b) = replicas
    person = learner()
    assessment_id = start(one, a, person)
    asked = []
    for turn in range(20):  # alternate: each replica's kept state is stale at every turn
        writer, reader = (a, b) if turn % 2 == 0 else (b, a)
        body = ask(writer, person, assessment_id)
        if body["challenge"] is None:
            assert body["state"] == "COMPLETED"
            break
        assert body["progress"]["answers_count"] == len(asked)
        asked.append(body["challenge"]["id"])
        assert reply(writer, person, assessment_id, body["challenge"], level_of(body["challenge"]["id"]) <= 3
                     )["assessment"]["progress"]["answers_count"] == len(asked)
        stored = ask(writer, person, assessment_id)  # the writer chooses and stores the next question
        seen = ask(reader, person, assessment_id)  # nothing to write: served from the reader's state if fresh
        assert (seen["progress"], seen["state"], seen["challenge"]) == \
            (stored["progress"], stored["state"], stored["challenge"])
    assert len(asked) >= 4 and len(set(asked)) == len(asked)
    assert one.assessment_states.hits > 0 and other.assessment_states.hits > 0


def test_the_kept_state_is_the_state_a_full_load_reads(runtime, replicas, learner):
    """After each answer, what replica a builds from its kept state equals what a process keeping nothing
    (size 0: a full load, as before) reads from the database: answers, knowledge, every column."""
    (one, a), _ = replicas
    cold = dataclasses.replace(runtime, assessment_states=StateCache(0))
    person = learner()
    assessment_id = start(one, a, person)
    for _ in range(6):
        challenge = ask(a, person, assessment_id)["challenge"]
        if challenge is None:
            break
        reply(a, person, assessment_id, challenge, level_of(challenge["id"]) <= 3)
        hits = one.assessment_states.hits
        with one.uow() as uow:
            kept = uow.assessments.get(assessment_id)
        with cold.uow() as uow:
            loaded = uow.assessments.get(assessment_id)
        assert one.assessment_states.hits == hits + 1
        assert dataclasses.asdict(kept) == dataclasses.asdict(loaded)
    assert cold.assessment_states.hits == 0


def test_a_write_that_rolled_back_is_never_served(replicas, learner):
    (one, a), _ = replicas
    person = learner()
    assessment_id = start(one, a, person)
    challenge = ask(a, person, assessment_id)["challenge"]

    uow = one.uow()
    with uow:  # an answer saved, then its transaction rolled back (a failure after the write)
        assessment = uow.assessments.get(assessment_id)
        assessment.answer(one.content(), one.settings.rules, challenge_id=challenge["id"],
                          value=value_for(challenge, True), skipped=False, now=one.now(), new_id=one.new_id)
        uow.assessments.save(assessment)
    assert uuid.UUID(assessment_id) in one.assessment_states  # kept, stamped with the transaction that rolled back

    again = ask(a, person, assessment_id)
    assert again["progress"]["answers_count"] == 0
    assert again["challenge"]["id"] == challenge["id"]


def test_a_write_that_rolled_back_is_not_mistaken_for_another_replica_s_write_of_the_same_version(replicas,
                                                                                                  learner):
    """a's answer (right) rolls back after its write; b records a wrong one: the same version number. a must
    read b's (the transaction ids differ), not the state of its own write that never was."""
    (one, a), (other, b) = replicas
    person = learner()
    assessment_id = start(one, a, person)
    challenge = ask(a, person, assessment_id)["challenge"]
    uow = one.uow()
    with uow:
        assessment = uow.assessments.get(assessment_id)
        assessment.answer(one.content(), one.settings.rules, challenge_id=challenge["id"],
                          value=value_for(challenge, True), skipped=False, now=one.now(), new_id=one.new_id)
        uow.assessments.save(assessment)
    rolled_back_version = assessment.version

    reply(b, person, assessment_id, challenge, False)
    with other.uow() as uow:
        assert uow.assessments.get(assessment_id).version == rolled_back_version

    checkpoint = a.get(f"/api/assessments/{assessment_id}/checkpoint", headers=person.auth).get_json()
    assert [answer["result"] for answer in checkpoint["answers"]] == ["WRONG"]


def test_another_assessment_of_the_learner_answered_elsewhere_is_taken_into_account(replicas, learner):
    """Knowledge is the learner's across campaigns: what another assessment settled (through the other
    replica) counts at once in the first one's progress."""
    (one, a), (other, b) = replicas
    person = learner()
    first = start(one, a, person)
    ask(a, person, first)  # kept by a
    second = start(other, b, person)
    assessed_before = ask(a, person, first)["progress"]["assessed_skills_count"]

    body = ask(b, person, second)
    reply(b, person, second, body["challenge"], True)

    assert ask(a, person, first)["progress"]["assessed_skills_count"] > assessed_before


def test_an_archived_campaign_is_seen_at_once_by_a_replica_that_kept_the_assessment(replicas, learner):
    (one, a), _ = replicas
    person = learner()
    campaign_id = create_campaign(one, ["recherche1", "recherche2", "sources1"])
    participation_id = join(one, campaign_id, person.id)
    assessment_id = a.get(f"/api/campaign-participations/{participation_id}/assessment",
                          headers=person.auth).get_json()["id"]
    ask(a, person, assessment_id)

    deliver(one, "campaigns.campaign.archived.v1", campaign_id, version=2, campaign_id=campaign_id)

    assert_error(a.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth), 422,
                 "CAMPAIGN_ARCHIVED")


def test_a_concurrent_write_through_the_other_replica_is_a_conflict_not_a_lost_update(replicas, learner):
    """Replica a kept the assessment; b answers; a's use case, working from what it read before, cannot write
    over b's answer (the version it read is gone)."""
    (one, a), (other, b) = replicas
    person = learner()
    assessment_id = start(one, a, person)
    challenge = ask(a, person, assessment_id)["challenge"]
    uow = one.uow()
    with uow:
        stale = uow.assessments.get(assessment_id)
    reply(b, person, assessment_id, challenge)

    with pytest.raises(handlers.ConcurrentUpdate):
        with one.uow() as uow:
            stale.answer(one.content(), one.settings.rules, challenge_id=challenge["id"],
                         value=value_for(challenge, True), skipped=False, now=one.now(), new_id=one.new_id)
            uow.assessments.save(stale)
    assert ask(a, person, assessment_id)["progress"]["answers_count"] == 1


# -- the certification test --------------------------------------------------------------------------------


def certification_answer(client, person, course_id: str, challenge_id: str):
    response = client.post(f"/api/certification-courses/{course_id}/assessment/answers", headers=person.auth,
                           json={"challenge_id": challenge_id, "value": 1})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_certification_test_taken_through_two_replicas_in_turn_counts_every_answer(replicas, learner):
    (one, a), (other, b) = replicas
    release_certification_content(one)
    person = learner()
    course_id = start_course(one, person.id)
    asked = []
    for turn in range(6):
        client = a if turn % 2 == 0 else b
        body = next_question(client, person, course_id)
        assert body["question_number"] == len(asked) + 1
        asked.append(body["challenge"]["id"])
        assert certification_answer(client, person, course_id, body["challenge"]["id"])["test"]["answers_count"] \
            == len(asked)
    assert len(set(asked)) == len(asked)
    assert one.test_states.hits > 0 and other.test_states.hits > 0


def test_an_invigilator_s_end_is_seen_by_a_replica_that_kept_the_test(replicas, learner):
    (one, a), _ = replicas
    release_certification_content(one)
    person = learner()
    course_id = start_course(one, person.id)
    current = next_question(a, person, course_id)["challenge"]
    next_question(a, person, course_id)  # kept

    end_course(one, course_id, person.id)

    assert_error(a.post(f"/api/certification-courses/{course_id}/assessment/answers", headers=person.auth,
                        json={"challenge_id": current["id"], "value": 1}), 409, "CERTIFICATION_TEST_ENDED")
    assert next_question(a, person, course_id)["challenge"] is None
