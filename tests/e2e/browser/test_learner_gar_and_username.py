"""Pupils without an email address, in the browser (issue 19):

- a pupil signs in from the school's ENT: the real demo GAR's page (SimpleSAMLphp, tools/idp), then the learner
  face's /connexion/gar, where they find themself in the school's list (the GAR's school, UAI 0751234A) and create
  their GAR account (no email, no password), linked to their learner, and reach the campaign they came for; the
  next time, the GAR signs them in straight to it;
- a pupil who already has an account (a username) is told so, with Pix's code and the username masked, before a
  second account is made, and links the GAR to it;
- a pupil signs up with "Je n'ai pas d'adresse e-mail": the face shows the username identity made of their names
  and birthday, the school's list finds them, and they log in again with the username."""

from __future__ import annotations

import json
import re

import pytest
import requests
from accessibility import assert_accessible
from journeys import PASSWORD
from learner_steps import EXPECTED_REFUSALS, ROOT, exactly, school_campaign, starting, words
from orga_steps import PUPILS, username_account_in_the_list
from playwright.sync_api import expect

from msgkit.testing import wait_until

GAR_PASSWORD = "Demo-Pass-2026!"  # the demo GAR's people (tools/idp/config/authsources.php)
# A 401 (a link tried with a wrong password) is said on the page; Chromium logs it as a console error.
REFUSALS = r"Failed to load resource: the server responded with a status of (401|404|422)"


@pytest.fixture(scope="module")
def school(stack):
    return school_campaign(stack, uai="0751234A")  # the demo GAR's school


def through_the_gar(page, w, retour: str, who: str = "zoe.ozturk") -> None:
    """From the log-in page to the GAR's (the real IdP's) page, signed in there as ``who``."""
    page.goto(f"/connexion?retour={retour}")
    page.get_by_role("link", name=w["learner.log_in.gar"]).click()
    page.locator('input[name="username"]').fill(who)
    page.locator('input[name="password"]').fill(GAR_PASSWORD)
    page.locator('input[name="password"]').press("Enter")  # the IdP posts its answer to identity's ACS by itself


def test_a_pupil_creates_their_gar_account_then_the_gar_signs_them_straight_in(stack, open_page, shot, school):
    page = open_page(allowed=(REFUSALS, EXPECTED_REFUSALS))
    w = words("fr")
    target = f"/campagnes/{school.code}"
    through_the_gar(page, w, target)

    # A first arrival: the names the GAR gave, the arrival token in the fragment (wiped from the address bar).
    expect(page.get_by_text(w["learner.gar.welcome"].replace("{name}", "Zoë Öztürk"))).to_be_visible()
    # The page wipes the fragment in an effect, after its first render: wait for it rather than read the address once.
    expect(page).to_have_url(re.compile(r"/connexion/gar$"))
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
    expect(create.get_by_text(w["learner.matching.missing.birthdate"])).to_be_visible()
    create.get_by_label(w["learner.sign_up.accepted_terms"]).check()
    # Not found with another birth date: said, and no account made.
    birth(create, w, ("06", "05", "2011"))
    create.get_by_role("button", name=exactly(w["learner.gar.create"])).click()
    expect(create.get_by_role("alert")).to_contain_text(errors("fr")["errors.NO_MATCHING_LEARNER"])
    assert page.url.endswith("/connexion/gar")
    birth(create, w, ("05", "06", "2011"))
    create.get_by_role("button", name=exactly(w["learner.gar.create"])).click()

    # The campaign she came for, her account already linked to her learner: the test starts at once.
    expect(page).to_have_url(re.compile(f"{target}$"))
    expect(page.locator(".learner-account__name")).to_have_text("Zoë Öztürk")
    page.get_by_role("button", name=exactly(w["learner.landing.start"])).click()
    expect(page).to_have_url(re.compile(f"{target}/didacticiel/1$"), timeout=30_000)

    # The next day, another browser: the GAR signs her in, straight to where she was going.
    again = open_page(allowed=(REFUSALS, EXPECTED_REFUSALS))
    through_the_gar(again, w, target)
    expect(again).to_have_url(re.compile(f"{target}$"))
    expect(again.locator(".learner-account__name")).to_have_text("Zoë Öztürk")
    assert "access_token" not in again.url
    shot(again, "learner-gar-signed-in-again-fr")
    signs_in_with(stack, school, "Öztürk", ["GAR"])  # a GAR account: neither address nor username


def signs_in_with(stack, school, last_name: str, methods: list[str]) -> None:
    """The school's list (reporting's, from identity's events) says how the pupil's account signs in."""
    def said():
        response = requests.get(f"{stack.gateway}/api/organizations/{school.organization_id}/learners",
                                headers=school.admin, params={"search": last_name}, timeout=10)
        return [item["sign_in_methods"] for item in response.json()["items"]] == [methods]

    wait_until(said, timeout=30, message=f"the list saying {last_name} signs in with {methods}")


def errors(locale: str) -> dict[str, str]:
    return json.loads((ROOT / "web" / "src" / "common" / "locales" / f"errors.{locale}.json").read_text("utf-8"))


def birth(region, w, day_month_year) -> None:
    for label, value in zip(("day", "month", "year"), day_month_year, strict=True):
        region.get_by_label(w[f"learner.matching.{label}"], exact=True).fill(value)


def test_a_pupil_who_has_an_account_is_told_which_and_links_the_gar_to_it(stack, open_page, shot, school):
    # Chloé signed up with a username and found herself in the school's list (through the API, as the face does).
    username = username_account_in_the_list(stack, school.organization_id, PUPILS[0])

    page = open_page(allowed=(REFUSALS, EXPECTED_REFUSALS, r"status of 409"))
    w = words("fr")
    target = f"/campagnes/{school.code}"
    through_the_gar(page, w, target, who="chloe.coeurderoy")
    create = page.get_by_role("region", name=w["learner.gar.create_title"])
    birth(create, w, ("14", "02", "2013"))
    create.get_by_label(w["learner.sign_up.accepted_terms"]).check()
    # Her username, masked (organizations knows it once identity announced the account: a moment after sign-up).
    masked = "c***.c***" + username[len("chloe.coeurderoy"):]
    create.get_by_role("button", name=exactly(w["learner.gar.create"])).click()
    expect(create.get_by_role("alert")).to_contain_text(f"{masked}", timeout=15_000)
    expect(create.get_by_role("alert")).to_contain_text("R32")
    assert_accessible(page, "gar arrival: an account already there")
    shot(page, "learner-gar-account-already-there-fr")

    # She links the GAR to it: then straight in, as that account.
    link = page.get_by_role("region", name=w["learner.gar.link_title"])
    link.get_by_label(starting(w["common.email_or_username"])).fill(username)
    link.get_by_label(starting(w["common.password"])).fill(PASSWORD)
    link.get_by_role("button", name=w["learner.gar.link"]).click()
    expect(page).to_have_url(re.compile(f"{target}$"))
    expect(page.locator(".learner-account__name")).to_have_text("Chloé Cœurderoy")
    signs_in_with(stack, school, "Cœurderoy", ["USERNAME", "GAR"])


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
