"""organizations' OpenAPI document against its real app and database (schemathesis): no server error, and
every answer (status, content type, body) as documented, with the headers that protect personal data."""

import uuid

from organizations_it import deliver, pending_invitation

from svckit.testing import Person, assert_protective_headers, check_openapi_conformance, token_for


def test_every_answer_is_documented_and_protected(client, runtime, school):
    organization_id, admin = school
    # The admin of the school is also a platform admin, so that every route gets past its 403.
    both = Person(admin.id, admin.email, token_for(admin.id, admin.email, ("SUPER_ADMIN",)))
    invited = client.post(f"/api/organizations/{organization_id}/invitations", headers=both.auth,
                          json={"emails": [f"prof.{uuid.uuid4().hex[:6]}@example.org"]})
    assert invited.status_code == 200, invited.get_json()
    invitation_id = invited.get_json()["results"][0]["invitation"]["id"]
    _, code = pending_invitation(client.application, organization_id, invited.get_json()["results"][0]["email"])
    deliver(runtime, "identity.user.registered.v1", user_id=str(uuid.uuid4()), email="x@example.org",
            first_name="X", last_name="Y")
    report = check_openapi_conformance(client.application, "organizations", headers=both.auth, parameters={
        "organization_id": organization_id, "invitation_id": invitation_id, "user_id": admin.id, "code": code})
    print(report)
    assert not report.failures, "\n\n".join(report.failures)
    assert_protective_headers(report)
