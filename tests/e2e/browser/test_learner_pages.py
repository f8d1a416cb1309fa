"""The learner's face outside a campaign: an unknown address, an unknown code, and a page that needs
an account, which sends to the log-in page and back."""

from __future__ import annotations

import re
import uuid

import learner_steps
import pytest
from accessibility import assert_accessible
from journeys import sign_up
from learner_steps import EXPECTED_REFUSALS, exactly, starting, words
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
open_page = learner_steps.open_page  # the fixture with the allowed errors applied (see learner_steps)


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
    page.get_by_label(starting("Adresse e-mail")).fill(address)
    page.get_by_label(starting("Mot de passe")).fill(learner_steps.PASSWORD)
    page.get_by_role("button", name=exactly("Je me connecte")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.profile.title"])
    expect(page.get_by_text("Lou Apprenant")).to_be_visible()  # the header names who is signed in
    expect(page.locator("li.learner-competence")).to_have_count(16)
