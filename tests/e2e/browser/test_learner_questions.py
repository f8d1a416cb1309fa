"""Each kind of question, drawn and answered through the page, in both languages: one choice, several
choices, a short free answer, several fields, and a timed question whose countdown runs out.

The adaptive engine decides which question comes, from the assessment's id and the answers given:
for each kind, a learner is prepared through the API (signed up, joined, and brought by the right
answers to a question of that kind, found by replaying the engine); then they log in to the face,
which must show that question and take their answer."""

from __future__ import annotations

import re
import uuid

import learner_steps
import pytest
from accessibility import assert_accessible
from journeys import PASSWORD, sign_up
from learner_steps import LearnerApi, Replay, content, exactly, starting, typed_answer, words
from playwright.sync_api import Page, expect

university = learner_steps.university
KINDS = ("single_choice", "multiple_choice", "free_answer", "fields", "timed")


def learner_before(stack, campaign, kind: str, tries: int = 8) -> tuple[LearnerApi, str, dict]:
    """A learner whose current question is of this kind: (their API, the participation id, the question)."""
    for _ in range(tries):
        email = f"learner.{uuid.uuid4().hex[:8]}@example.org"
        sign_up(stack, "Camille", "Question", email)
        learner = LearnerApi(stack, email)
        joined = learner.post("/api/campaign-participations", {"campaign_code": campaign.code,
                                                               "participant_external_id": "L1-2026-001"})
        assessment_id = learner.assessment_id(joined["id"])
        path = Replay(assessment_id).path_to(kind)
        if path is None:
            continue  # this assessment never asks one: another learner
        for right in path:
            learner.answer(assessment_id, learner.current_question(assessment_id, "fr")["id"], right)
        return learner, joined["id"], {"assessment_id": assessment_id, "answered": len(path)}
    raise AssertionError(f"no learner in {tries} reached a {kind} question")


def log_in_to_the_test(page: Page, campaign, learner: LearnerApi, participation_id: str, w: dict) -> None:
    page.goto(f"/connexion?retour=/campagnes/{campaign.code}/evaluation")
    # The rules were read (they are shown once, before the first question).
    page.evaluate("(key) => localStorage.setItem(key, '1')", f"skills.learner.rules-seen.{participation_id}")
    page.get_by_label(starting(w["common.email"])).fill(learner.email)
    page.get_by_label(starting(w["common.password"])).fill(PASSWORD)
    page.get_by_role("button", name=exactly(w["common.log_in"])).click()


@pytest.mark.parametrize(("locale", "phone"), [("fr", False), ("en", True)], ids=["french-desktop", "english-phone"])
def test_each_kind_of_question_is_shown_and_answered_through_the_page(stack, open_page, shot, university, locale,
                                                                     phone):
    page = open_page(locale=locale, phone=phone)
    page.clock.install()
    w = words(locale)
    validate = page.get_by_role("button", name=exactly(w["learner.test.validate"]))
    for kind in KINDS:
        learner, participation_id, where = learner_before(stack, university, kind)
        shown = learner.current_question(where["assessment_id"], locale)
        log_in_to_the_test(page, university, learner, participation_id, w)
        position = where["answered"] % 5 + 1
        expect(page.get_by_role("heading", level=1)).to_have_text(
            w["learner.test.position"].format(position=position, total=5))
        expect(page.get_by_text(university.title)).to_be_visible()  # the campaign's title in the header
        expect(page.get_by_role("progressbar", name=w["learner.test.position"].format(position=position, total=5))
               ).to_have_attribute("aria-valuenow", str(position * 20))
        name = kind.replace("_", "-")
        if kind == "timed":
            expect(page.get_by_role("timer")).to_contain_text(re.compile(r"0:[0-5]\d|1:[0-5]\d"))
            assert_accessible(page, "a timed question")
            shot(page, f"learner-question-{name}-{locale}")
            page.clock.fast_forward((shown["timer"] + 1) * 1000)
            expect(page.get_by_text(w["learner.test.time_up"])).to_be_visible()
            expect(page.get_by_role("timer")).to_contain_text("0:00")
            shot(page, f"learner-question-time-up-{locale}")
            sent = page.get_by_role("button", name=exactly(w["learner.test.continue"]))
            expected = "SKIPPED"
        else:
            challenge = content().challenges[shown["id"]]
            if kind in ("single_choice", "multiple_choice"):
                role = "radio" if kind == "single_choice" else "checkbox"
                expect(page.get_by_role(role)).to_have_count(len(shown["proposals"]))
                for proposal in shown["proposals"]:
                    expect(page.get_by_role(role, name=proposal["text"], exact=True)).to_be_visible()
            elif kind == "fields":
                for field in shown["fields"]:
                    expect(page.get_by_label(field["label"], exact=True)).to_be_visible()
            assert_accessible(page, f"a question ({kind})")
            shot(page, f"learner-question-{name}-{locale}")
            expect(validate).to_be_disabled()
            value = typed_answer(challenge, True, locale)
            if kind in ("single_choice", "multiple_choice"):
                for number in value if isinstance(value, list) else [value]:
                    text = next(p["text"] for p in shown["proposals"] if p["number"] == number)
                    page.get_by_role(role, name=text, exact=True).press("Space")  # with the keyboard
            elif kind == "free_answer":
                page.get_by_label(w["learner.test.your_answer"], exact=True).fill(value.upper())
            else:
                for field in shown["fields"]:
                    page.get_by_label(field["label"], exact=True).fill(f" {value[field['key']]} ")
            expect(validate).to_be_enabled()
            sent, expected = validate, "RIGHT"
        with page.expect_response(lambda response: response.url.endswith("/answers")
                                  and response.request.method == "POST") as answered:
            sent.click()
        assert answered.value.status == 201
        answers = learner.get(f"/api/assessments/{where['assessment_id']}/checkpoint")["answers"]
        assert (answers[-1]["challenge"]["id"], answers[-1]["result"]) == (shown["id"], expected)
        # What comes next is shown (and loaded) before logging out: the next question, or the checkpoint.
        over = learner.current_question(where["assessment_id"], locale) is None
        if position == 5 or over:
            expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.checkpoint.title"])
            expect(page.locator("li.learner-review")).to_have_count(len(answers))
        else:
            expect(page.get_by_role("heading", level=1)).to_have_text(
                w["learner.test.position"].format(position=position + 1, total=5))
        page.get_by_role("button", name=w["common.log_out"]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.home.title"])
