"""A school's pupils in the Orga face: the admin imports a CSV with mistakes and reads them line
by line (on a phone too), then imports the school's SIECLE export and finds the pupils in the
list, filtered by class."""

from __future__ import annotations

import pytest
from accessibility import assert_accessible
from journeys import platform_admin
from orga_steps import (
    SIECLE_XML,
    UAI,
    create_organization,
    join_by_invitation,
    log_in_page,
    random_uai,
    unique_email,
)
from playwright.sync_api import expect

HEADER = ("Identifiant unique*;Premier prénom*;Deuxième prénom;Troisième prénom;Nom de famille*;Nom d'usage;"
          "Code sexe*;Date de naissance (jj/mm/aaaa)*;Code commune naissance**;Libellé commune naissance**;"
          "Code département naissance*;Code pays naissance*;Statut*;Code MEF*;Division*")
# Line 2: a birth date that does not exist; line 3: no first name.
BAD_CSV = (f"\ufeff{HEADER}\r\n"
           "123456789AB;Chloé;;;CŒURDEROY;;F;31/02/2013;75056;;75;99100;ST;10010012110;6E2\r\n"
           "0702144523K;;;;Lefèvre;;M;30/11/2012;;Lyon;69;100;ST;10110001110;5E1\r\n")
# The refused file is a 422, on purpose.
EXPECTED = (r"status of 422 \(UNPROCESSABLE ENTITY\)",)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_an_admin_reads_a_refused_file_line_by_line_then_imports_the_siecle_export(
        stack, open_page, shot, tmp_path, phone):
    # A school of its own (the sample's UAI is the demo GAR's school, which test_learner_gar_and_username.py makes).
    admin_email, uai = unique_email("direction"), random_uai()
    organization_id = create_organization(stack, platform_admin(stack), "Collège Gustave Eiffel", admin_email,
                                          external_id=uai)
    export = tmp_path / SIECLE_XML.name
    export.write_text(SIECLE_XML.read_text(encoding="utf-8").replace(f"<UAJ>{UAI}</UAJ>", f"<UAJ>{uai}</UAJ>"),
                      encoding="utf-8")
    join_by_invitation(stack, organization_id, admin_email, "Dominique", "Directrice", accept_terms=True)
    page = open_page(phone=phone, allowed=EXPECTED)
    page.goto("/orga/eleves")
    log_in_page(page, admin_email, {"email": "Adresse e-mail", "password": "Mot de passe"})
    expect(page.get_by_role("heading", level=1)).to_have_text("Élèves")
    expect(page.get_by_text("0 personne")).to_be_visible()

    # A CSV with two wrong lines: nothing is imported, each error is shown with its line.
    bad = tmp_path / "eleves.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    page.get_by_label("Fichier à importer").set_input_files(bad)
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_role("heading", name="Le fichier n'a pas été importé")).to_be_focused()
    errors = page.get_by_role("table", name="Erreurs par ligne")
    expect(errors.get_by_role("row")).to_have_count(3)
    expect(errors.get_by_role("row").nth(1)).to_contain_text("2")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("31/02/2013")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("Date de naissance")
    expect(errors.get_by_role("row").nth(2)).to_contain_text("3")
    expect(errors.get_by_role("row").nth(2)).to_contain_text("Premier prénom")
    for row in errors.get_by_role("row").all()[1:]:  # a sentence, not an error code
        assert "FIELD_" not in row.inner_text()
    assert_accessible(page, "import errors")
    shot(page, f"orga-learners-import-errors-{'phone' if phone else 'fr'}")
    if phone:
        return

    # The SIECLE export: the report counts, the list shows the pupils once reporting has them.
    page.get_by_label("Fichier à importer").set_input_files(export)
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_role("heading", name="Import réussi")).to_be_focused()
    expect(page.locator(".stats__item").filter(has_text="Ajoutés")).to_contain_text("4")
    expect(page.get_by_text("4 personnes")).to_be_visible(timeout=20_000)
    learners = page.get_by_role("table", name="Élèves")
    expect(learners.get_by_role("row").filter(has_text="CŒURDEROY")).to_contain_text("6E2")
    page.get_by_label("Classe").fill("5E1")
    expect(page.get_by_text("1 personne")).to_be_visible()
    expect(learners.get_by_role("row").nth(1)).to_contain_text("LEFÈVRE")
    assert_accessible(page, "learners")
    shot(page, "orga-learners-fr")
