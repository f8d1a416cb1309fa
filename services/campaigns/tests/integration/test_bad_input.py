"""Hostile text and shapes get a 400 in the common shape, never a 500 (issue 16), through the real app and
database: a NUL byte or a lone surrogate in a field, in the public campaign page's code or in a filter, a page
number of 10^18, JSON nested 100,000 deep, %00 or broken UTF-8 in a path."""

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


@pytest.mark.parametrize("code", ["ABC%00", "%00", INVALID_UTF8_IN_URL, f"ABC{INVALID_UTF8_IN_URL}123"])
def test_the_public_campaign_page_refuses_a_nul_or_broken_utf8_in_its_code(client, code):
    assert_error(client.get(f"/api/campaigns/by-code/{code}"))


@pytest.mark.parametrize("field", ["name", "landing_text", "external_id_label"])
@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "surrogate"])
def test_creating_a_campaign_refuses_a_nul_or_a_lone_surrogate(client, school, field, bad):
    body = {"type": "PROFILES_COLLECTION", "name": "Rentrée", "external_id_label": "Numéro", "external_id_type": "TEXT",
            field: "ab" + bad + "cd"}
    error = assert_error(send_json(client, "POST", f"/api/organizations/{school.id}/campaigns", body,
                                   school.teacher.auth))
    assert field in error["details"]["fields"]


@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "surrogate"])
def test_joining_refuses_a_nul_or_a_lone_surrogate(client, school, bad):
    assert_error(send_json(client, "POST", "/api/campaign-participations",
                           {"campaign_code": "ABC" + bad + "123", "participant_external_id": "x" + bad},
                           school.teacher.auth))


def test_a_filter_with_a_nul_and_a_page_of_10_18_are_refused(client, school):
    assert_error(client.get(f"/api/organizations/{school.id}/campaigns?name=a%00b", headers=school.teacher.auth))
    error = assert_error(client.get(f"/api/organizations/{school.id}/campaigns?page={HUGE_PAGE}",
                                    headers=school.teacher.auth))
    assert "page" in error["details"]["fields"]


def test_json_nested_100000_deep_is_refused(client, school):
    for path in (f"/api/organizations/{school.id}/campaigns", "/api/campaign-participations"):
        error = assert_error(client.post(path, data=deeply_nested_json(), content_type="application/json",
                                         headers=school.teacher.auth))
        assert "nested" in str(error["details"])


def test_a_nul_in_any_path_is_refused(client, school):
    assert_error(client.get(f"/api/organizations/{school.id}/campaigns%00", headers=school.teacher.auth))
    assert_error(client.get("/api/users/me/campaign-participations%00", headers=school.teacher.auth))
