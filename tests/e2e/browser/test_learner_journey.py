"""A student's whole campaign in a real browser, in French on a desktop and in English on a phone:
the code, the landing page, signing up, the student number, the four rules, questions of every kind
the engine serves (some right, some wrong, some skipped, a timed one let run out), the checkpoint,
leaving and coming back to the same question, the results, sending them, the profile.

The questions' right answers come from the content pack, as a learner who knows would give them;
which ones to get right is planned (learner_steps.AnswerPlan) so that each run meets as many kinds
of question as its assessment allows."""

from __future__ import annotations

import re
import uuid

import learner_steps
import pytest
from accessibility import assert_accessible
from journeys import PASSWORD
from learner_steps import (
    EXPECTED_REFUSALS,
    AnswerPlan,
    LearnerApi,
    content,
    exactly,
    starting,
    typed_answer,
    words,
)
from playwright.sync_api import Page, expect

GROUP = 5
university = learner_steps.university


class Journey:
    """One learner going through the campaign; each method is a step and checks what it shows."""

    def __init__(self, page: Page, stack, campaign, locale: str, shot) -> None:
        self.page, self.stack, self.campaign, self.locale, self.shot = page, stack, campaign, locale, shot
        self.w = words(locale)
        self.email = f"learner.{uuid.uuid4().hex[:8]}@example.org"
        self.api = LearnerApi(stack, self.email)
        self.seen_kinds: set[str] = set()
        self.results: list[str] = []  # what each answer should show at the checkpoint

    def t(self, key: str, **params) -> str:
        return self.w[key].format(**params)

    def heading(self):
        return self.page.get_by_role("heading", level=1)

    def look(self, name: str) -> None:
        assert_accessible(self.page, name)
        self.shot(self.page, f"learner-{name}-{self.locale}")

    # -- before the test -------------------------------------------------------------------------

    def enter_the_code(self) -> None:
        page = self.page
        page.goto("/")
        expect(self.heading()).to_have_text(self.t("learner.home.title"))
        self.look("home")
        field = page.get_by_label(starting(self.t("learner.home.code_label")))
        field.fill("ZZZZZZ999")
        field.press("Enter")
        expect(page.get_by_text(self.t("learner.home.errors.CAMPAIGN_NOT_FOUND"))).to_be_visible()
        code = self.campaign.code
        field.fill(f" {code[:3].lower()} {code[3:].lower()} ")  # as typed from a board
        page.get_by_role("button", name=self.t("learner.home.code_submit")).click()
        expect(page).to_have_url(re.compile(f"/campagnes/{code}$"))

    def read_the_landing_page(self) -> None:
        page = self.page
        expect(self.heading()).to_have_text(self.campaign.title)
        expect(page.get_by_text(self.campaign.organization_name)).to_be_visible()
        expect(page.locator(".markdown strong")).to_have_text("L1")  # the teacher's Markdown, rendered
        self.look("landing")
        page.get_by_role("button", name=exactly(self.t("learner.landing.start"))).click()

    def sign_up(self, first_name: str, last_name: str) -> None:
        page = self.page
        expect(page).to_have_url(re.compile(r"/inscription\?retour="))
        submit = page.get_by_role("button", name=self.t("learner.sign_up.submit"))
        submit.click()
        expect(page.get_by_text(self.t("learner.sign_up.missing.first_name"))).to_be_visible()
        expect(page.get_by_label(starting(self.t("learner.sign_up.first_name")))).to_be_focused()
        page.get_by_label(starting(self.t("learner.sign_up.first_name"))).fill(first_name)
        page.get_by_label(starting(self.t("learner.sign_up.last_name"))).fill(last_name)
        page.get_by_label(starting(self.t("learner.sign_up.email"))).fill(self.email)
        password = page.get_by_label(starting(self.t("learner.sign_up.password")))
        password.fill("weakpassword")
        page.get_by_label(self.t("learner.sign_up.accepted_terms")).check()
        submit.click()
        # The API's PASSWORD_TOO_WEAK, said on the field with the rules it breaks.
        expect(password).to_have_accessible_description(re.compile(re.escape(
            self.t("learner.sign_up.rules.PASSWORD_NEEDS_UPPERCASE"))))
        self.look("sign-up")
        password.fill(PASSWORD)
        submit.click()

    def give_the_student_number(self) -> None:
        page = self.page
        expect(page).to_have_url(re.compile(f"/campagnes/{self.campaign.code}/identifiant$"))
        expect(page.get_by_text(self.campaign.title)).to_be_visible()  # the header names the campaign
        field = page.get_by_label(starting(self.campaign.external_id_label))
        page.get_by_role("button", name=self.t("learner.external_id.submit")).click()
        expect(field).to_have_accessible_description(
            self.t("learner.external_id.missing", label=self.campaign.external_id_label))
        self.look("external-id")
        field.fill("L1-2026-042")
        page.get_by_role("button", name=self.t("learner.external_id.submit")).click()

    def read_the_rules(self) -> None:
        page = self.page
        for step, rule in enumerate(["search", "time", "tutorials", "adaptive"], 1):
            expect(page).to_have_url(re.compile(f"/didacticiel/{step}$"))
            expect(self.heading()).to_have_text(self.t(f"learner.rules.{rule}.title"))
            expect(page.get_by_text(self.t("learner.rules.step", step=step, steps=4))).to_be_visible()
            if step == 1:
                self.look("rules")
            name = self.t("learner.rules.start" if step == 4 else "learner.rules.next")
            page.get_by_role("button", name=exactly(name)).click()
        expect(page).to_have_url(re.compile(f"/campagnes/{self.campaign.code}/evaluation$"))

    # -- the test --------------------------------------------------------------------------------

    def position_heading(self, answered: int) -> str:
        return self.t("learner.test.position", position=answered % GROUP + 1, total=GROUP)

    def answer(self, shown: dict, right: bool) -> None:
        """Tick, type or skip as a learner would; a timed question is let run out."""
        page = self.page
        challenge = content().challenges[shown["id"]]
        validate = page.get_by_role("button", name=exactly(self.t("learner.test.validate")))
        if shown["timer"]:
            timer = page.get_by_role("timer")
            expect(timer).to_contain_text(re.compile(r"\d:\d\d"))
            expect(page.get_by_text(self.t(f"learner.test.timed.{'one' if shown['timer'] == 1 else 'other'}",
                                           count=shown["timer"]))).to_be_visible()
            assert_accessible(page, "a timed question")
            page.clock.fast_forward((shown["timer"] + 1) * 1000)
            expect(page.get_by_text(self.t("learner.test.time_up"))).to_be_visible()
            expect(validate).to_have_count(0)
            self.send(page.get_by_role("button", name=exactly(self.t("learner.test.continue"))), "SKIPPED")
            return
        expect(validate).to_be_disabled()
        wrongs = self.results.count("WRONG") + self.results.count("SKIPPED")
        if not right and wrongs % 2 == 1:  # every other wrong one is skipped
            self.send(page.get_by_role("button", name=exactly(self.t("learner.test.skip"))), "SKIPPED")
            return
        value = typed_answer(challenge, right, self.locale)
        if shown["kind"] in ("single_choice", "multiple_choice"):
            for number in value if isinstance(value, list) else [value]:
                page.locator(f'input[name="answer-{shown["id"]}"][value="{number}"]').check()
        elif shown["kind"] == "free_answer":
            page.get_by_label(self.t("learner.test.your_answer"), exact=True).fill(value)
        else:
            for field in shown["fields"]:
                page.get_by_label(field["label"], exact=True).fill(value[field["key"]])
        expect(validate).to_be_enabled()
        self.send(validate, "RIGHT" if right else "WRONG")

    def send(self, button, result: str) -> None:
        """Click, and wait until the API has the answer (the test then asks it what comes next)."""
        with self.page.expect_response(lambda response: response.url.endswith("/answers")
                                       and response.request.method == "POST") as sent:
            button.click()
        assert sent.value.status == 201, sent.value.text()
        self.results.append(result)

    def take_the_test(self) -> None:
        page = self.page
        participation = self.api.participation(self.campaign.code)
        self.assessment_id = self.api.assessment_id(participation["id"])
        plan = AnswerPlan(self.assessment_id)
        answered = 0
        while True:
            expect(self.heading()).to_have_text(self.position_heading(answered))
            shown = self.api.current_question(self.assessment_id, self.locale)
            assert shown["id"] == plan.expected[answered].id, "the engine served another question than replayed"
            plain = re.sub(r"[*_`#>\[\]]", "", shown["instruction"]).split("\n")[0]
            expect(page.locator(".learner-question__instruction .markdown")).to_contain_text(plain[:25])
            if shown["kind"] not in self.seen_kinds:  # each kind's picture: test_learner_questions
                self.seen_kinds.add(shown["kind"])
                assert_accessible(page, f"a question ({shown['kind']})")
            if answered == GROUP:
                self.leave_and_come_back()
            right = plan.decisions[answered] if answered < len(plan.decisions) else True
            self.answer(shown, right)
            answered += 1
            over = self.api.current_question(self.assessment_id, self.locale) is None
            if answered % GROUP == 0 or over:
                self.read_the_checkpoint(answered, over)
            if over:
                break
            assert answered < 20
        assert self.seen_kinds >= plan.kinds

    def leave_and_come_back(self) -> None:
        """A reload, then the home page's "Reprendre": the same question each time."""
        page = self.page
        heading = self.heading().inner_text()
        instruction = page.locator(".learner-question__instruction .markdown").inner_text()
        page.reload()
        expect(self.heading()).to_have_text(heading)
        expect(page.locator(".learner-question__instruction .markdown")).to_have_text(instruction)
        page.get_by_role("link", name=self.t("learner.brand")).click()
        expect(page.get_by_role("heading", name=self.t("learner.home.mine_title"))).to_be_visible()
        expect(page.get_by_text(self.t("learner.status.STARTED"))).to_be_visible()
        self.look("home-resume")
        page.get_by_role("link", name=self.t("learner.home.action_for", action=self.t("learner.home.resume"),
                                               title=self.campaign.title)).click()
        expect(self.heading()).to_have_text(heading)
        expect(page.locator(".learner-question__instruction .markdown")).to_have_text(instruction)
        page.goto(f"/campagnes/{self.campaign.code}")  # the link again: "Reprendre" instead of "Je commence"
        page.get_by_role("button", name=exactly(self.t("learner.landing.resume"))).click()
        expect(self.heading()).to_have_text(heading)

    def read_the_checkpoint(self, answered: int, over: bool) -> None:
        page = self.page
        expect(page).to_have_url(re.compile("/evaluation/checkpoint$"))
        expect(self.heading()).to_have_text(self.t("learner.checkpoint.title"))
        block = self.results[(answered - 1) // GROUP * GROUP:]
        cards = page.locator("li.learner-review")
        expect(cards).to_have_count(len(block))
        for card, result in zip(cards.all(), block, strict=True):
            expect(card.locator(".badge")).to_have_text(self.t(f"learner.checkpoint.result.{result}"))
            expect(card.get_by_text(self.t("learner.checkpoint.right_answer"))).to_be_visible()
        expect(page.locator(".learner-tutorials a").first).to_have_attribute("href", re.compile("^https?://"))
        if answered == GROUP:
            self.look("checkpoint")
        name = self.t("learner.checkpoint.see_results" if over else "learner.checkpoint.continue")
        page.get_by_role("link", name=exactly(name)).click()

    # -- after the test --------------------------------------------------------------------------

    def send_the_results(self) -> None:
        page = self.page
        expect(page).to_have_url(re.compile(f"/campagnes/{self.campaign.code}/resultats$"))
        expect(self.heading()).to_have_text(self.t("learner.results.title"))
        results = self.api.get(f"/api/assessments/{self.assessment_id}/results", locale=self.locale)
        [competence] = results["competences"]
        expect(page.locator(".learner-score__value")).to_contain_text(str(round(results["mastery_rate"] * 100)))
        expect(page.get_by_role("heading", name=re.compile(re.escape(competence["name"])))).to_be_visible()
        send = page.get_by_role("button", name=self.t("learner.results.share"))
        expect(send).to_be_visible(timeout=30_000)  # once the participation is TO_SHARE (an event away)
        self.look("results")
        send.click()
        expect(page.get_by_role("heading", name=self.t("learner.results.shared_title"))).to_be_focused()
        expect(page.get_by_role("status").filter(has_text=self.campaign.organization_name)).to_be_visible()
        assert self.api.participation(self.campaign.code)["status"] == "SHARED"
        self.look("confirmation")
        # The campaign takes results several times, but not four days before the first sending.
        page.get_by_role("button", name=self.t("learner.results.retry")).click()
        too_soon = self.w["learner.results.errors.RETRY_TOO_SOON"].split("{date}")[0]
        expect(page.get_by_role("alert")).to_contain_text(too_soon)

    def see_the_profile(self) -> None:
        page = self.page
        page.get_by_role("link", name=exactly(self.t("learner.header.profile"))).click()
        expect(self.heading()).to_have_text(self.t("learner.profile.title"))
        profile = self.api.get("/api/users/me/profile", locale=self.locale)
        expect(page.locator(".learner-score__value")).to_have_text(str(profile["total_pix"]))
        expect(page.locator("li.learner-competence")).to_have_count(16)
        security = next(c for c in profile["competences"] if c["code"] == "4.1")
        card = page.locator("li.learner-competence").filter(has_text=security["name"])
        expect(card).to_contain_text(self.t("learner.profile.level", level=security["level"]))
        self.look("profile")
        page.get_by_role("link", name=self.t("learner.brand")).click()
        expect(page.get_by_text(self.t("learner.status.SHARED"))).to_be_visible()


@pytest.mark.parametrize(("locale", "phone", "names"), [
    ("fr", False, ("Sacha", "Étudiant-Dupont de la Grande-Rivière-sur-Mer")),
    ("en", True, ("Alex", "Student")),
], ids=["french-desktop", "english-phone"])
def test_a_student_goes_from_the_code_to_results_sent_and_their_profile(stack, open_page, shot, university, locale,
                                                                       phone, names):
    page = open_page(locale=locale, phone=phone, allowed=(EXPECTED_REFUSALS,))
    page.clock.install()  # time runs as usual; the timed question's countdown is then jumped over
    journey = Journey(page, stack, university, locale, shot)
    journey.enter_the_code()
    journey.read_the_landing_page()
    journey.sign_up(*names)
    journey.give_the_student_number()
    journey.read_the_rules()
    journey.take_the_test()
    journey.send_the_results()
    journey.see_the_profile()
