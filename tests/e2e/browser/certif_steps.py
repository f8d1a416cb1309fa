"""What happens around a centre member in the Certif journeys, done through the API as the other people would
do it: the platform admin creates a PRO centre or a school and opens a window, the first admin joins by the
mailed invitation, a pupil finds themself in the school's list, assessment reports a candidate's profile; around
a candidate taking the test: the centre enrols them, an invigilator authorizes or ends their test, the centre
finalizes and a platform admin publishes, and the candidate's own API (to know what the page must show)."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import requests
from journeys import (
    answer_knowing_up_to,
    bearer,
    invitation_link,
    platform_admin,
    school_export,
    sign_up,
    verify_email,
)
from orga_steps import SIECLE_XML, unique_email
from test_certification_journey import publish_profile

from msgkit.testing import wait_until

TOMORROW = date.today() + timedelta(days=1)
FAR = date.today() + timedelta(days=60)  # outside any window the tests open
SESSION = {"address": "12 rue des Lilas, Lyon", "room": "Salle 3", "date": TOMORROW.isoformat(), "time": "14:30",
           "examiner": "Mme Durand"}
FR = {"email": "Adresse e-mail", "password": "Mot de passe"}

__all__ = ["FAR", "FR", "SESSION", "TOMORROW", "Candidate", "api", "authorize", "centres_of", "eligible_pupil",
           "end_test", "enrol_candidate", "joined_candidate", "finalize_and_publish", "import_pupils", "invigilator_of", "lengthened",
           "open_window", "pro_centre", "publish_profile", "unique_email"]


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
    export = school_export(SIECLE_XML.read_text(encoding="utf-8"), uai)

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


# -- a candidate's test --------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """An enrolled candidate with an account of the same names, eligible (``id``: the enrolment's)."""
    stack: object
    id: str
    email: str
    token: str
    session_id: str
    course_id: str | None = None

    def start(self, session: dict) -> dict:
        """Joins and types the access code through the API (the invigilator must have authorized)."""
        started = api(self.stack, "POST", "/api/certification-courses", self.token,
                      {"candidate_id": self.id, "access_code": session["access_code"]})
        assert started.status_code in (200, 201), started.text
        self.course_id = started.json()["course_id"]
        return started.json()

    def join(self, session: dict, first_name: str, last_name: str, birthdate: str) -> None:
        joined = api(self.stack, "POST", "/api/certification-joinings", self.token, {
            "session_number": session["number"], "first_name": first_name, "last_name": last_name,
            "birthdate": birthdate})
        assert joined.status_code == 201, joined.text

    def test(self, course_id: str | None = None) -> dict:
        """The test as assessment serves it (next-challenge: asking again changes nothing), once it exists."""
        path = f"/api/certification-courses/{course_id or self.course_id}/assessment/next-challenge"
        return wait_until(lambda: (r := api(self.stack, "GET", path, self.token)).status_code == 200 and r.json(),
                          timeout=30, message="assessment making the certification test")

    def answer(self, challenge_id: str, body: dict) -> requests.Response:
        return requests.post(f"{self.stack.gateway}/api/certification-courses/{self.course_id}/assessment/answers",
                             headers={**bearer(self.token), "Idempotency-Key": str(uuid.uuid4())}, timeout=10,
                             json={"challenge_id": challenge_id, **body})

    def answer_questions(self, count: int, knowing_up_to: int = 3) -> None:
        """Answers ``count`` questions as a learner who knows every skill up to that level."""
        for _ in range(count):
            challenge_id = self.test()["challenge"]["id"]
            answered = self.answer(challenge_id, answer_knowing_up_to(knowing_up_to, challenge_id))
            assert answered.status_code == 201, answered.text


def enrol_candidate(stack, centre: str, session: dict, first_name: str, last_name: str, birthdate: str,
                    extra_time_percentage: int = 0) -> Candidate:
    """The centre enrols the candidate; they sign up with the same names and assessment reports them eligible."""
    enrolled = api(stack, "POST", f"/api/certification-sessions/{session['id']}/candidates", centre, {
        "first_name": first_name, "last_name": last_name, "birthdate": birthdate, "sex": "F", "birthplace": "Lyon",
        "extra_time_percentage": extra_time_percentage})
    assert enrolled.status_code == 201, enrolled.text
    email = unique_email(first_name.lower())
    token = sign_up(stack, first_name, last_name, email)
    eligible_pupil(stack, token)
    return Candidate(stack, enrolled.json()["id"], email, token, session["id"])


def joined_candidate(stack, centre: str, session: dict, first_name: str, last_name: str, birthdate: str,
                     extra_time_percentage: int = 0) -> Candidate:
    """An enrolled candidate who joined the session (once certification heard of their profile)."""
    candidate = enrol_candidate(stack, centre, session, first_name, last_name, birthdate, extra_time_percentage)
    join = {"session_number": session["number"], "first_name": first_name, "last_name": last_name,
            "birthdate": birthdate}
    wait_until(lambda: api(stack, "POST", "/api/certification-joinings", candidate.token, join).status_code == 201,
               timeout=30, message="certification hearing of the candidate's profile")
    return candidate


def invigilator_of(stack, session: dict) -> str:
    """Someone with an account who opens the session with its number and invigilator password."""
    token = sign_up(stack, "Sam", "Surveillant", unique_email("sam"))
    opened = api(stack, "POST", "/api/certification-invigilations", token, {
        "session_number": session["number"], "invigilator_password": session["invigilator_password"]})
    assert opened.status_code == 200, opened.text
    return token


def authorize(stack, invigilator: str, candidate_id: str) -> None:
    authorized = api(stack, "POST", f"/api/certification-candidates/{candidate_id}/authorization", invigilator)
    assert authorized.status_code == 204, authorized.text


def end_test(stack, invigilator: str, candidate: Candidate) -> None:
    """The invigilator ends the candidate's test; done when assessment has heard of it (the test reads ENDED)."""
    ended = api(stack, "POST", f"/api/certification-candidates/{candidate.id}/end-by-invigilator", invigilator)
    assert ended.status_code == 204, ended.text
    wait_until(lambda: candidate.test()["state"] == "ENDED", timeout=30, message="assessment ending the test")

    def heard():  # and certification has heard from assessment that it ended
        view = api(stack, "GET", f"/api/certification-sessions/{candidate.session_id}/invigilation", invigilator)
        return any(c["id"] == candidate.id and c["test_status"] == "ENDED_BY_INVIGILATOR"
                   for c in view.json()["candidates"])

    wait_until(heard, timeout=30, message="certification hearing that the test ended")


def lengthened(seconds: int, extra_time_percentage: int) -> int:
    """A timed question's seconds with the candidate's extra time, as assessment serves them (rounded up)."""
    return math.ceil(seconds * (100 + extra_time_percentage) / 100)


def finalize_and_publish(stack, centre: str, invigilator: str, session: dict, candidate_ids: list[str]) -> None:
    """Once certification knows every test is over (the invigilator sees it): the centre finalizes, a platform
    admin reviews and publishes."""
    invigilation = f"/api/certification-sessions/{session['id']}/invigilation"
    finalization = f"/api/certification-sessions/{session['id']}/finalization"
    wait_until(lambda: all(c["test_status"] not in (None, "IN_PROGRESS") for c in api(
        stack, "GET", invigilation, invigilator).json()["candidates"] if c["id"] in candidate_ids) or None, timeout=30,
        message="certification hearing that the tests are over")
    finalized = api(stack, "POST", finalization, centre, {"reports": [
        {"candidate_id": candidate_id, "has_seen_end_screen": True} for candidate_id in candidate_ids]})
    assert finalized.status_code == 200, finalized.text
    platform = platform_admin(stack)
    jury = f"/api/admin/certification-sessions/{session['id']}"
    assert api(stack, "POST", f"{jury}/assignment", platform).status_code == 200
    published = api(stack, "POST", f"{jury}/publication", platform)
    assert published.status_code == 200, published.text
