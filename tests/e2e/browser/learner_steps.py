"""What the learner's browser tests share: organizations and campaigns set up through the API as
their admins would, the face's own words (read from its locale files, so both languages are driven
with the real texts), and a plan of answers that shows a test as many kinds of question as it can.

The adaptive engine is a pure function of the assessment's id and the answers given, so a test that
knows the assessment's id can replay it here, with the content pack the service released, and
choose which answers to get right: the questions it will be asked follow.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import pytest
import requests
from journeys import PASSWORD, bearer, log_in, organization_with_admin, platform_admin, school_export

from assessment.adapters.content_pack import read_pack
from assessment.domain.answers import right_answer
from assessment.domain.content import FIELDS, FREE_ANSWER, MULTIPLE_CHOICE, Challenge, LearningContent
from assessment.domain.model import Rules, new_assessment
from msgkit.testing import wait_until

ROOT = Path(__file__).parents[3]
LOCALES = ROOT / "web" / "src" / "learner" / "locales"
COMMON_LOCALES = ROOT / "web" / "src" / "common" / "locales"
SIECLE = ROOT / "services" / "organizations" / "tests" / "fixtures" / "learner_files" / "ElevesSansAdresses.xml"
TARGET_PROFILE = "competence-4.1"  # 15 skills: a test of 6 to 10 questions
# Chromium logs every 4xx answer as a console error; these are the ones a journey expects.
EXPECTED_REFUSALS = r"Failed to load resource: the server responded with a status of (404|422)"


@cache
def content() -> LearningContent:
    return LearningContent(1, read_pack().document)


@cache
def words(locale: str) -> dict[str, str]:
    """The learner face's texts in ``locale``: the faces' common ones and its own (their locale files)."""
    common = json.loads((COMMON_LOCALES / f"{locale}.json").read_text(encoding="utf-8"))
    return {**common, **json.loads((LOCALES / f"{locale}.json").read_text(encoding="utf-8"))}


def exactly(text: str) -> re.Pattern:
    return re.compile(f"^{re.escape(text)}$")


def starting(text: str) -> re.Pattern:
    """A label that starts with ``text`` (required fields add "(obligatoire)")."""
    return re.compile(f"^{re.escape(text)}")


# -- organizations and campaigns ------------------------------------------------------------------


@dataclass(frozen=True)
class Campaign:
    code: str
    title: str
    organization_id: str
    organization_name: str
    external_id_label: str | None = None
    admin: dict[str, str] | None = None  # the school admin's headers (school_campaign)


def _campaign(stack, organization_id: str, admin: dict[str, str], **fields) -> dict:
    """Created once campaigns has heard of the organization, its admin and its features (events)."""
    fields = {"type": "ASSESSMENT", "target_profile_id": TARGET_PROFILE, **fields}

    def create():
        response = requests.post(f"{stack.gateway}/api/organizations/{organization_id}/campaigns", headers=admin,
                                 timeout=10, json=fields)
        return response.json() if response.status_code == 201 else None

    return wait_until(create, timeout=30, message="the campaign could not be created")


def university_campaign(stack) -> Campaign:
    """A university (SUP) whose campaign asks for the student number and takes results several times."""
    platform = platform_admin(stack)
    name = "Université de Lille — Faculté des sciences et technologies, département d'informatique"
    organization_id, admin = organization_with_admin(stack, platform, name=name, type="SUP",
                                                      manages_students=False)
    features = requests.patch(f"{stack.gateway}/api/admin/organizations/{organization_id}/features",
                              headers=bearer(platform), json={"multiple_sendings_for_assessments": True}, timeout=10)
    assert features.status_code == 200, features.text
    created = _campaign(stack, organization_id, admin, name="Sécurité L1", title="Sécurité : protéger ses comptes",
                        landing_text="Bienvenue en **L1** !\n\nComptez une dizaine de minutes.",
                        external_id_label="Numéro étudiant", external_id_type="TEXT", multiple_sendings=True)
    return Campaign(created["code"], created["title"], organization_id, name, "Numéro étudiant")


@pytest.fixture(scope="session")
def university(stack) -> Campaign:
    """The university's campaign, shared by the learner tests (each with its own learners)."""
    return university_campaign(stack)


def profiles_campaign(stack) -> Campaign:
    """A company (PRO) collecting its people's profiles, as often as they like to send them."""
    name = "Ateliers numériques Dupont & fils"
    organization_id, admin = organization_with_admin(stack, platform_admin(stack), name=name, type="PRO",
                                                      manages_students=False)
    created = _campaign(stack, organization_id, admin, type="PROFILES_COLLECTION", target_profile_id=None,
                        name="Profils 2026", landing_text="Envoyez-nous votre profil.", multiple_sendings=True)
    return Campaign(created["code"], "", organization_id, name)


def school_campaign(stack, uai: str | None = None) -> Campaign:
    """A school (SCO) that manages its students: its admin imports the SIECLE export, then a campaign."""
    platform = platform_admin(stack)
    uai = uai or f"{uuid.uuid4().int % 10**7:07d}A"
    name = "Collège Gustave Flaubert"
    organization_id, admin = organization_with_admin(stack, platform, name=name, type="SCO", external_id=uai,
                                                      manages_students=True)
    export = school_export(SIECLE.read_bytes().decode("iso-8859-15"), uai)

    def imported():
        response = requests.post(f"{stack.gateway}/api/organizations/{organization_id}/learners/imports",
                                 headers=admin, timeout=30, data={"mode": "ADD_UPDATE"},
                                 files={"file": ("ElevesSansAdresses.xml", export.encode("iso-8859-15"))})
        return response.json() if response.status_code == 201 else None

    wait_until(imported, timeout=30, message="the SIECLE import")
    created = _campaign(stack, organization_id, admin, name="Sécurité 4e B", title="Protéger ses données",
                        landing_text="Un parcours sur la **sécurité** en ligne.")
    return Campaign(created["code"], created["title"], organization_id, name, admin=admin)


# Pupils of the SIECLE export, as they would type their names (one per language's run).
PUPILS = {
    "fr": {"first_name": "Chloé", "last_name": "Cœurderoy", "birthdate": ("14", "02", "2013")},
    "en": {"first_name": "François", "last_name": "Lefèvre", "birthdate": ("30", "11", "2012")},
}


# -- the learner's side through the API (to know what the page should show) ------------------------


class LearnerApi:
    def __init__(self, stack, email: str) -> None:
        self.stack, self.email = stack, email
        self._token: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        self._token = self._token or log_in(self.stack, self.email, PASSWORD)
        return bearer(self._token)

    def get(self, path: str, **params) -> dict:
        response = requests.get(f"{self.stack.gateway}{path}", headers=self.headers, params=params, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: dict) -> dict:
        response = requests.post(f"{self.stack.gateway}{path}", headers=self.headers, json=body, timeout=10)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def participation(self, code: str) -> dict:
        return next(item for item in self.get("/api/users/me/campaign-participations")["items"]
                    if item["campaign_code"] == code)

    def assessment_id(self, participation_id: str) -> str:
        def created():
            response = requests.get(f"{self.stack.gateway}/api/campaign-participations/{participation_id}/assessment",
                                    headers=self.headers, timeout=10)
            return response.json()["id"] if response.status_code == 200 else None

        return wait_until(created, timeout=30, message="the assessment of the participation")

    def answer(self, assessment_id: str, challenge_id: str, right: bool) -> None:
        challenge = content().challenges[challenge_id]
        body = {"challenge_id": challenge_id, "value": right_answer(challenge, "fr")} if right else {
            "challenge_id": challenge_id, "skipped": True}
        response = requests.post(f"{self.stack.gateway}/api/assessments/{assessment_id}/answers", json=body,
                                 headers=self.headers, timeout=10)
        assert response.status_code == 201, response.text

    def current_question(self, assessment_id: str, locale: str) -> dict | None:
        """The question being asked (the API keeps it until it is answered: asking changes nothing)."""
        return self.get(f"/api/assessments/{assessment_id}/next-challenge", locale=locale)["challenge"]


# -- which answers to get right ---------------------------------------------------------------------


class Replay:
    """The questions an assessment asks for given answers, replayed with the released content."""

    def __init__(self, assessment_id: str) -> None:
        self.id = uuid.UUID(assessment_id)
        self.targets = content().target_profiles[TARGET_PROFILE].skill_ids(content())

    def replay(self, decisions: list[bool]) -> tuple[list[Challenge], bool]:
        """The questions asked for these answers (and the next one, if any), and whether the test ends."""
        now = datetime.now(timezone.utc)
        rules, pack = Rules(), content()
        assessment = new_assessment(id=self.id, user_id=uuid.uuid4(), participation_id=None, campaign_id=None,
                                    target_skill_ids=self.targets, improving=False, created_at=now, knowledge=[],
                                    answered_before=[])
        asked = []
        for right in decisions:
            challenge = assessment.current_challenge(pack, rules, now)
            if challenge is None:
                return asked, True
            asked.append(challenge)
            assessment.answer(pack, rules, challenge_id=challenge.id, value=right_answer(challenge, "fr") if right
                              else None, skipped=not right, now=now, new_id=uuid.uuid4)
        challenge = assessment.current_challenge(pack, rules, now)
        return (asked, True) if challenge is None else ([*asked, challenge], False)

    def path_to(self, wanted: str, depth: int = 8) -> list[bool] | None:
        """The shortest answers (right or not) after which the question asked is of the ``wanted`` kind
        ("timed": a timed one; the other kinds untimed), or None when this assessment never gets there."""
        paths: list[list[bool]] = [[]]
        for _ in range(depth + 1):
            grown = []
            for path in paths:
                asked, over = self.replay(path)
                if over:
                    continue
                following = asked[len(path)]
                if bool(following.timer) if wanted == "timed" else following.kind == wanted and not following.timer:
                    return path
                grown += [[*path, True], [*path, False]]
            paths = grown
        return None


class AnswerPlan(Replay):
    """Right or not for each question, chosen so that the test shows every kind of question it can,
    a timed one, at least six questions (a checkpoint, then one to come back to), some wrong answers
    and some right. A timed question is always let run out (the test checks what happens then)."""

    def __init__(self, assessment_id: str, limit: int = 12) -> None:
        super().__init__(assessment_id)
        self.limit = limit
        self.decisions = self._best([])
        self.expected = self.replay(self.decisions)[0]

    @staticmethod
    def _score(asked: list[Challenge], decisions: list[bool]) -> tuple:
        kinds = {c.kind for c in asked} | ({"timed"} if any(c.timer for c in asked) else set())
        wrong = decisions.count(False)
        return len(kinds), len(asked) >= 6, min(wrong, 2), min(len(decisions) - wrong, 1), -len(asked)

    def _best(self, decisions: list[bool]) -> list[bool]:
        asked, over = self.replay(decisions)
        if over or len(decisions) >= self.limit:
            return decisions
        timed = bool(asked[len(decisions)].timer)
        options = [self._best([*decisions, right]) for right in ((False,) if timed else (True, False))]
        return max(options, key=lambda path: self._score(self.replay(path)[0][:len(path)], path))

    @property
    def kinds(self) -> set[str]:
        return {c.kind for c in self.expected}


def typed_answer(challenge: Challenge, right: bool, locale: str):
    """What to type or tick: the pack's right answer, or a wrong one."""
    if right:
        return right_answer(challenge, locale)
    if challenge.kind == FREE_ANSWER:
        return "je ne sais pas"
    if challenge.kind == FIELDS:
        return {field.key: "?" for field in challenge.fields}
    good = challenge.right_choices
    wrong = [n for n in range(1, len(challenge.proposals) + 1) if n not in good]
    return wrong[:1] if challenge.kind == MULTIPLE_CHOICE else wrong[0]


def fill_answer(page, w: dict[str, str], shown: dict, right: bool, locale: str) -> None:
    """Tick or type the answer to the question on screen (``shown``: as the API serves it), as a learner would."""
    value = typed_answer(content().challenges[shown["id"]], right, locale)
    if shown["kind"] in ("single_choice", "multiple_choice"):
        for number in value if isinstance(value, list) else [value]:
            page.locator(f'input[name="answer-{shown["id"]}"][value="{number}"]').check()
    elif shown["kind"] == "free_answer":
        page.get_by_label(w["learner.test.your_answer"], exact=True).fill(value)
    else:
        for field in shown["fields"]:
            page.get_by_label(field["label"], exact=True).fill(value[field["key"]])


# -- a certification candidate's page ------------------------------------------------------------------------

CERTIFICATION_QUESTIONS = 32


def certification_counter(w: dict, number: int) -> str:
    """'Question n / 32' as the test's heading says it."""
    return w["learner.certification.counter"].format(number=number, total=CERTIFICATION_QUESTIONS)


def log_in_on_page(page, w: dict, email: str) -> None:
    page.get_by_label(starting(w["common.email"])).fill(email)
    page.get_by_label(starting(w["common.password"])).fill(PASSWORD)
    page.get_by_label(starting(w["common.password"])).press("Enter")


def type_access_code(page, w: dict, code: str):
    field = page.get_by_label(starting(w["learner.certification.access_code"]))
    field.fill(code)
    field.press("Enter")
    return field


def answered(page, button) -> dict:
    """Clicks and waits for the API's answer to the POST of the answer."""
    with page.expect_response(lambda response: response.url.endswith("/assessment/answers")
                              and response.request.method == "POST") as sent:
        button.click()
    return {"status": sent.value.status, "body": sent.value.json()}
