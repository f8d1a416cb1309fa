"""The Certif face (/certif/) for a centre's members: log in, schedule a session (a wrong input is said on its
field, translated), read its access code and invigilator password, enrol candidates (a PRO centre by the form
and by a CSV file whose refused lines are listed; a school by class, inside an open window) and see them listed.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import requests
from accessibility import assert_accessible
from certif_steps import (
    FAR,
    FR,
    SESSION,
    TOMORROW,
    api,
    centres_of,
    eligible_pupil,
    import_pupils,
    open_window,
    pro_centre,
    unique_email,
)
from journeys import platform_admin
from orga_steps import PUPILS, create_organization, join_by_invitation, log_in_page, pupil_account
from playwright.sync_api import expect

from msgkit.testing import wait_until

# Refusals the test provokes on purpose: the browser logs each as a failed resource.
REFUSALS = (r"status of 400", r"status of 422")
ACCESS_CODE = re.compile(r"^[BCDFGHJKMPQRTVWXY]{4}[2346789]{2}$")


def fill_session(page, **values) -> None:
    fields = {"address": "Adresse", "room": "Salle", "examiner": "Surveillant(e)", "date": "Date",
              "time": "Heure de début"}
    for name, label in fields.items():
        if name in values:
            page.get_by_label(label, exact=False).first.fill(values[name])


def test_a_pro_centre_schedules_a_session_and_enrols_candidates_by_form_and_by_file(stack, open_page, shot,
                                                                                    tmp_path):
    platform = platform_admin(stack)
    _, admin_email, _ = pro_centre(stack, platform, "Formations Dupont")
    page = open_page(allowed=REFUSALS)
    page.goto("/certif/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à Certif")
    log_in_page(page, admin_email, FR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions de certification")
    expect(page.get_by_text("Formations Dupont")).to_be_visible()
    expect(page.get_by_text("Aucune session pour l'instant")).to_be_visible()

    # A session without its room: the API's refusal is said on the field, in French, and the focus goes there.
    page.get_by_role("link", name="Créer une session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer une session")
    fill_session(page, address=SESSION["address"], examiner=SESSION["examiner"], date=SESSION["date"],
                 time=SESSION["time"])
    page.get_by_role("button", name="Créer la session").click()
    room = page.get_by_label("Salle")
    expect(room).to_be_focused()
    expect(room).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("La salle de la session est obligatoire.")).to_be_visible()
    expect(page.get_by_role("alert").first).to_contain_text("corrigez les champs signalés")
    assert_accessible(page, "session form with an error")
    shot(page, "certif-session-form-error")
    # Typed in again with the keyboard; then the session is created and its page opens.
    room.press_sequentially("Salle 3")
    expect(page.get_by_text("La salle de la session est obligatoire.")).to_have_count(0)
    room.press("Enter")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Session \d+$"))
    number = heading.inner_text().split()[1]
    expect(page.get_by_test_id("access-code")).to_have_text(ACCESS_CODE)
    expect(page.get_by_test_id("invigilator-password")).to_have_text(re.compile(r"^.{6}$"))
    expect(page.get_by_text("Aucun candidat inscrit pour l'instant.")).to_be_visible()

    # One candidate by the form: without a birthplace first (said on its field), then complete.
    form = page.get_by_role("region", name="Inscrire un candidat")
    form.get_by_label("Prénom").fill("Zoé")
    form.get_by_label("Nom de naissance").fill("Lefèvre")
    form.get_by_label("Date de naissance").fill("1990-01-02")
    form.get_by_label("Femme").check()
    form.get_by_label("Temps majoré (%)").fill("33")
    form.get_by_role("button", name="Inscrire le candidat").click()
    birthplace = form.get_by_label("Lieu de naissance")
    expect(birthplace).to_be_focused()
    expect(form.get_by_text("Le lieu de naissance du candidat est obligatoire")).to_be_visible()
    birthplace.fill("Lyon")
    birthplace.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Zoé Lefèvre est inscrit(e) à la session.")).to_be_visible()
    candidates = page.get_by_role("table", name="Candidats de la session, par nom")
    expect(candidates.get_by_role("row")).to_have_count(2)
    expect(candidates.get_by_role("row").nth(1)).to_contain_text("Lefèvre")
    expect(candidates.get_by_role("row").nth(1)).to_contain_text("33 %")

    # A file with two wrong lines: nobody is enrolled, each line is listed with its column, a sentence and the
    # value read (certification gives none for a date it could not read).
    bad = tmp_path / "candidats.csv"
    bad.write_text("Prénom;Nom de naissance;Date de naissance;Sexe;Lieu de naissance\n"
                   "Jean;Martin;1985-04-12;X;Paris\n"
                   "Léa;Petit;31/02/1992;F;Nantes\n", encoding="utf-8")
    page.get_by_label("Fichier CSV").set_input_files(bad)
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("heading", name="2 lignes refusées")).to_be_focused()
    lines = page.get_by_role("table", name="Lignes refusées du fichier").get_by_role("row")
    expect(lines).to_have_count(3)
    expect(lines.nth(1).get_by_role("rowheader")).to_have_text("2")
    expect(lines.nth(1)).to_contain_text("Sexe")
    expect(lines.nth(1)).to_contain_text("Le sexe du candidat est M ou F.")
    expect(lines.nth(1).get_by_role("cell").last).to_have_text("X")
    expect(lines.nth(2).get_by_role("rowheader")).to_have_text("3")
    expect(lines.nth(2)).to_contain_text("Date de naissance")
    expect(lines.nth(2)).to_contain_text("La date de naissance s'écrit AAAA-MM-JJ ou JJ/MM/AAAA.")
    assert "CANDIDATE_" not in page.get_by_role("table", name="Lignes refusées du fichier").inner_text()
    expect(candidates.get_by_role("row")).to_have_count(2)
    assert_accessible(page, "refused candidates' file")
    shot(page, "certif-session-import-errors")
    good = tmp_path / "candidats-bons.csv"
    good.write_text("first_name;last_name;birthdate;sex;birthplace;external_id\n"
                    "Jean;Martin;1985-04-12;M;Paris;A-17\n"
                    "Léa;Petit;28/02/1992;F;Nantes;A-18\n", encoding="utf-8")
    page.get_by_label("Fichier CSV").set_input_files(good)
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("2 candidats inscrits depuis le fichier.")).to_be_visible()
    expect(candidates.get_by_role("row")).to_have_count(4)
    expect(page.get_by_role("heading", name="3 candidats")).to_be_visible()
    shot(page, "certif-session-page")

    # The details change; the list shows the session with its candidates.
    page.get_by_role("link", name="Modifier la session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Modifier la session {number}")
    page.get_by_label("Salle").fill("Salle 12")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session {number}")
    expect(page.get_by_text("Salle 12")).to_be_visible()
    page.get_by_role("link", name="Retour aux sessions").click()
    row = page.get_by_role("table", name=re.compile("Sessions du centre")).get_by_role("row").nth(1)
    expect(row).to_contain_text(number)
    expect(row).to_contain_text("14:30")
    expect(row).to_contain_text("Salle 12")
    expect(row).to_contain_text("Créée")
    expect(row.get_by_role("cell").nth(4)).to_have_text("3")
    assert_accessible(page, "sessions list")
    shot(page, "certif-sessions")

    # The same page in English.
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certification sessions")
    expect(page.get_by_role("table", name="The centre's sessions, latest first").get_by_role("row").nth(1)
           ).to_contain_text("Created")


def test_a_school_schedules_inside_its_window_and_enrols_the_eligible_pupils_of_a_class(stack, open_page, shot):
    platform = platform_admin(stack)
    uai = f"{uuid.uuid4().int % 10**7:07d}C"
    admin_email = unique_email("proviseur")
    school_id = create_organization(stack, platform, "Lycée Jean Moulin", admin_email, external_id=uai)
    head = join_by_invitation(stack, school_id, admin_email, "Paul", "Proviseur", accept_terms=True)
    import_pupils(stack, head, school_id, uai)
    zoe = pupil_account(stack, school_id, PUPILS[2])  # Zoë Öztürk, 4E3, with an account...
    eligible_pupil(stack, zoe)  # ...and level 1 in five competences; Chloé (6E2) has no account
    assert [c["id"] for c in centres_of(stack, head)] == [school_id]
    assert api(stack, "PATCH", f"/api/admin/certification-centers/{school_id}", platform,
               {"school_kind": "LYCEE"}).status_code == 200
    open_window(stack, platform, "LYCEE")

    page = open_page(allowed=REFUSALS)
    page.goto("/certif/sessions/creation")
    log_in_page(page, admin_email, FR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer une session")
    expect(page.get_by_text("Établissement scolaire")).to_be_visible()
    # Outside the national window: refused as a whole (an alert). Then in the past: refused on the date.
    fill_session(page, address="1 place de la République", room="CDI", examiner="M. Bernard",
                 date=FAR.isoformat(), time="08:00")
    page.get_by_role("button", name="Créer la session").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Cette date est hors des périodes nationales de certification de ce type d'établissement.")
    date_field = page.get_by_label("Date")
    date_field.fill(date.today().isoformat())
    page.get_by_label("Heure de début").fill("00:01")
    page.get_by_role("button", name="Créer la session").click()
    expect(date_field).to_be_focused()
    expect(page.get_by_text("Une session ne peut pas être programmée dans le passé.")).to_be_visible()
    date_field.fill(TOMORROW.isoformat())
    page.get_by_role("button", name="Créer la session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Session \d+$"))
    session_id = page.url.rstrip("/").split("/")[-1]

    # certification knows of the pupils, Zoë's account and her profile by events: waited for here.
    wait_until(lambda: api(stack, "GET", f"/api/certification-sessions/{session_id}/students?division=4E3",
                           head).json()["items"][0]["reason"] is None, timeout=30,
               message="certification hearing of the pupils, the link and the profile")
    page.reload()
    enrol = page.get_by_role("region", name="Inscrire une classe")
    # A class where nobody is eligible: each pupil with the reason, nothing to enrol.
    enrol.get_by_label("Classe", exact=True).select_option("6E2")
    pupils = enrol.get_by_role("table", name="Élèves de la classe 6E2")
    expect(pupils.get_by_role("row").nth(1)).to_contain_text(re.compile("Cœurderoy", re.IGNORECASE))
    expect(pupils.get_by_role("row").nth(1)).to_contain_text("Pas de compte associé")
    expect(enrol.get_by_role("button", name=re.compile("Inscrire"))).to_be_disabled()
    # Zoë's class: she is eligible and enrolled.
    enrol.get_by_label("Classe", exact=True).select_option("4E3")
    expect(enrol.get_by_role("table", name="Élèves de la classe 4E3").get_by_role("row").nth(1)).to_contain_text(
        "Éligible")
    enrol.get_by_role("button", name="Inscrire 1 élève éligible").click()
    expect(page.get_by_role("status").filter(has_text="1 élève de 4E3 inscrit.")).to_be_visible()
    candidates = page.get_by_role("table", name="Candidats de la session, par nom")
    expect(candidates.get_by_role("row")).to_have_count(2)
    expect(candidates.get_by_role("row").nth(1)).to_contain_text(re.compile("Öztürk", re.IGNORECASE))
    expect(enrol.get_by_role("table", name="Élèves de la classe 4E3").get_by_role("row").nth(1)).to_contain_text(
        "Déjà inscrit")
    assert_accessible(page, "class enrolment")
    shot(page, "certif-school-class-enrolment")
    assert requests.get(f"{stack.gateway}/certif/sessions/{session_id}", timeout=10).status_code == 200
