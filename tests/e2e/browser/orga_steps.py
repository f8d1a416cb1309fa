"""What happens around a teacher in the Orga journeys, done through the API as the other people
would do it: the platform admin creates the school, colleagues and pupils sign up, pupils find
themselves in the school's list, join a campaign, answer and send their results."""

from __future__ import annotations

import email
import email.policy
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from journeys import (
    PASSWORD,
    accept_invitation,
    answer_knowing_up_to,
    bearer,
    invitation_link,
    sign_up,
    verify_email,
)

from msgkit.testing import wait_until

LEARNER_FILES = Path(__file__).parents[3] / "services" / "organizations" / "tests" / "fixtures" / "learner_files"
SIECLE_XML = LEARNER_FILES / "ElevesSansAdresses-utf8.xml"
UAI = "0751234A"  # the school of the SIECLE sample files
# Pupils kept by an import of SIECLE_XML: (first name, last name, birth date, class).
PUPILS = [("Chloé", "Cœurderoy", "2013-02-14", "6E2"), ("François", "Lefèvre", "2012-11-30", "5E1"),
          ("Zoë", "Öztürk", "2011-06-05", "4E3")]


def unique_email(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:8]}@example.org"


def random_uai() -> str:
    """A school's id of the right shape that no other school of the run has (UAI is kept for the imports)."""
    return f"{uuid.uuid4().int % 10**7:07d}Z"


def log_in_page(page, email: str, texts: dict) -> None:
    """Logs in on the log-in page the way a teacher does: the two fields, then Enter."""
    page.get_by_label(texts["email"]).fill(email)
    page.get_by_label(texts["password"]).fill(PASSWORD)
    page.get_by_label(texts["password"]).press("Enter")


def create_organization(stack, platform: str, name: str, admin_email: str, *, type: str = "SCO",
                        external_id: str | None = UAI, manages_students: bool = True) -> str:
    created = requests.post(f"{stack.gateway}/api/admin/organizations", headers=bearer(platform), timeout=10, json={
        "name": name, "type": type, "external_id": external_id, "manages_students": manages_students,
        "admin_email": admin_email})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def invitation_to(stack, to: str, organization_name: str) -> tuple[str, str]:
    """The invitation id and code of the mail inviting ``to`` into that organization (one may have several)."""
    def find():
        for path in stack.mail_dir.glob("*.eml"):
            mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if mail["To"] == to and organization_name in mail["Subject"]:
                link = next(word for word in mail.get_content().split() if "/rejoindre?" in word)  # an invitation
                query = parse_qs(urlsplit(link).query)
                return query["invitationId"][0], query["code"][0]
        return None

    return wait_until(find, timeout=30, message=f"the mail inviting {to} into {organization_name}")


def member_of(stack, token: str, organization_id: str) -> dict:
    def membership():
        me = requests.get(f"{stack.gateway}/api/users/me", headers=bearer(token), timeout=10).json()
        return next((m for m in me["memberships"] if m["organization_id"] == organization_id), None)

    return wait_until(membership, timeout=30, message="the membership in identity's replica")


def join_by_invitation(stack, organization_id: str, email: str, first_name: str, last_name: str, *,
                       accept_terms: bool) -> str:
    """The invited person signs up, follows the verification mail's link and accepts (by the API);
    returns their token once they are a member."""
    invitation_id, code = invitation_link(stack, email)
    token = sign_up(stack, first_name, last_name, email)
    verify_email(stack, email)
    accept_invitation(stack, token, invitation_id, code)
    member_of(stack, token, organization_id)
    if accept_terms:
        requests.post(f"{stack.gateway}/api/users/me/orga-terms-acceptance", headers=bearer(token), timeout=10)
        wait_until(lambda: requests.get(f"{stack.gateway}/api/organizations/{organization_id}", headers=bearer(token),
                                        timeout=10).status_code == 200, timeout=30,
                   message="the Orga terms replicated to organizations")
    return token


def ready_for_campaigns(stack, token: str, organization_id: str) -> None:
    """campaigns has heard of the membership and the terms (target profiles answer)."""
    def profiles():
        response = requests.get(f"{stack.gateway}/api/target-profiles", params={"organization_id": organization_id},
                                headers=bearer(token), timeout=10)
        return response.status_code == 200 and response.json()["items"]

    wait_until(profiles, timeout=30, message="target profiles for the teacher")


def create_campaign(stack, token: str, organization_id: str, name: str, target: str = "competence-4.1",
                    **fields) -> dict:
    ready_for_campaigns(stack, token, organization_id)
    created = requests.post(f"{stack.gateway}/api/organizations/{organization_id}/campaigns", headers=bearer(token),
                            timeout=10, json={"type": "ASSESSMENT", "name": name, "target_profile_id": target,
                                              **fields})
    assert created.status_code == 201, created.text
    return created.json()


def pupil_account(stack, organization_id: str, pupil: tuple[str, str, str, str], email: str | None = None) -> str:
    """A pupil of the imported list signs up (with ``email``, or a new address) and finds themself in it; returns
    their token."""
    first_name, last_name, birthdate, _ = pupil
    token = sign_up(stack, first_name, last_name, email or unique_email("eleve"))
    matched = requests.post(f"{stack.gateway}/api/organizations/{organization_id}/learners/reconciliation",
                            headers=bearer(token), timeout=10,
                            json={"first_name": first_name, "last_name": last_name, "birthdate": birthdate})
    assert matched.status_code == 200, matched.text
    return token


def username_account_in_the_list(stack, organization_id: str, pupil: tuple[str, str, str, str]) -> str:
    """A pupil of the imported list signs up with a username (no email) and finds themself in it; returns the
    username."""
    first_name, last_name, birthdate, _ = pupil
    made = requests.post(f"{stack.gateway}/api/users", timeout=10, json={
        "username_from": {"first_name": first_name, "last_name": last_name, "birthdate": birthdate},
        "password": PASSWORD, "accepted_terms": True})
    assert made.status_code == 201, made.text
    username = made.json()["username"]
    token = requests.post(f"{stack.gateway}/api/token", timeout=10,
                          json={"username": username, "password": PASSWORD}).json()["access_token"]
    matched = requests.post(f"{stack.gateway}/api/organizations/{organization_id}/learners/reconciliation",
                            headers=bearer(token), timeout=10,
                            json={"first_name": first_name, "last_name": last_name, "birthdate": birthdate})
    assert matched.status_code == 200, matched.text
    return username


def join(stack, token: str, code: str, external_id: str | None = None) -> str:
    """Joins with the code (once campaigns knows of the pupil's link to the list); the participation id."""
    def joined():
        response = requests.post(f"{stack.gateway}/api/campaign-participations", headers=bearer(token), timeout=10,
                                 json={"campaign_code": code, "participant_external_id": external_id})
        return response.json()["id"] if response.status_code in (200, 201) else None

    return wait_until(joined, timeout=30, message=f"joining the campaign {code}")


def assessment_of(stack, token: str, participation_id: str) -> str:
    def found():
        response = requests.get(f"{stack.gateway}/api/campaign-participations/{participation_id}/assessment",
                                headers=bearer(token), timeout=10)
        return response.json()["id"] if response.status_code == 200 else None

    return wait_until(found, timeout=30, message="the assessment of the participation")


def answer(stack, token: str, assessment_id: str, *, count: int | None = None, knows_up_to: int = 8) -> int:
    """Answers the next questions (right up to a skill level, skipped above); all of them without a count."""
    answered = 0
    while count is None or answered < count:
        challenge = requests.get(f"{stack.gateway}/api/assessments/{assessment_id}/next-challenge",
                                 headers=bearer(token), timeout=10).json()["challenge"]
        if challenge is None:
            break
        response = requests.post(f"{stack.gateway}/api/assessments/{assessment_id}/answers", headers=bearer(token),
                                 timeout=10, json=answer_knowing_up_to(knows_up_to, challenge["id"]))
        assert response.status_code == 201, response.text
        answered += 1
        assert answered < 60
    return answered


def finish_and_share(stack, token: str, participation_id: str, *, knows_up_to: int = 8) -> None:
    answer(stack, token, assessment_of(stack, token, participation_id), knows_up_to=knows_up_to)

    def shared():
        response = requests.post(f"{stack.gateway}/api/campaign-participations/{participation_id}/share",
                                 headers=bearer(token), timeout=10)
        return response.status_code == 200

    wait_until(shared, timeout=30, message="sending the results")



def improve_and_share(stack, token: str, participation_id: str) -> None:
    """A second campaign on what the pupil already answered ends at once; they ask for the skills not
    validated again, now answer everything right, and send: their results go up."""
    assessment_id = assessment_of(stack, token, participation_id)
    answer(stack, token, assessment_id)

    def improved():
        return requests.post(f"{stack.gateway}/api/campaign-participations/{participation_id}/improve",
                             headers=bearer(token), timeout=10).status_code == 200

    wait_until(improved, timeout=30, message="going back to the test to improve")
    wait_until(lambda: assessment_of(stack, token, participation_id) != assessment_id, timeout=30,
               message="the new assessment that asks again")  # improving is a new assessment
    finish_and_share(stack, token, participation_id)


# The page's live state (the `live-state` element's data-state) over time, and the page's requests of one
# path, both on the browser's own clock (performance.now()): a poll is a defect only while the stream is up.
_WATCH_LIVE = """() => {
  const node = document.querySelector('[data-testid="live-state"]');
  const states = [[performance.now(), node.dataset.state]];
  new MutationObserver(() => states.push([performance.now(), node.dataset.state]))
    .observe(node, { attributes: true, attributeFilter: ["data-state"] });
  window.__liveStates = states;
}"""
_LIVE_TIMELINE = """(path) => ({
  states: window.__liveStates,
  requests: performance.getEntriesByType("resource")
    .filter((entry) => new URL(entry.name).pathname === path)
    .map((entry) => [entry.startTime, entry.responseStatus]),
})"""


class LiveWatch:
    """Watches a live page from now on: `polls_while_live()` lists the requests of `path` the page made
    while its stream was up (a pushed page asks for nothing then; while it is not, polling is its fallback).
    The page's first read of `path` is not a poll, nor are its tries again until one succeeds (the service may
    not have heard of the campaign yet): it may end after the stream is up."""

    def __init__(self, page, path: str) -> None:
        self.page, self.path = page, path
        page.evaluate(_WATCH_LIVE)

    def timeline(self) -> dict:
        return self.page.evaluate(_LIVE_TIMELINE, self.path)

    def polls_while_live(self) -> list[float]:
        seen = self.timeline()
        watched_from = seen["states"][0][0]
        first_read = next((n for n, (_at, status) in enumerate(seen["requests"]) if status == 200), None)
        polls = seen["requests"][first_read + 1:] if first_read is not None else []

        def state_at(moment: float) -> str:
            return [state for at, state in seen["states"] if at <= moment][-1]
        return [at for at, _status in polls if at >= watched_from and state_at(at) == "live"]
