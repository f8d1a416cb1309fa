"""campaigns' OpenAPI document against its real app and database (schemathesis): no server error, and every
answer (status, content type, body) as documented, with the headers that protect personal data."""

from campaigns_it import grant, organization, person

from svckit.testing import assert_protective_headers, check_openapi_conformance


def test_every_answer_is_documented_and_protected(runtime, client):
    # A platform admin who is also the admin of a university (no list to be matched to): every route gets past
    # its 403, and joining works.
    organization_id, admin = organization(runtime, manages_students=False), person("admin", roles=("SUPER_ADMIN",))
    grant(runtime, organization_id, admin, "ADMIN")
    created = client.post(f"/api/organizations/{organization_id}/campaigns", headers=admin.auth,
                          json={"type": "PROFILES_COLLECTION", "name": "Rentrée"})
    assert created.status_code == 201, created.get_json()
    campaign = created.get_json()
    joined = client.post("/api/campaign-participations", headers=admin.auth, json={"campaign_code": campaign["code"]})
    assert joined.status_code == 201, joined.get_json()
    report = check_openapi_conformance(client.application, "campaigns", headers=admin.auth, parameters={
        "organization_id": organization_id, "campaign_id": campaign["id"], "code": campaign["code"],
        "participation_id": joined.get_json()["id"]})
    print(report)
    assert not report.failures, "\n\n".join(report.failures)
    assert_protective_headers(report)
