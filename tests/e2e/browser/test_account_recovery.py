"""Getting back into an account, and proving an address, in a real browser with the mails the stack
writes: a learner who forgot the password gets a new one from the mail's link (and the link works
once); a teacher invited to a school signs up, is asked to confirm the address, follows the mail's
link in another tab, and the invitation page goes on to joining by itself."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from accessibility import assert_accessible
from journeys import PASSWORD, mail_link, mail_links, platform_admin, sign_up
from learner_steps import COMMON_LOCALES, exactly, starting
from learner_steps import words as face_words
from orga_steps import create_organization, random_uai, unique_email
from playwright.sync_api import expect

NEW_PASSWORD = "Green-Field-2027!"


def words(locale: str) -> dict[str, str]:
    """The learner face's texts and the errors' sentences, in ``locale``."""
    errors = json.loads((COMMON_LOCALES / f"errors.{locale}.json").read_text(encoding="utf-8"))
    return {**face_words(locale), **errors}
# Asked for on purpose: a password the rules refuse (422), the old password (401), the spent link
# (400), a second verification mail too soon (429); and the "not yet" (403) of organizations hearing
# of the address.
EXPECTED = (r"status of 422 \(UNPROCESSABLE ENTITY\)", r"status of 401 \(UNAUTHORIZED\)",
            r"status of 400 \(BAD REQUEST\)", r"status of 429 \(TOO MANY REQUESTS\)",
            r"status of 403 \(FORBIDDEN\)")


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_learner_gets_a_new_password_from_the_mail_and_the_link_works_once(stack, open_page, shot, locale):
    w = words(locale)
    address = f"lou.{uuid.uuid4().hex[:8]}@example.org"
    sign_up(stack, "Lou", "Oublieuse", address)
    page = open_page(locale=locale, allowed=EXPECTED)

    page.goto("/connexion")
    page.get_by_role("link", name=w["common.forgot_password"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(w["common.reset.request_title"])
    page.get_by_label(starting(w["common.email"])).fill(address)
    assert_accessible(page, "forgotten password")
    shot(page, f"learner-forgot-password-{locale}")
    page.get_by_role("button", name=w["common.reset.request_submit"]).click()
    expect(page.get_by_role("status")).to_contain_text(address)

    link = mail_link(stack, address, "/nouveau-mot-de-passe#token=")  # the .eml identity's consumer wrote
    assert link.startswith(f"{stack.gateway}/nouveau-mot-de-passe#token=")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(w["common.reset.title"])
    expect(page).to_have_url(re.compile(r"/nouveau-mot-de-passe$"))  # the token left the address bar
    password = page.get_by_label(starting(w["common.reset.new_password"]))
    password.fill("oublieuse")
    page.get_by_role("button", name=w["common.reset.submit"]).click()
    expect(page.get_by_text(w["errors.PASSWORD_NEEDS_UPPERCASE"])).to_be_visible()  # said on the field
    password.fill(NEW_PASSWORD)
    assert_accessible(page, "new password")
    shot(page, f"learner-new-password-{locale}")
    page.get_by_role("button", name=w["common.reset.submit"]).click()
    expect(page.get_by_role("status")).to_have_text(w["common.reset.done"])

    page.locator("#main").get_by_role("link", name=w["learner.account.log_in"]).click()
    page.get_by_label(starting(w["common.email"])).fill(address)
    page.get_by_label(starting(w["common.password"])).fill(PASSWORD)  # the old one no longer opens it
    page.get_by_role("button", name=exactly(w["common.log_in"])).click()
    expect(page.get_by_role("alert")).to_have_text(w["errors.INVALID_CREDENTIALS"])
    page.get_by_label(starting(w["common.password"])).fill(NEW_PASSWORD)
    page.get_by_role("button", name=exactly(w["common.log_in"])).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.home.title"])
    expect(page.get_by_text("Lou Oublieuse")).to_be_visible()

    # The same link again: refused, with the way to a new one.
    page.goto(link)
    page.get_by_label(starting(w["common.reset.new_password"])).fill("Yet-Another-Pass-9")
    page.get_by_role("button", name=w["common.reset.submit"]).click()
    expect(page.get_by_role("alert")).to_have_text(w["errors.INVALID_RESET_LINK"])
    expect(page.get_by_role("link", name=w["common.reset.ask_again"])).to_have_attribute("href",
                                                                                         "/mot-de-passe-oublie")


def test_an_invited_teacher_signs_up_confirms_the_address_from_the_mail_and_joins(stack, open_page, shot):
    w = words("fr")
    school, teacher = "Collège Louise Michel", unique_email("prof")
    create_organization(stack, platform_admin(stack), school, teacher, external_id=random_uai(),
                        manages_students=False)
    invitation = mail_link(stack, teacher, "/rejoindre?")
    page = open_page(allowed=EXPECTED)
    page.goto(invitation)
    page.get_by_role("button", name="Je n'ai pas de compte").click()
    page.get_by_label("Prénom").fill("Louise")
    page.get_by_role("textbox", name=re.compile(r"^Nom ")).fill("Enseignante")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("checkbox", name="J'accepte les conditions d'utilisation de la plateforme.").check()
    page.get_by_role("button", name="Je crée mon compte").click()

    # Asked to confirm the address first; no way to join yet.
    notice = page.get_by_role("region", name=w["common.verify.needed_title"])
    expect(notice).to_contain_text(teacher)
    expect(page.get_by_role("button", name=f"Rejoindre {school}")).to_have_count(0)
    page.get_by_role("button", name=w["common.verify.resend"]).click()  # the sign-up's mail left a moment ago
    expect(notice.get_by_role("alert")).to_contain_text("Vous pourrez en demander un autre dans")
    assert_accessible(page, "join, address to confirm")
    shot(page, "orga-join-verify-fr")

    # The mail's link, opened in another tab as a mail reader does.
    verification = mail_link(stack, teacher, "/verification-email#token=")
    assert verification.startswith(f"{stack.gateway}/orga/verification-email#token=")
    mailbox = page.context.new_page()
    mailbox.goto(verification)
    expect(mailbox.get_by_role("status")).to_have_text(w["common.verify.done"].replace("{email}", teacher))
    expect(mailbox.get_by_role("link", name="Revenir à mon invitation")).to_be_visible()
    shot(mailbox, "orga-email-verified-fr")
    mailbox.close()

    # The invitation page noticed by itself, and joining works.
    page.get_by_role("button", name=f"Rejoindre {school}").click(timeout=30_000)
    expect(page).to_have_url(re.compile(r"/orga/cgu"), timeout=30_000)
    assert len(mail_links(stack, teacher, "/verification-email#token=")) == 1  # no second mail went


def test_an_unverified_teacher_who_logs_in_to_orga_is_asked_to_confirm_the_address(stack, open_page, shot):
    w = words("en")
    teacher = unique_email("prof")
    sign_up(stack, "Sacha", "Enseignant", teacher)
    page = open_page(locale="en", allowed=EXPECTED)
    page.goto("/orga/connexion")
    expect(page.get_by_role("link", name=w["common.forgot_password"])).to_have_attribute(
        "href", "/orga/mot-de-passe-oublie")
    page.get_by_label(starting(w["common.email"])).fill(teacher)
    page.get_by_label(starting(w["common.password"])).fill(PASSWORD)
    page.get_by_label(starting(w["common.password"])).press("Enter")
    notice = page.get_by_role("region", name=w["common.verify.needed_title"])
    expect(notice).to_contain_text(teacher)
    expect(notice.get_by_role("button", name=w["common.verify.resend"])).to_be_visible()
    assert_accessible(page, "no organization, address to confirm")
    shot(page, "orga-log-in-unverified-en")
