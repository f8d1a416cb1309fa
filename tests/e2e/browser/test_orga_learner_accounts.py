"""A school's admin sees which account each pupil is linked to and since when (an account links itself by
giving a pupil's names and birth date) and how it signs in, reads the history of the links, and unlinks an account:
the pupil's participation stays in the campaign's results, and the account may find itself in the list again."""

from __future__ import annotations

import re

import requests
from accessibility import assert_accessible
from journeys import bearer, platform_admin, school_export
from orga_steps import (
    PUPILS,
    SIECLE_XML,
    create_campaign,
    create_organization,
    finish_and_share,
    join,
    join_by_invitation,
    log_in_page,
    pupil_account,
    random_uai,
    unique_email,
    username_account_in_the_list,
)
from playwright.sync_api import expect

from msgkit.testing import wait_until

CHLOE, ZOE = PUPILS[0], PUPILS[2]  # Chloé Cœurderoy, born 2013-02-14; Zoë Öztürk, born 2011-06-05


def import_list(stack, token: str, organization_id: str, uai: str) -> None:
    export = school_export(SIECLE_XML.read_text(encoding="utf-8"), uai)

    def imported():
        response = requests.post(f"{stack.gateway}/api/organizations/{organization_id}/learners/imports",
                                 headers=bearer(token), timeout=30, data={"mode": "ADD_UPDATE"},
                                 files={"file": ("ElevesSansAdresses.xml", export.encode("utf-8"))})
        return response.status_code == 201

    wait_until(imported, timeout=30, message="the SIECLE import")


def reload_until(page, path: str, locator, text: str) -> None:
    """The page shows what reporting knows when it loads: it is loaded again until reporting has the event."""
    seen = []

    def shown():
        page.goto(path)
        try:
            expect(locator()).to_contain_text(text, timeout=2_000)
        except AssertionError:
            seen[:] = [page.get_by_role("main").inner_text()]
            return False
        return True

    try:
        wait_until(shown, timeout=30, message=f"{path} showing {text!r}")
    except AssertionError as error:
        raise AssertionError(f"{error}; the page showed: {seen}") from None


def test_an_admin_sees_a_pupils_account_unlinks_it_and_the_participation_stays(stack, open_page, shot):
    admin_email, uai = unique_email("direction"), random_uai()
    organization_id = create_organization(stack, platform_admin(stack), "Collège Jean Moulin", admin_email,
                                          external_id=uai)
    admin = join_by_invitation(stack, organization_id, admin_email, "Dominique", "Directrice", accept_terms=True)
    import_list(stack, admin, organization_id, uai)
    campaign = create_campaign(stack, admin, organization_id, "Sécurité 4e")
    pupil = pupil_account(stack, organization_id, ZOE)  # the account finds itself in the list
    username = username_account_in_the_list(stack, organization_id, CHLOE)
    pupil_email = requests.get(f"{stack.gateway}/api/users/me", headers=bearer(pupil), timeout=10).json()["email"]
    finish_and_share(stack, pupil, join(stack, pupil, campaign["code"]), knows_up_to=3)

    page = open_page()
    page.goto("/orga/eleves")
    log_in_page(page, admin_email, {"email": "Adresse e-mail", "password": "Mot de passe"})
    expect(page.get_by_role("heading", level=1)).to_have_text("Élèves")
    table = page.get_by_role("table", name="Élèves")
    row = table.get_by_role("row").filter(has_text="ÖZTÜRK").first  # (then its details, in the next row)
    reload_until(page, "/orga/eleves", lambda: row, "Associé depuis le")
    lefevre = table.get_by_role("row").filter(has_text="LEFÈVRE")
    expect(lefevre).to_contain_text("Non associé")

    # How each account signs in, from reporting (identity's registrations), with the account's link for an admin:
    # nothing for a pupil without one.
    column = table.get_by_role("columnheader").all_inner_texts().index("Compte et connexion")
    chloe = table.get_by_role("row").filter(has_text="CŒURDEROY").first.get_by_role("cell").nth(column)
    reload_until(page, "/orga/eleves", lambda: chloe, f"Identifiant : {username}")
    expect(row.get_by_role("cell").nth(column).get_by_role("listitem")).to_have_text(["E-mail"])
    expect(lefevre.get_by_role("cell").nth(column).get_by_role("listitem")).to_have_count(0)
    # The list fits a laptop's width: no column hidden past the table's box.
    wrap = page.get_by_role("region", name="Élèves")
    assert wrap.evaluate("box => box.scrollWidth <= box.clientWidth")
    shot(page, "orga-learners-sign-in-fr")

    # On a phone the table scrolls in its box, the page does not, and a username is not cut.
    phone = open_page(phone=True)
    phone.goto("/orga/eleves")
    log_in_page(phone, admin_email, {"email": "Adresse e-mail", "password": "Mot de passe"})
    phone_chloe = phone.get_by_role("table", name="Élèves").get_by_role("row").filter(has_text="CŒURDEROY").first
    username_line = phone_chloe.get_by_role("cell").nth(column).get_by_role("listitem")
    username_line.scroll_into_view_if_needed()
    expect(username_line).to_have_text(f"Identifiant : {username}")
    # (the hidden words of the cells' buttons once stretched the page: the box holds them now)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone_wrap = phone.get_by_role("region", name="Élèves")
    assert phone_wrap.evaluate("box => box.scrollWidth > box.clientWidth")
    line_height = username_line.evaluate("li => parseFloat(getComputedStyle(li).lineHeight)")
    assert username_line.bounding_box()["height"] < 2.5 * line_height  # "Identifiant :", then the username whole
    assert_accessible(phone, "the pupils list on a phone")
    shot(phone, "orga-learners-sign-in-phone-fr")

    # The account and its history, from organizations (which owns the links).
    history = row.get_by_role("button", name="Historique Zoë ÖZTÜRK")
    history.click()
    expect(history).to_have_attribute("aria-expanded", "true")
    panel = page.get_by_role("region", name="Compte de Zoë ÖZTÜRK")
    expect(panel).to_contain_text(f"Associé au compte de Zoë Öztürk ({pupil_email}) depuis le")
    expect(panel.get_by_role("listitem")).to_have_count(1)
    expect(panel.get_by_role("listitem")).to_contain_text("toujours associé")
    assert_accessible(page, "a pupil's account")
    shot(page, "orga-learner-account-fr")

    # Unlinking asks first, says what stays, and the history keeps the link.
    panel.get_by_role("button", name="Dissocier le compte Zoë ÖZTÜRK").click()
    dialog = page.get_by_role("dialog", name="Dissocier le compte de Zoë ÖZTÜRK ?")
    expect(dialog).to_contain_text("Les participations déjà faites restent au nom de Zoë ÖZTÜRK, dans les résultats.")
    dialog.get_by_role("button", name="Dissocier", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(panel.get_by_role("status").filter(has_text="n'est plus associé")).to_have_text(
        f"Le compte de Zoë Öztürk ({pupil_email}) n'est plus associé à Zoë ÖZTÜRK.")
    expect(panel).to_contain_text("Aucun compte n'est associé.")
    expect(panel.get_by_role("listitem")).to_contain_text(re.compile(
        rf"dissocié le .* par Dominique Directrice \({re.escape(admin_email)}\)"))
    expect(row).to_contain_text("Non associé")
    assert_accessible(page, "a pupil's account, unlinked")
    shot(page, "orga-learner-account-unlinked-fr")

    # The participation made as the pupil stays the pupil's, in the campaign's results.
    reload_until(page, f"/orga/campagnes/{campaign['id']}/resultats", lambda: page.get_by_role("main"), "Zoë ÖZTÜRK")
    expect(page.get_by_role("link", name="Zoë ÖZTÜRK")).to_be_visible()

    # The account is free to find itself in the list again (a platform admin is not needed).
    again = requests.post(f"{stack.gateway}/api/organizations/{organization_id}/learners/reconciliation",
                          headers=bearer(pupil), timeout=10,
                          json={"first_name": ZOE[0], "last_name": ZOE[1], "birthdate": ZOE[2]})
    assert again.status_code == 200, again.text
    reload_until(page, "/orga/eleves", lambda: row, "Associé depuis le")
    row.get_by_role("button", name="Historique Zoë ÖZTÜRK").click()
    expect(page.get_by_role("region", name="Compte de Zoë ÖZTÜRK").get_by_role("listitem")).to_have_count(2)
