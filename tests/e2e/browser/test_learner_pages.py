"""The learner's face outside a campaign: an unknown address, an unknown code, and a page that needs
an account, which sends to the log-in page and back."""

from __future__ import annotations

import re
import uuid

import learner_steps
from accessibility import assert_accessible
from journeys import sign_up
from learner_steps import EXPECTED_REFUSALS, exactly, starting, words
from playwright.sync_api import expect


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
