"""The whole loop through the API: a campaign's assessment, question after question, to the results."""

import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
from assessment_it import create_campaign, deliver, join
from sqlalchemy import text

RIGHT_VALUES = {"recherche1-a": "1 000", "recherche1-b": [3, 1],
                "recherche1-c": {"format": "opendocument", "extension": "ODT"}}
WRONG_VALUES = {"recherche1-a": "1024", "recherche1-b": [1], "recherche1-c": {"format": "PDF", "extension": "pdf"}}
SKILLS_OF_1_1 = [f"{tube}{level}" for tube, top in (("recherche", 5), ("sources", 5), ("veille", 6))
                 for level in range(1, top + 1)]


def level_of(challenge_id: str) -> int:
    return int(re.search(r"(\d)-[a-z]$", challenge_id).group(1))


def value_for(challenge: dict, right: bool):
    if challenge["id"] in RIGHT_VALUES:
        return (RIGHT_VALUES if right else WRONG_VALUES)[challenge["id"]]
    return 1 if right else 2  # the made-up release's single choices: proposal 1 is right


def start(runtime, client, person, targets=SKILLS_OF_1_1, **join_options) -> str:
    campaign_id = create_campaign(runtime, targets)
    participation_id = join(runtime, campaign_id, person.id, **join_options)
    response = client.get(f"/api/campaign-participations/{participation_id}/assessment", headers=person.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["id"]


def take(client, person, assessment_id: str, knows=lambda level: level <= 3, limit: int = 100) -> list[dict]:
    asked = []
    for _ in range(limit):
        body = client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth).get_json()
        challenge = body["challenge"]
        if challenge is None:
            assert body["state"] == "COMPLETED"
            return asked
        asked.append(challenge)
        answered = client.post(f"/api/assessments/{assessment_id}/answers", headers=person.auth, json={
            "challenge_id": challenge["id"], "value": value_for(challenge, knows(level_of(challenge["id"])))})
        assert answered.status_code == 201, answered.get_json()
    raise AssertionError("the test did not end")


def test_a_learner_takes_the_test_to_the_end_and_reads_results_and_profile(runtime, client, learner):
    person = learner()
    assessment_id = start(runtime, client, person)
    asked = take(client, person, assessment_id)
    assert 3 <= len(asked) < len(SKILLS_OF_1_1)
    assert len({c["id"] for c in asked}) == len(asked)

    results = client.get(f"/api/assessments/{assessment_id}/results", headers=person.auth).get_json()
    assert results["state"] == "COMPLETED"
    assert (results["validated_skills_count"], results["target_skills_count"]) == (9, 16)
    assert results["competences"] == [{
        "code": "1.1", "name": "Compétence 1.1", "area_code": "1", "area_name": "Domaine 1",
        "target_skills_count": 16, "validated_skills_count": 9, "mastery_rate": 0.5625}]

    profile = client.get("/api/users/me/profile", headers=person.auth).get_json()
    one_one = next(c for c in profile["competences"] if c["code"] == "1.1")
    assert (one_one["pix"], one_one["level"]) == (24, 3)  # levels 1 to 3 of three tubes: 3 x 8 pix
    assert profile["total_pix"] == 24 and profile["certifiable"] is False
    assert len(profile["competences"]) == 2


def test_a_question_never_gives_its_answer_away(runtime, client, learner):
    person = learner()
    assessment_id = start(runtime, client, person, ["recherche1"])
    shown_keys = {"id", "kind", "instruction", "timer", "competence", "served_at", "proposals", "fields"}
    for challenge_id in ("recherche1-a", "recherche1-b", "recherche1-c"):
        with runtime.engine.begin() as connection:
            connection.execute(text("UPDATE assessments SET current_challenge_id = :c WHERE id = :a"),
                               {"c": challenge_id, "a": assessment_id})
        challenge = client.get(f"/api/assessments/{assessment_id}/next-challenge",
                               headers=person.auth).get_json()["challenge"]
        assert challenge["id"] == challenge_id
        assert set(challenge) <= shown_keys
        for proposal in challenge.get("proposals", []):
            assert set(proposal) == {"number", "text"}
        for field in challenge.get("fields", []):
            assert set(field) == {"key", "label"}
        assert "1000" not in str(challenge) and "opendocument" not in str(challenge).lower()
        assert ".odt" not in str(challenge)


def test_proposals_are_shown_in_an_order_of_the_assessment_but_numbered_as_written(runtime, client, learner):
    orders = set()
    for _ in range(8):
        person = learner()
        assessment_id = start(runtime, client, person, ["recherche2"])
        challenge = client.get(f"/api/assessments/{assessment_id}/next-challenge",
                               headers=person.auth).get_json()["challenge"]
        again = client.get(f"/api/assessments/{assessment_id}/next-challenge",
                           headers=person.auth).get_json()["challenge"]
        assert again["proposals"] == challenge["proposals"]
        orders.add(tuple(p["number"] for p in challenge["proposals"]))
        assert {p["number"]: p["text"] for p in challenge["proposals"]}[1] == "right"
    assert len(orders) > 1


def test_the_checkpoint_shows_the_last_five_answers_with_solutions_and_tutorials(runtime, client, learner):
    person = learner()
    assessment_id = start(runtime, client, person)
    for _ in range(5):
        challenge = client.get(f"/api/assessments/{assessment_id}/next-challenge",
                               headers=person.auth).get_json()["challenge"]
        client.post(f"/api/assessments/{assessment_id}/answers", headers=person.auth,
                    json={"challenge_id": challenge["id"], "skipped": True})
    summary = client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth).get_json()
    assert summary["checkpoint_due"] is True
    checkpoint = client.get(f"/api/assessments/{assessment_id}/checkpoint?locale=en", headers=person.auth).get_json()
    assert [a["index"] for a in checkpoint["answers"]] == [1, 2, 3, 4, 5]
    first = checkpoint["answers"][0]
    assert first["skipped"] is True and first["result"] == "SKIPPED" and first["your_answer"] is None
    assert first["right_answer"] is not None and first["explanation"]
    assert first["tutorials"][0]["locale"] == "en" and first["tutorials"][0]["url"].startswith("https://")


def test_every_kind_of_answer_is_checked_through_the_api(runtime, client, learner):
    for challenge_id in ("recherche1-a", "recherche1-b", "recherche1-c"):
        for right in (True, False):
            person = learner()
            assessment_id = start(runtime, client, person, ["recherche1"])
            with runtime.engine.begin() as connection:  # ask this very challenge
                connection.execute(text("UPDATE assessments SET current_challenge_id = :c, current_served_at = now() "
                                        "WHERE id = :a"), {"c": challenge_id, "a": assessment_id})
            answered = client.post(f"/api/assessments/{assessment_id}/answers", headers=person.auth, json={
                "challenge_id": challenge_id, "value": value_for({"id": challenge_id}, right)})
            assert answered.status_code == 201, answered.get_json()
            checkpoint = client.get(f"/api/assessments/{assessment_id}/checkpoint",
                                    headers=person.auth).get_json()
            assert checkpoint["answers"][0]["result"] == ("RIGHT" if right else "WRONG")


def test_coming_back_gives_the_same_question(runtime, client, learner):
    person = learner()
    assessment_id = start(runtime, client, person)
    first = client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth).get_json()
    again = client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth).get_json()
    assert again["challenge"] == first["challenge"]


def test_answers_out_of_turn_are_refused_clearly_and_change_nothing(runtime, client, learner):
    person, stranger = learner(), learner("stranger")
    assessment_id = start(runtime, client, person, ["recherche2", "recherche3"])
    url = f"/api/assessments/{assessment_id}/answers"

    before_asking = client.post(url, headers=person.auth, json={"challenge_id": "recherche2-a", "value": 1})
    assert (before_asking.status_code, before_asking.get_json()["error"]["code"]) == (409, "NO_CURRENT_CHALLENGE")
    current = client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth).get_json()
    current_id = current["challenge"]["id"]
    other_id = "recherche3-a" if not current_id.startswith("recherche3") else "recherche2-a"

    cases = [
        (person, {"challenge_id": other_id, "value": 1}, 409, "WRONG_CHALLENGE"),
        (person, {"challenge_id": current_id, "value": "un"}, 400, "INVALID_ANSWER"),
        (person, {"challenge_id": current_id}, 400, "VALIDATION_ERROR"),
        (stranger, {"challenge_id": current_id, "value": 1}, 403, "ASSESSMENT_NOT_OWNED"),
    ]
    for who, body, status, code in cases:
        response = client.post(url, headers=who.auth, json=body)
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code), body
    assert client.post(url, json={"challenge_id": current_id, "value": 1}).status_code == 401
    unknown = client.post("/api/assessments/00000000-0000-4000-8000-000000000000/answers", headers=person.auth,
                          json={"challenge_id": current_id, "value": 1})
    assert (unknown.status_code, unknown.get_json()["error"]["code"]) == (404, "ASSESSMENT_NOT_FOUND")
    with runtime.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM answers WHERE assessment_id = :a"),
                                  {"a": assessment_id}).scalar() == 0

    first = client.post(url, headers=person.auth, json={"challenge_id": current_id, "value": 1})
    assert first.status_code == 201
    again = client.post(url, headers=person.auth, json={"challenge_id": current_id, "value": 1})  # a lost reply
    assert again.status_code == 200 and again.get_json()["answer_id"] == first.get_json()["answer_id"]
    other = client.post(url, headers=person.auth, json={"challenge_id": current_id, "value": 2})
    assert (other.status_code, other.get_json()["error"]["code"]) == (409, "CHALLENGE_ALREADY_ANSWERED")
    for endpoint in ("next-challenge", "checkpoint", "results"):
        foreign = client.get(f"/api/assessments/{assessment_id}/{endpoint}", headers=stranger.auth)
        assert foreign.status_code == 403


def test_a_finished_assessment_takes_no_more_answers(runtime, client, learner):
    person = learner()
    assessment_id = start(runtime, client, person, ["recherche2"])
    asked = take(client, person, assessment_id)
    late = client.post(f"/api/assessments/{assessment_id}/answers", headers=person.auth,
                       json={"challenge_id": asked[0]["id"], "skipped": True})  # not the recorded answer
    assert (late.status_code, late.get_json()["error"]["code"]) == (409, "ASSESSMENT_COMPLETED")


def test_two_answers_racing_for_one_question_record_one(runtime, client, learner):
    person = learner()
    assessment_id = start(runtime, client, person)
    challenge = client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth).get_json()
    statuses = []

    def answer():
        local = client.application.test_client()
        response = local.post(f"/api/assessments/{assessment_id}/answers", headers=person.auth,
                              json={"challenge_id": challenge["challenge"]["id"], "value": 1})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=answer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One records it; the others lose the race (409 CONCURRENT_UPDATE) or, arriving after, get it back (200).
    assert statuses.count(201) == 1 and set(statuses) <= {200, 201, 409}
    with runtime.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM answers WHERE assessment_id = :a"),
                                  {"a": assessment_id}).scalar() == 1


def test_an_archived_campaign_takes_no_answer_until_unarchived(runtime, client, learner):
    person = learner()
    campaign_id = create_campaign(runtime, SKILLS_OF_1_1)
    participation_id = join(runtime, campaign_id, person.id)
    assessment_id = client.get(f"/api/campaign-participations/{participation_id}/assessment",
                               headers=person.auth).get_json()["id"]
    deliver(runtime, "campaigns.campaign.archived.v1", campaign_id, 2, campaign_id=campaign_id)
    refused = client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (422, "CAMPAIGN_ARCHIVED")
    deliver(runtime, "campaigns.campaign.unarchived.v1", campaign_id, 3, campaign_id=campaign_id)
    deliver(runtime, "campaigns.campaign.archived.v1", campaign_id, 2, campaign_id=campaign_id)  # stale: dropped
    assert client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth).status_code == 200


def test_what_was_shown_in_one_campaign_is_not_asked_in_the_next(runtime, client, learner):
    person = learner()
    take(client, person, start(runtime, client, person, [s for s in SKILLS_OF_1_1 if s.startswith("recherche")]))
    same_again = start(runtime, client, person, [s for s in SKILLS_OF_1_1 if s.startswith("recherche")])
    summary = client.get(f"/api/assessments/{same_again}/next-challenge", headers=person.auth).get_json()
    assert summary["state"] == "COMPLETED" and summary["challenge"] is None
    assert summary["progress"]["assessed_skills_count"] == summary["progress"]["target_skills_count"] == 5
    wider = start(runtime, client, person)
    asked = take(client, person, wider)
    assert asked and not any(c["id"].startswith("recherche") for c in asked)


def test_a_retry_to_improve_asks_the_old_failures_again(runtime, client, learner):
    person = learner()
    targets = [s for s in SKILLS_OF_1_1 if s.startswith("recherche")]
    take(client, person, start(runtime, client, person, targets), knows=lambda level: level <= 2)
    later = datetime.now(timezone.utc) + runtime.settings.rules.reset_after + timedelta(hours=1)
    retry = start(runtime, client, person, targets, improving=True, started_at=later)
    asked = take(client, person, retry, knows=lambda level: level <= 4)
    assert {level_of(c["id"]) for c in asked} <= {3, 4, 5}
    results = client.get(f"/api/assessments/{retry}/results", headers=person.auth).get_json()
    assert results["validated_skills_count"] == 4


def test_each_participation_gets_one_assessment_and_a_profiles_collection_none(runtime, client, learner):
    person = learner()
    campaign_id = create_campaign(runtime, SKILLS_OF_1_1)
    participation_id = join(runtime, campaign_id, person.id)
    deliver(runtime, "campaigns.participation.started.v1", participation_id, participation_id=participation_id,
            campaign_id=campaign_id, user_id=person.id)  # published twice by campaigns' relay: same participation
    with runtime.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM assessments WHERE participation_id = :p"),
                                  {"p": participation_id}).scalar() == 1
    collection = create_campaign(runtime, [], type="PROFILES_COLLECTION")
    collected = join(runtime, collection, person.id, campaign_type="PROFILES_COLLECTION")
    response = client.get(f"/api/campaign-participations/{collected}/assessment", headers=person.auth)
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "ASSESSMENT_NOT_FOUND")


def test_a_participation_before_its_campaign_is_retried_later(runtime):
    with pytest.raises(Exception, match="not known yet"):
        join(runtime, "5d7c1f3a-9e2b-4a6d-8c1f-3b5e7a9d2c41", "1c9a7e52-7d43-4d1b-a1a4-2f6c3b9e8d10")


def test_releases_are_listed_for_platform_admins_only(runtime, client, learner):
    assert client.get("/api/admin/content/releases", headers=learner().auth).status_code == 403
    listed = client.get("/api/admin/content/releases", headers=learner("admin", ("SUPER_ADMIN",)).auth)
    assert listed.status_code == 200
    assert listed.get_json()["items"][0]["skill_count"] == len(SKILLS_OF_1_1) + 13


def test_requests_racing_for_the_first_question_all_get_the_same_one(runtime, client, learner):
    person = learner()
    assessment_id = start(runtime, client, person)
    shown, errors = [], []

    def ask():
        response = client.application.test_client().get(f"/api/assessments/{assessment_id}/next-challenge",
                                                         headers=person.auth)
        (shown if response.status_code == 200 else errors).append(response.get_json())

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len({body["challenge"]["id"] for body in shown}) == 1


def test_improving_before_sharing_asks_again_every_skill_not_validated(runtime, client, learner):
    person = learner()
    targets = [s for s in SKILLS_OF_1_1 if s.startswith("recherche")]
    campaign_id = create_campaign(runtime, targets)
    participation_id = join(runtime, campaign_id, person.id)
    first = client.get(f"/api/campaign-participations/{participation_id}/assessment", headers=person.auth)
    first_id = first.get_json()["id"]
    take(client, person, first_id, knows=lambda level: level <= 2)
    improvement = {"participation_id": participation_id, "campaign_id": campaign_id, "user_id": person.id,
                   "started_at": datetime.now(timezone.utc).isoformat()}
    deliver(runtime, "campaigns.participation.improvement_started.v1", participation_id, 2, **improvement)
    deliver(runtime, "campaigns.participation.improvement_started.v1", participation_id, 2, **improvement)  # again
    current = client.get(f"/api/campaign-participations/{participation_id}/assessment", headers=person.auth).get_json()
    assert current["id"] != first_id and current["state"] == "STARTED"
    asked = take(client, person, current["id"], knows=lambda level: level <= 4)
    assert {level_of(c["id"]) for c in asked} <= {3, 4, 5} and asked  # asked again at once, not after 4 days
    results = client.get(f"/api/assessments/{current['id']}/results", headers=person.auth).get_json()
    assert results["validated_skills_count"] == 4
    with runtime.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM assessments WHERE participation_id = :p"),
                                  {"p": participation_id}).scalar() == 2
