"""Certification through the gateway, on the real processes: a school becomes a centre by organizations' events,
a platform admin opens its window, a PRO centre's first admin joins by the mailed invitation, schedules a
session and enrols a candidate, who joins with their account, is authorized by an invigilator and starts: the
course's event reaches assessment, which makes the test, and the candidate answers its 32 questions through the
gateway, each chosen by the IRT rules, signalling a problem twice (the invigilator validates the first: another
question replaces it; and dismisses the second: she answers it), until assessment publishes the test's outcome. certification keeps it (the
invigilator sees question 32 of 32), the centre finalizes, a platform admin reviews and publishes, the candidate
is mailed and reads the certificate, and anyone checks it by its verification code, without an account.

assessment does not report a profile of 5 competences without a long test: the candidate's profile is published
here as assessment.assessment.completed.v1 (its contract's example, with the candidate's account), which is all
certification reads of assessment before the test."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path

import pika
import requests
from journeys import (
    answer_knowing_up_to,
    bearer,
    invitation_link,
    mail_link,
    organization_with_admin,
    platform_admin,
    sign_up,
    verify_email,
)

from msgkit.testing import blocking_channel, get_messages, wait_until
from msgkit.topology import declare_exchange
from svckit.contracts import load_contract

TOMORROW = (date.today() + timedelta(days=1)).isoformat()
SESSION = {"address": "1 rue de l'École", "room": "B12", "date": TOMORROW, "time": "09:00", "examiner": "M. Martin"}


def api(stack, method: str, path: str, token: str | dict, body: dict | None = None) -> requests.Response:
    headers = token if isinstance(token, dict) else bearer(token)
    return requests.request(method, f"{stack.gateway}{path}", headers=headers, json=body, timeout=10)


def test_a_school_is_a_centre_that_schedules_only_inside_its_window(stack):
    platform = platform_admin(stack)
    school_id, head = organization_with_admin(stack, platform, name="Collège Hugo", type="SCO",
                                              external_id=f"07{uuid.uuid4().int % 100_000:05d}A",  # a UAI: 7 digits and a letter
                                              manages_students=True)
    # certification hears of the school and of its admin from organizations' events.
    centres = wait_until(lambda: api(stack, "GET", "/api/certification-centers", head).json()["items"],
                         timeout=30, message="certification hearing of the school and its admin")
    assert [(c["id"], c["type"]) for c in centres] == [(school_id, "SCO")]
    sessions = f"/api/certification-centers/{school_id}/sessions"
    assert api(stack, "POST", sessions, head, SESSION).json()["error"]["code"] == "SCHOOL_KIND_UNKNOWN"
    assert api(stack, "PATCH", f"/api/admin/certification-centers/{school_id}", platform,
               {"school_kind": "LYCEE"}).status_code == 200
    # The stack is shared with other tests, which open windows of their own: this one's dates come after them all.
    windows = api(stack, "GET", "/api/certification-windows", platform).json()["items"]
    starts = max([date.fromisoformat(w["ends_on"]) for w in windows if w["school_kind"] == "LYCEE"],
                 default=date.today()) + timedelta(days=1)
    session = {**SESSION, "date": (starts + timedelta(days=1)).isoformat()}
    assert api(stack, "POST", sessions, head, session).json()["error"]["code"] == "SESSION_OUTSIDE_WINDOW"
    opened = api(stack, "POST", "/api/admin/certification-windows", platform, {
        "school_kind": "LYCEE", "starts_on": starts.isoformat(), "ends_on": (starts + timedelta(days=30)).isoformat()})
    assert opened.status_code == 201, opened.text
    scheduled = api(stack, "POST", sessions, head, session)
    assert scheduled.status_code == 201, scheduled.text


def publish_profile(stack, user_id: str) -> None:
    """assessment's part: the candidate's latest profile, level 1 in five competences."""
    message = load_contract("assessment.assessment.completed.v1", Path(__file__).parent).example
    message.update(message_id=str(uuid.uuid4()), aggregate_id=str(uuid.uuid4()))
    message["payload"].update(user_id=user_id, profile={"total_pix": 60, "certifiable": True, "competences": [
        {"competence_code": f"{area}.1", "area_code": str(area), "pix": 12, "level": 1} for area in range(1, 6)]})
    with blocking_channel(stack.amqp_url) as channel:
        declare_exchange(channel, "assessment")
        channel.confirm_delivery()
        channel.basic_publish("assessment.events", message["event_type"], json.dumps(message).encode(),
                              pika.BasicProperties(message_id=message["message_id"], delivery_mode=2))


def test_a_candidate_joins_is_authorized_starts_and_takes_the_test_in_assessment(stack):
    platform = platform_admin(stack)
    admin_email = f"certif.{uuid.uuid4().hex[:8]}@example.org"
    created = api(stack, "POST", "/api/admin/certification-centers", platform, {
        "type": "PRO", "name": "Formations Dupont", "admin_email": admin_email})
    assert created.status_code == 201, created.text
    center_id = created.json()["id"]
    invitation_id, code = invitation_link(stack, admin_email)  # certification's mail, through its outbox
    admin = sign_up(stack, "Claire", "Certif", admin_email)
    verify_email(stack, admin_email)

    def accepted():
        response = api(stack, "POST", f"/api/certification-center-invitations/{invitation_id}/accept", admin,
                       {"code": code})
        return None if response.status_code == 403 else response  # until certification hears of the address

    assert wait_until(accepted, timeout=30).json() == {"center_id": center_id}
    session = api(stack, "POST", f"/api/certification-centers/{center_id}/sessions", admin, SESSION).json()
    candidate = api(stack, "POST", f"/api/certification-sessions/{session['id']}/candidates", admin, {
        "first_name": "Zoé", "last_name": "Lefèvre", "birthdate": "1990-01-02", "sex": "F", "birthplace": "Lyon",
        "extra_time_percentage": 33}).json()
    zoe_email = f"zoe.{uuid.uuid4().hex[:8]}@example.org"
    zoe = sign_up(stack, "Zoé", "Lefèvre", zoe_email)
    zoe_id = api(stack, "GET", "/api/users/me", zoe).json()["id"]
    verify_email(stack, zoe_email)  # her results will be mailed to the account's verified address (none was given)
    join = {"session_number": session["number"], "first_name": "Zoe", "last_name": "LEFEVRE",
            "birthdate": "1990-01-02"}
    assert api(stack, "POST", "/api/certification-joinings", zoe, join).json()["error"]["code"] == \
        "USER_NOT_CERTIFIABLE"
    publish_profile(stack, zoe_id)
    joined = wait_until(lambda: (r := api(stack, "POST", "/api/certification-joinings", zoe, join)).status_code == 201
                        and r, timeout=30, message="certification hearing of the profile")
    assert joined.json()["id"] == candidate["id"]
    invigilator = sign_up(stack, "Sam", "Surveillant", f"sam.{uuid.uuid4().hex[:8]}@example.org")
    room = api(stack, "POST", "/api/certification-invigilations", invigilator, {
        "session_number": session["number"], "invigilator_password": session["invigilator_password"]}).json()
    assert [c["status"] for c in room["candidates"]] == ["JOINED"]
    with blocking_channel(stack.amqp_url) as channel:  # a queue of the test's own, as assessment's will be
        declare_exchange(channel, "certification")
        queue = f"e2e.courses.{uuid.uuid4().hex[:6]}"
        channel.queue_declare(queue, auto_delete=False)
        channel.queue_bind(queue, "certification.events", "certification.course.#")
        declare_exchange(channel, "assessment")
        channel.queue_bind(queue, "assessment.events", "assessment.certification_test.completed.#")
    start = {"candidate_id": candidate["id"], "access_code": session["access_code"]}
    assert api(stack, "POST", "/api/certification-courses", zoe, start).json()["error"]["code"] == \
        "CANDIDATE_NOT_AUTHORIZED_TO_JOIN_SESSION"
    assert api(stack, "POST", f"/api/certification-candidates/{candidate['id']}/authorization",
               invigilator).status_code == 204
    started = api(stack, "POST", "/api/certification-courses", zoe, start)
    assert started.status_code == 201, started.text
    [(_, body)] = wait_until(lambda: get_messages(stack.amqp_url, queue), timeout=30,
                             message="the relay publishing certification.course.started.v1")
    event = json.loads(body)
    assert event["event_type"] == "certification.course.started.v1"
    assert (event["payload"]["user_id"], event["payload"]["extra_time_percentage"],
            event["payload"]["verification_code"]) == (zoe_id, 33, started.json()["verification_code"])
    course_id = started.json()["course_id"]

    # The test: made in assessment from the event (the face waits for it), one question at a time, a counter only.
    test_path = f"/api/certification-courses/{course_id}/assessment"
    assert api(stack, "GET", test_path, invigilator).status_code == 404  # only the candidate's
    test = wait_until(lambda: (r := api(stack, "GET", test_path, zoe)).status_code == 200 and r.json(), timeout=30,
                      message="assessment making the test from certification.course.started.v1")
    assert (test["state"], test["answers_count"], test["questions_count"]) == ("STARTED", 0, 32)
    room_path = f"/api/certification-sessions/{session['id']}/invigilation"
    withdrawn = None
    for number in range(1, 33):
        asked = api(stack, "GET", f"{test_path}/next-challenge", zoe).json()
        assert asked["question_number"] == number
        assert api(stack, "GET", f"{test_path}/next-challenge", zoe).json()["challenge"]["id"] == \
            asked["challenge"]["id"]  # the same question until it is answered
        if number in (5, 9):
            # Zoé signals a problem with the question; the invigilator sees it, validates it the first time (another
            # question is served, the withdrawn one never counts) and dismisses it the second (she answers it).
            signalled = api(stack, "POST", f"/api/certification-courses/{course_id}/live-alerts",
                            {**bearer(zoe), "Idempotency-Key": str(uuid.uuid4())})
            assert signalled.status_code == 201, signalled.text
            alert = signalled.json()
            assert (alert["question_number"], alert["challenge_id"], alert["status"]) == (
                number, asked["challenge"]["id"], "ONGOING")
            refused = api(stack, "POST", f"{test_path}/answers", {**bearer(zoe), "Idempotency-Key": str(uuid.uuid4())},
                          answer_knowing_up_to(3, asked["challenge"]["id"]))
            assert refused.json()["error"]["code"] == "LIVE_ALERT_ONGOING"
            seen = wait_until(lambda: api(stack, "GET", room_path, invigilator).json()["candidates"][0]["live_alert"],
                              timeout=30, message="certification hearing of the live alert")
            assert (seen["id"], seen["question_number"]) == (alert["id"], number)
            decision = "validation" if number == 5 else "dismissal"
            assert api(stack, "POST", f"/api/certification-candidates/{candidate['id']}/live-alert/{decision}",
                       {**bearer(invigilator), "Idempotency-Key": str(uuid.uuid4())}).status_code == 204
            assert api(stack, "GET", room_path, invigilator).json()["candidates"][0]["live_alert"] is None
            status = "VALIDATED" if number == 5 else "DISMISSED"
            decided = wait_until(lambda status=status: (b := api(stack, "GET", f"{test_path}/next-challenge", zoe).json())[
                "live_alert"]["status"] == status and b, timeout=30, message="assessment applying the decision")
            assert decided["question_number"] == number
            if number == 5:
                withdrawn = asked["challenge"]["id"]
                assert decided["challenge"]["id"] != withdrawn  # another question in its place
            else:
                assert decided["challenge"]["id"] == asked["challenge"]["id"]  # the same one, answered as usual
            asked = decided
        key = {**bearer(zoe), "Idempotency-Key": str(uuid.uuid4())}
        answer = ({"challenge_id": asked["challenge"]["id"], "skipped": True} if number % 3 == 0
                  else answer_knowing_up_to(3, asked["challenge"]["id"]))
        answered = api(stack, "POST", f"{test_path}/answers", key, answer)
        assert answered.status_code == 201, answered.text
        assert "result" not in answered.json() and answered.json()["index"] == number  # never right or wrong
    over = api(stack, "GET", f"{test_path}/next-challenge", zoe).json()
    assert (over["state"], over["end_reason"], over["challenge"]) == ("ENDED", "COMPLETED", None)
    refused = api(stack, "POST", f"{test_path}/answers", {**bearer(zoe), "Idempotency-Key": str(uuid.uuid4())},
                  {"challenge_id": asked["challenge"]["id"], "skipped": True})
    assert refused.json()["error"]["code"] == "CERTIFICATION_TEST_ENDED"

    def completed():
        return [json.loads(body) for _, body in get_messages(stack.amqp_url, queue)
                if json.loads(body)["event_type"] == "assessment.certification_test.completed.v1"]

    [outcome] = wait_until(completed, timeout=30, message="assessment publishing the test's outcome")
    answers = outcome["payload"]["answers"]
    assert outcome["payload"]["course_id"] == course_id and len(answers) == 32
    assert [a["index"] for a in answers] == list(range(1, 33))
    assert all(answers[n - 1]["status"] == "skipped" for n in range(3, 33, 3))  # a skip is recorded as one
    assert {a["status"] for a in answers} <= {"ok", "ko", "skipped"}
    assert withdrawn not in {a["challenge_id"] for a in answers}  # the withdrawn question: not scored, not counted
    competences = {a["competence_code"] for a in answers}
    tubes = [a["tube_id"] for a in answers]
    assert len(competences) == 16 and len(set(tubes)) == 32  # every competence, one question per tube
    with blocking_channel(stack.amqp_url) as channel:
        channel.queue_delete(queue)

    # certification hears of the outcome: the invigilator sees the test finished, question 32 of 32.
    def finished():
        [mine] = api(stack, "GET", f"/api/certification-sessions/{session['id']}/invigilation", invigilator).json()[
            "candidates"]
        return mine["test_status"] == "COMPLETED" and mine

    mine = wait_until(finished, timeout=30, message="certification keeping the test's outcome")
    assert (mine["answers_count"], mine["questions_count"]) == (32, 32)

    # The centre finalizes; the automatic jury and the scoring run.
    finalization = f"/api/certification-sessions/{session['id']}/finalization"
    assert api(stack, "POST", finalization, invigilator, {}).json()["error"]["code"] == "NOT_A_CENTER_MEMBER"
    finalized = api(stack, "POST", finalization, admin, {"reports": [
        {"candidate_id": candidate["id"], "has_seen_end_screen": True, "issue_reports": [
            {"category": "NON_BLOCKING_TECHNICAL_ISSUE", "description": "Réseau lent à 9 h 10"}]}]})
    assert finalized.status_code == 200, finalized.text
    assert finalized.json()["session"]["status"] == "FINALIZED"

    # A platform admin reviews it and publishes it.
    jury = f"/api/admin/certification-sessions/{session['id']}"
    assert api(stack, "GET", jury, admin).json()["error"]["code"] == "PLATFORM_ADMIN_REQUIRED"
    review = api(stack, "POST", f"{jury}/assignment", platform).json()
    assert review["session"]["status"] == "IN_PROCESS" and review["publishable"] is True
    [reviewed] = review["candidates"]
    result = reviewed["result"]
    assert (result["status"], result["reason"], result["answers"], result["scale_version"]) == (
        "validated", "COMPLETE", 32, "v1")
    assert 0 <= result["score"] <= 895 and len(result["competence_levels"]) == 16
    assert [r["code"] for r in reviewed["issue_reports"]] == ["C7"]
    code = started.json()["verification_code"]
    unpublished = requests.post(f"{stack.gateway}/api/certificate-verifications", json={"verification_code": code},
                                timeout=10)
    assert unpublished.status_code == 404 and unpublished.json()["error"]["code"] == "CERTIFICATE_NOT_FOUND"
    published = api(stack, "POST", f"{jury}/publication", platform)
    assert published.status_code == 200, published.text
    assert published.json()["session"]["status"] == "PUBLISHED"

    # The candidate is mailed (certification's consumer, from its own event) and reads the certificate.
    assert mail_link(stack, zoe_email, "/mes-certifications")
    [certificate] = api(stack, "GET", "/api/certificates", zoe).json()["items"]
    assert (certificate["id"], certificate["score"], certificate["verification_code"], certificate["status"]) == (
        course_id, result["score"], code, "validated")
    assert certificate["certification_center"] == "Formations Dupont"

    # Anyone checks it by its code, with no account, and reads what the certificate shows.
    checked = requests.post(f"{stack.gateway}/api/certificate-verifications", json={"verification_code": code},
                            timeout=10)
    assert checked.status_code == 200, checked.text
    assert checked.json() == certificate
    unknown = requests.post(f"{stack.gateway}/api/certificate-verifications",
                            json={"verification_code": "P-BBBBBBBB"}, timeout=10)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "CERTIFICATE_NOT_FOUND"
