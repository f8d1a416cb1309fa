"""After the test, on the real database: assessment's progress and outcomes consumed, the centre finalizes, a
platform admin reviews and publishes, the candidate reads the certificate and anyone checks it by its code."""

import dataclasses
import threading
from pathlib import Path

import pytest
from certification_it import (
    CANDIDATE,
    CERTIFIABLE,
    complete,
    deliver,
    person,
    pro_center,
    profile_of,
    published,
    racing,
    schedule,
)

from certification.entrypoints.api.app import create_app
from msgkit import Envelope
from svckit.contracts import load_contract
from svckit.testing import assert_error, handle_envelope

OTHER = {**CANDIDATE, "first_name": "Max", "last_name": "Durand", "birthdate": "1991-05-06", "result_email": None,
         "external_id": "E-43"}


def _start(client, who, session, candidate, identity):
    joined = client.post("/api/certification-joinings", headers=who.auth, json={
        "session_number": session["number"], "first_name": identity["first_name"],
        "last_name": identity["last_name"], "birthdate": identity["birthdate"]})
    assert joined.status_code == 201, joined.get_json()
    return joined


@pytest.fixture
def room(runtime, client, platform_admin):
    """A PRO centre's session where Zoé and Max started their test, with the invigilator who let them in."""
    center_id, admin = pro_center(client, platform_admin, runtime)
    session = schedule(client, center_id, admin).get_json()
    zoe, max_, invigilator = person("zoe"), person("max"), person("surveillant")
    courses = {}
    assert client.post("/api/certification-invigilations", headers=invigilator.auth, json={
        "session_number": session["number"], "invigilator_password": session["invigilator_password"]}
    ).status_code == 200
    for who, identity in ((zoe, CANDIDATE), (max_, OTHER)):
        candidate = client.post(f"/api/certification-sessions/{session['id']}/candidates", headers=admin.auth,
                                json=identity).get_json()
        profile_of(runtime, who, CERTIFIABLE)
        _start(client, who, session, candidate, identity)
        assert client.post(f"/api/certification-candidates/{candidate['id']}/authorization",
                           headers=invigilator.auth).status_code == 204
        started = client.post("/api/certification-courses", headers=who.auth,
                              json={"candidate_id": candidate["id"], "access_code": session["access_code"]})
        assert started.status_code == 201, started.get_json()
        courses[who.id] = {**started.get_json(), "candidate_id": candidate["id"]}
    return dataclasses.make_dataclass("Room", ["center_id", "admin", "session", "zoe", "max", "invigilator",
                                               "courses"])(center_id, admin, session, zoe, max_, invigilator,
                                                           courses)


def progress(runtime, course: dict, who, answers: int, version: int):
    deliver(runtime, "assessment.certification_test.progressed.v1", course["course_id"], version,
            course_id=course["course_id"], user_id=who.id, answers_count=answers, questions_count=32,
            answered_at="2026-11-23T09:10:00Z")


def finalize(client, room, **body):
    return client.post(f"/api/certification-sessions/{room.session['id']}/finalization", headers=room.admin.auth,
                       json=body)


def test_progress_shows_question_n_of_32_to_the_invigilator_and_the_centre(runtime, client, room):
    zoe = room.courses[room.zoe.id]
    progress(runtime, zoe, room.zoe, 4, 5)
    progress(runtime, zoe, room.zoe, 3, 4)  # an older progress, redelivered late: changes nothing
    live = client.get(f"/api/certification-sessions/{room.session['id']}/invigilation",
                      headers=room.invigilator.auth).get_json()
    by_id = {c["id"]: c for c in live["candidates"]}
    assert {k: by_id[zoe["candidate_id"]][k] for k in ("status", "answers_count", "questions_count",
                                                        "test_status")} == {
        "status": "STARTED", "answers_count": 4, "questions_count": 32, "test_status": "IN_PROGRESS"}
    max_ = by_id[room.courses[room.max.id]["candidate_id"]]
    assert (max_["answers_count"], max_["test_status"]) == (0, "IN_PROGRESS")  # started, nothing answered yet
    complete(runtime, zoe, room.zoe, ["ok"] * 32)
    progress(runtime, zoe, room.zoe, 31, 39)  # a progress after the outcome does not undo it
    listed = client.get(f"/api/certification-sessions/{room.session['id']}/candidates",
                        headers=room.admin.auth).get_json()["items"]
    mine = next(c for c in listed if c["id"] == zoe["candidate_id"])
    assert (mine["answers_count"], mine["test_status"]) == (32, "COMPLETED")


def test_a_session_is_finalized_scored_reviewed_published_mailed_and_its_certificate_checked(
        runtime, client, clock, room, platform_admin, tmp_path):
    zoe, max_ = room.courses[room.zoe.id], room.courses[room.max.id]
    complete(runtime, zoe, room.zoe, ["ok"] * 20 + ["ko", "skipped"] + ["ok"] * 10)
    # Max is still answering: no finalization, nothing changed.
    refused = assert_error(finalize(client, room), 422, "CANDIDATE_STILL_IN_PROGRESS")
    assert refused["details"]["candidate_ids"] == [max_["candidate_id"]]
    complete(runtime, max_, room.max, ["ko"] * 22, end_reason="ENDED_BY_INVIGILATOR")
    # Max did not finish: his abort reason is needed.
    assert_error(finalize(client, room), 422, "UNTERMINATED_CERTIFICATION_WITHOUT_ABORT_REASON")
    assert client.get(f"/api/certification-sessions/{room.session['id']}", headers=room.admin.auth).get_json()[
        "status"] == "CREATED"
    done = finalize(client, room, global_comment=None, reports=[
        {"candidate_id": zoe["candidate_id"], "has_seen_end_screen": True, "abort_reason": "technical",
         "issue_reports": [{"category": "IN_CHALLENGE", "subcategory": "WEBSITE_BLOCKED", "question_number": 21},
                           {"category": "IN_CHALLENGE", "subcategory": "SOFTWARE_NOT_WORKING", "question_number": 1},
                           {"category": "NON_BLOCKING_TECHNICAL_ISSUE", "description": "Réseau lent"}]},
        {"candidate_id": max_["candidate_id"], "abort_reason": "candidate"}])
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["abort_reasons_dropped"] == [zoe["candidate_id"]]  # she finished: no abort reason
    assert (done.get_json()["session"]["status"], done.get_json()["session"]["finalized_at"]) == (
        "FINALIZED", "2026-11-23T09:00:00+00:00")
    assert_error(finalize(client, room), 409, "SESSION_ALREADY_FINALIZED")

    # The jury's view: the automatic jury neutralized question 21 (wrong), kept question 1 (right).
    jury = f"/api/admin/certification-sessions/{room.session['id']}"
    assert_error(client.get(jury, headers=room.admin.auth), 403, "PLATFORM_ADMIN_REQUIRED")
    review = client.get(jury, headers=platform_admin.auth).get_json()
    assert review["publishable"] is True and review["session"]["status"] == "FINALIZED"
    by_course = {c["course_id"]: c for c in review["candidates"]}
    mine = by_course[zoe["course_id"]]
    assert [(r["code"], r["resolved"], r["resolution"]) for r in mine["issue_reports"]] == [
        ("E5", True, "NEUTRALIZED"), ("E9", True, "NOT_NEUTRALIZED_RIGHT_ANSWER"), ("C7", False, None)]
    assert [a["index"] for a in mine["answers"] if a["neutralized"]] == [21]
    assert (mine["result"]["status"], mine["result"]["reason"], mine["result"]["counted"]) == (
        "validated", "COMPLETE", 31)
    assert len(mine["result"]["competence_levels"]) == 16 and mine["result"]["scale_version"] == "v1"
    his = by_course[max_["course_id"]]["result"]
    assert (his["status"], his["reason"], his["simulated_skips"]) == ("validated", "DEGRADED_AFTER_ABANDON", 10)
    first_score = mine["result"]["score"]
    listed = client.get("/api/admin/certification-sessions?status=FINALIZED", headers=platform_admin.auth).get_json()
    assert room.session["id"] in {s["id"] for s in listed["items"]}

    # Before publication, nobody reads a certificate.
    assert_error(client.post("/api/certificate-verifications", json={"verification_code": zoe["verification_code"]}),
                 404, "CERTIFICATE_NOT_FOUND")
    assert client.get("/api/certificates", headers=room.zoe.auth).get_json()["items"] == []

    # The admin takes it (IN_PROCESS), neutralizes question 22 (skipped): rescored, higher; then takes it back.
    taken = client.post(f"{jury}/assignment", headers=platform_admin.auth).get_json()
    assert taken["session"]["status"] == "IN_PROCESS" and taken["assigned_to"] == platform_admin.id
    neutralize = f"{jury}/courses/{zoe['course_id']}/neutralizations"
    again = client.post(neutralize, headers=platform_admin.auth,
                        json={"challenge_id": "challenge21", "neutralized": True}).get_json()
    rescored = next(c for c in again["candidates"] if c["course_id"] == zoe["course_id"])["result"]
    assert rescored["counted"] == 30 and rescored["score"] >= first_score
    back = client.post(neutralize, headers=platform_admin.auth,
                       json={"challenge_id": "challenge21", "neutralized": False}).get_json()
    assert next(c for c in back["candidates"] if c["course_id"] == zoe["course_id"])["result"]["score"] == first_score
    assert_error(client.post(neutralize, headers=platform_admin.auth,
                             json={"challenge_id": "challenge99", "neutralized": True}), 404, "CHALLENGE_NOT_ASKED")
    commented = client.put(f"{jury}/comment", headers=platform_admin.auth, json={"comment": "Vu."}).get_json()
    assert commented["jury_comment"] == "Vu."

    # Published: one event per candidate, as its contract says; mailed to whom an address is known.
    assert_error(client.post(f"{jury}/publication", headers=room.admin.auth), 403, "PLATFORM_ADMIN_REQUIRED")
    clock.advance(days=2)
    out = client.post(f"{jury}/publication", headers=platform_admin.auth)
    assert out.status_code == 200, out.get_json()
    assert out.get_json()["session"]["status"] == "PUBLISHED"
    assert_error(client.post(f"{jury}/publication", headers=platform_admin.auth), 409, "SESSION_ALREADY_PUBLISHED")
    assert_error(client.post(neutralize, headers=platform_admin.auth,
                             json={"challenge_id": "challenge21", "neutralized": True}), 409,
                 "SESSION_ALREADY_PUBLISHED")
    contract = load_contract("certification.results.published.v1", Path(__file__).parent)
    [event] = published(runtime, "certification.results.published.v1", zoe["course_id"])
    contract.validate_payload(event["payload"])
    payload = event["payload"]
    assert {k: payload[k] for k in ("user_id", "center_id", "center_type", "uai", "status", "score",
                                    "verification_code", "external_id", "certification_date")} == {
        "user_id": room.zoe.id, "center_id": room.center_id, "center_type": "PRO", "uai": None,
        "status": "validated", "score": first_score, "verification_code": zoe["verification_code"],
        "external_id": "E-42", "certification_date": "2026-12-01"}
    [his_event] = published(runtime, "certification.results.published.v1", max_["course_id"])
    for envelope in (event, his_event):
        handle_envelope(runtime, Envelope.from_dict(envelope))
    mails = [path.read_text() for path in (tmp_path / "mail").glob("*.eml")]
    results_mails = [m for m in mails if "certification" in m and "mes-certifications" in m]
    assert len(results_mails) == 1 and "resultats@example.org" in results_mails[0]  # Max gave none, no verified one

    # The candidate reads the certificate; anyone checks it by its code, and reads only what it shows.
    [certificate] = client.get("/api/certificates", headers=room.zoe.auth).get_json()["items"]
    assert {k: certificate[k] for k in ("id", "first_name", "last_name", "birthplace", "certification_center",
                                        "status", "score", "max_score", "verification_code")} == {
        "id": zoe["course_id"], "first_name": "Zoé", "last_name": "Lefèvre", "birthplace": "Lyon",
        "certification_center": "Formations Dupont", "status": "validated", "score": first_score, "max_score": 895,
        "verification_code": zoe["verification_code"]}
    assert len(certificate["competence_levels"]) == 16
    assert client.get(f"/api/certificates/{zoe['course_id']}", headers=room.zoe.auth).get_json() == certificate
    assert_error(client.get(f"/api/certificates/{zoe['course_id']}", headers=room.max.auth), 404,
                 "CERTIFICATE_NOT_FOUND")
    checked = client.post("/api/certificate-verifications",
                          json={"verification_code": zoe["verification_code"].lower()})
    assert checked.status_code == 200 and checked.get_json() == certificate
    assert "result_email" not in checked.get_json() and "capacity" not in checked.get_json()
    assert_error(client.post("/api/certificate-verifications", json={"verification_code": "P-BBBBBBBB"}), 404,
                 "CERTIFICATE_NOT_FOUND")
    assert_error(client.post("/api/certificate-verifications", json={}), 400)


def test_finalization_refuses_bad_reports_and_changes_nothing(runtime, client, room):
    zoe, max_ = room.courses[room.zoe.id], room.courses[room.max.id]
    complete(runtime, zoe, room.zoe, ["ok"] * 32)
    complete(runtime, max_, room.max, ["ok"] * 32)
    stranger = person("stranger")
    assert_error(client.post(f"/api/certification-sessions/{room.session['id']}/finalization",
                             headers=stranger.auth, json={}), 403, "NOT_A_CENTER_MEMBER")
    for report, status, code in (
            ({"candidate_id": room.invigilator.id}, 400, "CANDIDATE_REPORT_UNKNOWN"),
            ({"candidate_id": zoe["candidate_id"], "issue_reports": [{"category": "OTHER"}]}, 400,
             "ISSUE_REPORT_CATEGORY_NOT_VALID"),
            ({"candidate_id": zoe["candidate_id"], "abort_reason": "bored"}, 400, "ABORT_REASON_NOT_VALID"),
            ([{"candidate_id": zoe["candidate_id"]}] * 2, 400, "CANDIDATE_REPORT_DUPLICATED"),
            ({"candidate_id": zoe["candidate_id"], "issue_reports": [
                {"category": "IN_CHALLENGE", "subcategory": "WEBSITE_BLOCKED"}]}, 400,
             "ISSUE_REPORT_QUESTION_NUMBER_REQUIRED")):
        assert_error(finalize(client, room, reports=report if isinstance(report, list) else [report]), status, code)
    assert_error(finalize(client, room, global_comment="x" * 6000), 400)
    assert client.get(f"/api/admin/certification-sessions/{room.session['id']}",
                      headers=person("admin", ("SUPER_ADMIN",)).auth).get_json()["candidates"][0]["result"] is None
    assert client.get(f"/api/certification-sessions/{room.session['id']}", headers=room.admin.auth).get_json()[
        "status"] == "CREATED"
    # A global comment makes the session need a look before publication.
    assert finalize(client, room, global_comment="Coupure de courant à 10 h").status_code == 200
    # The finalized session is closed to the day's actions.
    assert_error(client.post(f"/api/certification-candidates/{zoe['candidate_id']}/authorization",
                             headers=room.invigilator.auth), 422, "SESSION_NOT_ACCESSIBLE")


def test_a_session_nobody_started_is_not_finalized(runtime, client, platform_admin):
    center_id, admin = pro_center(client, platform_admin, runtime)
    session = schedule(client, center_id, admin).get_json()
    assert_error(client.post(f"/api/certification-sessions/{session['id']}/finalization", headers=admin.auth,
                             json={}), 422, "SESSION_WITHOUT_STARTED_CERTIFICATION")
    assert_error(client.post(f"/api/admin/certification-sessions/{session['id']}/publication",
                             headers=platform_admin.auth), 422, "SESSION_NOT_FINALIZED")


def test_the_incident_categories_are_listed_with_their_codes(client, room):
    categories = client.get("/api/certification-issue-report-categories", headers=room.admin.auth).get_json()
    in_challenge = next(c for c in categories["categories"] if c["category"] == "IN_CHALLENGE")
    assert {"subcategory": "WEBSITE_BLOCKED", "code": "E5", "label_fr": "Le site est bloqué par les restrictions de "
            "l'établissement", "label_en": "The website is blocked by the centre's restrictions",
            "deprecated": False} in in_challenge["subcategories"]


def test_two_finalizations_at_once_make_one_and_the_other_is_told(runtime, client, room, monkeypatch):
    for who in (room.zoe, room.max):
        complete(runtime, room.courses[who.id], who, ["ok"] * 32)
    racing(runtime, monkeypatch)
    statuses, codes = [], []
    clients = iter([create_app(runtime).test_client() for _ in range(2)])  # built before the race, not in it

    def finalize_now():
        response = next(clients).post(
            f"/api/certification-sessions/{room.session['id']}/finalization", headers=room.admin.auth, json={})
        statuses.append(response.status_code)
        codes.append((response.get_json().get("error") or {}).get("code"))

    threads = [threading.Thread(target=finalize_now) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [200, 409] and "CONCURRENT_UPDATE" in codes
