"""A teacher's campaign in the Orga face, in a real browser, in French and in English: log in,
accept the Orga terms, create a campaign (the landing text previewed as it is typed), hand out
its code and link, follow two pupils live (pushed, not polled) as they take the test, read the collective and the
individual results, export the CSV, edit the title, archive it."""

from __future__ import annotations

import re

import pytest
import requests
from accessibility import assert_accessible
from journeys import bearer, platform_admin, sign_up
from orga_steps import (
    LiveWatch,
    answer,
    assessment_of,
    create_organization,
    finish_and_share,
    join,
    join_by_invitation,
    log_in_page,
    random_uai,
    unique_email,
)
from playwright.sync_api import expect

TEXTS = {
    "fr": {
        "email": "Adresse e-mail", "password": "Mot de passe", "login_title": "Connexion à Orga",
        "terms_title": "Conditions d'utilisation d'Orga", "accept": "J'accepte", "campaigns": "Campagnes",
        "no_campaign": "Aucune campagne pour l'instant", "create": "Créer une campagne", "name": "Nom de la campagne",
        "what": "Que souhaitez-vous tester ?", "competence": "4.1 Sécuriser l'environnement numérique",
        "external_id": "Oui", "external_label": "Libellé de l'identifiant", "title": "Titre du parcours",
        "landing": "Texte de la page d'accueil", "preview": "Aperçu", "submit": "Créer la campagne",
        "name_required": "Nom de la campagne", "copy_link": "Copier le lien", "link_copied": "Lien copié",
        "copy_code": "Copier le code", "code_copied": "Code copié", "search": "Rechercher un participant",
        "started": "En cours", "shared": "Résultats reçus", "tab_results": "Résultats", "tab_settings": "Paramètres",
        "tab_activity": "Activité", "by_competence": "Résultats par compétence",
        "chart": "Maîtrise moyenne par compétence", "results_of": "Résultats de", "back": "Résultats de la campagne",
        "export": "Exporter les résultats (CSV)", "save": "Enregistrer", "saved": "Modifications enregistrées.",
        "archive": "Archiver", "archived": "Campagne archivée", "unarchive": "Désarchiver",
        "archived_tab": "Archivées", "csv_first_column": "Nom de l'organisation",
    },
    "en": {
        "email": "Email address", "password": "Password", "login_title": "Log in to Orga",
        "terms_title": "Orga terms of use", "accept": "I accept", "campaigns": "Campaigns",
        "no_campaign": "No campaign yet", "create": "Create a campaign", "name": "Campaign name",
        "what": "What do you want to test?", "competence": "4.1 Securing the digital environment",
        "external_id": "Yes", "external_label": "Identifier label", "title": "Test title",
        "landing": "Landing page text", "preview": "Preview", "submit": "Create the campaign",
        "name_required": "Campaign name", "copy_link": "Copy the link", "link_copied": "Link copied",
        "copy_code": "Copy the code", "code_copied": "Code copied", "search": "Search for a participant",
        "started": "In progress", "shared": "Results received", "tab_results": "Results", "tab_settings": "Settings",
        "tab_activity": "Activity", "by_competence": "Results by competence",
        "chart": "Average mastery by competence", "results_of": "Results of", "back": "Campaign results",
        "export": "Export the results (CSV)", "save": "Save", "saved": "Changes saved.",
        "archive": "Archive", "archived": "Campaign archived", "unarchive": "Unarchive",
        "archived_tab": "Archived", "csv_first_column": "Organization name",
    },
}
# What the page may log: the refusal this journey provokes on purpose (an empty campaign name),
# and the "not yet" of a service that has not heard of the new terms (403) or the new campaign
# (404) a moment after they happened: the page retries those.
EXPECTED = (r"status of 400 \(BAD REQUEST\)", r"status of 403 \(FORBIDDEN\)", r"status of 404 \(NOT FOUND\)")


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_teacher_creates_a_campaign_follows_pupils_live_and_reads_their_results(stack, open_page, shot, locale):
    text = TEXTS[locale]
    teacher_email = unique_email("prof")
    school = "Collège Jean Moulin" if locale == "fr" else "Jean Moulin Secondary School"
    organization_id = create_organization(stack, platform_admin(stack), school, teacher_email, external_id=random_uai(),
                                          manages_students=False)
    join_by_invitation(stack, organization_id, teacher_email, "Camille", "Enseignante", accept_terms=False)

    page = open_page(locale=locale, allowed=EXPECTED)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.gateway)

    # Any page without a session leads to the log-in page, then back to it.
    page.goto("/orga/campagnes")
    expect(page).to_have_url(re.compile(r"/orga/connexion\?next=%2Forga%2Fcampagnes$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(text["login_title"])
    assert_accessible(page, "log in")
    shot(page, f"orga-login-{locale}")
    log_in_page(page, teacher_email, text)

    # The Orga terms come first, once.
    expect(page.get_by_role("heading", level=1)).to_have_text(text["terms_title"])
    expect(page).to_have_url(re.compile(r"/orga/cgu"))
    assert_accessible(page, "terms")
    shot(page, f"orga-terms-{locale}")
    page.get_by_role("button", name=text["accept"]).click()
    expect(page).to_have_url(re.compile(r"/orga/campagnes$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(text["campaigns"])
    expect(page.locator("header")).to_contain_text(school)
    expect(page.get_by_text(text["no_campaign"])).to_be_visible()

    # Creating a campaign: the API's refusal is said on its field; the text is previewed live.
    page.get_by_role("link", name=text["create"]).click()
    page.get_by_role("button", name=text["submit"]).click()
    name_field = page.get_by_role("textbox", name=text["name_required"])
    expect(name_field).to_have_attribute("aria-invalid", "true")
    expect(name_field).to_be_focused()
    name_field.fill("Sécurité 4e B")
    expect(name_field).not_to_have_attribute("aria-invalid", "true")  # the message goes once the field is edited
    what = page.get_by_label(text["what"])
    expect(what.get_by_role("option", name=text["competence"])).to_be_attached(timeout=30_000)
    what.select_option(label=text["competence"])
    page.get_by_role("radio", name=text["external_id"]).check()
    page.get_by_label(text["external_label"]).fill("Numéro élève")
    page.get_by_label(text["title"]).fill("Protéger ses données")
    preview = page.get_by_role("region", name=text["preview"])
    page.get_by_label(text["landing"]).press_sequentially("Bienvenue en **4e B** !")
    expect(preview.locator("strong")).to_have_text("4e B")
    assert_accessible(page, "campaign creation")
    shot(page, f"orga-campaign-creation-{locale}")
    page.get_by_role("button", name=text["submit"]).click()

    # The campaign page: the code, the link, both copied to the clipboard.
    expect(page).to_have_url(re.compile(r"/orga/campagnes/[0-9a-f-]{36}$"))
    campaign_id = page.url.rsplit("/", 1)[1]
    teacher = bearer(requests.post(f"{stack.gateway}/api/token", timeout=10, json={
        "email": teacher_email, "password": "Blue-Sky-2026!"}).json()["access_token"])
    campaign = requests.get(f"{stack.gateway}/api/campaigns/{campaign_id}", headers=teacher, timeout=10).json()
    code = campaign["code"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Sécurité 4e B")
    expect(page.locator(".campaign-code")).to_have_text(code)
    link = f"{stack.gateway}/campagnes/{code}"
    expect(page.get_by_role("link", name=link)).to_be_visible()
    page.get_by_role("button", name=text["copy_link"]).click()
    expect(page.get_by_role("status").filter(has_text=text["link_copied"])).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.get_by_role("button", name=text["copy_code"]).click()
    expect(page.get_by_role("status").filter(has_text=text["code_copied"])).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == code

    # Activity, live: two pupils join and answer while the page stays open; a search typed in the
    # list keeps its text and the focus across the updates. The page is pushed (the campaign's activity stream):
    # while the stream is up, it asks for the counts no more (polling is only its fallback).
    expect(page.get_by_test_id("live-state")).to_have_attribute("data-state", "live", timeout=10_000)
    live = LiveWatch(page, f"/api/campaigns/{campaign_id}/activity")
    chloe = sign_up(stack, "Chloé", "Cœurderoy", unique_email("chloe"))
    chloe_participation = join(stack, chloe, code, external_id="E-001")
    search = page.get_by_label(text["search"])
    search.fill("Chlo")
    row = page.get_by_role("row").filter(has_text="Cœurderoy")
    expect(row).to_contain_text(text["started"], timeout=20_000)
    expect(row).to_contain_text("E-001")
    assert live.polls_while_live() == [], live.timeline()  # the new participant came with a notice, not a poll
    answer(stack, chloe, assessment_of(stack, chloe, chloe_participation), count=3)
    expect(row.get_by_role("progressbar")).not_to_have_attribute("aria-valuenow", "0", timeout=20_000)
    assert_accessible(page, "activity")
    shot(page, f"orga-campaign-activity-{locale}")
    finish_and_share(stack, chloe, chloe_participation, knows_up_to=3)
    expect(row).to_contain_text(text["shared"], timeout=20_000)
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(search).to_be_focused()
    expect(search).to_have_value("Chlo")
    assert live.polls_while_live() == [], live.timeline()

    francois = sign_up(stack, "François", "Lefèvre", unique_email("francois"))
    finish_and_share(stack, francois, join(stack, francois, code, external_id="E-002"), knows_up_to=2)
    search.fill("")
    expect(page.get_by_role("row").filter(has_text="Lefèvre")).to_contain_text(text["shared"], timeout=20_000)

    # Results: the tabs move with the arrow keys, each tab has its address.
    page.get_by_role("tab", name=text["tab_activity"]).focus()
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(rf"/orga/campagnes/{campaign_id}/resultats$"))
    expect(page.get_by_role("tab", name=text["tab_results"])).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tab", name=text["tab_results"])).to_be_focused()
    table = page.get_by_role("table", name=text["by_competence"])
    expect(table).to_contain_text("4.1")
    chart = page.get_by_role("figure", name=text["chart"])
    expect(chart).to_contain_text("4.1")
    shown = chart.locator(".bar-chart__value").first.inner_text()
    expect(table.get_by_role("row").nth(1)).to_contain_text(shown)  # the chart says what the table says
    assert_accessible(page, "results")
    shot(page, f"orga-campaign-results-{locale}")

    page.get_by_role("link", name="Chloé Cœurderoy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{text['results_of']} Chloé Cœurderoy")
    expect(page.get_by_role("table", name=text["by_competence"])).to_contain_text("4.1")
    assert_accessible(page, "participant results")
    shot(page, f"orga-participant-results-{locale}")
    page.get_by_role("link", name=text["back"]).click()

    # The CSV export, with the Authorization header, downloaded under the API's file name.
    with page.expect_download() as download:
        page.get_by_role("button", name=text["export"]).click()
    lines = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith(f'"{text["csv_first_column"]}"'), lines[0]
    assert len(lines) == 3 and "E-001" in "\n".join(lines)
    assert download.value.suggested_filename.endswith(".csv")

    # Settings: the title and the text change, previewed, then saved.
    page.get_by_role("tab", name=text["tab_settings"]).click()
    expect(page).to_have_url(re.compile(r"/parametres$"))
    title = page.get_by_label(text["title"])
    expect(title).to_have_value("Protéger ses données")
    title.fill("Protéger ses données personnelles")
    page.get_by_label(text["landing"]).fill("À bientôt en *4e B*")
    expect(page.get_by_role("region", name=text["preview"]).locator("em")).to_have_text("4e B")
    page.get_by_role("button", name=text["save"]).click()
    expect(page.get_by_role("status").filter(has_text=text["saved"])).to_be_visible()
    assert requests.get(f"{stack.gateway}/api/campaigns/{campaign_id}", headers=teacher,
                        timeout=10).json()["title"] == "Protéger ses données personnelles"
    assert_accessible(page, "settings")
    shot(page, f"orga-campaign-settings-{locale}")

    # Archived: it leaves the active list for the archived one.
    page.get_by_role("button", name=text["archive"], exact=True).click()
    expect(page.get_by_role("status").filter(has_text=text["archived"])).to_be_visible()
    expect(page.get_by_role("button", name=text["unarchive"])).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name=text["campaigns"]).click()
    expect(page.get_by_role("link", name="Sécurité 4e B")).to_have_count(0)
    page.get_by_role("tab", name=text["archived_tab"]).click()
    expect(page.get_by_role("link", name="Sécurité 4e B")).to_be_visible()
    assert_accessible(page, "campaigns")
    shot(page, f"orga-campaigns-{locale}")
