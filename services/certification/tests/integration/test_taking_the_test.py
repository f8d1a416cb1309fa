"""A candidate joins, the invigilator authorizes, the candidate starts: on the real database, with the events
assessment will read."""

import dataclasses
from pathlib import Path

import pytest
from certification_it import (
    CANDIDATE,
    CERTIFIABLE,
    deliver,
    person,
    profile_of,
    published,
    pupil,
    room_with_candidate,
    schedule,
)

from certification.domain import codes
from svckit.contracts import load_contract
from svckit.testing import assert_error


@pytest.fixture
def room(runtime, client, platform_admin):
    """A PRO centre's session with one candidate (33 % extra time), and the person they are, certifiable."""
    return room_with_candidate(runtime, client, platform_admin)


def join(client, who, session, **changes):
    return client.post("/api/certification-joinings", headers=who.auth, json={
        "session_number": session["number"], "first_name": "zoé", "last_name": "LEFEVRE", "birthdate": "1990-01-02",
        **changes})


def invigilate(client, who, session, password=None):
    return client.post("/api/certification-invigilations", headers=who.auth, json={
        "session_number": session["number"], "invigilator_password": password or session["invigilator_password"]})


def start(client, who, candidate_id, code):
    return client.post("/api/certification-courses", headers=who.auth,
                       json={"candidate_id": candidate_id, "access_code": code})


def test_the_whole_way_from_joining_to_a_started_course_announced_to_assessment(runtime, client, clock, room):
    joined = join(client, room.zoe, room.session)
    assert joined.status_code == 201, joined.get_json()
    assert (joined.get_json()["id"], joined.get_json()["status"]) == (room.candidate["id"], "JOINED")
    invigilator = person("surveillant")
    opened = invigilate(client, invigilator, room.session)
    assert opened.status_code == 200, opened.get_json()
    assert [(c["id"], c["status"]) for c in opened.get_json()["candidates"]] == [(room.candidate["id"], "JOINED")]
    authorize = f"/api/certification-candidates/{room.candidate['id']}/authorization"
    assert client.post(authorize, headers=invigilator.auth).status_code == 204
    live = client.get(f"/api/certification-sessions/{room.session['id']}/invigilation",
                      headers=invigilator.auth).get_json()
    assert live["candidates"][0]["status"] == "AUTHORIZED"
    clock.advance(minutes=3)
    started = start(client, room.zoe, room.candidate["id"], room.session["access_code"].lower())
    assert started.status_code == 201, started.get_json()
    course = started.get_json()
    assert course["status"] == "STARTED" and codes.VERIFICATION_CODE.fullmatch(course["verification_code"])
    [event] = published(runtime, "certification.course.started.v1", course["course_id"])
    load_contract("certification.course.started.v1", Path(__file__).parent).validate_payload(event["payload"])
    assert event["payload"] == {
        "course_id": course["course_id"], "candidate_id": room.candidate["id"], "user_id": room.zoe.id,
        "session_id": room.session["id"], "center_id": room.center_id, "extra_time_percentage": 33,
        "verification_code": course["verification_code"], "configuration_version": 1,
        "started_at": "2026-11-23T09:03:00Z"}
    assert event["aggregate_version"] == 1
    # Started twice: the authorization was spent; nothing more is published.
    assert_error(start(client, room.zoe, room.candidate["id"], room.session["access_code"]), 403,
                 "CANDIDATE_NOT_AUTHORIZED_TO_RESUME_SESSION")
    mine = f"/api/certification-joinings/{room.candidate['id']}"
    assert client.get(mine, headers=room.zoe.auth).get_json()["resume_authorized"] is False
    assert client.post(authorize, headers=invigilator.auth).status_code == 204
    # the candidate's page notices the invigilator's authorization to resume by itself
    assert client.get(mine, headers=room.zoe.auth).get_json()["resume_authorized"] is True
    resumed = start(client, room.zoe, room.candidate["id"], room.session["access_code"])
    assert client.get(mine, headers=room.zoe.auth).get_json()["resume_authorized"] is False  # spent
    assert resumed.status_code == 200 and resumed.get_json()["course_id"] == course["course_id"]
    assert len(published(runtime, "certification.course.started.v1", course["course_id"])) == 1
    session = client.get(f"/api/certification-sessions/{room.session['id']}", headers=room.admin.auth).get_json()
    assert session["first_started_at"] == "2026-11-23T09:03:00+00:00" and session["started_count"] == 1
    # The invigilator ends the test: announced once, and it cannot resume.
    end = f"/api/certification-candidates/{room.candidate['id']}/end-by-invigilator"
    assert client.post(end, headers=invigilator.auth).status_code == 204
    assert_error(client.post(end, headers=invigilator.auth), 409, "CERTIFICATION_ALREADY_ENDED")
    [ended] = published(runtime, "certification.course.ended_by_invigilator.v1", course["course_id"])
    assert (ended["aggregate_version"], ended["payload"]["ended_by"]) == (2, invigilator.id)
    assert_error(client.post(authorize, headers=invigilator.auth), 422, "CERTIFICATION_ENDED")
    assert client.get(f"/api/certification-joinings/{room.candidate['id']}", headers=room.zoe.auth).get_json()[
        "status"] == "ENDED_BY_INVIGILATOR"


def test_the_authorization_lasts_15_minutes(runtime, client, clock, room):
    join(client, room.zoe, room.session)
    invigilator = person("surveillant")
    invigilate(client, invigilator, room.session)
    client.post(f"/api/certification-candidates/{room.candidate['id']}/authorization", headers=invigilator.auth)
    clock.advance(minutes=15)
    assert_error(start(client, room.zoe, room.candidate["id"], room.session["access_code"]), 403,
                 "CANDIDATE_NOT_AUTHORIZED_TO_JOIN_SESSION")
    assert all(event["payload"]["candidate_id"] != room.candidate["id"]
               for event in published(runtime, "certification.course.started.v1"))


def test_the_invigilator_sees_every_candidate_once_in_name_order_with_where_they_are(runtime, client, clock, room):
    admin, session = room.admin, room.session
    for first, last in (("Adèle", "Martin"), ("Bruno", "Abel")):  # never arrives; arrives and is authorized
        assert client.post(f"/api/certification-sessions/{session['id']}/candidates", headers=admin.auth, json={
            **CANDIDATE, "first_name": first, "last_name": last, "external_id": last}).status_code == 201
    bruno = person("bruno")
    profile_of(runtime, bruno, CERTIFIABLE)
    assert join(client, bruno, session, first_name="Bruno", last_name="Abel").status_code == 201
    assert join(client, room.zoe, session).status_code == 201
    invigilator = person("surveillant")
    invigilate(client, invigilator, session)
    candidates = {c["last_name"]: c["id"] for c in client.get(
        f"/api/certification-sessions/{session['id']}/candidates", headers=admin.auth).get_json()["items"]}
    for name in ("Abel", "Lefèvre"):
        assert client.post(f"/api/certification-candidates/{candidates[name]}/authorization",
                           headers=invigilator.auth).status_code == 204
    course = start(client, room.zoe, room.candidate["id"], session["access_code"]).get_json()
    deliver(runtime, "assessment.certification_test.progressed.v1", course["course_id"], 4,
            course_id=course["course_id"], user_id=room.zoe.id, answers_count=3, questions_count=32,
            answered_at="2026-11-23T09:10:00Z")
    view = client.get(f"/api/certification-sessions/{session['id']}/invigilation", headers=invigilator.auth)
    assert view.status_code == 200, view.get_json()
    assert [(c["last_name"], c["status"], c["answers_count"], c["questions_count"], c["test_status"],
             c["started_at"] is not None, c["live_alert"]) for c in view.get_json()["candidates"]] == [
        ("Abel", "AUTHORIZED", None, None, None, False, None),
        ("Lefèvre", "STARTED", 3, 32, "IN_PROGRESS", True, None),
        ("Martin", "NOT_ARRIVED", None, None, None, False, None)]
    clock.advance(minutes=15)  # Bruno's authorization is over: joined, waiting again
    view = client.get(f"/api/certification-sessions/{session['id']}/invigilation", headers=invigilator.auth)
    assert [c["status"] for c in view.get_json()["candidates"]] == ["JOINED", "STARTED", "NOT_ARRIVED"]


@pytest.mark.parametrize(("changes", "status", "code"), [
    ({"session_number": 999_999_999}, 404, "SESSION_NOT_FOUND"),
    ({"birthdate": "1990-01-03"}, 404, "CANDIDATE_NOT_FOUND"),
    ({"last_name": "Lefevres"}, 404, "CANDIDATE_NOT_FOUND"),
])
def test_a_wrong_session_number_or_identity_joins_nothing(runtime, client, room, changes, status, code):
    assert_error(join(client, room.zoe, room.session, **changes), status, code)
    candidates = client.get(f"/api/certification-sessions/{room.session['id']}/candidates",
                            headers=room.admin.auth).get_json()["items"]
    assert [c["joined"] for c in candidates] == [False]


def test_an_enrolment_is_the_first_accounts_and_an_account_joins_as_one_candidate(runtime, client, room):
    assert join(client, room.zoe, room.session).status_code == 201
    assert join(client, room.zoe, room.session).status_code == 201  # again: the same answer
    other = person("other")
    profile_of(runtime, other, CERTIFIABLE)
    assert_error(join(client, other, room.session), 409, "UNEXPECTED_USER_ACCOUNT")
    assert_error(client.get(f"/api/certification-joinings/{room.candidate['id']}", headers=other.auth), 404,
                 "CANDIDATE_NOT_FOUND")


def test_a_person_not_certifiable_does_not_join(runtime, client, room):
    newcomer = person("newcomer")
    error = assert_error(join(client, newcomer, room.session), 403, "USER_NOT_CERTIFIABLE")
    assert error["details"]["reason"] == "NO_PROFILE"


def test_wrong_session_numbers_are_throttled_per_account_with_the_time_to_wait(runtime, client, clock, room):
    guesser = person("guesser")
    for number in range(1, 6):
        assert_error(join(client, guesser, {"number": 900_000_000 + number}), 404, "SESSION_NOT_FOUND")
    throttled = join(client, guesser, room.session)
    error = assert_error(throttled, 429, "TOO_MANY_ATTEMPTS")
    assert error["details"]["retry_after"] == 600 and throttled.headers["Retry-After"] == "600"
    assert join(client, room.zoe, room.session).status_code == 201  # another account is not slowed down
    clock.advance(minutes=10, seconds=1)
    assert_error(join(client, guesser, room.session), 409, "UNEXPECTED_USER_ACCOUNT")  # heard again: Zoé's


def test_wrong_access_codes_and_invigilator_passwords_count_as_failures(runtime, client, room):
    join(client, room.zoe, room.session)
    for _ in range(5):
        assert_error(start(client, room.zoe, room.candidate["id"], "BCDF22"), 422, "ACCESS_CODE_INVALID")
    assert_error(start(client, room.zoe, room.candidate["id"], room.session["access_code"]), 429,
                 "TOO_MANY_ATTEMPTS")
    snoop = person("snoop")
    for _ in range(5):
        assert_error(invigilate(client, snoop, room.session, "nope!!"), 403, "INVIGILATION_REFUSED")
    assert_error(invigilate(client, snoop, room.session), 429, "TOO_MANY_ATTEMPTS")


def test_only_who_opened_the_session_invigilates_it(runtime, client, room):
    join(client, room.zoe, room.session)
    stranger = person("stranger")
    for path in (f"/api/certification-candidates/{room.candidate['id']}/authorization",
                 f"/api/certification-candidates/{room.candidate['id']}/end-by-invigilator"):
        assert_error(client.post(path, headers=stranger.auth), 403, "NOT_AN_INVIGILATOR")
    assert_error(client.get(f"/api/certification-sessions/{room.session['id']}/invigilation", headers=stranger.auth),
                 403, "NOT_AN_INVIGILATOR")
    assert_error(start(client, stranger, room.candidate["id"], room.session["access_code"]), 404,
                 "CANDIDATE_NOT_FOUND")


def test_candidates_change_until_24_hours_after_the_first_start(runtime, client, clock, room):
    join(client, room.zoe, room.session)
    invigilator = person("surveillant")
    invigilate(client, invigilator, room.session)
    client.post(f"/api/certification-candidates/{room.candidate['id']}/authorization", headers=invigilator.auth)
    assert start(client, room.zoe, room.candidate["id"], room.session["access_code"]).status_code == 201
    base = f"/api/certification-sessions/{room.session['id']}"
    late = client.post(f"{base}/candidates", headers=room.admin.auth, json={**CANDIDATE, "first_name": "Léo"})
    assert late.status_code == 201
    assert_error(client.patch(base, headers=room.admin.auth, json={"room": "Z"}), 422, "SESSION_ALREADY_STARTED")
    assert_error(client.delete(f"/api/certification-candidates/{room.candidate['id']}", headers=room.admin.auth),
                 422, "CANDIDATE_ALREADY_STARTED")
    clock.advance(hours=24)
    assert_error(client.post(f"{base}/candidates", headers=room.admin.auth, json={**CANDIDATE, "first_name": "Ana"}),
                 422, "SESSION_EXPIRED")
    assert_error(client.patch(f"/api/certification-candidates/{late.get_json()['id']}", headers=room.admin.auth,
                              json={"extra_time_percentage": 10}), 422, "SESSION_EXPIRED")


def test_a_pupil_joins_with_the_account_the_school_linked_and_no_other(runtime, client, college):
    session = schedule(client, college.id, college.head).get_json()
    zoe = person("zoe")
    pupil(runtime, college.id, zoe, profile=CERTIFIABLE)
    client.post(f"/api/certification-sessions/{session['id']}/student-enrolments", headers=college.head.auth,
                json={"division": "3A"})
    impostor = person("impostor")
    profile_of(runtime, impostor, CERTIFIABLE)
    body = {"session_number": session["number"], "first_name": "Zoé", "last_name": "Lefèvre",
            "birthdate": "2011-04-02"}
    assert_error(client.post("/api/certification-joinings", headers=impostor.auth, json=body), 403,
                 "MATCHING_RECONCILED_STUDENT_NOT_FOUND")
    assert client.post("/api/certification-joinings", headers=zoe.auth, json=body).status_code == 201


def test_a_verification_code_already_taken_is_drawn_again(runtime, client, room, monkeypatch):
    taken = published(runtime, "certification.course.started.v1")
    if not taken:  # this test alone: make a course to take a code from
        other = client.post(f"/api/certification-sessions/{room.session['id']}/candidates", headers=room.admin.auth,
                            json={**CANDIDATE, "first_name": "Léo"}).get_json()
        leo = person("leo")
        profile_of(runtime, leo, CERTIFIABLE)
        join(client, leo, room.session, first_name="Léo")
        invigilator = person("surveillant")
        invigilate(client, invigilator, room.session)
        client.post(f"/api/certification-candidates/{other['id']}/authorization", headers=invigilator.auth)
        start(client, leo, other["id"], room.session["access_code"])
        taken = published(runtime, "certification.course.started.v1")
    code = taken[0]["payload"]["verification_code"]
    drawn = iter([code, "P-BCDFGHJK"])
    bound = runtime.dependencies()
    monkeypatch.setattr(runtime, "dependencies", lambda: dataclasses.replace(bound, verification_code=lambda: next(
        drawn)))
    join(client, room.zoe, room.session)
    invigilator = person("surveillant")
    invigilate(client, invigilator, room.session)
    client.post(f"/api/certification-candidates/{room.candidate['id']}/authorization", headers=invigilator.auth)
    started = start(client, room.zoe, room.candidate["id"], room.session["access_code"])
    assert started.status_code == 201, started.get_json()
    assert started.get_json()["verification_code"] == "P-BCDFGHJK"
