"""A pupil of a school that manages its students joins its campaign: the join answers
LEARNER_NOT_MATCHED, so the face asks for their names and birth date and finds them on the list the
school imported (POST /api/organizations/{id}/learners/reconciliation), then the test starts."""

from __future__ import annotations

import re
import uuid

import pytest
from accessibility import assert_accessible
from journeys import PASSWORD
from learner_steps import EXPECTED_REFUSALS, PUPILS, exactly, school_campaign, starting, words
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def school(stack):
    return school_campaign(stack)


def sign_up_from_the_landing_page(page, school, w, pupil, prefix: str) -> None:
    """The campaign's landing page, then a new account with the pupil's names: the join answers
    LEARNER_NOT_MATCHED, and the face opens the matching page."""
    page.goto(f"/campagnes/{school.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text(school.title)
    page.get_by_role("button", name=exactly(w["learner.landing.start"])).click()
    page.get_by_label(starting(w["learner.sign_up.first_name"])).fill(pupil["first_name"])
    page.get_by_label(starting(w["learner.sign_up.last_name"])).fill(pupil["last_name"])
    page.get_by_label(starting(w["learner.sign_up.email"])).fill(f"{prefix}.{uuid.uuid4().hex[:8]}@example.org")
    page.get_by_label(starting(w["learner.sign_up.password"])).fill(PASSWORD)
    page.get_by_label(w["learner.sign_up.accepted_terms"]).check()
    page.get_by_role("button", name=w["learner.sign_up.submit"]).click()
    expect(page).to_have_url(re.compile(f"/campagnes/{school.code}/eleve"))


@pytest.mark.parametrize(("locale", "phone"), [("fr", False), ("en", True)], ids=["french-desktop", "english-phone"])
def test_a_pupil_is_found_on_the_school_list_and_goes_on_to_the_rules(open_page, shot, school, locale, phone):
    page = open_page(locale=locale, phone=phone, allowed=(EXPECTED_REFUSALS,))
    w, pupil = words(locale), PUPILS[locale]
    sign_up_from_the_landing_page(page, school, w, pupil, "pupil")

    # The join refused LEARNER_NOT_MATCHED: the matching page, the account's names already filled in.
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.matching.title"])
    expect(page.get_by_label(starting(w["learner.matching.first_name"]))).to_have_value(pupil["first_name"])
    day, month, year = pupil["birthdate"]
    submit = page.get_by_role("button", name=w["learner.matching.submit"])
    page.get_by_label(w["learner.matching.day"], exact=True).fill("31")
    page.get_by_label(w["learner.matching.month"], exact=True).fill("02")
    page.get_by_label(w["learner.matching.year"], exact=True).fill(year)
    submit.click()  # 31 February: said before anything is sent
    expect(page.get_by_text(w["learner.matching.missing.birthdate"])).to_be_visible()
    assert_accessible(page, "matching")
    shot(page, f"learner-matching-{locale}")

    page.get_by_label(w["learner.matching.day"], exact=True).fill(str(int(day) % 28 + 1))
    page.get_by_label(w["learner.matching.month"], exact=True).fill(month)
    submit.click()
    expect(page.get_by_role("alert")).to_have_text(w["learner.matching.errors.NO_MATCHING_LEARNER"])

    page.get_by_label(w["learner.matching.day"], exact=True).fill(day)
    submit.click()
    expect(page).to_have_url(re.compile(f"/campagnes/{school.code}/didacticiel/1$"), timeout=30_000)
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.rules.search.title"])


def test_a_pupil_who_tries_too_many_identities_is_told_to_wait_and_ask_their_teacher(open_page, shot, school):
    """Five failures in ten minutes from one account, then organizations refuses (429) before comparing."""
    page = open_page(allowed=(EXPECTED_REFUSALS, r"status of 429"))
    w, pupil = words("fr"), PUPILS["fr"]
    sign_up_from_the_landing_page(page, school, w, pupil, "guesser")

    day, month, year = pupil["birthdate"]
    page.get_by_label(w["learner.matching.month"], exact=True).fill(month)
    page.get_by_label(w["learner.matching.year"], exact=True).fill(year)
    submit, alert = page.get_by_role("button", name=w["learner.matching.submit"]), page.get_by_role("alert")

    def attempt(birth_day: str) -> int:
        page.get_by_label(w["learner.matching.day"], exact=True).fill(birth_day)
        with page.expect_response(lambda response: response.url.endswith("/learners/reconciliation")) as answer:
            submit.click()
        return answer.value.status

    for guess in range(1, 6):  # five birth days that are not the pupil's
        assert attempt(str((int(day) + guess) % 28 + 1)) == 404
        expect(alert).to_have_text(w["learner.matching.errors.NO_MATCHING_LEARNER"])
    assert attempt(day) == 429  # even the right one, now
    sentence = w["learner.matching.errors.RECONCILIATION_THROTTLED"].replace("{retry_after_minutes}", "10")
    expect(alert).to_have_text(sentence)
    assert_accessible(page, "matching refused")
    shot(page, "learner-matching-throttled-fr")
