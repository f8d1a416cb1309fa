"""Progression between two campaigns in the Orga face, for a teacher of two schools: the switcher
moves between them (and is remembered); two pupils sent results to both campaigns; comparing a
campaign with itself is explained. Plus the pages around: not found, and no organization at all."""

from __future__ import annotations

import re

import requests
from accessibility import assert_accessible
from journeys import bearer, platform_admin, sign_up
from orga_steps import (
    create_campaign,
    create_organization,
    finish_and_share,
    improve_and_share,
    invitation_to,
    join,
    join_by_invitation,
    log_in_page,
    member_of,
    random_uai,
    unique_email,
)
from playwright.sync_api import expect

FR = {"email": "Adresse e-mail", "password": "Mot de passe"}
EXPECTED = (r"status of 422 \(UNPROCESSABLE ENTITY\)",)  # the same campaign twice, on purpose


def test_a_teacher_of_two_schools_compares_two_campaigns_of_one(stack, open_page, shot):
    platform = platform_admin(stack)
    teacher_email = unique_email("prof")
    first = create_organization(stack, platform, "Collège Louise Michel", teacher_email, external_id=random_uai(),
                                manages_students=False)
    teacher = join_by_invitation(stack, first, teacher_email, "Alex", "Enseignant", accept_terms=True)
    second = create_organization(stack, platform, "Lycée Simone Veil", teacher_email, external_id=random_uai(),
                                 manages_students=False)
    invitation_id, code = invitation_to(stack, teacher_email, "Lycée Simone Veil")
    assert requests.post(f"{stack.gateway}/api/invitations/{invitation_id}/accept", headers=bearer(teacher),
                         json={"code": code}, timeout=10).status_code == 200
    member_of(stack, teacher, second)

    september = create_campaign(stack, teacher, first, "Sécurité — septembre")
    june = create_campaign(stack, teacher, first, "Sécurité — juin")
    for number, (first_name, last_name) in enumerate([("Chloé", "Cœurderoy"), ("François", "Lefèvre")]):
        pupil = sign_up(stack, first_name, last_name, unique_email("eleve"))
        finish_and_share(stack, pupil, join(stack, pupil, september["code"]), knows_up_to=2 + number)
        if number == 0:  # Chloé works on what she missed in September
            improve_and_share(stack, pupil, join(stack, pupil, june["code"]))
        else:
            finish_and_share(stack, pupil, join(stack, pupil, june["code"]))

    page = open_page(allowed=EXPECTED)
    page.goto("/orga/progression")
    log_in_page(page, teacher_email, FR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Progression")
    switcher = page.get_by_label("Organisation")
    expect(switcher).to_have_value(first)

    page.get_by_label("Campagne de départ (avant)").select_option(label="Sécurité — septembre")
    page.get_by_label("Campagne d'arrivée (après)").select_option(label="Sécurité — juin")
    page.get_by_role("button", name="Comparer").click()
    expect(page.get_by_role("heading", name="De « Sécurité — septembre » à « Sécurité — juin »")).to_be_visible()
    expect(page.get_by_text("2 élèves ont envoyé leurs résultats aux deux campagnes.")).to_be_visible()
    competences = page.get_by_role("table", name="Maîtrise moyenne par compétence")
    expect(competences.get_by_role("row").nth(1)).to_contain_text("4.1")
    expect(competences.get_by_role("row").nth(1)).to_contain_text("%")
    learners = page.get_by_role("table", name="Par élève")
    expect(learners.get_by_role("row")).to_have_count(3)
    expect(learners.get_by_role("row").filter(has_text="Chloé Cœurderoy")).to_contain_text(re.compile(r"\+\d+ pts"))
    expect(learners.get_by_role("row").filter(has_text="François Lefèvre")).to_contain_text("0 pts")
    assert_accessible(page, "progression")
    shot(page, "orga-progression-fr")

    page.get_by_label("Campagne d'arrivée (après)").select_option(label="Sécurité — septembre")
    page.get_by_role("button", name="Comparer").click()
    expect(page.get_by_role("alert")).to_contain_text("deux campagnes différentes")
    expect(page.get_by_text("Seules deux campagnes différentes, d'évaluation")).to_be_visible()

    # The other school: its own (empty) campaigns; the choice survives a reload.
    switcher.select_option(label="Lycée Simone Veil")
    expect(page.get_by_role("heading", level=1)).to_have_text("Campagnes")
    expect(page.locator("header")).to_contain_text("Lycée Simone Veil")
    expect(page.get_by_text("Aucune campagne pour l'instant")).to_be_visible()
    page.wait_for_load_state("networkidle")  # a reload cuts requests still on their way
    page.reload()
    expect(page.get_by_label("Organisation")).to_have_value(second)
    expect(page.get_by_text("Aucune campagne pour l'instant")).to_be_visible()
    page.wait_for_load_state("networkidle")

    page.goto("/orga/nulle-part")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()
    assert_accessible(page, "not found")


def test_an_account_without_organization_is_told_so_after_logging_in(stack, open_page):
    email = unique_email("parent")
    sign_up(stack, "Camille", "Parent", email)
    page = open_page()
    page.goto("/orga/connexion")
    log_in_page(page, email, FR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Aucune organisation")
    expect(page.get_by_text(f"Le compte {email} n'est membre d'aucune organisation.")).to_be_visible()
    assert_accessible(page, "no organization")
