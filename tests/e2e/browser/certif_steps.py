"""What happens around a centre member in the Certif journeys, done through the API as the other people would
do it: the platform admin creates a PRO centre or a school and opens a window, the first admin joins by the
mailed invitation, a pupil finds themself in the school's list, assessment reports a candidate's profile; a
candidate joins, is authorized, starts and answers; the invigilator ends a test."""

from __future__ import annotations

import os
import subprocess
import uuid
from datetime import date, timedelta

import requests
from journeys import PASSWORD, answer_knowing_up_to, bearer, invitation_link, log_in, sign_up, verify_email
from orga_steps import SIECLE_XML, UAI, unique_email
from test_certification_journey import publish_profile

from msgkit.testing import wait_until
from svckit.testing import service_command

TOMORROW = date.today() + timedelta(days=1)
FAR = date.today() + timedelta(days=60)  # outside any window the tests open
SESSION = {"address": "12 rue des Lilas, Lyon", "room": "Salle 3", "date": TOMORROW.isoformat(), "time": "14:30",
           "examiner": "Mme Durand"}
FR = {"email": "Adresse e-mail", "password": "Mot de passe"}

__all__ = ["FAR", "FR", "SESSION", "TOMORROW", "answer_questions", "api", "centres_of", "eligible_pupil", "end_test",
           "import_pupils", "invigilator", "joined_candidate", "open_window", "platform_admin_account", "pro_centre",
           "publish_profile", "start_test", "unique_email"]


def api(stack, method: str, path: str, token: str, body: dict | None = None) -> requests.Response:
    return requests.request(method, f"{stack.gateway}{path}", headers=bearer(token), json=body, timeout=10)


def pro_centre(stack, platform: str, name: str, first_name: str = "Claire", last_name: str = "Certif") -> tuple[
        str, str, str]:
    """A PRO centre whose first admin signed up from the invitation mail and accepted it: (centre id, the
    admin's address, the admin's token)."""
    admin_email = unique_email("centre")
    created = api(stack, "POST", "/api/admin/certification-centers", platform, {
        "type": "PRO", "name": name, "admin_email": admin_email})
    assert created.status_code == 201, created.text
    invitation_id, code = invitation_link(stack, admin_email)
    token = sign_up(stack, first_name, last_name, admin_email)
    verify_email(stack, admin_email)

    def accepted():
        response = api(stack, "POST", f"/api/certification-center-invitations/{invitation_id}/accept", token,
                       {"code": code})
        return None if response.status_code == 403 else response  # until certification hears of the address

    assert wait_until(accepted, timeout=30).status_code == 200
    return created.json()["id"], admin_email, token


def centres_of(stack, token: str) -> list[dict]:
    """The account's centres, once certification has heard of them (a school's admins come by events)."""
    return wait_until(lambda: api(stack, "GET", "/api/certification-centers", token).json()["items"], timeout=30,
                      message="certification hearing of the centre and its admin")


def open_window(stack, platform: str, kind: str) -> None:
    """A national window of this kind open today and tomorrow (not 60 days from now): the one already open,
    else a new one from today."""
    windows = api(stack, "GET", "/api/certification-windows", platform).json()["items"]
    if any(w["school_kind"] == kind and w["starts_on"] <= date.today().isoformat()
           and TOMORROW.isoformat() <= w["ends_on"] < FAR.isoformat() for w in windows):
        return
    opened = api(stack, "POST", "/api/admin/certification-windows", platform, {
        "school_kind": kind, "starts_on": date.today().isoformat(),
        "ends_on": (date.today() + timedelta(days=20)).isoformat()})
    assert opened.status_code == 201, opened.text


def import_pupils(stack, token: str, organization_id: str, uai: str) -> None:
    """The school's SIECLE export (orga_steps.PUPILS), imported by its admin."""
    export = SIECLE_XML.read_text(encoding="utf-8").replace(f"<UAJ>{UAI}</UAJ>", f"<UAJ>{uai}</UAJ>")

    def imported():
        response = requests.post(f"{stack.gateway}/api/organizations/{organization_id}/learners/imports",
                                 headers=bearer(token), timeout=30, data={"mode": "ADD_UPDATE"},
                                 files={"file": ("ElevesSansAdresses.xml", export.encode("utf-8"))})
        return response.status_code == 201

    wait_until(imported, timeout=30, message="the SIECLE import")


def eligible_pupil(stack, token: str) -> None:
    """assessment's part: the account's latest profile has level 1 in five competences."""
    user_id = requests.get(f"{stack.gateway}/api/users/me", headers=bearer(token), timeout=10).json()["id"]
    publish_profile(stack, user_id)


def platform_admin_account(stack) -> tuple[str, str]:
    """A platform admin made as an operator does (``identity create-admin``): (address, token)."""
    email = f"platform.{uuid.uuid4().hex[:8]}@example.org"
    command = subprocess.run([*service_command("identity"), "create-admin", "--email", email, "--password-stdin"],
                             input=f"{PASSWORD}\n", text=True, capture_output=True,
                             env={**os.environ, **stack.identity_env})
    assert command.returncode == 0, command.stdout + command.stderr
    return email, log_in(stack, email)


def joined_candidate(stack, centre: str, session: dict, first_name: str, last_name: str, birthdate: str) -> tuple[
        str, str]:
    """A candidate the centre enrolled, with an eligible account, who joined the session: (candidate id, token)."""
    enrolled = api(stack, "POST", f"/api/certification-sessions/{session['id']}/candidates", centre, {
        "first_name": first_name, "last_name": last_name, "birthdate": birthdate, "sex": "F", "birthplace": "Lyon"})
    assert enrolled.status_code == 201, enrolled.text
    token = sign_up(stack, first_name, last_name, unique_email(first_name.lower()))
    eligible_pupil(stack, token)
    join = {"session_number": session["number"], "first_name": first_name, "last_name": last_name,
            "birthdate": birthdate}
    wait_until(lambda: api(stack, "POST", "/api/certification-joinings", token, join).status_code == 201,
               timeout=30, message="certification hearing of the candidate's profile")
    return enrolled.json()["id"], token


def invigilator(stack, session: dict) -> str:
    """An account that opened the session with its invigilator password."""
    token = sign_up(stack, "Sam", "Surveillant", unique_email("sam"))
    opened = api(stack, "POST", "/api/certification-invigilations", token, {
        "session_number": session["number"], "invigilator_password": session["invigilator_password"]})
    assert opened.status_code == 200, opened.text
    return token


def start_test(stack, token: str, candidate_id: str, session: dict) -> str:
    """The candidate types the access code (once authorized): the course's id."""
    started = api(stack, "POST", "/api/certification-courses", token, {
        "candidate_id": candidate_id, "access_code": session["access_code"]})
    assert started.status_code in (200, 201), started.text
    return started.json()["course_id"]


def answer_questions(stack, token: str, course_id: str, count: int) -> None:
    """The candidate answers ``count`` questions of the test assessment made from the started course."""
    path = f"/api/certification-courses/{course_id}/assessment"
    wait_until(lambda: api(stack, "GET", path, token).status_code == 200, timeout=30,
               message="assessment making the certification test")
    for _ in range(count):
        asked = api(stack, "GET", f"{path}/next-challenge", token).json()
        answered = requests.post(f"{stack.gateway}{path}/answers", timeout=10,
                                 headers={**bearer(token), "Idempotency-Key": str(uuid.uuid4())},
                                 json=answer_knowing_up_to(3, asked["challenge"]["id"]))
        assert answered.status_code == 201, answered.text


def end_test(stack, invigilator_token: str, session: dict, candidate_id: str) -> None:
    """The invigilator ends the test; certification then hears from assessment that it ended."""
    ended = api(stack, "POST", f"/api/certification-candidates/{candidate_id}/end-by-invigilator", invigilator_token)
    assert ended.status_code == 204, ended.text

    def over():
        view = api(stack, "GET", f"/api/certification-sessions/{session['id']}/invigilation", invigilator_token).json()
        return any(c["id"] == candidate_id and c["test_status"] == "ENDED_BY_INVIGILATOR" for c in view["candidates"])

    wait_until(over, timeout=30, message="the test's end reported by assessment")
