"""Hostile text and shapes get a 400 in the common shape, never a 500, through the real app and database: a NUL
byte or a lone surrogate in a field, a session number beyond any integer column, a page of 10^18, JSON nested
100,000 deep, a binary file as a CSV, a file too large; nothing is changed."""

import io

import pytest
from certification_it import CANDIDATE, SESSION, person, pro_center, schedule

from svckit.testing import HUGE_PAGE, LONE_SURROGATE, NUL, assert_error, deeply_nested_json, send_json


@pytest.mark.parametrize("field", ["address", "room", "examiner", "description"])
@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "surrogate"])
def test_a_session_refuses_a_nul_or_a_lone_surrogate(client, college, field, bad):
    error = assert_error(send_json(client, "POST", f"/api/certification-centers/{college.id}/sessions",
                                   {**SESSION, field: "ab" + bad + "cd"}, college.head.auth))
    assert field in error["details"]["fields"]


@pytest.mark.parametrize(("field", "value"), [("date", "2026-02-30"), ("date", "tomorrow"), ("time", 9)])
def test_a_session_with_a_date_that_is_none_is_refused(client, college, field, value):
    error = assert_error(client.post(f"/api/certification-centers/{college.id}/sessions", headers=college.head.auth,
                                     json={**SESSION, field: value}))
    assert field in error["details"]["fields"]


@pytest.mark.parametrize("number", [0, -1, 2**63, "1001; DROP TABLE sessions"])
def test_a_session_number_out_of_range_is_refused_before_the_database(client, number):
    who = person("candidate")
    for path, body in [("/api/certification-joinings", {"session_number": number, "first_name": "A", "last_name": "B",
                                                       "birthdate": "2000-01-01"}),
                       ("/api/certification-invigilations", {"session_number": number,
                                                             "invigilator_password": "abcdef"})]:
        error = assert_error(client.post(path, headers=who.auth, json=body))
        assert "session_number" in error["details"]["fields"]


@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "surrogate"])
def test_joining_and_starting_refuse_a_nul_or_a_lone_surrogate(client, bad):
    who = person("candidate")
    assert_error(send_json(client, "POST", "/api/certification-joinings", {
        "session_number": 1001, "first_name": "Zo" + bad, "last_name": "B", "birthdate": "2000-01-01"}, who.auth))
    assert_error(send_json(client, "POST", "/api/certification-courses", {
        "candidate_id": "5e8b1d3a-6c2f-4a9e-b7d1-3c5e7a9b1d24", "access_code": "BCD" + bad}, who.auth))


def test_a_page_of_10_18_and_json_nested_100000_deep_are_refused(client, college):
    error = assert_error(client.get(f"/api/certification-centers/{college.id}/sessions?page={HUGE_PAGE}",
                                    headers=college.head.auth))
    assert "page" in error["details"]["fields"]
    error = assert_error(client.post(f"/api/certification-centers/{college.id}/sessions",
                                     data=deeply_nested_json(), content_type="application/json",
                                     headers=college.head.auth))
    assert "nested" in str(error["details"])


def test_a_binary_or_oversized_candidate_file_enrols_nobody(runtime, client, platform_admin):
    center_id, admin = pro_center(client, platform_admin, runtime)
    session = schedule(client, center_id, admin).get_json()
    path = f"/api/certification-sessions/{session['id']}/candidates/imports"

    def send(data: bytes):
        return client.post(path, headers=admin.auth, data={"file": (io.BytesIO(data), "c.csv")},
                           content_type="multipart/form-data")

    assert_error(send(b"\x89PNG\r\n\x1a\n\x00\x00\x00"), 422, "CANDIDATES_FILE_HEADER_NOT_VALID")
    assert_error(send(b""), 422, "CANDIDATES_FILE_EMPTY")
    big = b"first_name;last_name;birthdate\n" + b"Zoe;Lefevre;1990-01-02\n" * 120_000
    assert send(big).status_code == 413
    assert "file" in assert_error(client.post(path, headers=admin.auth, data={}, content_type="multipart/form-data"))[
        "details"]["fields"]
    assert client.get(f"/api/certification-sessions/{session['id']}/candidates", headers=admin.auth).get_json()[
        "items"] == []
    assert_error(send_json(client, "POST", f"/api/certification-sessions/{session['id']}/candidates",
                           {**CANDIDATE, "birthplace": "Ly" + NUL + "on"}, admin.auth))
