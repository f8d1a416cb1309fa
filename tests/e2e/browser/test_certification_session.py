"""A whole certification session in the browser, each person on their own page: the school's head creates a
session inside the collège window in Certif and enrols two classes; two pupils join it from the learners' face
and wait; the invigilator, on the live page, sees them arrive and authorizes them without reloading; François
answers the 32 questions, Zoë three before the invigilator ends her test (both seen live); the head finalizes;
a platform admin reviews and publishes; François reads his certificate and a visitor with no account verifies it
by its code.

Only what happens before the day is done through the API: the school, its pupils' import, the pupils' accounts
and their profiles (assessment's part), the window."""

from __future__ import annotations

import re
import uuid

from accessibility import assert_accessible
from certif_steps import FR, TOMORROW, api, centres_of, eligible_pupil, import_pupils, open_window
from journeys import platform_admin_account, sign_up
from learner_steps import (
    answered,
    content,
    exactly,
    fill_answer,
    log_in_on_page,
    starting,
    type_access_code,
    words,
)
from learner_steps import certification_counter as counter
from orga_steps import PUPILS, create_organization, join_by_invitation, log_in_page, pupil_account, unique_email
from playwright.sync_api import expect

from msgkit.testing import wait_until

# Refusals the journey meets on purpose: Zoë's answer after the invigilator ended her test (409); the test asked
# for before assessment made it from the start's event (404, the page asks again).
REFUSALS = (r"status of 409", r"status of 404")
FRANCOIS, ZOE = PUPILS[1], PUPILS[2]  # (first name, last name, birth date, class): 5E1 and 4E3
KNOWS_UP_TO = 3  # the pupils know every skill up to this level


def join(page, w: dict, email: str, number: int, pupil: tuple[str, str, str, str]) -> None:
    """On the learners' face: "Je passe ma certification", log in, the session number, names and birth date."""
    first_name, last_name, birthdate, _ = pupil
    year, month, day = birthdate.split("-")
    page.goto("/")
    page.get_by_role("link", name=w["learner.home.certification_link"]).click()
    log_in_on_page(page, w, email)
    expect(page.get_by_label(starting(w["learner.matching.first_name"]))).to_have_value(first_name)
    page.get_by_label(starting(w["learner.certification.session_number"])).fill(str(number))
    page.get_by_label(starting(w["learner.matching.last_name"])).fill(last_name)
    page.get_by_label(w["learner.matching.day"]).fill(str(int(day)))
    page.get_by_label(w["learner.matching.month"]).fill(str(int(month)))
    page.get_by_label(w["learner.matching.year"]).fill(year)
    page.get_by_role("button", name=exactly(w["learner.certification.join_submit"])).click()
    expect(page.get_by_role("status").filter(has_text=w["learner.certification.waiting"])).to_be_visible()


def answer_on_page(stack, page, w: dict, token: str, course_id: str, number: int) -> dict:
    """Answers question ``number`` by clicks, as a pupil who knows every skill up to KNOWS_UP_TO: the API's answer."""
    expect(page.get_by_role("heading", level=1)).to_have_text(counter(w, number))
    shown = api(stack, "GET", f"/api/certification-courses/{course_id}/assessment/next-challenge", token).json()
    assert shown["question_number"] == number
    challenge = shown["challenge"]
    if content().skills[content().challenges[challenge["id"]].skill_id].level > KNOWS_UP_TO:
        return answered(page, page.get_by_role("button", name=exactly(w["learner.test.skip"])))
    fill_answer(page, w, challenge, True, "fr")
    return answered(page, page.get_by_role("button", name=exactly(w["learner.test.validate"])))


def test_a_whole_session_from_its_creation_to_a_verified_certificate(stack, open_page, shot):
    w = words("fr")
    platform_email, platform = platform_admin_account(stack)
    uai = f"{uuid.uuid4().int % 10**7:07d}S"
    head_email = unique_email("principale")
    school_id = create_organization(stack, platform, "Collège Louise Michel", head_email, external_id=uai)
    head = join_by_invitation(stack, school_id, head_email, "Nadia", "Principale", accept_terms=True)
    import_pupils(stack, head, school_id, uai)
    emails = {pupil: unique_email(pupil[0].lower()) for pupil in (FRANCOIS, ZOE)}
    tokens = {pupil: pupil_account(stack, school_id, pupil, emails[pupil]) for pupil in (FRANCOIS, ZOE)}
    for token in tokens.values():
        eligible_pupil(stack, token)
    assert [c["id"] for c in centres_of(stack, head)] == [school_id]
    assert api(stack, "PATCH", f"/api/admin/certification-centers/{school_id}", platform,
               {"school_kind": "COLLEGE"}).status_code == 200
    open_window(stack, platform, "COLLEGE")
    invigilator_email = unique_email("surveillant")
    sign_up(stack, "Sam", "Surveillant", invigilator_email)

    # The head creates the session in the window, then enrols the eligible pupils of two classes.
    centre = open_page(allowed=REFUSALS)
    centre.goto("/certif/sessions/creation")
    log_in_page(centre, head_email, FR)
    expect(centre.get_by_role("heading", level=1)).to_have_text("Créer une session")
    expect(centre.get_by_text("Établissement scolaire")).to_be_visible()  # the centre is read: the form is ready
    for label, value in (("Adresse", "3 rue de la Commune, Paris"), ("Salle", "Salle informatique"),
                         ("Surveillant(e)", "M. Sam Surveillant"), ("Date", TOMORROW.isoformat()),
                         ("Heure de début", "09:00")):
        centre.get_by_label(label, exact=False).first.fill(value)
    centre.get_by_role("button", name="Créer la session").click()
    expect(centre.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Session \d+$"))
    session_id = centre.url.rstrip("/").split("/")[-1]
    session = api(stack, "GET", f"/api/certification-sessions/{session_id}", head).json()
    for _, _, _, division in (FRANCOIS, ZOE):  # certification hears of the pupils, links and profiles by events
        wait_until(lambda division=division: all(
            p["reason"] is None for p in api(stack, "GET", f"/api/certification-sessions/{session_id}/students"
                                             f"?division={division}", head).json()["items"]
            if p["first_name"] in (FRANCOIS[0], ZOE[0])) or None, timeout=30, message=f"eligible pupils of {division}")
    centre.reload()
    enrol = centre.get_by_role("region", name="Inscrire une classe")
    for division in (FRANCOIS[3], ZOE[3]):
        enrol.get_by_label("Classe", exact=True).select_option(division)
        enrol.get_by_role("button", name="Inscrire 1 élève éligible").click()
        expect(centre.get_by_role("status").filter(has_text=f"1 élève de {division} inscrit.")).to_be_visible()
    expect(centre.get_by_role("table", name="Candidats de la session, par nom").get_by_role("row")).to_have_count(3)
    candidates = {c["first_name"]: c["id"] for c in api(
        stack, "GET", f"/api/certification-sessions/{session_id}/candidates", head).json()["items"]}

    # The invigilator opens the session's live page: nobody has arrived yet.
    room = open_page(allowed=REFUSALS)
    room.goto("/certif/surveillance")
    log_in_page(room, invigilator_email, FR)
    room.get_by_label("N° de session", exact=False).fill(str(session["number"]))
    room.get_by_label("Mot de passe surveillant", exact=False).fill(session["invigilator_password"])
    room.get_by_role("button", name="Surveiller la session").click()
    expect(room.get_by_test_id("live-state")).to_have_text("Suivi en direct", timeout=15_000)
    rows = {name: room.get_by_test_id(f"candidate-{candidate_id}") for name, candidate_id in candidates.items()}
    for row in rows.values():
        expect(row).to_contain_text("Pas encore arrivé(e)")

    # Both pupils join from their own pages and wait; the invigilator's page shows them without a reload.
    pupils = {}
    for pupil in (FRANCOIS, ZOE):
        pupils[pupil] = open_page(allowed=REFUSALS)
        join(pupils[pupil], w, emails[pupil], session["number"], pupil)
        expect(rows[pupil[0]]).to_contain_text("En attente d'autorisation", timeout=10_000)
    assert_accessible(room, "the invigilator's page, two candidates waiting")
    shot(room, "certif-session-waiting")

    # Authorized from the page: each pupil's page notices by itself, and the access code starts the test.
    courses = {}
    for pupil in (FRANCOIS, ZOE):
        rows[pupil[0]].get_by_role("button", name=re.compile(f"^Autoriser {pupil[0]}")).click()
        expect(rows[pupil[0]]).to_contain_text("Autorisé(e) à commencer")
        page = pupils[pupil]
        expect(page.get_by_text(w["learner.certification.authorized"])).to_be_visible(timeout=10_000)
        type_access_code(page, w, session["access_code"])
        expect(page.get_by_role("heading", level=1)).to_have_text(counter(w, 1))
        courses[pupil] = api(stack, "GET", f"/api/certification-joinings/{candidates[pupil[0]]}",
                             tokens[pupil]).json()["course_id"]
        expect(rows[pupil[0]]).to_contain_text("En cours : question 1 sur 32", timeout=10_000)

    # Zoë answers three questions, then the invigilator ends her test (after a confirmation): seen live, and on
    # her page at her next click.
    for number in range(1, 4):
        assert answer_on_page(stack, pupils[ZOE], w, tokens[ZOE], courses[ZOE], number)["status"] == 201
    expect(rows[ZOE[0]]).to_contain_text("En cours : question 4 sur 32", timeout=10_000)
    rows[ZOE[0]].get_by_role("button", name=re.compile(f"^Terminer le test {ZOE[0]}")).click()
    room.get_by_role("dialog").get_by_role("button", name="Terminer le test").click()
    expect(rows[ZOE[0]]).to_contain_text("Arrêté par le surveillant", timeout=10_000)
    wait_until(lambda: api(stack, "GET", f"/api/certification-courses/{courses[ZOE]}/assessment", tokens[ZOE]).json()[
        "state"] == "ENDED", timeout=10, message="assessment hearing of the end")  # by an event, a moment later
    refused = answered(pupils[ZOE], pupils[ZOE].get_by_role("button", name=exactly(w["learner.test.skip"])))
    assert (refused["status"], refused["body"]["error"]["code"]) == (409, "CERTIFICATION_TEST_ENDED"), refused
    expect(pupils[ZOE].get_by_text(w["learner.certification.end.ENDED_BY_INVIGILATOR"])).to_be_visible()

    # François answers the 32 questions; the invigilator's page follows him, then says he finished.
    for number in range(1, 33):
        assert answer_on_page(stack, pupils[FRANCOIS], w, tokens[FRANCOIS], courses[FRANCOIS], number)["status"] == 201
        if number == 16:
            expect(rows[FRANCOIS[0]]).to_contain_text("En cours : question 17 sur 32", timeout=10_000)
    expect(pupils[FRANCOIS].get_by_role("heading", level=1)).to_have_text(w["learner.certification.end.title"])
    expect(rows[FRANCOIS[0]]).to_contain_text("Terminé", timeout=10_000)
    assert_accessible(room, "the invigilator's page, one finished and one ended")
    shot(room, "certif-session-over")

    # The head finalizes: François saw the end screen; Zoë's test stopped, for a reason the head gives.
    centre.goto(f"/certif/sessions/{session_id}/finalisation")
    expect(centre.get_by_role("heading", level=1)).to_have_text(f"Finaliser la session {session['number']}")
    francois = centre.get_by_role("group", name=re.compile(f"^{FRANCOIS[0]}"))
    francois.get_by_label(re.compile("a vu l'écran de fin du test")).check()
    zoe = centre.get_by_role("group", name=re.compile(f"^{ZOE[0]}"))
    expect(zoe).to_contain_text("Test arrêté par le surveillant")
    zoe.get_by_label("Raison de l'arrêt", exact=False).select_option("candidate")
    centre.get_by_role("button", name="Finaliser la session").click()
    expect(centre.get_by_role("status").filter(has_text="La session est finalisée")).to_be_visible()

    # A platform admin reviews the session and publishes its results.
    admin = open_page(allowed=REFUSALS)
    admin.goto("/certif/admin/sessions")
    log_in_page(admin, platform_email, FR)
    admin.get_by_label("Statut").select_option("FINALIZED")
    admin.get_by_role("link", name=f"Examiner la session {session['number']}").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(f"Examen de la session {session['number']}")
    expect(admin.get_by_text("Collège Louise Michel")).to_be_visible()
    admin.get_by_role("button", name="M'assigner la session").click()
    expect(admin.get_by_role("status").filter(has_text="La session vous est assignée.")).to_be_visible()
    admin.get_by_role("button", name="Publier les résultats").click()
    admin.get_by_role("dialog").get_by_role("button", name="Publier les résultats").click()
    expect(admin.get_by_role("status").filter(has_text="Les résultats de la session sont publiés.")).to_be_visible()

    # François reads his certificate from the end screen's link; Zoë's test, under 20 answers, is rejected.
    page = pupils[FRANCOIS]
    page.get_by_role("link", name=w["learner.certification.end.certificates"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.certificates.title"])
    page.get_by_role("link", name=re.compile("^Voir le certificat du ")).click()
    card = page.locator("article.learner-certificate")
    expect(card.get_by_role("heading", level=2)).to_have_text(re.compile(f"^{FRANCOIS[0]} ", re.IGNORECASE))
    expect(card).to_contain_text("Collège Louise Michel")
    code = card.locator(".learner-certificate__code").inner_text().strip()
    [certificate] = api(stack, "GET", "/api/certificates", tokens[FRANCOIS]).json()["items"]
    assert (certificate["status"], certificate["verification_code"]) == ("validated", code)
    expect(card.locator(".learner-score__value")).to_have_text(str(certificate["score"]))
    [zoe_result] = api(stack, "GET", "/api/certificates", tokens[ZOE]).json()["items"]
    assert zoe_result["status"] == "rejected", zoe_result
    shot(page, "learner-session-certificate")

    # Anyone, with no account, checks it by its code and sees what the certificate shows.
    visitor = open_page(allowed=REFUSALS)
    visitor.goto("/verification-certificat")
    field = visitor.get_by_label(starting(w["learner.verification.code"]))
    field.fill(code)
    field.press("Enter")
    found = visitor.locator("article.learner-certificate")
    expect(visitor.get_by_role("status").filter(has_text=w["learner.verification.found"])).to_be_visible()
    expect(found.get_by_role("heading", level=2)).to_have_text(re.compile(f"^{FRANCOIS[0]} ", re.IGNORECASE))
    expect(found.locator(".learner-score__value")).to_have_text(str(certificate["score"]))
    assert_accessible(visitor, "a certificate verified by its code")
