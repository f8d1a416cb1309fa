"""A candidate's certification in the learner's face: "Je passe ma certification", log in, the session number,
names and birth date (a wrong number is said first), the waiting screen until the invigilator authorizes (the
page notices by itself), the access code (a wrong one is said), then the test: "Question n / 32", nothing said
of right or wrong, "Je passe", timed questions with the candidate's extra time; a reload asks for the
invigilator's authorization and the access code again; the end screen. Once the centre has finalized and an
admin published (through the API, as they would), the candidate reads the certificate in "Mes certifications",
and anyone checks it by its code on the public page, where bad codes are said. And a test the invigilator ends
lands on the end screen at the candidate's next click. A problem signalled with a question blocks answering
until the invigilator decides: dismissed, the same question; validated, another one.

What the invigilator, the centre and the admin do is done through the API (certif_steps); the questions the
page must show are read from the candidate's API (asking for the question being asked changes nothing)."""

from __future__ import annotations

import re

import pytest
from accessibility import assert_accessible
from certif_steps import (
    SESSION,
    Candidate,
    api,
    authorize,
    end_test,
    enrol_candidate,
    finalize_and_publish,
    invigilator_of,
    joined_candidate,
    lengthened,
    pro_centre,
)
from journeys import platform_admin
from learner_steps import CERTIFICATION_QUESTIONS as QUESTIONS
from learner_steps import (
    answered,
    content,
    exactly,
    fill_answer,
    starting,
    type_access_code,
    words,
)
from learner_steps import certification_counter as counter
from learner_steps import log_in_on_page as log_in
from playwright.sync_api import expect
from pypdf import PdfReader

from msgkit.testing import wait_until

REFUSALS = (r"status of 404", r"status of 422", r"status of 403", r"status of 409", r"status of 429")
ERRORS = {"fr": "Aucune session ne porte ce numéro", "en": "No session has this number"}


@pytest.mark.parametrize(("locale", "phone"), [("fr", False), ("en", True)], ids=["french-desktop", "english-phone"])
def test_a_candidate_joins_waits_for_the_invigilator_and_starts_with_the_access_code(stack, open_page, shot,
                                                                                    locale, phone):
    w = words(locale)
    platform = platform_admin(stack)
    centre_id, _, centre = pro_centre(stack, platform, "Formations Martin")
    session = api(stack, "POST", f"/api/certification-centers/{centre_id}/sessions", centre, SESSION).json()
    zoe = enrol_candidate(stack, centre, session, "Zoé", "Lefèvre", "1990-01-02")

    page = open_page(locale=locale, phone=phone, allowed=REFUSALS)
    page.goto("/")
    page.get_by_role("link", name=w["learner.home.certification_link"]).click()
    expect(page).to_have_url(re.compile(r"/connexion\?retour=%2Fcertification$"))
    log_in(page, w, zoe.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(w["learner.certification.join_title"])

    # The names come from the account; the candidate types them as the centre enrolled them (case and accents
    # do not matter), a wrong session number first.
    number = page.get_by_label(starting(w["learner.certification.session_number"]))
    number.fill(str(session["number"] + 100_000))
    # (once the account is read: a name typed before would keep the other one empty)
    expect(page.get_by_label(starting(w["learner.matching.first_name"]))).to_have_value("Zoé")
    page.get_by_label(starting(w["learner.matching.last_name"])).fill("LEFEVRE")
    page.get_by_label(w["learner.matching.day"]).fill("2")
    page.get_by_label(w["learner.matching.month"]).fill("1")
    page.get_by_label(w["learner.matching.year"]).fill("1990")
    page.get_by_role("button", name=exactly(w["learner.certification.join_submit"])).click()
    expect(page.get_by_role("alert")).to_contain_text(ERRORS[locale])
    number.fill(str(session["number"]))
    number.press("Enter")

    # Joined: the waiting screen, which asks again by itself until the invigilator authorizes.
    expect(page.get_by_role("status").filter(has_text=w["learner.certification.waiting"])).to_be_visible()
    expect(page.get_by_text(f"Zoé Lefèvre, session {session['number']}")).to_be_visible()
    assert_accessible(page, "waiting for the invigilator")
    shot(page, f"learner-certification-waiting-{locale}")
    invigilator = invigilator_of(stack, session)
    room = api(stack, "GET", f"/api/certification-sessions/{session['id']}/invigilation", invigilator).json()
    assert [c["status"] for c in room["candidates"]] == ["JOINED"]
    authorize(stack, invigilator, zoe.id)
    expect(page.get_by_text(w["learner.certification.authorized"])).to_be_visible(timeout=10_000)
    code = page.get_by_label(starting(w["learner.certification.access_code"]))
    expect(code).to_be_focused()

    # A wrong access code is said; the right one (typed in small letters) starts the test: its first question.
    type_access_code(page, w, "ZZZZ99")
    expect(page.get_by_role("alert")).to_contain_text(
        "Ce n'est pas le code d'accès" if locale == "fr" else "This is not the session's access code")
    type_access_code(page, w, session["access_code"].lower())
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(counter(w, 1))
    expect(heading).to_be_focused()
    room = api(stack, "GET", f"/api/certification-sessions/{session['id']}/invigilation", invigilator).json()
    assert [c["status"] for c in room["candidates"]] == ["STARTED"]


def test_a_candidate_takes_the_whole_test_reads_the_certificate_and_anyone_verifies_it(stack, open_page, shot):
    w = words("fr")
    platform = platform_admin(stack)
    centre_id, _, centre = pro_centre(stack, platform, "Formations Martin")
    session = api(stack, "POST", f"/api/certification-centers/{centre_id}/sessions", centre, SESSION).json()
    zoe = joined_candidate(stack, centre, session, "Zoé", "Lefèvre", "1990-01-02", extra_time_percentage=30)
    invigilator = invigilator_of(stack, session)
    authorize(stack, invigilator, zoe.id)

    page = open_page(locale="fr", allowed=REFUSALS)
    page.goto(f"/certification/{zoe.id}")
    log_in(page, w, zoe.email)
    type_access_code(page, w, session["access_code"])
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(counter(w, 1))
    zoe.course_id = api(stack, "GET", f"/api/certification-joinings/{zoe.id}", zoe.token).json()["course_id"]

    skip = page.get_by_role("button", name=exactly(w["learner.test.skip"]))
    validate = page.get_by_role("button", name=exactly(w["learner.test.validate"]))
    timed = 0
    for number in range(1, QUESTIONS + 1):
        expect(heading).to_have_text(counter(w, number))
        shown = zoe.test()
        assert (shown["question_number"], shown["answers_count"]) == (number, number - 1)
        challenge = shown["challenge"]
        progress = page.get_by_role("progressbar", name=re.compile(f"^{number - 1} réponses? données? sur 32$"))
        expect(progress).to_have_attribute("aria-valuenow", str(int((number - 1) / QUESTIONS * 100 + 0.5)))
        if number == 1:
            expect(page.get_by_role("button", name=w["learner.certification.problem.open"])).to_be_visible()
            assert_accessible(page, "a certification question")
            shot(page, "learner-certification-question-fr")
        if number == 3:
            # A reload (or another device): the invigilator authorizes the resume, the access code again, the
            # same question.
            page.reload()
            expect(page.get_by_text(w["learner.certification.resume"])).to_be_visible()
            type_access_code(page, w, session["access_code"])
            expect(page.get_by_role("alert")).to_contain_text("Demandez au surveillant de vous autoriser à reprendre")
            assert_accessible(page, "resuming the test")
            shot(page, "learner-certification-resume-fr")
            authorize(stack, invigilator, zoe.id)
            # The page notices the authorization by itself and readies the access code's field.
            expect(page.get_by_role("status").filter(has_text=w["learner.certification.resume_authorized"])) \
                .to_be_visible()
            expect(page.get_by_label(starting(w["learner.certification.access_code"]))).to_be_focused()
            type_access_code(page, w, session["access_code"])
            expect(heading).to_have_text(counter(w, 3))
            assert zoe.test()["challenge"]["id"] == challenge["id"]
        if challenge["timer"]:
            # The question's timer, lengthened by the candidate's 30 % of extra time.
            timed += 1
            seconds = lengthened(content().challenges[challenge["id"]].timer, 30)
            assert challenge["timer"] == seconds
            expect(page.get_by_text(w["learner.test.timed.other"].format(count=seconds))).to_be_visible()
            expect(page.get_by_role("timer")).to_be_visible()
        if number % 4 == 0:
            sent = answered(page, skip)
        else:
            expect(validate).to_be_disabled()
            fill_answer(page, w, challenge, True, "fr")
            sent = answered(page, validate)
        assert sent["status"] == 201 and sent["body"]["index"] == number
        assert "result" not in sent["body"]  # never right or wrong
    end = page.get_by_role("heading", level=1)
    expect(end).to_have_text(w["learner.certification.end.title"])
    expect(page.get_by_text(w["learner.certification.end.COMPLETED"])).to_be_visible()
    assert_accessible(page, "the end screen")
    shot(page, "learner-certification-end-fr")
    answers = api(stack, "GET", f"/api/certification-courses/{zoe.course_id}/assessment", zoe.token).json()
    assert (answers["state"], answers["end_reason"], answers["answers_count"]) == ("ENDED", "COMPLETED", 32)

    # The centre finalizes, an admin publishes: "Mes certifications", then the certificate.
    finalize_and_publish(stack, centre, invigilator, session, [zoe.id])
    [certificate] = api(stack, "GET", "/api/certificates", zoe.token).json()["items"]
    assert certificate["status"] == "validated"
    page.get_by_role("link", name=w["learner.certification.end.certificates"]).click()
    expect(heading).to_have_text(w["learner.certificates.title"])
    expect(page.get_by_text("Formations Martin")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Voir le certificat du ")).click()
    expect(page).to_have_url(re.compile(f"/mes-certifications/{certificate['id']}$"))
    expect(heading).to_have_text(w["learner.certificate.title"])
    card = page.locator("article.learner-certificate")
    expect(card.get_by_role("heading", level=2)).to_have_text("Zoé Lefèvre")
    expect(card).to_contain_text("Né(e) le 2 janvier 1990 à Lyon")
    expect(card).to_contain_text("Formations Martin")
    expect(card.locator(".learner-certificate__code")).to_have_text(certificate["verification_code"])
    expect(card.locator(".learner-score__value")).to_have_text(str(certificate["score"]))
    expect(card).to_contain_text("sur 895")
    levels = card.locator(".learner-certificate__level")
    expect(levels).to_have_count(16)
    for level in certificate["competence_levels"]:
        row = levels.filter(has=page.locator(".learner-competence__code", has_text=exactly(level["competence_code"])))
        expect(row.locator("dd")).to_have_text(f"Niveau {level['level']}" if level["level"] else "Non certifiée")
    expect(page.get_by_role("button", name=w["learner.certificate.print"])).to_be_visible()
    assert_accessible(page, "the certificate")
    shot(page, "learner-certificate-fr")
    page.emulate_media(media="print")  # printed: the certificate alone
    expect(page.locator("header.app-header")).to_be_hidden()
    expect(page.get_by_role("button", name=w["learner.certificate.print"])).to_be_hidden()
    expect(card).to_be_visible()
    shot(page, "learner-certificate-print-fr")
    page.emulate_media(media="screen")

    # The attestation (PDF), from the certificate's page, read back; then the profile shows the result and offers it.
    with page.expect_download() as downloaded:
        page.get_by_role("button", name=w["learner.certificate.attestation"]).click()
    assert downloaded.value.suggested_filename.endswith(".pdf")
    text = " ".join(sheet.extract_text() for sheet in PdfReader(downloaded.value.path()).pages)
    assert certificate["verification_code"] in text and "Lefèvre" in text and str(certificate["score"]) in text
    page.get_by_role("link", name=exactly(w["learner.header.profile"])).click()
    latest = page.locator("section.learner-latest-certification")
    expect(latest.get_by_role("heading", level=2)).to_have_text(w["learner.profile.certification_title"])
    expect(latest).to_contain_text(f"{certificate['score']} / ")
    expect(latest.get_by_role("button", name=w["learner.certificate.attestation"])).to_be_visible()
    assert_accessible(page, "the profile with a certification")

    # Anyone, without an account: the home page's "Vérifier un certificat", bad codes said, then the real one.
    visitor = open_page(locale="fr", allowed=REFUSALS)
    visitor.goto("/")
    visitor.get_by_role("link", name=w["learner.home.verify_certificate"]).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(w["learner.verification.title"])
    field = visitor.get_by_label(starting(w["learner.verification.code"]))
    check = visitor.get_by_role("button", name=exactly(w["learner.verification.submit"]))
    check.click()
    expect(field).to_have_accessible_description(re.compile(re.escape(w["learner.verification.missing"])))
    checks = []
    visitor.on("request", lambda request: "/api/certificate-verifications" in request.url and checks.append(request))
    field.fill("P-12345")  # malformed: said at once, nothing asked of the API
    check.click()
    expect(field).to_have_accessible_description(re.compile(re.escape(w["learner.verification.malformed"])))
    assert checks == []
    field.fill("P-BBBBBBBB")
    field.press("Enter")
    expect(visitor.get_by_role("alert")).to_have_text(w["learner.verification.errors.CERTIFICATE_NOT_FOUND"])
    expect(field).to_be_focused()
    assert_accessible(visitor, "an unknown verification code")
    # Too many checks from one address (the gateway's limit, answered here for the page).
    visitor.route("**/api/certificate-verifications", lambda route: route.fulfill(
        status=429, content_type="application/json", headers={"Retry-After": "60"},
        body='{"error": {"code": "TOO_MANY_REQUESTS", "message": "Too many requests", "details": {}}}'))
    field.press("Enter")
    expect(visitor.get_by_role("alert")).to_have_text(w["learner.verification.errors.TOO_MANY_REQUESTS"])
    visitor.unroute("**/api/certificate-verifications")
    code = certificate["verification_code"]
    field.fill(f" p{code[2:].lower()} ")  # as typed: small letters, no dash, spaces
    field.press("Enter")
    found = visitor.locator("article.learner-certificate")
    expect(visitor.get_by_role("status").filter(has_text=w["learner.verification.found"])).to_be_visible()
    expect(found.get_by_role("heading", level=2)).to_have_text("Zoé Lefèvre")
    expect(found.get_by_role("heading", level=2)).to_be_focused()
    expect(found.locator(".learner-score__value")).to_have_text(str(certificate["score"]))
    expect(found.locator(".learner-certificate__code")).to_have_text(code)
    expect(found.locator(".learner-certificate__level")).to_have_count(16)
    assert_accessible(visitor, "a verified certificate")
    shot(visitor, "learner-certificate-verified-fr")


def candidate_on_a_timed_question(stack, centre: str, session: dict, invigilator: str,
                                  extra: int) -> tuple[Candidate, dict]:
    """A candidate brought through the API (skipping) to a timed question before the last: their test and the
    question. The questions are drawn at random: a candidate whose 31 first questions are untimed (about 1 in 25)
    gives way to another."""
    for first_name in ("Léa", "Inès", "Jade", "Lina"):
        candidate = joined_candidate(stack, centre, session, first_name, "Martin", "2001-05-06", extra)
        authorize(stack, invigilator, candidate.id)
        candidate.start(session)
        for _ in range(QUESTIONS - 1):
            shown = candidate.test()
            if shown["challenge"]["timer"]:
                return candidate, shown
            assert candidate.answer(shown["challenge"]["id"], {"skipped": True}).status_code == 201
    raise AssertionError("no candidate was served a timed question")


def test_a_timed_question_keeps_the_extra_time_and_the_invigilator_ends_the_test(stack, open_page, shot):
    w = words("en")
    platform = platform_admin(stack)
    centre_id, _, centre = pro_centre(stack, platform, "Formations Martin")
    session = api(stack, "POST", f"/api/certification-centers/{centre_id}/sessions", centre, SESSION).json()
    invigilator = invigilator_of(stack, session)
    candidate, shown = candidate_on_a_timed_question(stack, centre, session, invigilator, extra=50)
    number, challenge = shown["question_number"], shown["challenge"]
    seconds = lengthened(content().challenges[challenge["id"]].timer, 50)
    assert challenge["timer"] == seconds

    # On another device: the invigilator's authorization and the access code, then the same timed question.
    page = open_page(locale="en", phone=True, allowed=REFUSALS)
    page.clock.install()
    page.goto(f"/certification/{candidate.id}")
    log_in(page, w, candidate.email)
    expect(page.get_by_text(w["learner.certification.resume"])).to_be_visible()
    authorize(stack, invigilator, candidate.id)
    type_access_code(page, w, session["access_code"])
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(counter(w, number))
    expect(page.get_by_text(w["learner.test.timed.other"].format(count=seconds))).to_be_visible()
    expect(page.get_by_role("timer")).to_contain_text(re.compile(r"\d:\d\d"))
    assert_accessible(page, "a timed certification question")
    shot(page, "learner-certification-timed-en")
    # The time runs out: what the campaign does, "Continue" sends what was there.
    page.clock.fast_forward((seconds + 1) * 1000)
    expect(page.get_by_text(w["learner.test.time_up"])).to_be_visible()
    sent = answered(page, page.get_by_role("button", name=exactly(w["learner.test.continue"])))
    assert sent["status"] == 201 and sent["body"]["index"] == number
    expect(heading).to_have_text(counter(w, number + 1))

    # The invigilator ends the test: the candidate's next click lands on the end screen.
    end_test(stack, invigilator, candidate)
    sent = answered(page, page.get_by_role("button", name=exactly(w["learner.test.skip"])))
    assert sent["status"] == 409 and sent["body"]["error"]["code"] == "CERTIFICATION_TEST_ENDED"
    expect(heading).to_have_text(w["learner.certification.end.title"])
    expect(page.get_by_text(w["learner.certification.end.ENDED_BY_INVIGILATOR"])).to_be_visible()
    assert_accessible(page, "the end screen after the invigilator ended the test")
    shot(page, "learner-certification-ended-en")
    # Coming back later: the end screen at once, no access code asked.
    page.reload()
    expect(heading).to_have_text(w["learner.certification.end.title"])


def test_a_candidate_signals_a_problem_and_the_invigilator_dismisses_then_validates_it(stack, open_page, shot):
    w = words("fr")
    platform = platform_admin(stack)
    centre_id, _, centre = pro_centre(stack, platform, "Formations Martin")
    session = api(stack, "POST", f"/api/certification-centers/{centre_id}/sessions", centre, SESSION).json()
    invigilator = invigilator_of(stack, session)
    # joined once certification heard of her profile (an event): joining at once raced it
    noa = joined_candidate(stack, centre, session, "Noa", "Petit", "2000-03-04")
    authorize(stack, invigilator, noa.id)

    page = open_page(locale="fr", phone=True, allowed=REFUSALS)
    page.goto(f"/certification/{noa.id}")
    log_in(page, w, noa.email)
    type_access_code(page, w, session["access_code"])
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(counter(w, 1))
    noa.course_id = api(stack, "GET", f"/api/certification-joinings/{noa.id}", noa.token).json()["course_id"]
    first = noa.test()["challenge"]["id"]
    report = page.get_by_role("button", name=w["learner.certification.problem.open"])
    confirm = page.get_by_role("button", name=w["learner.certification.problem.confirm"])
    skip = page.get_by_role("button", name=exactly(w["learner.test.skip"]))
    ongoing = page.get_by_role("status").filter(has_text=w["learner.certification.problem.ongoing"])
    room = f"/api/certification-sessions/{session['id']}/invigilation"

    def signal() -> None:
        report.click()
        expect(page.get_by_text(w["learner.certification.problem.confirm_text"])).to_be_visible()
        with page.expect_response(lambda response: response.url.endswith("/live-alerts")) as raised:
            confirm.click()
        assert raised.value.status == 201, raised.value.text()
        # Answering waits for the invigilator; the live region says they are coming.
        expect(ongoing).to_be_visible()
        expect(skip).to_be_disabled()
        expect(page.get_by_role("button", name=exactly(w["learner.test.validate"]))).to_be_disabled()
        wait_until(lambda: api(stack, "GET", room, invigilator).json()["candidates"][0]["live_alert"], timeout=30,
                   message="certification hearing of the live alert")

    # Thought better of it: nothing is sent.
    report.click()
    page.get_by_role("button", name=exactly(w["learner.certification.problem.cancel"])).click()
    expect(confirm).to_have_count(0)
    expect(skip).to_be_enabled()

    # Dismissed: the same question, answerable again (the page asked by itself).
    signal()
    assert_accessible(page, "a problem signalled")
    shot(page, "learner-certification-problem-fr")
    decided = api(stack, "POST", f"/api/certification-candidates/{noa.id}/live-alert/dismissal", invigilator)
    assert decided.status_code == 204, decided.text
    expect(page.get_by_role("status").filter(has_text=w["learner.certification.problem.dismissed"])).to_be_visible(
        timeout=20_000)
    expect(skip).to_be_enabled()
    expect(heading).to_have_text(counter(w, 1))
    assert noa.test()["challenge"]["id"] == first

    # Validated: another question in its place, still the first of 32, and the focus on it.
    signal()
    decided = api(stack, "POST", f"/api/certification-candidates/{noa.id}/live-alert/validation", invigilator)
    assert decided.status_code == 204, decided.text
    expect(page.get_by_role("status").filter(has_text=w["learner.certification.problem.validated"])).to_be_visible(
        timeout=20_000)
    expect(heading).to_have_text(counter(w, 1))
    expect(heading).to_be_focused()
    replacing = noa.test()["challenge"]["id"]
    assert replacing != first
    assert answered(page, skip)["status"] == 201
    expect(heading).to_have_text(counter(w, 2))
