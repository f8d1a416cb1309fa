"""A pupil who signs in with a username forgot their password (no email to reset it): the school's admin gives
them a temporary password in Orga, the pupil logs in with it on the learners' face, must choose their own, and is
then signed in; the new password works from then on, the temporary one no longer."""

from __future__ import annotations

import re

from accessibility import assert_accessible
from journeys import PASSWORD, platform_admin
from learner_steps import exactly, starting, words
from orga_steps import (
    PUPILS,
    create_organization,
    join_by_invitation,
    log_in_page,
    random_uai,
    unique_email,
    username_account_in_the_list,
)
from playwright.sync_api import expect
from test_orga_learner_accounts import import_list, reload_until

from msgkit.testing import wait_until

CHLOE = PUPILS[0]  # Chloé Cœurderoy, born 2013-02-14
NEW_PASSWORD = "Green-Leaf-2027?"
# The temporary password's log-in (403, PASSWORD_CHANGE_REQUIRED), the refused ones (401, 422) are said on the page;
# Chromium logs them as console errors.
REFUSALS = r"Failed to load resource: the server responded with a status of (401|403|409|422)"


def log_in_as_pupil(page, w, username: str, password: str) -> None:
    page.goto("/connexion")
    page.get_by_label(starting(w["common.email_or_username"])).fill(username)
    page.get_by_label(starting(w["common.password"])).fill(password)
    page.get_by_role("button", name=w["common.log_in"]).click()


def test_an_admin_gives_a_temporary_password_the_pupil_replaces_at_their_next_log_in(stack, open_page, shot):
    admin_email, uai = unique_email("direction"), random_uai()
    organization_id = create_organization(stack, platform_admin(stack), "Collège Marie Curie", admin_email,
                                          external_id=uai)
    admin = join_by_invitation(stack, organization_id, admin_email, "Dominique", "Directrice", accept_terms=True)
    import_list(stack, admin, organization_id, uai)
    username = username_account_in_the_list(stack, organization_id, CHLOE)

    page = open_page(allowed=(REFUSALS,))
    page.goto("/orga/eleves")
    log_in_page(page, admin_email, {"email": "Adresse e-mail", "password": "Mot de passe"})
    expect(page.get_by_role("heading", level=1)).to_have_text("Élèves")
    row = page.get_by_role("table", name="Élèves").get_by_role("row").filter(has_text="CŒURDEROY").first
    reload_until(page, "/orga/eleves", lambda: row, "Associé depuis le")
    row.get_by_role("button", name="Historique Chloé CŒURDEROY").click()
    panel = page.get_by_role("region", name="Compte de Chloé CŒURDEROY")

    # Asked first; identity hears of the link from organizations' events, so it may refuse for a moment.
    panel.get_by_role("button", name="Donner un mot de passe temporaire Chloé CŒURDEROY").click()
    dialog = page.get_by_role("dialog", name="Donner un mot de passe temporaire à Chloé CŒURDEROY ?")
    expect(dialog).to_contain_text("Le mot de passe actuel de Chloé CŒURDEROY ne fonctionnera plus")
    given = panel.get_by_role("region", name="Mot de passe temporaire de Chloé CŒURDEROY")

    def gave():
        if dialog.is_visible():
            dialog.get_by_role("button", name="Donner un mot de passe temporaire", exact=True).click()
        try:
            expect(given).to_be_visible(timeout=2_000)
        except AssertionError:
            return False
        return True

    wait_until(gave, timeout=30, message="identity giving the temporary password")
    expect(given).to_contain_text(username)
    expect(given).to_contain_text("Ce mot de passe ne sera plus affiché")
    temporary = given.locator(".temporary-password__password").inner_text()
    assert re.fullmatch(r"[A-HJ-NP-Za-km-z2-9]{10}", temporary), temporary
    expect(given.get_by_role("button", name="Copier le mot de passe")).to_be_visible()
    assert_accessible(page, "a temporary password given")
    shot(page, "orga-temporary-password-fr")

    # The pupil's former password no longer works; the temporary one asks for a new one, twice.
    w = words("fr")
    pupil = open_page(allowed=(REFUSALS,))
    log_in_as_pupil(pupil, w, username, PASSWORD)
    expect(pupil.get_by_role("alert")).to_be_visible()
    log_in_as_pupil(pupil, w, username, temporary)
    expect(pupil).to_have_url(re.compile(r"/mot-de-passe-expire"))
    expect(pupil.get_by_role("heading", level=1)).to_have_text(w["learner.expired_password.title"])
    new, again = (pupil.get_by_label(starting(w["common.reset.new_password"])).first,
                  pupil.get_by_label(starting(w["learner.expired_password.again"])))
    new.fill(NEW_PASSWORD)
    again.fill("Not-The-Same-1")
    pupil.get_by_role("button", name=exactly(w["learner.expired_password.submit"])).click()
    expect(pupil.get_by_text(w["learner.expired_password.differ"])).to_be_visible()
    new.fill(temporary)
    again.fill(temporary)
    pupil.get_by_role("button", name=exactly(w["learner.expired_password.submit"])).click()
    expect(pupil.get_by_text("Votre nouveau mot de passe doit être différent du mot de passe temporaire.")
           ).to_be_visible()
    assert_accessible(pupil, "choosing one's own password")
    shot(pupil, "learner-expired-password-fr")
    new.fill(NEW_PASSWORD)
    again.fill(NEW_PASSWORD)
    pupil.get_by_role("button", name=exactly(w["learner.expired_password.submit"])).click()

    # Signed in, as after a log-in.
    expect(pupil).to_have_url(re.compile(r"/$"))
    expect(pupil.locator(".learner-account__name")).to_have_text("Chloé Cœurderoy")

    # Another day: the new password works, the temporary one no longer.
    later = open_page(allowed=(REFUSALS,))
    log_in_as_pupil(later, w, username, temporary)
    expect(later.get_by_role("alert")).to_be_visible()
    log_in_as_pupil(later, w, username, NEW_PASSWORD)
    expect(later.locator(".learner-account__name")).to_have_text("Chloé Cœurderoy")
    assert not later.url.endswith("/mot-de-passe-expire")
