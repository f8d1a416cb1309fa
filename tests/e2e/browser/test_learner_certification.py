"""A candidate joins a certification session from the learner's face: "Je passe ma certification", log in,
the session number, names and birth date (a wrong number is said first), the waiting screen until the
invigilator authorizes (the page notices by itself), then the access code (a wrong one is said) starts the
test. The test's questions come with assessment's certification test: the page stops at "started"."""

from __future__ import annotations

import re

import pytest
from accessibility import assert_accessible
from certif_steps import SESSION, api, eligible_pupil, pro_centre, unique_email
from journeys import PASSWORD, platform_admin, sign_up
from learner_steps import exactly, starting, words
from playwright.sync_api import expect

REFUSALS = (r"status of 404", r"status of 422", r"status of 403")
ERRORS = {"fr": "Aucune session ne porte ce numéro", "en": "No session has this number"}


@pytest.mark.parametrize(("locale", "phone"), [("fr", False), ("en", True)], ids=["french-desktop", "english-phone"])
def test_a_candidate_joins_waits_for_the_invigilator_and_starts_with_the_access_code(stack, open_page, shot,
                                                                                    locale, phone):
    w = words(locale)
    platform = platform_admin(stack)
    centre_id, _, centre = pro_centre(stack, platform, "Formations Martin")
    session = api(stack, "POST", f"/api/certification-centers/{centre_id}/sessions", centre, SESSION).json()
    enrolled = api(stack, "POST", f"/api/certification-sessions/{session['id']}/candidates", centre, {
        "first_name": "Zoé", "last_name": "Lefèvre", "birthdate": "1990-01-02", "sex": "F", "birthplace": "Lyon"})
    assert enrolled.status_code == 201, enrolled.text
    email = unique_email("zoe")
    zoe = sign_up(stack, "Zoé", "Lefèvre", email)
    eligible_pupil(stack, zoe)

    page = open_page(locale=locale, phone=phone, allowed=REFUSALS)
    page.goto("/")
    page.get_by_role("link", name=w["learner.home.certification_link"]).click()
    expect(page).to_have_url(re.compile(r"/connexion\?retour=%2Fcertification$"))
    page.get_by_label(starting(w["common.email"])).fill(email)
    page.get_by_label(starting(w["common.password"])).fill(PASSWORD)
    page.get_by_label(starting(w["common.password"])).press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.certification.join_title"])

    # The names come from the account; the candidate types them as the centre enrolled them (case and accents
    # do not matter), a wrong session number first.
    number = page.get_by_label(starting(w["learner.certification.session_number"]))
    number.fill(str(session["number"] + 100_000))
    page.get_by_label(starting(w["learner.matching.last_name"])).fill("LEFEVRE")
    page.get_by_label(w["learner.matching.day"]).fill("2")
    page.get_by_label(w["learner.matching.month"]).fill("1")
    page.get_by_label(w["learner.matching.year"]).fill("1990")
    page.get_by_role("button", name=exactly(w["learner.certification.join_submit"])).click()
    expect(page.get_by_role("alert")).to_contain_text(ERRORS[locale])
    number.fill(str(session["number"]))
    number.press("Enter")

    # Joined: the waiting screen, which asks again by itself until the invigilator authorizes.
    expect(page.get_by_role("status").filter(has_text=w["learner.certification.waiting"])).to_be_visible()
    expect(page.get_by_text(f"Zoé Lefèvre, session {session['number']}")).to_be_visible()
    assert_accessible(page, "waiting for the invigilator")
    shot(page, f"learner-certification-waiting-{locale}")
    invigilator = sign_up(stack, "Sam", "Surveillant", unique_email("sam"))
    room = api(stack, "POST", "/api/certification-invigilations", invigilator, {
        "session_number": session["number"], "invigilator_password": session["invigilator_password"]}).json()
    assert [c["status"] for c in room["candidates"]] == ["JOINED"]
    authorized = api(stack, "POST", f"/api/certification-candidates/{enrolled.json()['id']}/authorization",
                     invigilator)
    assert authorized.status_code == 204, authorized.text
    expect(page.get_by_text(w["learner.certification.authorized"])).to_be_visible(timeout=10_000)
    code = page.get_by_label(starting(w["learner.certification.access_code"]))
    expect(code).to_be_focused()

    # A wrong access code is said; the right one (typed in small letters) starts the test.
    code.fill("ZZZZ99")
    code.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(
        "Ce n'est pas le code d'accès" if locale == "fr" else "This is not the session's access code")
    code.fill(session["access_code"].lower())
    page.get_by_role("button", name=w["learner.certification.start"]).click()
    expect(page.get_by_text(w["learner.certification.started"])).to_be_visible()
    expect(page.get_by_text(re.compile(r"P-[2346789BCDFGHJKMPQRTVWXY]{8}"))).to_be_visible()
    assert_accessible(page, "certification started")
    shot(page, f"learner-certification-started-{locale}")
    room = api(stack, "POST", "/api/certification-invigilations", invigilator, {
        "session_number": session["number"], "invigilator_password": session["invigilator_password"]}).json()
    assert [c["status"] for c in room["candidates"]] == ["STARTED"]
