"""Learners join with the code, finish their test, and send their results."""

import json
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

from campaigns_it import deliver, organization, person
from sqlalchemy import text

from svckit.contracts import load_contract


def new_campaign(client, school, **fields):
    body = {"type": "ASSESSMENT", "name": "Diagnostic", "title": "Rentrée", "target_profile_id": "initial-diagnosis",
            **fields}
    response = client.post(f"/api/organizations/{school.id}/campaigns", headers=school.admin.auth, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def open_school(runtime, client):
    """An organization that does not manage students: anyone with the code may join."""
    from campaigns_it import grant

    organization_id = organization(runtime, manages_students=False, name="Université de Lille")
    admin = person("admin")
    grant(runtime, organization_id, admin, "ADMIN", 2)
    return type("School", (), {"id": organization_id, "admin": admin})


def published(runtime, event_type: str, aggregate_id: str) -> list[dict]:
    with runtime.engine.connect() as connection:
        rows = connection.execute(text("SELECT body FROM outbox WHERE event_type = :t AND aggregate_id = :a ORDER BY "
                                       "id"), {"t": event_type, "a": aggregate_id}).scalars().all()
    return [json.loads(body) for body in rows]


def complete(runtime, participation_id: str, user_id: str, mastery: float = 0.6) -> None:
    deliver(runtime, "assessment.assessment.completed.v1", str(uuid.uuid4()), 9, participation_id=participation_id,
            user_id=user_id, mastery_rate=mastery, completed_at=datetime.now(UTC).isoformat())


def test_a_learner_joins_finishes_and_shares_and_each_step_is_announced(runtime, client):
    school = open_school(runtime, client)
    campaign = new_campaign(client, school, external_id_label="Numéro étudiant", external_id_type="TEXT")
    learner = person("lou")
    no_id = client.post("/api/campaign-participations", headers=learner.auth,
                        json={"campaign_code": campaign["code"]})
    assert (no_id.status_code, no_id.get_json()["error"]["code"]) == (400, "EXTERNAL_ID_REQUIRED")
    joined = client.post("/api/campaign-participations", headers=learner.auth,
                         json={"campaign_code": campaign["code"].lower(), "participant_external_id": "20261234"})
    assert joined.status_code == 201, joined.get_json()
    participation = joined.get_json()
    assert participation["status"] == "STARTED" and participation["organization_name"] == "Université de Lille"
    started = published(runtime, "campaigns.participation.started.v1", participation["id"])
    assert started[0]["payload"]["participant_external_id"] == "20261234"
    load_contract("campaigns.participation.started.v1", Path(__file__).parent).validate_payload(started[0]["payload"])

    early = client.post(f"/api/campaign-participations/{participation['id']}/share", headers=learner.auth)
    assert (early.status_code, early.get_json()["error"]["code"]) == (422, "NOTHING_TO_SHARE_YET")
    complete(runtime, participation["id"], learner.id)
    mine = client.get("/api/users/me/campaign-participations", headers=learner.auth).get_json()["items"]
    assert mine[0]["status"] == "TO_SHARE" and mine[0]["results"]["mastery_rate"] == 0.6

    stranger = client.post(f"/api/campaign-participations/{participation['id']}/share", headers=person("x").auth)
    assert stranger.status_code in (403, 404)
    shared = client.post(f"/api/campaign-participations/{participation['id']}/share", headers=learner.auth)
    assert shared.status_code == 200 and shared.get_json()["status"] == "SHARED"
    again = client.post(f"/api/campaign-participations/{participation['id']}/share", headers=learner.auth)
    assert again.status_code == 200
    events = published(runtime, "campaigns.participation.results_shared.v1", participation["id"])
    assert len(events) == 1 and events[0]["payload"]["results"]["mastery_rate"] == 0.6
    load_contract("campaigns.participation.results_shared.v1", Path(__file__).parent) \
        .validate_payload(events[0]["payload"])


def test_joining_again_gives_the_same_participation_and_two_joins_at_once_make_one(runtime, client):
    school = open_school(runtime, client)
    campaign = new_campaign(client, school)
    learner = person("lou")
    statuses = []

    def join():
        response = client.application.test_client().post("/api/campaign-participations", headers=learner.auth,
                                                          json={"campaign_code": campaign["code"]})
        statuses.append((response.status_code, response.get_json()["id"]))

    threads = [threading.Thread(target=join) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({pid for _, pid in statuses}) == 1
    assert sorted(code for code, _ in statuses) == [200, 200, 200, 200, 201]
    assert len(published(runtime, "campaigns.participation.started.v1", statuses[0][1])) == 1


def test_two_shares_at_once_make_one_event(runtime, client):
    school = open_school(runtime, client)
    campaign = new_campaign(client, school)
    learner = person("lou")
    participation_id = client.post("/api/campaign-participations", headers=learner.auth,
                                   json={"campaign_code": campaign["code"]}).get_json()["id"]
    complete(runtime, participation_id, learner.id)
    statuses = []

    def share():
        response = client.application.test_client().post(f"/api/campaign-participations/{participation_id}/share",
                                                          headers=learner.auth)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=share) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(statuses) <= {200, 409} and 200 in statuses
    assert len(published(runtime, "campaigns.participation.results_shared.v1", participation_id)) == 1


def test_a_school_that_manages_students_needs_the_learner_matched_first(runtime, client, school):
    campaign = new_campaign(client, school)
    learner = person("lou")
    refused = client.post("/api/campaign-participations", headers=learner.auth,
                          json={"campaign_code": campaign["code"]})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (422, "LEARNER_NOT_MATCHED")
    learner_id = str(uuid.uuid4())
    deliver(runtime, "organizations.learner.linked.v1", learner_id, 2, learner_id=learner_id,
            organization_id=school.id, user_id=learner.id)
    joined = client.post("/api/campaign-participations", headers=learner.auth, json={"campaign_code": campaign["code"]})
    assert joined.status_code == 201
    started = published(runtime, "campaigns.participation.started.v1", joined.get_json()["id"])
    assert started[0]["payload"]["organization_learner_id"] == learner_id


def test_archived_campaigns_and_unknown_codes_take_nobody(runtime, client):
    school = open_school(runtime, client)
    campaign = new_campaign(client, school)
    client.post(f"/api/campaigns/{campaign['id']}/archive", headers=school.admin.auth)
    learner = person("lou")
    archived = client.post("/api/campaign-participations", headers=learner.auth,
                           json={"campaign_code": campaign["code"]})
    assert (archived.status_code, archived.get_json()["error"]["code"]) == (422, "CAMPAIGN_ARCHIVED")
    unknown = client.post("/api/campaign-participations", headers=learner.auth, json={"campaign_code": "ABCDEF234"})
    assert (unknown.status_code, unknown.get_json()["error"]["code"]) == (404, "CAMPAIGN_NOT_FOUND")


def test_a_profiles_collection_sends_the_latest_profile(runtime, client):
    school = open_school(runtime, client)
    collection = new_campaign(client, school, type="PROFILES_COLLECTION", title=None, target_profile_id=None,
                              multiple_sendings=True)
    learner = person("lou")
    complete(runtime, None, learner.id)  # an earlier test somewhere: the learner's profile is known
    participation = client.post("/api/campaign-participations", headers=learner.auth,
                                json={"campaign_code": collection["code"]}).get_json()
    assert participation["status"] == "TO_SHARE"
    client.post(f"/api/campaign-participations/{participation['id']}/share", headers=learner.auth)
    event = published(runtime, "campaigns.participation.results_shared.v1", participation["id"])[0]
    assert set(event["payload"]["results"]) == {"profile"} and event["payload"]["results"]["profile"]["total_pix"] == 19


def test_joining_is_refused_while_the_organization_is_unknown_rather_than_guessed(runtime, client):
    school = open_school(runtime, client)
    campaign = new_campaign(client, school)
    with runtime.engine.begin() as connection:  # as if organizations' event had not arrived yet
        connection.execute(text("DELETE FROM known_organizations WHERE id = :o"), {"o": school.id})
    refused = client.post("/api/campaign-participations", headers=person("lou").auth,
                          json={"campaign_code": campaign["code"]})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (503, "ORGANIZATION_NOT_KNOWN_YET")
