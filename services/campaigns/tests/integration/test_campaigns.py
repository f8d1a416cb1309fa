"""Teachers create, list, edit and archive campaigns; anyone with the code reads the landing page."""

import json
import uuid
from pathlib import Path

import pytest
from campaigns_it import deliver, person, release
from sqlalchemy import text

from campaigns.domain import codes
from campaigns.domain.exceptions import CodeUnavailable
from campaigns.service_layer import handlers
from svckit.contracts import load_contract


def create(client, school, who=None, **fields):
    body = {"type": "ASSESSMENT", "name": "Diagnostic 4e B", "title": "Diagnostic de rentrée",
            "target_profile_id": "initial-diagnosis", **fields}
    return client.post(f"/api/organizations/{school.id}/campaigns", headers=(who or school.teacher).auth, json=body)


def published(runtime, event_type: str) -> list[dict]:
    with runtime.engine.connect() as connection:
        rows = connection.execute(text("SELECT body FROM outbox WHERE event_type = :t ORDER BY id"),
                                  {"t": event_type}).scalars().all()
    return [json.loads(body) for body in rows]


def test_a_member_creates_an_assessment_campaign_and_it_is_announced_with_its_target(runtime, client, school):
    response = create(client, school, landing_text="**Bienvenue** en 4e B", external_id_label="Numéro étudiant",
                      external_id_type="TEXT")
    assert response.status_code == 201, response.get_json()
    campaign = response.get_json()
    assert codes.is_valid(campaign["code"]) and campaign["direct_link"] == f"/campagnes/{campaign['code']}"
    assert campaign["owner_id"] == school.teacher.id and campaign["can_manage"] is True
    assert campaign["target_skills_count"] == 3
    event = next(e for e in published(runtime, "campaigns.campaign.created.v1")
                 if e["payload"]["campaign_id"] == campaign["id"])
    assert event["payload"]["target_skill_ids"] == ["recherche1", "recherche2", "recherche3"]
    load_contract("campaigns.campaign.created.v1", Path(__file__).parent).validate_payload(event["payload"])


@pytest.mark.parametrize(("fields", "code"), [
    ({"name": ""}, "CAMPAIGN_NAME_IS_REQUIRED"),
    ({"type": None}, "CAMPAIGN_PURPOSE_IS_REQUIRED"),
    ({"target_profile_id": None}, "TARGET_PROFILE_IS_REQUIRED"),
    ({"type": "PROFILES_COLLECTION", "title": None}, "TARGET_PROFILE_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN"),
    ({"type": "PROFILES_COLLECTION", "target_profile_id": None},
     "TITLE_OF_PERSONALISED_TEST_IS_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN"),
    ({"title": "x" * 51}, "CAMPAIGN_TITLE_IS_TOO_LONG"),
    ({"landing_text": "x" * 5001}, "CUSTOM_LANDING_PAGE_TEXT_IS_TOO_LONG"),
    ({"external_id_label": "Numéro"}, "EXTERNAL_ID_TYPE_IS_REQUIRED"),
])
def test_broken_rules_are_answered_with_their_codes_and_nothing_is_created(runtime, client, school, fields, code):
    before = len(published(runtime, "campaigns.campaign.created.v1"))
    response = create(client, school, **fields)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, code)
    assert len(published(runtime, "campaigns.campaign.created.v1")) == before


def test_only_members_create_and_read_and_profiles_must_be_available(runtime, client, school):
    outsider = person("outsider")
    refused = create(client, school, who=outsider)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "NOT_A_MEMBER")
    unknown = create(client, school, target_profile_id="no-such-profile")
    assert (unknown.status_code, unknown.get_json()["error"]["code"]) == (422, "TARGET_PROFILE_NOT_AVAILABLE")
    campaign_id = create(client, school).get_json()["id"]
    assert client.get(f"/api/campaigns/{campaign_id}", headers=outsider.auth).status_code == 403
    assert client.get(f"/api/organizations/{school.id}/campaigns", headers=outsider.auth).status_code == 403
    assert client.get(f"/api/campaigns/{campaign_id}").status_code == 401


def test_a_profiles_collection_tests_nothing(client, school):
    response = create(client, school, type="PROFILES_COLLECTION", title=None, target_profile_id=None,
                      multiple_sendings=True)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["target_skills_count"] == 0 and response.get_json()["multiple_sendings"] is True


def test_the_admin_or_the_owner_edits_and_a_colleague_reads_only(runtime, client, school):
    campaign_id = create(client, school).get_json()["id"]
    url = f"/api/campaigns/{campaign_id}"
    colleague = client.patch(url, headers=school.colleague.auth, json={"name": "Pris"})
    assert (colleague.status_code, colleague.get_json()["error"]["code"]) == (403, "ADMIN_OR_OWNER_REQUIRED")
    assert client.get(url, headers=school.colleague.auth).get_json()["can_manage"] is False
    by_owner = client.patch(url, headers=school.teacher.auth, json={"title": "Rentrée 2026", "landing_text": "Salut"})
    assert by_owner.status_code == 200 and by_owner.get_json()["title"] == "Rentrée 2026"
    by_admin = client.patch(url, headers=school.admin.auth, json={"owner_id": school.colleague.id})
    assert by_admin.get_json()["owner_id"] == school.colleague.id
    not_member = client.patch(url, headers=school.admin.auth, json={"owner_id": str(uuid.uuid4())})
    assert (not_member.status_code, not_member.get_json()["error"]["code"]) == (400, "OWNER_IS_NOT_A_MEMBER")
    too_long = client.patch(url, headers=school.admin.auth, json={"title": "x" * 51})
    assert too_long.get_json()["error"]["code"] == "CAMPAIGN_TITLE_IS_TOO_LONG"
    updates = [e for e in published(runtime, "campaigns.campaign.updated.v1") if e["payload"]["campaign_id"] == campaign_id]
    assert [e["aggregate_version"] for e in updates] == [2, 3]


def test_archiving_hides_the_campaign_from_the_live_list_and_is_announced(runtime, client, school):
    campaign_id = create(client, school, name="À archiver").get_json()["id"]
    refused = client.post(f"/api/campaigns/{campaign_id}/archive", headers=school.colleague.auth)
    assert refused.status_code == 403
    archived = client.post(f"/api/campaigns/{campaign_id}/archive", headers=school.teacher.auth)
    assert archived.status_code == 200 and archived.get_json()["archived"] is True
    live = client.get(f"/api/organizations/{school.id}/campaigns", headers=school.admin.auth).get_json()
    assert campaign_id not in [c["id"] for c in live["items"]]
    old = client.get(f"/api/organizations/{school.id}/campaigns?archived=true", headers=school.admin.auth).get_json()
    assert [c["id"] for c in old["items"]] == [campaign_id]
    client.post(f"/api/campaigns/{campaign_id}/unarchive", headers=school.admin.auth)
    types = [e["event_type"] for e in published(runtime, "campaigns.campaign.archived.v1")
             + published(runtime, "campaigns.campaign.unarchived.v1") if e["aggregate_id"] == campaign_id]
    assert sorted(types) == ["campaigns.campaign.archived.v1", "campaigns.campaign.unarchived.v1"]


def test_lists_filter_sort_and_page(client, school):
    for name in ("Charlie", "alpha", "Bravo"):
        create(client, school, name=name)
    create(client, school, who=school.colleague, name="Delta")
    url = f"/api/organizations/{school.id}/campaigns"
    by_name = client.get(f"{url}?sort=name&page_size=2", headers=school.teacher.auth).get_json()
    assert [c["name"] for c in by_name["items"]] == ["alpha", "Bravo"] and by_name["total"] == 4
    second = client.get(f"{url}?sort=name&page_size=2&page=2", headers=school.teacher.auth).get_json()
    assert [c["name"] for c in second["items"]] == ["Charlie", "Delta"]
    mine = client.get(f"{url}?mine=true", headers=school.colleague.auth).get_json()
    assert [c["name"] for c in mine["items"]] == ["Delta"]
    newest = client.get(url, headers=school.teacher.auth).get_json()
    assert newest["items"][0]["name"] == "Delta"
    found = client.get(f"{url}?name=rav", headers=school.teacher.auth).get_json()
    assert [c["name"] for c in found["items"]] == ["Bravo"]
    code = newest["items"][0]["code"]
    assert client.get(f"{url}?name={code.lower()}", headers=school.teacher.auth).get_json()["total"] == 1


def test_anyone_with_the_code_reads_the_landing_page_rendered_safely(client, school):
    campaign = create(client, school, landing_text="**Bienvenue** <script>alert(1)</script> [aide](javascript:x)",
                      external_id_label="Numéro étudiant", external_id_type="TEXT").get_json()
    landing = client.get(f"/api/campaigns/by-code/{campaign['code'].lower()}")
    assert landing.status_code == 200
    body = landing.get_json()
    assert body["organization_name"] == "Collège Victor Hugo" and body["title"] == "Diagnostic de rentrée"
    assert body["organization_id"] == str(school.id)  # where the pupil matches themselves before joining
    assert "<strong>Bienvenue</strong>" in body["landing_html"] and "<script" not in body["landing_html"]
    assert "href" not in body["landing_html"]
    assert body["external_id_label"] == "Numéro étudiant" and body["matches_learners"] is True
    missing = client.get("/api/campaigns/by-code/ABCDEF234")
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "CAMPAIGN_NOT_FOUND")


def test_the_target_profiles_come_from_the_latest_release(runtime, client, school):
    listed = client.get(f"/api/target-profiles?organization_id={school.id}&locale=en",
                        headers=school.teacher.auth).get_json()["items"]
    assert {(p["id"], p["category"], p["skills_count"]) for p in listed} == {
        ("competence-1.1", "COMPETENCE", 10), ("initial-diagnosis", "TARGET_PROFILE", 3)}
    release(runtime, 0)  # an older release arriving late changes nothing
    assert len(client.get(f"/api/target-profiles?organization_id={school.id}",
                          headers=school.teacher.auth).get_json()["items"]) == 2
    outsider = person("outsider")
    assert client.get(f"/api/target-profiles?organization_id={school.id}", headers=outsider.auth).status_code == 403


def test_a_code_clash_draws_again(runtime, school):
    first = handlers.create_campaign(_command(school), runtime.uow, runtime.now(), uuid.uuid4,
                                     new_code=lambda: "QTRZPK472")
    draws = iter(["QTRZPK472", "QTRZPK472", "MNBVCX987"])
    second = handlers.create_campaign(_command(school), runtime.uow, runtime.now(), uuid.uuid4,
                                      new_code=lambda: next(draws))
    assert first != second
    with pytest.raises(CodeUnavailable):
        handlers.create_campaign(_command(school), runtime.uow, runtime.now(), uuid.uuid4,
                                 new_code=lambda: "QTRZPK472")


def _command(school):
    from campaigns.domain import commands

    return commands.CreateCampaign(uuid.UUID(school.id), uuid.UUID(school.teacher.id), "ASSESSMENT", "Clash", "T",
                                   target_profile_id="initial-diagnosis")


def test_a_revoked_member_loses_access_and_a_stale_grant_does_not_bring_it_back(runtime, client, school):
    leaving = person("partant")
    deliver(runtime, "identity.user.orga_terms_accepted.v1", leaving.id, 2, user_id=leaving.id)
    membership_id = str(uuid.uuid4())
    deliver(runtime, "organizations.membership.granted.v1", school.id, 10, membership_id=membership_id,
            organization_id=school.id, user_id=leaving.id, role="MEMBER")
    assert client.get(f"/api/organizations/{school.id}/campaigns", headers=leaving.auth).status_code == 200
    deliver(runtime, "organizations.membership.revoked.v1", school.id, 12, membership_id=membership_id,
            organization_id=school.id, user_id=leaving.id)
    deliver(runtime, "organizations.membership.granted.v1", school.id, 11, membership_id=membership_id,
            organization_id=school.id, user_id=leaving.id, role="MEMBER")
    assert client.get(f"/api/organizations/{school.id}/campaigns", headers=leaving.auth).status_code == 403


def test_an_archived_organization_creates_no_campaign(runtime, client, school):
    deliver(runtime, "organizations.organization.archived.v1", school.id, 20, organization_id=school.id)
    refused = create(client, school)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (422, "ORGANIZATION_ARCHIVED")


def test_the_orga_face_needs_the_orga_terms_accepted(runtime, client, school):
    from campaigns_it import grant

    newcomer = person("nouveau")
    grant(runtime, school.id, newcomer, "MEMBER", 30, terms=False)
    refused = client.get(f"/api/organizations/{school.id}/campaigns", headers=newcomer.auth)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "ORGA_TERMS_NOT_ACCEPTED")
    assert create(client, school, who=newcomer).get_json()["error"]["code"] == "ORGA_TERMS_NOT_ACCEPTED"
    deliver(runtime, "identity.user.orga_terms_accepted.v1", newcomer.id, 2, user_id=newcomer.id)
    assert client.get(f"/api/organizations/{school.id}/campaigns", headers=newcomer.auth).status_code == 200


def test_a_platform_admin_defines_a_target_profile_public_or_for_some_organizations(runtime, client, school):
    admin = person("plateforme", roles=("SUPER_ADMIN",))
    body = {"name": {"fr": "Recherche avancée", "en": "Advanced search"},
            "tubes": [{"tube_id": "recherche", "max_level": 2}, {"tube_id": "sources", "max_level": 6}],
            "organization_ids": [school.id]}
    assert client.post("/api/admin/target-profiles", headers=school.admin.auth, json=body).status_code == 403
    unknown = client.post("/api/admin/target-profiles", headers=admin.auth,
                          json={**body, "tubes": [{"tube_id": "nowhere", "max_level": 3}]})
    assert (unknown.status_code, unknown.get_json()["error"]["code"]) == (400, "TARGET_PROFILE_TUBE_UNKNOWN")
    created = client.post("/api/admin/target-profiles", headers=admin.auth, json=body)
    assert created.status_code == 201, created.get_json()
    profile_id = created.get_json()["id"]
    listed = client.get(f"/api/target-profiles?organization_id={school.id}", headers=school.teacher.auth).get_json()
    assert next(p for p in listed["items"] if p["id"] == profile_id)["skills_count"] == 8
    campaign = create(client, school, target_profile_id=profile_id)
    assert campaign.status_code == 201 and campaign.get_json()["target_skills_count"] == 8

    from campaigns_it import grant, organization

    elsewhere = organization(runtime, name="Autre collège")
    other = person("ailleurs")
    grant(runtime, elsewhere, other, "ADMIN", 2)
    listed_elsewhere = client.get(f"/api/target-profiles?organization_id={elsewhere}", headers=other.auth).get_json()
    assert profile_id not in [p["id"] for p in listed_elsewhere["items"]]
    refused = client.post(f"/api/organizations/{elsewhere}/campaigns", headers=other.auth, json={
        "type": "ASSESSMENT", "name": "x", "target_profile_id": profile_id})
    assert refused.get_json()["error"]["code"] == "TARGET_PROFILE_NOT_AVAILABLE"


def test_multiple_sendings_of_assessments_follow_the_organizations_switch(runtime, client, school):
    refused = create(client, school, multiple_sendings=True)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == \
        (400, "MULTIPLE_SENDINGS_NOT_ALLOWED_FOR_ASSESSMENT")
    deliver(runtime, "organizations.organization.features_changed.v1", school.id, 40, organization_id=school.id,
            multiple_sendings_for_assessments=True)
    deliver(runtime, "organizations.organization.features_changed.v1", school.id, 39, organization_id=school.id,
            multiple_sendings_for_assessments=False)  # older: dropped
    assert create(client, school, multiple_sendings=True).status_code == 201
