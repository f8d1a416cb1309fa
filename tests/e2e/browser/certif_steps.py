"""What happens around a centre member in the Certif journeys, done through the API as the other people would
do it: the platform admin creates a PRO centre or a school and opens a window, the first admin joins by the
mailed invitation, a pupil finds themself in the school's list, assessment reports a candidate's profile."""

from __future__ import annotations

from datetime import date, timedelta

import requests
from journeys import bearer, invitation_link, sign_up, verify_email
from orga_steps import SIECLE_XML, UAI, unique_email
from test_certification_journey import publish_profile

from msgkit.testing import wait_until

TOMORROW = date.today() + timedelta(days=1)
FAR = date.today() + timedelta(days=60)  # outside any window the tests open
SESSION = {"address": "12 rue des Lilas, Lyon", "room": "Salle 3", "date": TOMORROW.isoformat(), "time": "14:30",
           "examiner": "Mme Durand"}
FR = {"email": "Adresse e-mail", "password": "Mot de passe"}

__all__ = ["FAR", "FR", "SESSION", "TOMORROW", "api", "centres_of", "eligible_pupil", "import_pupils", "open_window",
           "pro_centre", "publish_profile", "unique_email"]


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
