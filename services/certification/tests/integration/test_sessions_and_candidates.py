"""Sessions and candidates through the API, on the real database."""

import io

from certification_it import (
    CANDIDATE,
    CERTIFIABLE,
    NOT_CERTIFIABLE,
    SESSION,
    person,
    pro_center,
    published,
    pupil,
    schedule,
    school,
)

from svckit.testing import assert_error


def test_a_school_schedules_a_session_in_its_window_with_a_number_and_drawn_codes(runtime, client, college):
    response = schedule(client, college.id, college.head)
    assert response.status_code == 201, response.get_json()
    session = response.get_json()
    assert session["status"] == "CREATED" and session["number"] >= 1001
    assert len(session["access_code"]) == 6 and len(session["invigilator_password"]) == 6
    other = schedule(client, college.id, college.head).get_json()
    assert other["number"] > session["number"] and other["access_code"] != session["access_code"]
    [event] = published(runtime, "certification.session.scheduled.v1", session["id"])
    assert event["payload"]["number"] == session["number"]
    page = client.get(f"/api/certification-centers/{college.id}/sessions", headers=college.head.auth).get_json()
    assert {s["id"] for s in page["items"]} >= {session["id"], other["id"]} and page["total"] >= 2


def test_a_session_outside_the_window_or_in_the_past_is_refused_and_nothing_is_saved(runtime, client, college):
    before = client.get(f"/api/certification-centers/{college.id}/sessions", headers=college.head.auth).get_json()
    assert_error(schedule(client, college.id, college.head, date="2027-03-01"), 422, "SESSION_OUTSIDE_WINDOW")
    assert_error(schedule(client, college.id, college.head, date="2026-11-23", time="09:59"), 422,
                 "SESSION_SCHEDULED_IN_THE_PAST")
    assert_error(schedule(client, college.id, college.head, time="25:00"), 400, "SESSION_TIME_NOT_VALID")
    assert_error(schedule(client, college.id, college.head, examiner=" "), 400, "SESSION_EXAMINER_REQUIRED")
    assert_error(schedule(client, college.id, person("stranger")), 403, "NOT_A_CENTER_MEMBER")
    after = client.get(f"/api/certification-centers/{college.id}/sessions", headers=college.head.auth).get_json()
    assert after["total"] == before["total"]


def test_a_school_whose_kind_is_unknown_cannot_schedule(runtime, client):
    head = person("principal")
    center_id = school(runtime, head)
    assert_error(schedule(client, center_id, head), 422, "SCHOOL_KIND_UNKNOWN")


def test_a_session_is_edited_by_a_member_until_its_first_start(runtime, client, college):
    session = schedule(client, college.id, college.head).get_json()
    path = f"/api/certification-sessions/{session['id']}"
    edited = client.patch(path, headers=college.head.auth, json={"room": "C4", "description": None})
    assert edited.status_code == 200 and edited.get_json()["room"] == "C4"
    assert edited.get_json()["description"] is None
    assert_error(client.patch(path, headers=college.head.auth, json={"date": "2027-05-01"}), 422,
                 "SESSION_OUTSIDE_WINDOW")
    assert_error(client.patch(path, headers=person("x").auth, json={"room": "D"}), 403, "NOT_A_CENTER_MEMBER")
    assert client.get(path, headers=college.head.auth).get_json()["room"] == "C4"


def test_a_school_enrols_a_class_but_its_pupils_not_eligible_who_are_listed_with_the_reason(runtime, client,
                                                                                               college):
    session = schedule(client, college.id, college.head).get_json()
    able, weak, lost = person("zoe"), person("leo"), None
    able_id = pupil(runtime, college.id, able, profile=CERTIFIABLE)
    weak_id = pupil(runtime, college.id, weak, first="Léo", last="Martin", profile=NOT_CERTIFIABLE)
    lost_id = pupil(runtime, college.id, lost, first="Ana", last="Petit")
    pupil(runtime, college.id, person("tom"), first="Tom", last="Autre", division="3B", profile=CERTIFIABLE)
    base = f"/api/certification-sessions/{session['id']}"
    assert client.get(f"{base}/divisions", headers=college.head.auth).get_json()["items"] == ["3A", "3B"]
    listed = client.get(f"{base}/students?division=3A", headers=college.head.auth).get_json()["items"]
    assert {(s["learner_id"], s["reason"]) for s in listed} == {
        (able_id, None), (weak_id, "NOT_ENOUGH_COMPETENCES"), (lost_id, "NO_ACCOUNT")}
    response = client.post(f"{base}/student-enrolments", headers=college.head.auth, json={"division": "3A"})
    assert response.status_code == 201, response.get_json()
    outcome = response.get_json()
    assert len(outcome["enrolled"]) == 1
    assert {(n["learner_id"], n["reason"]) for n in outcome["not_enrolled"]} == {
        (weak_id, "NOT_ENOUGH_COMPETENCES"), (lost_id, "NO_ACCOUNT")}
    [candidate] = client.get(f"{base}/candidates", headers=college.head.auth).get_json()["items"]
    assert (candidate["organization_learner_id"], candidate["first_name"]) == (able_id, "Zoé")
    again = client.post(f"{base}/student-enrolments", headers=college.head.auth, json={"division": "3A"}).get_json()
    assert again["enrolled"] == [] and ("ALREADY_ENROLLED" in {n["reason"] for n in again["not_enrolled"]})
    assert_error(client.post(f"{base}/student-enrolments", headers=college.head.auth, json={"division": "6Z"}),
                 404, "DIVISION_NOT_FOUND")
    assert_error(client.post(f"{base}/candidates", headers=college.head.auth, json=CANDIDATE), 422,
                 "SCHOOL_ENROLS_ITS_STUDENTS")


def test_a_pro_centre_enrols_candidates_one_by_one_and_changes_their_extra_time(runtime, client, platform_admin):
    center_id, admin = pro_center(client, platform_admin, runtime)
    session = schedule(client, center_id, admin).get_json()
    base = f"/api/certification-sessions/{session['id']}"
    created = client.post(f"{base}/candidates", headers=admin.auth, json=CANDIDATE)
    assert created.status_code == 201, created.get_json()
    candidate = created.get_json()
    assert (candidate["extra_time_percentage"], candidate["result_email"], candidate["joined"]) == (
        33, "resultats@example.org", False)
    assert_error(client.post(f"{base}/candidates", headers=admin.auth,
                             json={**CANDIDATE, "first_name": "ZOE", "last_name": "lefevre"}), 409,
                 "DUPLICATE_CANDIDATE")
    assert_error(client.post(f"{base}/candidates", headers=admin.auth, json={**CANDIDATE, "sex": "X"}), 400,
                 "CANDIDATE_SEX_NOT_VALID")
    path = f"/api/certification-candidates/{candidate['id']}"
    assert client.patch(path, headers=admin.auth, json={"extra_time_percentage": 50}).get_json()[
        "extra_time_percentage"] == 50
    assert_error(client.patch(path, headers=admin.auth, json={"extra_time_percentage": 150}), 400,
                 "CANDIDATE_EXTRA_TIME_OUT_OF_RANGE")
    assert client.delete(path, headers=admin.auth).status_code == 204
    assert client.get(f"{base}/candidates", headers=admin.auth).get_json()["items"] == []


def upload(client, session_id, who, text: str, name="candidats.csv"):
    return client.post(f"/api/certification-sessions/{session_id}/candidates/imports", headers=who.auth,
                       data={"file": (io.BytesIO(text.encode("utf-8-sig")), name)},
                       content_type="multipart/form-data")


def test_a_csv_of_candidates_enrols_all_or_none_with_errors_by_line(runtime, client, platform_admin):
    center_id, admin = pro_center(client, platform_admin, runtime)
    session = schedule(client, center_id, admin).get_json()
    header = "Prénom;Nom de naissance;Date de naissance;Sexe;Lieu de naissance;Identifiant local;Temps majoré\n"
    bad = header + ("Zoé;Lefèvre;02/01/1990;F;Lyon;E1;\n"
                    "Léo;Martin;1990-13-40;M;Paris;E2;\n"
                    "Ana;Petit;1991-05-06;X;Paris;E3;33\n"
                    "zoe;LEFEVRE;1990-01-02;F;Lyon;E4;\n")
    error = assert_error(upload(client, session["id"], admin, bad), 422, "CANDIDATES_FILE_INVALID")
    assert [(line["line"], line["code"]) for line in error["details"]["errors"]] == [
        (3, "CANDIDATE_BIRTHDATE_FORMAT_NOT_VALID"), (4, "CANDIDATE_SEX_NOT_VALID"), (5, "DUPLICATE_CANDIDATE")]
    assert error["details"]["error_count"] == 3
    assert (error["details"]["errors"][1]["field"], error["details"]["errors"][1]["value"]) == ("sex", "X")
    # a value the reader could not read is shown as it was typed
    assert (error["details"]["errors"][0]["field"], error["details"]["errors"][0]["value"]) == (
        "birthdate", "1990-13-40")
    base = f"/api/certification-sessions/{session['id']}/candidates"
    assert client.get(base, headers=admin.auth).get_json()["items"] == []
    assert_error(upload(client, session["id"], admin, "Prénom;Couleur\nZoé;bleu\n"), 422,
                 "CANDIDATES_FILE_HEADER_NOT_VALID")
    good = header + "Zoé;Lefèvre;02/01/1990;F;Lyon;E1;\nAna;Petit;1991-05-06;F;Paris;E3;33 %\n"
    response = upload(client, session["id"], admin, good)
    assert response.status_code == 201, response.get_json()
    assert len(response.get_json()["enrolled"]) == 2
    enrolled = client.get(base, headers=admin.auth).get_json()["items"]
    assert {(c["last_name"], c["birthdate"], c["extra_time_percentage"]) for c in enrolled} == {
        ("Lefèvre", "1990-01-02", 0), ("Petit", "1991-05-06", 33)}


def test_a_session_and_its_candidates_are_the_centres_only(runtime, client, college, platform_admin):
    session = schedule(client, college.id, college.head).get_json()
    center_id, other_admin = pro_center(client, platform_admin, runtime)
    base = f"/api/certification-sessions/{session['id']}"
    for method, path, body in [("get", base, None), ("get", f"{base}/candidates", None),
                               ("post", f"{base}/candidates", CANDIDATE),
                               ("post", f"{base}/student-enrolments", {"division": "3A"})]:
        assert_error(getattr(client, method)(path, headers=other_admin.auth, json=body), 403, "NOT_A_CENTER_MEMBER")
    assert_error(client.post(f"/api/certification-centers/{center_id}/sessions", headers=college.head.auth,
                             json=SESSION), 403, "NOT_A_CENTER_MEMBER")
