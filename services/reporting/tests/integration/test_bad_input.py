"""Hostile text and shapes get a 400 in the common shape, never a 500 (issue 16), through the real app and
database: a NUL byte in a filter, a page number of 10^18 on every paged route, %00 or broken UTF-8 in a path."""

import uuid

import pytest
from reporting_it import campaign

from svckit.testing import HUGE_PAGE, INVALID_UTF8_IN_URL, assert_error


@pytest.fixture
def campaigns(runtime, school):
    return campaign(runtime, school.id), campaign(runtime, school.id, name="Diagnostic 3e")


def test_a_page_number_of_10_18_is_refused_on_every_paged_route(client, school, campaigns):
    first, second = campaigns
    for path in (f"/api/campaigns/{first}/participants", f"/api/campaigns/{second}/progression?compare_to={first}",
                 f"/api/organizations/{school.id}/learners"):
        separator = "&" if "?" in path else "?"
        error = assert_error(client.get(f"{path}{separator}page={HUGE_PAGE}", headers=school.teacher.auth))
        assert "page" in error["details"]["fields"], path


@pytest.mark.parametrize("query", ["search=a%00b", "division=4e%00", "group=%00",
                                   f"search={INVALID_UTF8_IN_URL}"])
def test_a_filter_with_a_nul_or_broken_utf8_is_refused(client, school, campaigns, query):
    first, _ = campaigns
    assert_error(client.get(f"/api/campaigns/{first}/participants?{query}", headers=school.teacher.auth))
    assert_error(client.get(f"/api/organizations/{school.id}/learners?{query}", headers=school.teacher.auth))


def test_a_nul_or_broken_utf8_in_a_path_is_refused(client, school, campaigns):
    first, _ = campaigns
    for url in (f"/api/campaigns/{first}/activity%00", f"/api/campaigns/{first}/{INVALID_UTF8_IN_URL}",
                f"/api/campaigns/{first}/participants/{uuid.uuid4()}%00/results"):
        assert_error(client.get(url, headers=school.teacher.auth))
