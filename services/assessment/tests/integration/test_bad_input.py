"""Hostile text and shapes get a 400 in the common shape, never a 500 (issue 16), through the real app and
database: a NUL byte or a lone surrogate in an answer, JSON nested 100,000 deep, %00 or broken UTF-8 in a
path or a query."""

import uuid

import pytest
from assessment_it import create_campaign, join

from svckit.testing import INVALID_UTF8_IN_URL, LONE_SURROGATE, NUL, assert_error, deeply_nested_json, send_json


@pytest.fixture
def asked(runtime, client, learner):
    """A learner, their assessment and the question being asked."""
    person = learner()
    participation_id = join(runtime, create_campaign(runtime, ["recherche1", "recherche2"]), person.id)
    assessment_id = client.get(f"/api/campaign-participations/{participation_id}/assessment",
                               headers=person.auth).get_json()["id"]
    challenge = client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth).get_json()
    return person, assessment_id, challenge["challenge"]["id"]


@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "surrogate"])
def test_an_answer_with_a_nul_or_a_lone_surrogate_is_refused_and_changes_nothing(client, asked, bad):
    person, assessment_id, challenge_id = asked
    for body in ({"challenge_id": challenge_id + bad, "value": 1},
                 {"challenge_id": challenge_id, "value": "1 0" + bad + "00"},
                 {"challenge_id": challenge_id, "value": {"format" + bad: "x"}}):
        assert_error(send_json(client, "POST", f"/api/assessments/{assessment_id}/answers", body, person.auth))
    again = client.get(f"/api/assessments/{assessment_id}/next-challenge", headers=person.auth).get_json()
    assert again["challenge"]["id"] == challenge_id and again["progress"]["answers_count"] == 0


def test_json_nested_100000_deep_is_refused(client, asked):
    person, assessment_id, _ = asked
    error = assert_error(client.post(f"/api/assessments/{assessment_id}/answers", data=deeply_nested_json(),
                                     content_type="application/json", headers=person.auth))
    assert "nested" in str(error["details"])


def test_a_nul_or_broken_utf8_in_a_path_or_query_is_refused(client, learner):
    person = learner()
    for url in (f"/api/assessments/{uuid.uuid4()}%00/results", f"/api/users/me/profile/{INVALID_UTF8_IN_URL}",
                "/api/users/me/profile?locale=f%00r", f"/api/users/me/profile?locale={INVALID_UTF8_IN_URL}"):
        assert_error(client.get(url, headers=person.auth))
