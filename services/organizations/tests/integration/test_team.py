"""Organizations, their team and invitations, through the API on the real database."""

import email
import email.policy

from organizations_it import deliver, make_organization, pending_invitation
from sqlalchemy import text


def outbox_types(runtime, organization_id):
    with runtime.engine.connect() as connection:
        return [row.event_type for row in connection.execute(text(
            "SELECT event_type FROM outbox WHERE aggregate_id = :o ORDER BY id"), {"o": organization_id})]


def test_a_platform_admin_creates_a_school_whose_first_admin_is_invited(client, runtime, platform_admin, person):
    admin = person("directrice")
    created = client.post("/api/admin/organizations", headers=platform_admin.auth, json={
        "name": "Collège  Victor Hugo", "type": "SCO", "external_id": "0759999z", "manages_students": True,
        "admin_email": admin.email})
    assert created.status_code == 201
    body = created.get_json()
    assert (body["name"], body["external_id"], body["archived"]) == ("Collège Victor Hugo", "0759999Z", False)
    assert outbox_types(runtime, body["id"]) == ["organizations.organization.created.v1",
                                                 "organizations.invitation.issued.v1"]
    again = client.post("/api/admin/organizations", headers=platform_admin.auth, json={
        "name": "Autre", "type": "SCO", "external_id": "0759999Z", "admin_email": admin.email})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "ORGANIZATION_ALREADY_EXISTS"


def test_only_a_platform_admin_creates_or_lists_organizations(client, person):
    teacher = person("prof")
    refused = client.post("/api/admin/organizations", headers=teacher.auth, json={
        "name": "X", "type": "PRO", "admin_email": teacher.email})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "PLATFORM_ADMIN_REQUIRED"
    assert client.get("/api/admin/organizations", headers=teacher.auth).status_code == 403


def test_invalid_organizations_get_a_code(client, platform_admin):
    invalid = client.post("/api/admin/organizations", headers=platform_admin.auth, json={
        "name": "Collège", "type": "SCO", "external_id": "75", "admin_email": "a@example.org"})
    assert invalid.status_code == 400 and invalid.get_json()["error"]["code"] == "INVALID_UAI"
    missing = client.post("/api/admin/organizations", headers=platform_admin.auth, json={"type": "SCO"})
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "VALIDATION_ERROR"


def test_the_admin_list_is_paginated_and_filtered(client, platform_admin, person):
    for _ in range(3):
        make_organization(client, platform_admin, person, type="PRO", manages_students=False)
    page = client.get("/api/admin/organizations?type=PRO&page=1&page_size=2", headers=platform_admin.auth).get_json()
    assert page["page_size"] == 2 and len(page["items"]) == 2 and page["total"] >= 3
    assert all(item["type"] == "PRO" for item in page["items"])


def test_members_need_the_orga_terms_and_outsiders_are_told_access_is_for_invited_members(client, runtime, school,
                                                                                        person):
    organization_id, admin = school
    assert client.get(f"/api/organizations/{organization_id}", headers=admin.auth).get_json()["my_role"] == "ADMIN"
    outsider = person("curieux")
    refused = client.get(f"/api/organizations/{organization_id}", headers=outsider.auth)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "NOT_A_MEMBER"
    assert "invited members" in refused.get_json()["error"]["message"]

    newcomer = person("nouveau", terms=False)
    client.post(f"/api/organizations/{organization_id}/invitations", headers=admin.auth,
                json={"emails": [newcomer.email]})
    invitation, code = pending_invitation(client.application, organization_id, newcomer.email)
    assert client.post(f"/api/invitations/{invitation}/accept", headers=newcomer.auth,
                       json={"code": code}).status_code == 200
    blocked = client.get(f"/api/organizations/{organization_id}", headers=newcomer.auth)
    assert blocked.status_code == 403 and blocked.get_json()["error"]["code"] == "ORGA_TERMS_NOT_ACCEPTED"
    deliver(runtime, "identity.user.orga_terms_accepted.v1", 2, user_id=newcomer.id)
    assert client.get(f"/api/organizations/{organization_id}", headers=newcomer.auth).status_code == 200


def test_inviting_several_emails_then_accepting_with_the_code(client, school, person):
    organization_id, admin = school
    teacher = person("prof")
    invited = client.post(f"/api/organizations/{organization_id}/invitations", headers=admin.auth,
                          json={"emails": [teacher.email, "other.teacher@example.org", teacher.email.upper()]})
    assert invited.status_code == 200
    assert [(r["email"], r["outcome"]) for r in invited.get_json()["results"]] == [
        (teacher.email, "SENT"), ("other.teacher@example.org", "SENT")]
    again = client.post(f"/api/organizations/{organization_id}/invitations", headers=admin.auth,
                        json={"emails": [teacher.email]})
    assert again.get_json()["results"][0]["outcome"] == "THROTTLED"
    pending = client.get(f"/api/organizations/{organization_id}/invitations", headers=admin.auth).get_json()["items"]
    assert {item["email"] for item in pending} == {teacher.email, "other.teacher@example.org"}

    invitation, code = pending_invitation(client.application, organization_id, teacher.email)
    summary = client.get(f"/api/invitations/{invitation}?code={code}")  # before logging in
    assert summary.status_code == 200 and summary.get_json()["role"] == "MEMBER"
    assert client.get(f"/api/invitations/{invitation}?code=WRONGCODE9").status_code == 404
    wrong_account = client.post(f"/api/invitations/{invitation}/accept", headers=person("intrus").auth,
                                json={"code": code})
    assert wrong_account.status_code == 403
    assert wrong_account.get_json()["error"]["code"] == "INVITATION_EMAIL_MISMATCH"
    assert client.post(f"/api/invitations/{invitation}/accept", headers=teacher.auth,
                       json={"code": code}).get_json() == {"organization_id": organization_id}
    twice = client.post(f"/api/invitations/{invitation}/accept", headers=teacher.auth, json={"code": code})
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "INVITATION_ALREADY_ACCEPTED"
    members = client.get(f"/api/organizations/{organization_id}/members", headers=admin.auth).get_json()
    assert {(m["email"], m["role"]) for m in members["items"]} == {(admin.email, "ADMIN"), (teacher.email, "MEMBER")}


def test_a_cancelled_invitation_gives_its_own_error(client, school, person):
    organization_id, admin = school
    teacher = person("prof")
    client.post(f"/api/organizations/{organization_id}/invitations", headers=admin.auth, json={"emails": [teacher.email]})
    invitation, code = pending_invitation(client.application, organization_id, teacher.email)
    assert client.delete(f"/api/organizations/{organization_id}/invitations/{invitation}",
                         headers=admin.auth).status_code == 204
    cancelled = client.post(f"/api/invitations/{invitation}/accept", headers=teacher.auth, json={"code": code})
    assert cancelled.status_code == 409 and cancelled.get_json()["error"]["code"] == "INVITATION_CANCELLED"


def test_resending_is_throttled_with_retry_after(client, school, person):
    organization_id, admin = school
    client.post(f"/api/organizations/{organization_id}/invitations", headers=admin.auth,
                json={"emails": ["late@example.org"]})
    invitation, _ = pending_invitation(client.application, organization_id, "late@example.org")
    throttled = client.post(f"/api/organizations/{organization_id}/invitations/{invitation}/resend", headers=admin.auth)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0


def test_roles_and_removal_keep_one_admin(client, runtime, school, person):
    organization_id, admin = school
    teacher = person("prof")
    client.post(f"/api/organizations/{organization_id}/invitations", headers=admin.auth, json={"emails": [teacher.email]})
    invitation, code = pending_invitation(client.application, organization_id, teacher.email)
    client.post(f"/api/invitations/{invitation}/accept", headers=teacher.auth, json={"code": code})

    demote = client.patch(f"/api/organizations/{organization_id}/members/{admin.id}", headers=admin.auth,
                          json={"role": "MEMBER"})
    assert demote.status_code == 422 and demote.get_json()["error"]["code"] == "LAST_ADMIN"
    by_member = client.delete(f"/api/organizations/{organization_id}/members/{admin.id}", headers=teacher.auth)
    assert by_member.status_code == 403 and by_member.get_json()["error"]["code"] == "ADMIN_ROLE_REQUIRED"
    promoted = client.patch(f"/api/organizations/{organization_id}/members/{teacher.id}", headers=admin.auth,
                            json={"role": "ADMIN"})
    assert promoted.status_code == 200 and promoted.get_json()["role"] == "ADMIN"
    assert client.delete(f"/api/organizations/{organization_id}/members/{admin.id}",
                         headers=admin.auth).status_code == 204  # leaves
    assert client.get(f"/api/organizations/{organization_id}", headers=admin.auth).status_code == 403
    assert outbox_types(runtime, organization_id)[-2:] == ["organizations.membership.role_changed.v1",
                                                           "organizations.membership.revoked.v1"]
    with runtime.engine.connect() as connection:
        history = connection.execute(text("SELECT count(*) FROM memberships WHERE organization_id = :o"),
                                     {"o": organization_id}).scalar_one()
    assert history == 2  # the history stays


def test_an_archived_organization_takes_no_invitation(client, school, platform_admin):
    organization_id, admin = school
    archived = client.post(f"/api/admin/organizations/{organization_id}/archive", headers=platform_admin.auth)
    assert archived.status_code == 200 and archived.get_json()["archived"] is True
    refused = client.post(f"/api/organizations/{organization_id}/invitations", headers=admin.auth,
                          json={"emails": ["x@example.org"]})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "ORGANIZATION_ARCHIVED"


def test_the_invitation_mail_carries_the_link_with_the_code(client, runtime, school, person, tmp_path):
    organization_id, admin = school
    client.post(f"/api/organizations/{organization_id}/invitations", headers=admin.auth,
                json={"emails": ["mail.test@example.org"], "locale": "en"})
    invitation, code = pending_invitation(client.application, organization_id, "mail.test@example.org")
    with runtime.engine.connect() as connection:
        issued = connection.execute(text("SELECT body FROM outbox WHERE event_type = 'organizations.invitation.issued.v1' "
                                         "AND body LIKE :i"), {"i": f"%{invitation}%"}).scalar_one()
    from msgkit import Envelope

    envelope = Envelope.from_json(issued)
    assert code not in issued  # the code never travels on the broker
    sender = next(s for s in runtime.subscriptions() if s.name == "send_invitation_mail")
    sender.handler(envelope)
    sender.handler(envelope)  # redelivered: one mail only
    [path] = list((tmp_path / "mail").glob("*.eml"))
    mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert mail["To"] == "mail.test@example.org" and mail["Subject"].startswith("Invitation to join")
    assert f"https://orga.example.test/rejoindre?invitationId={invitation}&code={code}" in mail.get_content()


def test_an_unverified_address_joins_nobody_until_identity_says_it_is_verified(client, runtime, school, person):
    organization_id, admin = school
    newcomer = person("squatteur", verified=False)
    client.post(f"/api/organizations/{organization_id}/invitations", headers=admin.auth,
                json={"emails": [newcomer.email]})
    invitation, code = pending_invitation(client.application, organization_id, newcomer.email)
    refused = client.post(f"/api/invitations/{invitation}/accept", headers=newcomer.auth, json={"code": code})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "EMAIL_NOT_VERIFIED"
    assert outbox_types(runtime, organization_id).count("organizations.membership.granted.v1") == 1  # the admin's

    deliver(runtime, "identity.user.email_verified.v1", 2, user_id=newcomer.id, email=newcomer.email)
    assert client.post(f"/api/invitations/{invitation}/accept", headers=newcomer.auth,
                       json={"code": code}).status_code == 200


def test_the_first_admin_of_a_new_organization_needs_a_verified_address_too(client, platform_admin, person):
    admin = person("directrice", verified=False)
    created = client.post("/api/admin/organizations", headers=platform_admin.auth, json={
        "name": "Lycée Jules Ferry", "type": "PRO", "admin_email": admin.email})
    organization_id = created.get_json()["id"]
    invitation, code = pending_invitation(client.application, organization_id, admin.email)
    refused = client.post(f"/api/invitations/{invitation}/accept", headers=admin.auth, json={"code": code})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "EMAIL_NOT_VERIFIED"
