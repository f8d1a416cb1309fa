"""Pupils without an email address, in the browser (issue 19):

- a pupil signs in from the school's ENT: the real demo GAR's page (SimpleSAMLphp, tools/idp), then the learner
  face's /connexion/gar, where they create their GAR account (no email, no password), reach the campaign they
  came for and find themself in the school's list; the next time, the GAR signs them in straight to it;
- a pupil signs up with "Je n'ai pas d'adresse e-mail": the face shows the username identity made of their names
  and birthday, the school's list finds them, and they log in again with the username."""

from __future__ import annotations

import re

import pytest
from accessibility import assert_accessible
from journeys import PASSWORD
from learner_steps import EXPECTED_REFUSALS, exactly, school_campaign, starting, words
from playwright.sync_api import expect

GAR_PASSWORD = "Demo-Pass-2026!"  # the demo GAR's people (tools/idp/config/authsources.php)
# A 401 (a link tried with a wrong password) is said on the page; Chromium logs it as a console error.
REFUSALS = r"Failed to load resource: the server responded with a status of (401|404|422)"


@pytest.fixture(scope="module")
def school(stack):
    return school_campaign(stack)


def through_the_gar(page, w, retour: str, who: str = "zoe.ozturk") -> None:
    """From the log-in page to the GAR's (the real IdP's) page, signed in there as ``who``."""
    page.goto(f"/connexion?retour={retour}")
    page.get_by_role("link", name=w["learner.log_in.gar"]).click()
    page.locator('input[name="username"]').fill(who)
    page.locator('input[name="password"]').fill(GAR_PASSWORD)
    page.locator('input[name="password"]').press("Enter")  # the IdP posts its answer to identity's ACS by itself


def test_a_pupil_creates_their_gar_account_then_the_gar_signs_them_straight_in(open_page, shot, school):
    page = open_page(allowed=(REFUSALS, EXPECTED_REFUSALS))
    w = words("fr")
    target = f"/campagnes/{school.code}"
    through_the_gar(page, w, target)

    # A first arrival: the names the GAR gave, the arrival token in the fragment (wiped from the address bar).
    expect(page.get_by_text(w["learner.gar.welcome"].replace("{name}", "Zoë Öztürk"))).to_be_visible()
    assert page.url.endswith("/connexion/gar")
    assert_accessible(page, "gar arrival")
    shot(page, "learner-gar-arrival-fr")

    # The wrong password of an account that does not exist: said, and nothing linked.
    link = page.get_by_role("region", name=w["learner.gar.link_title"])
    link.get_by_label(starting(w["common.email_or_username"])).fill("nobody.here0101")
    link.get_by_label(starting(w["common.password"])).fill("Wrong-pass-1")
    link.get_by_role("button", name=w["learner.gar.link"]).click()
    expect(link.get_by_role("alert")).to_be_visible()

    create = page.get_by_role("region", name=w["learner.gar.create_title"])
    create.get_by_role("button", name=exactly(w["learner.gar.create"])).click()
    expect(create.get_by_text(w["learner.sign_up.missing.accepted_terms"])).to_be_visible()
    create.get_by_label(w["learner.sign_up.accepted_terms"]).check()
    create.get_by_role("button", name=exactly(w["learner.gar.create"])).click()

    # The campaign she came for; the school's list finds her by the names the GAR gave and her birth date.
    expect(page).to_have_url(re.compile(f"{target}$"))
    expect(page.locator(".learner-account__name")).to_have_text("Zoë Öztürk")
    page.get_by_role("button", name=exactly(w["learner.landing.start"])).click()
    expect(page).to_have_url(re.compile(f"{target}/eleve"))
    expect(page.get_by_label(starting(w["learner.matching.last_name"]))).to_have_value("Öztürk")
    page.get_by_label(w["learner.matching.day"], exact=True).fill("05")
    page.get_by_label(w["learner.matching.month"], exact=True).fill("06")
    page.get_by_label(w["learner.matching.year"], exact=True).fill("2011")
    page.get_by_role("button", name=w["learner.matching.submit"]).click()
    expect(page).to_have_url(re.compile(f"{target}/didacticiel/1$"), timeout=30_000)

    # The next day, another browser: the GAR signs her in, straight to where she was going.
    again = open_page(allowed=(REFUSALS, EXPECTED_REFUSALS))
    through_the_gar(again, w, target)
    expect(again).to_have_url(re.compile(f"{target}$"))
    expect(again.locator(".learner-account__name")).to_have_text("Zoë Öztürk")
    assert "access_token" not in again.url
    shot(again, "learner-gar-signed-in-again-fr")


def test_a_pupil_without_an_email_signs_up_with_a_username_and_logs_in_with_it(open_page, shot, school):
    page = open_page(allowed=(EXPECTED_REFUSALS,))
    w = words("fr")
    target = f"/campagnes/{school.code}"
    page.goto(target)
    page.get_by_role("button", name=exactly(w["learner.landing.start"])).click()
    page.get_by_label(w["learner.sign_up.without_email"]).check()
    page.get_by_label(starting(w["learner.sign_up.first_name"])).fill("Jean-Noël")
    page.get_by_label(starting(w["learner.sign_up.last_name"])).fill("D'Almeida")
    page.get_by_label(w["learner.matching.day"], exact=True).fill("02")
    page.get_by_label(w["learner.matching.month"], exact=True).fill("01")
    page.get_by_label(w["learner.matching.year"], exact=True).fill("2011")
    page.get_by_label(starting(w["learner.sign_up.password"])).fill(PASSWORD)
    page.get_by_label(w["learner.sign_up.accepted_terms"]).check()
    assert_accessible(page, "sign-up without email")
    page.get_by_role("button", name=w["learner.sign_up.submit"]).click()

    # The username to note: names and day and month of birth, the hyphen and the apostrophe left out (a number
    # follows when another Jean-Noël D'Almeida of 2 January has one already, as in a second run on the same stack).
    shown = page.get_by_test_id("username")
    expect(shown).to_have_text(re.compile(r"^jeannoel\.dalmeida0201\d*$"))
    username = shown.inner_text()
    assert_accessible(page, "username shown")
    shot(page, "learner-username-shown-fr")
    page.get_by_role("button", name=w["learner.sign_up.username_continue"]).click()

    # The sign-up's flow goes on: the school's list finds her, and the test starts.
    expect(page).to_have_url(re.compile(f"{target}/eleve"), timeout=30_000)
    page.get_by_label(w["learner.matching.day"], exact=True).fill("02")
    page.get_by_label(w["learner.matching.month"], exact=True).fill("01")
    page.get_by_label(w["learner.matching.year"], exact=True).fill("2011")
    page.get_by_role("button", name=w["learner.matching.submit"]).click()
    expect(page).to_have_url(re.compile(f"{target}/didacticiel/1$"), timeout=30_000)

    # Another day: the username and the password.
    again = open_page()
    again.goto(f"/connexion?retour={target}")
    again.get_by_label(starting(w["common.email_or_username"])).fill(username.upper())
    again.get_by_label(starting(w["common.password"])).fill(PASSWORD)
    again.get_by_role("button", name=w["common.log_in"]).click()
    expect(again).to_have_url(re.compile(f"{target}$"))
    expect(again.locator(".learner-account__name")).to_have_text("Jean-Noël D'Almeida")
