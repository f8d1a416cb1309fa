"""Centres (schools from organizations' events, PRO/SUP by a platform admin) and national windows."""

import email
import re
import uuid

from certification_it import deliver, grant, person, published, school

from svckit.testing import assert_error


def test_a_school_with_a_uai_is_a_centre_whose_orga_admins_are_its_members(runtime, client):
    head, teacher = person("principal"), person("prof")
    center_id = school(runtime, head)
    grant(runtime, center_id, teacher, "MEMBER", 3)
    mine = client.get("/api/certification-centers", headers=head.auth).get_json()["items"]
    assert [(c["id"], c["type"], c["external_id"]) for c in mine] == [(center_id, "SCO", "0751234A")]
    assert client.get("/api/certification-centers", headers=teacher.auth).get_json()["items"] == []
    assert client.get(f"/api/certification-centers/{center_id}", headers=head.auth).status_code == 200
    assert_error(client.get(f"/api/certification-centers/{center_id}", headers=teacher.auth), 403,
                 "NOT_A_CENTER_MEMBER")


def test_an_admin_revoked_or_a_school_archived_is_no_longer_a_centre_member(runtime, client):
    head, deputy = person("principal"), person("adjoint")
    center_id = school(runtime, head)
    membership_id = grant(runtime, center_id, deputy, "ADMIN", 3)
    assert client.get(f"/api/certification-centers/{center_id}", headers=deputy.auth).status_code == 200
    deliver(runtime, "organizations.membership.revoked.v1", center_id, 4, membership_id=membership_id,
            organization_id=center_id, user_id=deputy.id)
    assert_error(client.get(f"/api/certification-centers/{center_id}", headers=deputy.auth), 403,
                 "NOT_A_CENTER_MEMBER")
    assert client.get(f"/api/certification-centers/{center_id}", headers=head.auth).status_code == 200
    deliver(runtime, "organizations.organization.archived.v1", center_id, 5, organization_id=center_id)
    assert_error(client.get(f"/api/certification-centers/{center_id}", headers=head.auth), 403,
                 "NOT_A_CENTER_MEMBER")


def test_an_organization_without_uai_or_not_a_school_is_no_centre(runtime, client, platform_admin):
    for kind, uai in (("SCO", None), ("PRO", "X1")):
        organization_id = str(uuid.uuid4())
        deliver(runtime, "organizations.organization.created.v1", organization_id, organization_id=organization_id,
                type=kind, external_id=uai)
        assert_error(client.get(f"/api/certification-centers/{organization_id}", headers=platform_admin.auth), 404,
                     "CENTER_NOT_FOUND")


def test_a_platform_admin_creates_a_pro_centre_and_its_first_admin_joins_by_the_mailed_link(
        runtime, client, platform_admin, tmp_path):
    admin = person("certif")
    created = client.post("/api/admin/certification-centers", headers=platform_admin.auth, json={
        "type": "PRO", "name": "Formations Dupont", "admin_email": admin.email.upper(), "locale": "en"})
    assert created.status_code == 201, created.get_json()
    center = created.get_json()
    [pending] = center["pending_invitations"]
    assert (pending["email"], pending["role"]) == (admin.email, "ADMIN")
    [issued] = published(runtime, "certification.invitation.issued.v1", center["id"])
    assert issued["payload"]["invitation_id"] == pending["id"]
    deliver(runtime, "certification.invitation.issued.v1", center["id"], **issued["payload"])
    [mail] = list((tmp_path / "mail").iterdir())
    text = email.message_from_string(mail.read_text()).get_payload(decode=True).decode()
    code = re.search(r"code=([A-Z0-9]+)", text).group(1)
    assert "Formations Dupont" in text and admin.email in text
    accept = f"/api/certification-center-invitations/{pending['id']}/accept"
    assert_error(client.post(accept, headers=admin.auth, json={"code": code}), 403, "EMAIL_NOT_VERIFIED")
    deliver(runtime, "identity.user.email_verified.v1", admin.id, 2, user_id=admin.id, email=admin.email)
    assert_error(client.post(accept, headers=admin.auth, json={"code": "WRONG"}), 404, "INVITATION_NOT_FOUND")
    assert client.post(accept, headers=admin.auth, json={"code": code}).get_json() == {"center_id": center["id"]}
    details = client.get(f"/api/certification-centers/{center['id']}", headers=admin.auth).get_json()
    assert details["members"] == [{"user_id": admin.id, "role": "ADMIN"}] and details["pending_invitations"] == []


def test_only_a_platform_admin_creates_centres_sets_kinds_and_opens_windows(runtime, client):
    someone = person("someone")
    center_id = school(runtime, someone)
    for method, path, body in [
            ("post", "/api/admin/certification-centers", {"type": "PRO", "name": "X", "admin_email": "a@b.org"}),
            ("patch", f"/api/admin/certification-centers/{center_id}", {"school_kind": "LYCEE"}),
            ("post", "/api/admin/certification-windows", {"school_kind": "LYCEE", "starts_on": "2030-01-01",
                                                          "ends_on": "2030-02-01"})]:
        assert_error(getattr(client, method)(path, headers=someone.auth, json=body), 403, "PLATFORM_ADMIN_REQUIRED")


def test_bad_centres_and_windows_are_refused_with_their_code(runtime, client, platform_admin):
    admin = platform_admin.auth
    assert_error(client.post("/api/admin/certification-centers", headers=admin, json={
        "type": "SCO", "name": "X", "admin_email": "a@b.org"}), 400, "CENTER_TYPE_NOT_VALID")
    assert_error(client.post("/api/admin/certification-centers", headers=admin, json={
        "type": "SUP", "name": "X", "admin_email": "nope"}), 400, "EMAIL_NOT_VALID")
    pro = client.post("/api/admin/certification-centers", headers=admin, json={
        "type": "SUP", "name": "Université", "admin_email": "a@b.org"}).get_json()
    assert_error(client.patch(f"/api/admin/certification-centers/{pro['id']}", headers=admin,
                              json={"school_kind": "LYCEE"}), 422, "NOT_A_SCHOOL")
    assert_error(client.post("/api/admin/certification-windows", headers=admin, json={
        "school_kind": "LYCEE", "starts_on": "2031-03-01", "ends_on": "2031-02-01"}), 400, "WINDOW_DATES_NOT_VALID")
    assert client.post("/api/admin/certification-windows", headers=admin, json={
        "school_kind": "LYCEE", "starts_on": "2031-01-01", "ends_on": "2031-02-01"}).status_code == 201
    assert_error(client.post("/api/admin/certification-windows", headers=admin, json={
        "school_kind": "LYCEE", "starts_on": "2031-02-01", "ends_on": "2031-03-01"}), 409, "WINDOW_OVERLAPS")
    windows = client.get("/api/certification-windows", headers=admin).get_json()["items"]
    assert ("LYCEE", "2031-01-01", "2031-02-01") in {(w["school_kind"], w["starts_on"], w["ends_on"])
                                                      for w in windows}


def test_a_platform_admin_finds_the_schools_whose_kind_is_still_to_set(runtime, client, platform_admin):
    unset = school(runtime, uai="0751111U")
    kind_set = school(runtime, uai="0752222S")
    assert client.patch(f"/api/admin/certification-centers/{kind_set}", headers=platform_admin.auth,
                        json={"school_kind": "COLLEGE"}).status_code == 200
    page = client.get("/api/admin/certification-centers?kind_unset=true&page_size=100",
                      headers=platform_admin.auth).get_json()
    ids = {center["id"] for center in page["items"]}
    assert unset in ids and kind_set not in ids and page["total"] >= 1
    found = client.get("/api/admin/certification-centers?name=0751111", headers=platform_admin.auth).get_json()
    assert [center["id"] for center in found["items"]] == [unset]
    assert client.get("/api/admin/certification-centers?name=%25", headers=platform_admin.auth).get_json()[
        "items"] == []  # a % is a character, not a wildcard
    assert_error(client.get("/api/admin/certification-centers", headers=person("x").auth), 403,
                 "PLATFORM_ADMIN_REQUIRED")
