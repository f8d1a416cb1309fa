"""No route lets a member of one organization read or change anything of another."""

import io
import uuid

import pytest
from organizations_it import make_organization, pending_invitation
from sqlalchemy import text


@pytest.fixture
def two_schools(client, platform_admin, person):
    a, admin_a = make_organization(client, platform_admin, person)
    b, admin_b = make_organization(client, platform_admin, person)
    client.post(f"/api/organizations/{b}/invitations", headers=admin_b.auth, json={"emails": ["b.prof@example.org"]})
    invitation_b, _ = pending_invitation(client.application, b, "b.prof@example.org")
    return a, admin_a, b, admin_b, invitation_b, linked_learner(client.application, b)


def linked_learner(app, organization_id: str) -> str:
    """A learner of the organization, linked to an account (as a reconciliation leaves it)."""
    learner_id, user_id = str(uuid.uuid4()), str(uuid.uuid4())
    with app.extensions["organizations"].engine.begin() as connection:
        connection.execute(text("INSERT INTO organization_learners (id, organization_id, first_name, last_name, "
                                "birthdate, user_id, created_at, updated_at, version) VALUES (:l, :o, 'Zoé', "
                                "'Martin', '2012-03-04', :u, now(), now(), 2)"),
                           {"l": learner_id, "o": organization_id, "u": user_id})
        connection.execute(text("INSERT INTO learner_account_links (id, organization_id, learner_id, user_id, "
                                "linked_at, linked_by, link_method) VALUES (:i, :o, :l, :u, now(), :u, "
                                "'RECONCILIATION')"),
                           {"i": str(uuid.uuid4()), "o": organization_id, "l": learner_id, "u": user_id})
    return learner_id


def routes(b, admin_b, invitation_b, learner_b):
    """Every route of an organization, aimed at organization B."""
    return [
        ("GET", f"/api/organizations/{b}", None),
        ("GET", f"/api/organizations/{b}/members", None),
        ("PATCH", f"/api/organizations/{b}/members/{admin_b.id}", {"json": {"role": "MEMBER"}}),
        ("DELETE", f"/api/organizations/{b}/members/{admin_b.id}", None),
        ("POST", f"/api/organizations/{b}/invitations", {"json": {"emails": ["spy@example.org"], "role": "ADMIN"}}),
        ("GET", f"/api/organizations/{b}/invitations", None),
        ("DELETE", f"/api/organizations/{b}/invitations/{invitation_b}", None),
        ("POST", f"/api/organizations/{b}/invitations/{invitation_b}/resend", None),
        ("POST", f"/api/organizations/{b}/learners/imports",
         {"data": {"file": (io.BytesIO(b"<x/>"), "e.xml")}, "content_type": "multipart/form-data"}),
        ("GET", f"/api/organizations/{b}/learners/imports", None),
        ("POST", f"/api/organizations/{b}/learners/imports/preview",
         {"data": {"file": (io.BytesIO(b"<x/>"), "e.xml")}, "content_type": "multipart/form-data"}),
        ("GET", f"/api/organizations/{b}/learners/imports/template.csv", None),
        ("GET", f"/api/organizations/{b}/learners/{learner_b}/account-link", None),
        ("DELETE", f"/api/organizations/{b}/learners/{learner_b}/account-link", None),
        ("GET", "/api/admin/organizations", None),
        ("POST", f"/api/admin/organizations/{b}/archive", None),
        ("PATCH", f"/api/admin/organizations/{b}/features", {"json": {"multiple_sendings_for_assessments": True}}),
    ]


def snapshot(runtime, organization_id):
    with runtime.engine.connect() as connection:
        return [connection.execute(text(query), {"o": organization_id}).all() for query in (
            "SELECT user_id, role, disabled_at FROM memberships WHERE organization_id = :o ORDER BY id",
            "SELECT email, status, sent_count FROM invitations WHERE organization_id = :o ORDER BY id",
            "SELECT archived_at, version FROM organizations WHERE id = :o",
            "SELECT count(*) FROM learner_imports WHERE organization_id = :o",
            "SELECT id, user_id, version FROM organization_learners WHERE organization_id = :o ORDER BY id",
            "SELECT user_id, unlinked_at FROM learner_account_links WHERE organization_id = :o ORDER BY id")]


@pytest.mark.parametrize("index", range(16))
def test_an_admin_of_another_organization_is_refused_everywhere_and_changes_nothing(client, runtime, two_schools,
                                                                                  index):
    a, admin_a, b, admin_b, invitation_b, learner_b = two_schools
    method, url, options = routes(b, admin_b, invitation_b, learner_b)[index]
    before = snapshot(runtime, b)
    response = client.open(url, method=method, headers=admin_a.auth, **(options or {}))
    assert response.status_code == 403, (method, url, response.get_json())
    assert response.get_json()["error"]["code"] in ("NOT_A_MEMBER", "PLATFORM_ADMIN_REQUIRED")
    assert snapshot(runtime, b) == before


def test_ids_of_another_organization_do_not_work_under_ones_own(client, runtime, two_schools):
    a, admin_a, b, admin_b, invitation_b, learner_b = two_schools
    before = snapshot(runtime, b)
    cancel = client.delete(f"/api/organizations/{a}/invitations/{invitation_b}", headers=admin_a.auth)
    resend = client.post(f"/api/organizations/{a}/invitations/{invitation_b}/resend", headers=admin_a.auth)
    demote = client.patch(f"/api/organizations/{a}/members/{admin_b.id}", headers=admin_a.auth, json={"role": "MEMBER"})
    remove = client.delete(f"/api/organizations/{a}/members/{admin_b.id}", headers=admin_a.auth)
    link = client.get(f"/api/organizations/{a}/learners/{learner_b}/account-link", headers=admin_a.auth)
    unlink = client.delete(f"/api/organizations/{a}/learners/{learner_b}/account-link", headers=admin_a.auth)
    assert [r.status_code for r in (cancel, resend, demote, remove, link, unlink)] == [404] * 6
    assert snapshot(runtime, b) == before


def test_the_matrix_covers_every_organization_route(client):
    """A new route must join the matrix above: this lists the API's routes with an organization id."""
    spec = client.get("/openapi.json").get_json()
    guarded = {path for path in spec["paths"] if "{organization_id}" in path and "reconciliation" not in path}
    covered = {"/api/organizations/{organization_id}", "/api/organizations/{organization_id}/members",
               "/api/organizations/{organization_id}/members/{user_id}",
               "/api/organizations/{organization_id}/invitations",
               "/api/organizations/{organization_id}/invitations/{invitation_id}",
               "/api/organizations/{organization_id}/invitations/{invitation_id}/resend",
               "/api/organizations/{organization_id}/learners/imports",
               "/api/organizations/{organization_id}/learners/imports/template.csv",
               "/api/organizations/{organization_id}/learners/imports/preview",
               "/api/organizations/{organization_id}/learners/{learner_id}/account-link",
               "/api/admin/organizations/{organization_id}/archive",
               "/api/admin/organizations/{organization_id}/features"}
    assert guarded == covered
