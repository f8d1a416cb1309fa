"""A pupil changes school and keeps their account: the new school's admin imports the SIECLE export in Orga
(first a copy cut short, whose errors name the pupils, then the whole file), reads that one account was kept
from another school, sees who linked it in the pupil's history, and the pupil joins the new school's campaign
without finding themself in its list again."""

from __future__ import annotations

import requests
from accessibility import assert_accessible
from journeys import bearer, platform_admin, school_export
from orga_steps import (
    PUPILS,
    SIECLE_XML,
    create_campaign,
    create_organization,
    join,
    join_by_invitation,
    log_in_page,
    pupil_account,
    random_uai,
    unique_email,
)
from playwright.sync_api import expect
from test_orga_learner_accounts import import_list, reload_until

ZOE = PUPILS[2]  # Zoë Öztürk, born 2011-06-05, 4E3
# The cut copy is refused with a 422, on purpose.
EXPECTED = (r"status of 422 \(UNPROCESSABLE ENTITY\)",)


def test_a_pupil_imported_by_their_new_school_keeps_their_account(stack, open_page, shot, tmp_path):
    platform = platform_admin(stack)
    previous_uai, uai = random_uai(), random_uai()
    previous_email, admin_email = unique_email("ancien-college"), unique_email("direction")
    previous = create_organization(stack, platform, "Collège Victor Hugo", previous_email, external_id=previous_uai)
    previous_admin = join_by_invitation(stack, previous, previous_email, "Camille", "Principale", accept_terms=True)
    import_list(stack, previous_admin, previous, previous_uai)
    pupil = pupil_account(stack, previous, ZOE)  # Zoë found herself in her previous school's list
    pupil_email = requests.get(f"{stack.gateway}/api/users/me", headers=bearer(pupil), timeout=10).json()["email"]

    organization_id = create_organization(stack, platform, "Lycée Marie Curie", admin_email, external_id=uai)
    admin = join_by_invitation(stack, organization_id, admin_email, "Dominique", "Proviseure", accept_terms=True)
    campaign = create_campaign(stack, admin, organization_id, "Sécurité 2nde")
    export = school_export(SIECLE_XML.read_text(encoding="utf-8"), uai, pupils_of=previous_uai)

    page = open_page(allowed=EXPECTED)
    page.goto("/orga/eleves")
    log_in_page(page, admin_email, {"email": "Adresse e-mail", "password": "Mot de passe"})
    expect(page.get_by_role("heading", level=1)).to_have_text("Élèves")

    # A copy cut short in its third pupil, with a wrong birth date in the first: both said, the pupil named.
    cut = tmp_path / "ElevesSansAdresses-coupe.xml"
    broken = export.replace("<DATE_NAISS>14/02/2013</DATE_NAISS>", "<DATE_NAISS>31/02/2013</DATE_NAISS>")
    cut.write_text(broken[:broken.index('<ELEVE ELEVE_ID="2183513"') + 40], encoding="utf-8")
    page.get_by_label("Fichier à importer").set_input_files(cut)
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_role("heading", name="Le fichier n'a pas été importé")).to_be_focused()
    expect(page.get_by_role("alert").filter(has_text="mal formé")).to_contain_text("Le fichier XML est mal formé")
    errors = page.get_by_role("table", name="Erreurs par ligne")
    expect(errors.get_by_role("columnheader").first).to_have_text("Élève n°")
    expect(errors.get_by_role("row")).to_have_count(2)
    expect(errors.get_by_role("row").nth(1)).to_contain_text(f"{previous_uai[:7]}89AB · Chloé CŒURDEROY")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("31/02/2013")
    assert_accessible(page, "a broken SIECLE export")
    shot(page, "orga-import-broken-export-fr")

    # The whole export: Zoë's account is kept from her previous school.
    whole = tmp_path / "ElevesSansAdresses.xml"
    whole.write_text(export, encoding="utf-8")
    page.get_by_label("Fichier à importer").set_input_files(whole)
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_role("heading", name="Import réussi")).to_be_focused()
    expect(page.locator(".stats__item").filter(has_text="Comptes repris d'un autre établissement")).to_contain_text(
        "1")
    shot(page, "orga-import-account-kept-fr")

    table = page.get_by_role("table", name="Élèves")
    row = table.get_by_role("row").filter(has_text="ÖZTÜRK").first
    reload_until(page, "/orga/eleves", lambda: row, "Associé depuis le")
    row.get_by_role("button", name="Historique Zoë ÖZTÜRK").click()
    panel = page.get_by_role("region", name="Compte de Zoë ÖZTÜRK")
    expect(panel).to_contain_text(f"Associé au compte de Zoë Öztürk ({pupil_email}) depuis le")
    expect(panel).to_contain_text(f"l'import de Dominique Proviseure ({admin_email}) a repris le compte")
    expect(panel.get_by_role("listitem")).to_contain_text("repris d'un autre établissement par l'import de")
    assert_accessible(page, "a pupil's account kept from another school")

    # Zoë joins the new school's campaign at once: she need not find herself in its list.
    assert join(stack, pupil, campaign["code"])
