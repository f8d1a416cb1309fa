"""The learner's face outside a campaign: an unknown address, an unknown code, and a page that needs
an account, which sends to the log-in page and back."""

from __future__ import annotations

import json
import re
import uuid

import learner_steps
from accessibility import assert_accessible
from journeys import sign_up
from learner_steps import EXPECTED_REFUSALS, LearnerApi, exactly, log_in_on_page, starting, words
from playwright.sync_api import expect

from msgkit.testing import wait_until

university = learner_steps.university  # the university's campaign (a session fixture)


def test_an_unknown_address_and_an_unknown_code_say_so_and_lead_home(open_page, shot):
    page = open_page(locale="en", phone=True, allowed=(EXPECTED_REFUSALS,))
    w = words("en")
    page.goto("/nowhere/at-all")
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.not_found.title"])
    assert_accessible(page, "not found")
    shot(page, "learner-not-found-en")
    page.goto("/campagnes/NOPE99999")
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.landing.not_found_title"])
    page.get_by_role("link", name=w["learner.landing.other_code"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.home.title"])


def test_the_profile_asks_to_log_in_first_then_opens(stack, open_page, shot):
    address = f"lou.{uuid.uuid4().hex[:8]}@example.org"
    sign_up(stack, "Lou", "Apprenant", address)
    page = open_page(locale="fr")
    w = words("fr")
    page.goto("/profil")
    expect(page).to_have_url(re.compile(r"/connexion\?retour=%2Fprofil$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.log_in.title"])
    assert_accessible(page, "log in")
    shot(page, "learner-log-in-fr")
    page.get_by_label(starting(w["common.email"])).fill(address)
    page.get_by_label(starting(w["common.password"])).fill(learner_steps.PASSWORD)
    page.get_by_role("button", name=exactly(w["common.log_in"])).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.profile.title"])
    expect(page.get_by_text("Lou Apprenant")).to_be_visible()  # the header names who is signed in
    expect(page.locator("li.learner-competence")).to_have_count(16)
    # The language switch: the page and what the API sends (competence names) turn to English.
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words("en")["learner.profile.title"])
    expect(page.get_by_role("heading", name=re.compile("Securing the digital environment"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_profiles_collection_takes_the_profile_as_it_is_and_again(stack, open_page, shot):
    campaign = learner_steps.profiles_campaign(stack)
    page = open_page(locale="fr")
    w = words("fr")
    page.goto(f"/campagnes/{campaign.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.landing.profiles_title"])
    page.get_by_role("button", name=exactly(w["learner.landing.start"])).click()
    page.get_by_label(starting(w["learner.sign_up.first_name"])).fill("Dominique")
    page.get_by_label(starting(w["learner.sign_up.last_name"])).fill("Salariée")
    page.get_by_label(starting(w["learner.sign_up.email"])).fill(f"salariee.{uuid.uuid4().hex[:8]}@example.org")
    page.get_by_label(starting(w["learner.sign_up.password"])).fill(learner_steps.PASSWORD)
    page.get_by_label(w["learner.sign_up.accepted_terms"]).check()
    page.get_by_role("button", name=w["learner.sign_up.submit"]).click()
    # Nothing to test: the profile (0 pix for a new account) is ready to send at once.
    expect(page).to_have_url(re.compile(f"/campagnes/{campaign.code}/resultats$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.results.profile_page_title"])
    expect(page.locator(".learner-score__value")).to_have_text("0")
    page.get_by_role("button", name=w["learner.results.share_profile"]).click()
    expect(page.get_by_role("status").filter(has_text=campaign.organization_name)).to_be_visible()
    assert_accessible(page, "profile sent")
    shot(page, "learner-profile-sent-fr")
    page.get_by_role("button", name=w["learner.results.retry_profile"]).click()
    expect(page.get_by_role("button", name=w["learner.results.share_profile"])).to_be_visible()


def finished_by_skipping(stack, university, name: str) -> tuple[str, LearnerApi, dict, str]:
    """A new learner who took the university's test to its end skipping every question: (their address, their API,
    the participation, the test's id)."""
    address = f"{name.lower()}.{uuid.uuid4().hex[:8]}@example.org"
    sign_up(stack, name, "Améliore", address)
    learner = LearnerApi(stack, address)
    participation = learner.post("/api/campaign-participations",
                                 {"campaign_code": university.code, "participant_external_id": "L1-1234"})
    first = learner.assessment_id(participation["id"])
    while (question := learner.current_question(first, "fr")) is not None:
        learner.answer(first, question["id"], right=False)
    return address, learner, participation, first


def test_a_learner_improves_their_results_before_sending_them(stack, open_page, shot, university):
    """Before sending, "J'améliore mes résultats": back to the test (a new one, made by an event a moment after),
    only the questions not passed asked again; then the better results are sent."""
    address, learner, participation, first = finished_by_skipping(stack, university, "Noa")
    w = words("fr")
    page = open_page(locale="fr")
    page.goto(f"/campagnes/{university.code}/resultats")
    log_in_on_page(page, w, address)
    improve = page.get_by_role("button", name=exactly(w["learner.results.improve"]))
    expect(improve).to_be_visible(timeout=30_000)  # once the participation is TO_SHARE (an event away)
    expect(page.locator(".learner-score__value")).to_have_text(re.compile(r"^0"))
    assert_accessible(page, "results to improve")
    shot(page, "learner-results-improve-fr")
    improve.click()
    expect(page).to_have_url(re.compile(f"/campagnes/{university.code}/evaluation$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        w["learner.test.position"].format(position=1, total=5), timeout=30_000)
    second = learner.assessment_id(participation["id"])
    assert second != first
    assert learner.participation(university.code)["status"] == "STARTED"
    while (question := learner.current_question(second, "fr")) is not None:
        learner.answer(second, question["id"], right=True)
    results = wait_until(lambda: learner.get(f"/api/assessments/{second}/results")["mastery_rate"] > 0 and
                         learner.get(f"/api/assessments/{second}/results"), message="the improved results")
    page.goto(f"/campagnes/{university.code}/resultats")
    share = page.get_by_role("button", name=exactly(w["learner.results.share"]))
    expect(share).to_be_visible(timeout=30_000)
    expect(page.locator(".learner-score__value")).to_contain_text(str(round(results["mastery_rate"] * 100)))
    if results["validated_skills_count"] == results["target_skills_count"]:  # nothing left to improve
        expect(page.get_by_role("button", name=exactly(w["learner.results.improve"]))).to_have_count(0)
    share.click()
    expect(page.get_by_role("heading", name=w["learner.results.shared_title"])).to_be_focused()
    assert learner.participation(university.code)["status"] == "SHARED"


def test_the_results_page_opened_before_the_improved_test_exists_goes_back_to_it(stack, open_page, university):
    """Improving puts the participation back to STARTED at once, and assessment makes the new test a moment later
    (an event): the results page opened meanwhile reads the finished test, waits, then goes to the new one. The
    moment is stretched here: the first reads of the participation's test answer the finished one."""
    address, learner, participation, first = finished_by_skipping(stack, university, "Sam")
    finished = wait_until(lambda: learner.participation(university.code)["status"] == "TO_SHARE"
                          and learner.get(f"/api/campaign-participations/{participation['id']}/assessment"),
                          message="the participation to send")
    assert finished["id"] == first and finished["state"] == "COMPLETED"
    learner.post(f"/api/campaign-participations/{participation['id']}/improve", {})
    second = wait_until(lambda: (found := learner.assessment_id(participation["id"])) != first and found,
                        message="the improved test")
    w = words("fr")
    page = open_page(locale="fr")
    stale = {"left": 4}

    def lagging(route):
        if stale["left"] > 0:
            stale["left"] -= 1
            route.fulfill(status=200, content_type="application/json", body=json.dumps(finished))
        else:
            route.continue_()

    page.route(f"**/api/campaign-participations/{participation['id']}/assessment", lagging)
    # The rules were read in this browser the first time (the page keeps that mark, by participation).
    page.add_init_script(f"localStorage.setItem('skills.learner.rules-seen.{participation['id']}', '1')")
    page.goto(f"/campagnes/{university.code}/resultats")
    log_in_on_page(page, w, address)
    expect(page).to_have_url(re.compile(f"/campagnes/{university.code}/evaluation$"), timeout=20_000)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        w["learner.test.position"].format(position=1, total=5), timeout=20_000)
    assert stale["left"] == 0
    assert learner.assessment_id(participation["id"]) == second
