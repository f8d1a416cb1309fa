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
    deliver(runtime, "organizations.organization.features_changed.v1", organization_id, 3,
            organization_id=organization_id, multiple_sendings_for_assessments=True)
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


def test_an_unlinked_account_joins_as_nobody_until_matched_again_and_its_participation_stays(runtime, client, school):
    first, second = new_campaign(client, school), new_campaign(client, school)
    account, learner_id, other_learner_id = person("lou"), str(uuid.uuid4()), str(uuid.uuid4())

    def link(learner, version, unlinked=False):
        if unlinked:
            deliver(runtime, "organizations.learner.unlinked.v1", learner, version, learner_id=learner,
                    organization_id=school.id, user_id=account.id)
        else:
            deliver(runtime, "organizations.learner.linked.v1", learner, version, learner_id=learner,
                    organization_id=school.id, user_id=account.id)

    def join(campaign):
        return client.post("/api/campaign-participations", headers=account.auth, json={"campaign_code": campaign["code"]})

    link(learner_id, 2)
    joined = join(first)
    assert joined.status_code == 201
    link(learner_id, 3, unlinked=True)
    link(learner_id, 2)  # the link, delivered again late: older than the unlink, it changes nothing
    refused = join(second)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (422, "LEARNER_NOT_MATCHED")
    again = join(first)  # the participation made as the learner stays, and stays the learner's
    assert (again.status_code, again.get_json()["id"]) == (200, joined.get_json()["id"])
    [started] = published(runtime, "campaigns.participation.started.v1", joined.get_json()["id"])
    assert started["payload"]["organization_learner_id"] == learner_id

    link(other_learner_id, 3, unlinked=True)  # an unlink that arrives before its link
    link(other_learner_id, 2)
    assert join(second).status_code == 422
    link(other_learner_id, 4)  # matched again, as another learner
    rejoined = join(second)
    assert rejoined.status_code == 201
    [started] = published(runtime, "campaigns.participation.started.v1", rejoined.get_json()["id"])
    assert started["payload"]["organization_learner_id"] == other_learner_id


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


def shared_participation(runtime, client, school, learner, mastery=0.6, **campaign_fields):
    campaign = new_campaign(client, school, **campaign_fields)
    participation_id = client.post("/api/campaign-participations", headers=learner.auth,
                                   json={"campaign_code": campaign["code"]}).get_json()["id"]
    complete(runtime, participation_id, learner.id, mastery)
    assert client.post(f"/api/campaign-participations/{participation_id}/share",
                       headers=learner.auth).status_code == 200
    return campaign, participation_id


def later_client(runtime, days: float):
    import dataclasses
    from datetime import timedelta

    from campaigns.entrypoints.api.app import create_app

    moment = datetime.now(UTC) + timedelta(days=days)
    return create_app(dataclasses.replace(runtime, now=lambda: moment)).test_client()


def test_a_learner_starts_again_to_improve_after_the_delay_on_a_multiple_sendings_campaign(runtime, client):
    school = open_school(runtime, client)
    learner = person("lou")
    campaign, first = shared_participation(runtime, client, school, learner, multiple_sendings=True)
    too_soon = client.post(f"/api/campaign-participations/{first}/retry", headers=learner.auth)
    assert (too_soon.status_code, too_soon.get_json()["error"]["code"]) == (422, "RETRY_TOO_SOON")
    assert "available_at" in too_soon.get_json()["error"]["details"]
    later = later_client(runtime, 5)
    retried = later.post(f"/api/campaign-participations/{first}/retry", headers=learner.auth)
    assert retried.status_code == 201, retried.get_json()
    second = retried.get_json()
    assert second["status"] == "STARTED" and second["id"] != first
    started = published(runtime, "campaigns.participation.started.v1", second["id"])
    assert started[0]["payload"]["is_improvement"] is True
    mine = client.get("/api/users/me/campaign-participations", headers=learner.auth).get_json()["items"]
    assert [p["id"] for p in mine if p["campaign_id"] == campaign["id"]] == [second["id"]]
    again = later.post(f"/api/campaign-participations/{first}/retry", headers=learner.auth)
    assert again.get_json()["error"]["code"] == "RETRY_NOT_ALLOWED_BEFORE_SHARING"
    listed = client.get(f"/api/campaigns/{campaign['id']}", headers=school.admin.auth).get_json()
    assert (listed["participations_count"], listed["shared_participations_count"]) == (1, 0)


def test_no_retry_once_everything_is_validated_or_when_the_campaign_takes_results_once(runtime, client):
    school = open_school(runtime, client)
    learner = person("lou")
    _, perfect = shared_participation(runtime, client, school, learner, mastery=1.0, multiple_sendings=True)
    _, once = shared_participation(runtime, client, school, learner)
    later = later_client(runtime, 5)
    assert later.post(f"/api/campaign-participations/{perfect}/retry",
                      headers=learner.auth).get_json()["error"]["code"] == "NOTHING_TO_IMPROVE"
    assert later.post(f"/api/campaign-participations/{once}/retry",
                      headers=learner.auth).get_json()["error"]["code"] == "RETRY_NOT_ALLOWED"
    assert later.post(f"/api/campaign-participations/{once}/retry",
                      headers=person("x").auth).status_code == 404


def test_a_profiles_collection_is_sent_again_at_once(runtime, client):
    school = open_school(runtime, client)
    learner = person("lou")
    complete(runtime, None, learner.id)
    _, first = shared_participation(runtime, client, school, learner, type="PROFILES_COLLECTION", title=None,
                                    target_profile_id=None, multiple_sendings=True)
    again = client.post(f"/api/campaign-participations/{first}/retry", headers=learner.auth)
    assert again.status_code == 201 and again.get_json()["status"] == "TO_SHARE"


def test_an_admin_or_the_owner_deletes_a_participation_and_the_learner_is_erased(runtime, client):
    school = open_school(runtime, client)
    learner = person("lou")
    campaign, participation_id = shared_participation(runtime, client, school, learner)
    assert client.delete(f"/api/campaign-participations/{participation_id}", headers=learner.auth).status_code == 403
    deleted = client.delete(f"/api/campaign-participations/{participation_id}", headers=school.admin.auth)
    assert deleted.status_code == 204
    with runtime.engine.connect() as connection:
        row = connection.execute(text("SELECT user_id, participant_external_id, deleted_at FROM participations "
                                      "WHERE id = :p"), {"p": participation_id}).one()
    assert row.user_id is None and row.participant_external_id is None and row.deleted_at is not None
    event = published(runtime, "campaigns.participation.deleted.v1", participation_id)[0]
    load_contract("campaigns.participation.deleted.v1", Path(__file__).parent).validate_payload(event["payload"])
    assert client.get("/api/users/me/campaign-participations", headers=learner.auth).get_json()["items"] == []
    listed = client.get(f"/api/campaigns/{campaign['id']}", headers=school.admin.auth).get_json()
    assert listed["participations_count"] == 0
    rejoined = client.post("/api/campaign-participations", headers=learner.auth,
                           json={"campaign_code": campaign["code"]})
    assert rejoined.status_code == 201


def test_campaign_lists_count_participants_and_results_received(runtime, client):
    school = open_school(runtime, client)
    campaign, _ = shared_participation(runtime, client, school, person("a"))
    client.post("/api/campaign-participations", headers=person("b").auth, json={"campaign_code": campaign["code"]})
    listed = client.get(f"/api/organizations/{school.id}/campaigns", headers=school.admin.auth).get_json()["items"]
    row = next(c for c in listed if c["id"] == campaign["id"])
    assert (row["participations_count"], row["shared_participations_count"]) == (2, 1)


def test_before_sending_a_learner_goes_back_to_improve_and_assessment_is_told(runtime, client):
    school = open_school(runtime, client)
    campaign = new_campaign(client, school)
    learner = person("lou")
    participation_id = client.post("/api/campaign-participations", headers=learner.auth,
                                   json={"campaign_code": campaign["code"]}).get_json()["id"]
    early = client.post(f"/api/campaign-participations/{participation_id}/improve", headers=learner.auth)
    assert (early.status_code, early.get_json()["error"]["code"]) == (422, "IMPROVEMENT_NOT_ALLOWED")
    complete(runtime, participation_id, learner.id)
    improved = client.post(f"/api/campaign-participations/{participation_id}/improve", headers=learner.auth)
    assert improved.status_code == 200 and improved.get_json()["status"] == "STARTED"
    assert improved.get_json()["results"] is None
    event = published(runtime, "campaigns.participation.improvement_started.v1", participation_id)[0]
    assert event["aggregate_version"] == 3
    load_contract("campaigns.participation.improvement_started.v1", Path(__file__).parent) \
        .validate_payload(event["payload"])
    complete(runtime, participation_id, learner.id, mastery=0.8)
    shared = client.post(f"/api/campaign-participations/{participation_id}/share", headers=learner.auth)
    assert shared.get_json()["results"]["mastery_rate"] == 0.8


def test_multiple_sendings_can_change_only_until_someone_joins(runtime, client):
    school = open_school(runtime, client)
    campaign = new_campaign(client, school)
    url = f"/api/campaigns/{campaign['id']}"
    assert client.patch(url, headers=school.admin.auth, json={"multiple_sendings": True}) \
        .get_json()["multiple_sendings"] is True
    client.post("/api/campaign-participations", headers=person("lou").auth, json={"campaign_code": campaign["code"]})
    refused = client.patch(url, headers=school.admin.auth, json={"multiple_sendings": False})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == \
        (400, "MULTIPLE_SENDINGS_CANNOT_CHANGE_AFTER_JOINING")
    assert client.patch(url, headers=school.admin.auth, json={"title": "Encore"}).status_code == 200


def test_a_learner_who_left_the_school_cannot_join_and_an_imported_link_is_enough(runtime, client, school):
    campaign = new_campaign(client, school)
    staying, leaving = person("reste"), person("part")
    staying_id, leaving_id = str(uuid.uuid4()), str(uuid.uuid4())

    def imported(version: int, **learners) -> None:
        deliver(runtime, "organizations.learners.imported.v1", school.id, version, organization_id=school.id,
                learners=[{"learner_id": learner_id, "change": "UPDATED", "version": v, "user_id": user_id,
                           "disabled": disabled, "first_name": "X", "last_name": "Y", "preferred_last_name": None,
                           "birthdate": "2011-04-02", "national_student_id": None, "student_number": None,
                           "division": "5B", "group": None}
                          for learner_id, (v, user_id, disabled) in learners.items()])

    imported(2, **{staying_id: (3, staying.id, False), leaving_id: (3, leaving.id, True)})
    imported(1, **{leaving_id: (2, leaving.id, False)})  # an older state arriving late changes nothing
    joined = client.post("/api/campaign-participations", headers=staying.auth, json={"campaign_code": campaign["code"]})
    assert joined.status_code == 201, joined.get_json()
    refused = client.post("/api/campaign-participations", headers=leaving.auth,
                          json={"campaign_code": campaign["code"]})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (422, "LEARNER_NO_LONGER_IN_ORGANIZATION")
