"""Hostile text and shapes get a 400 in the common shape, never a 500 (issue 16), through the real app and
database: a NUL byte or a lone surrogate in a field or a filter, a page number of 10^18, JSON nested 100,000
deep, %00 or broken UTF-8 in a path."""

import pytest

from svckit.testing import (
    HUGE_PAGE,
    INVALID_UTF8_IN_URL,
    LONE_SURROGATE,
    NUL,
    assert_error,
    deeply_nested_json,
    send_json,
)


@pytest.mark.parametrize("field", ["name", "admin_email", "external_id"])
@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "surrogate"])
def test_creating_an_organization_refuses_a_nul_or_a_lone_surrogate(client, platform_admin, field, bad):
    body = {"name": "Lycée", "type": "SUP", "external_id": "ext-1", "admin_email": "dir@example.org", field: "ab" + bad}
    error = assert_error(send_json(client, "POST", "/api/admin/organizations", body, platform_admin.auth))
    assert field in error["details"]["fields"]


@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "surrogate"])
def test_invitations_and_reconciliation_refuse_a_nul_or_a_lone_surrogate(client, school, bad):
    organization_id, admin = school
    assert_error(send_json(client, "POST", f"/api/organizations/{organization_id}/invitations",
                           {"emails": ["prof" + bad + "@example.org"]}, admin.auth))
    assert_error(send_json(client, "POST", f"/api/organizations/{organization_id}/learners/reconciliation",
                           {"first_name": "Lou" + bad, "last_name": "A", "birthdate": "2012-03-12"}, admin.auth))


def test_a_filter_with_a_nul_is_refused(client, platform_admin):
    assert_error(client.get("/api/admin/organizations?name=a%00b", headers=platform_admin.auth))


def test_a_page_number_of_10_18_is_refused_on_every_paged_route(client, platform_admin, school):
    organization_id, admin = school
    for path, who in [("/api/admin/organizations", platform_admin),
                      (f"/api/organizations/{organization_id}/members", admin),
                      (f"/api/organizations/{organization_id}/learners/imports", admin)]:
        error = assert_error(client.get(f"{path}?page={HUGE_PAGE}", headers=who.auth))
        assert "page" in error["details"]["fields"], path


def test_json_nested_100000_deep_is_refused(client, platform_admin, school):
    organization_id, admin = school
    for path, who in [("/api/admin/organizations", platform_admin),
                      (f"/api/organizations/{organization_id}/invitations", admin)]:
        error = assert_error(client.post(path, data=deeply_nested_json(), content_type="application/json",
                                         headers=who.auth))
        assert "nested" in str(error["details"])


@pytest.mark.parametrize("suffix", ["%00", f"/{INVALID_UTF8_IN_URL}"])
def test_a_nul_or_broken_utf8_in_the_path_is_refused(client, school, suffix):
    organization_id, admin = school
    assert_error(client.get(f"/api/organizations/{organization_id}{suffix}", headers=admin.auth))


def test_an_invitation_code_outside_ascii_is_a_wrong_code_not_a_500(client, school, person):
    organization_id, admin = school
    invited = person("invitee")
    sent = client.post(f"/api/organizations/{organization_id}/invitations", headers=admin.auth,
                       json={"emails": [invited.email]})
    invitation_id = sent.get_json()["results"][0]["invitation"]["id"]
    for code in ("CODÉ", "\U0001f600"):
        assert_error(client.post(f"/api/invitations/{invitation_id}/accept", headers=invited.auth, json={"code": code}),
                     404, "INVITATION_NOT_FOUND")
