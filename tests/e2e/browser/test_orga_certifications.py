"""Orga's Certifications page, for a school's admins: a pupil certified in the school's own session, published;
the pupils' list shows the result; an import that would take her off the list first says that her attestation
was never saved; the admin downloads the class's results (CSV) and attestations (PDF), read back; then the same
import goes through without a word."""

from __future__ import annotations

import re
import uuid

from accessibility import assert_accessible
from certif_steps import (
    FR,
    SESSION,
    Candidate,
    api,
    authorize,
    eligible_pupil,
    finalize_and_publish,
    import_pupils,
    invigilator_of,
    open_window,
    unique_email,
)
from journeys import log_in, platform_admin, school_export
from orga_steps import PUPILS, SIECLE_XML, create_organization, join_by_invitation, log_in_page, pupil_account
from playwright.sync_api import expect
from pypdf import PdfReader

from msgkit.testing import wait_until

QUESTIONS = 32


def certified_pupil(stack) -> tuple[str, str, str, Candidate]:
    """A lycée whose pupil Zoë Öztürk (4E3) sat the school's session to the end, published: (its id, its UAI, its
    head's address, Zoë as a candidate)."""
    platform = platform_admin(stack)
    uai = f"{uuid.uuid4().int % 10**7:07d}D"
    head_email = unique_email("proviseure")
    school_id = create_organization(stack, platform, "Lycée Marie Curie", head_email, external_id=uai)
    head = join_by_invitation(stack, school_id, head_email, "Anne", "Proviseure", accept_terms=True)
    import_pupils(stack, head, school_id, uai)
    first_name, last_name, birthdate, division = PUPILS[2]
    zoe = pupil_account(stack, school_id, PUPILS[2])
    eligible_pupil(stack, zoe)
    assert api(stack, "PATCH", f"/api/admin/certification-centers/{school_id}", platform,
               {"school_kind": "LYCEE"}).status_code == 200
    open_window(stack, platform, "LYCEE")
    session = api(stack, "POST", f"/api/certification-centers/{school_id}/sessions", head, SESSION).json()
    wait_until(lambda: api(stack, "POST", f"/api/certification-sessions/{session['id']}/student-enrolments", head,
                           {"division": division}).json().get("enrolled"),
               timeout=30, message="certification hearing of the pupils, Zoë's link and her profile")
    [enrolment] = api(stack, "GET", f"/api/certification-sessions/{session['id']}/candidates", head).json()["items"]
    candidate = Candidate(stack, enrolment["id"], "", zoe, session["id"])
    candidate.join(session, first_name, last_name, birthdate)
    invigilator = invigilator_of(stack, session)
    authorize(stack, invigilator, candidate.id)
    candidate.start(session)
    candidate.answer_questions(QUESTIONS)
    finalize_and_publish(stack, head, invigilator, session, [candidate.id])
    return school_id, uai, head_email, candidate


def export_without_zoe(tmp_path, uai: str):
    """The school's export of the next year: Zoë has left (her pupil, option and class records gone)."""
    export = school_export(SIECLE_XML.read_text(encoding="utf-8"), uai)
    for element in ("ELEVE", "OPTION", "STRUCTURES_ELEVE"):
        export = re.sub(rf'<{element} ELEVE_ID="2183513".*?</{element}>', "", export, flags=re.S)
    assert "ÖZTÜRK" not in export
    path = tmp_path / "ElevesSansAdresses.xml"
    path.write_text(export, encoding="utf-8")
    return path


def test_a_school_admin_saves_a_class_attestations_before_an_import_takes_a_pupil_off(stack, open_page, shot,
                                                                                        tmp_path):
    school_id, uai, head_email, zoe = certified_pupil(stack)
    certificate = wait_until(lambda: (r := api(stack, "GET", f"/api/certificates/{zoe.course_id}", zoe.token)
                                      ).status_code == 200 and r.json(), timeout=30, message="the published result")
    page = open_page()
    page.goto("/orga/eleves")
    log_in_page(page, head_email, FR)

    # The pupils' list shows each pupil's latest certification (reporting learns of it by an event).
    zoe_row = page.get_by_role("row").filter(has_text=re.compile("Öztürk", re.IGNORECASE))
    expect(zoe_row).to_contain_text("Validée", timeout=30_000)
    expect(zoe_row).to_contain_text(f"{certificate['score']} pix")
    expect(page.get_by_role("row").filter(has_text=re.compile("Cœurderoy", re.IGNORECASE))).not_to_contain_text(
        "Validée")
    assert_accessible(page, "pupils with their certification")

    # Next year's export without Zoë: the import first says her attestation was never saved; cancelled, nothing.
    next_year = export_without_zoe(tmp_path, uai)
    page.get_by_label("Fichier", exact=False).set_input_files(next_year)
    page.get_by_role("button", name="Importer", exact=True).click()
    dialog = page.get_by_role("dialog", name="Des élèves qui partent ont une attestation non enregistrée")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("listitem")).to_have_count(1)
    expect(dialog.get_by_role("listitem")).to_contain_text(re.compile(r"Öztürk \(4E3\)", re.IGNORECASE))
    assert_accessible(page, "the import's warning")
    shot(page, "orga-import-unsaved-attestations")
    dialog.get_by_role("button", name="Annuler").click()
    expect(dialog).to_be_hidden()
    imports = api(stack, "GET", f"/api/organizations/{school_id}/learners/imports", log_in(stack, head_email))
    assert imports.json()["total"] == 1  # the first import only: the preview imported nothing

    page.goto("/orga/certifications")
    expect(page.get_by_role("heading", level=1)).to_have_text("Certifications")
    expect(page.get_by_role("banner").get_by_role("link", name="Certifications")).to_have_attribute("aria-current",
                                                                                                     "page")
    table = page.get_by_role("table", name="Résultats de certification par classe")
    row = table.get_by_role("row").filter(has_text="4E3")
    expect(row).to_contain_text(re.compile(r"4E3\s*1\s*1"))
    assert_accessible(page, "certifications by class")
    shot(page, "orga-certifications")

    # While the class's PDF is prepared (held here, as a large class's would take), the row says so and its buttons
    # wait; then the file comes and the words go.
    held = []

    def hold(route):
        held.append(route)

    attestations = re.compile(r"/attestations\?division=4E3$")
    page.route(attestations, hold)
    button = row.get_by_role("button", name="Attestations de la classe 4E3 (PDF)")
    with page.expect_download() as downloaded:
        button.click()
        expect(row.get_by_role("status")).to_have_text("Préparation du fichier…")
        expect(button).to_be_disabled()
        expect(row.get_by_role("button", name="Résultats de la classe 4E3 (CSV)")).to_be_disabled()
        held[0].continue_()
    page.unroute(attestations)
    expect(row.get_by_role("status")).to_have_count(0)
    assert downloaded.value.suggested_filename.endswith(".pdf")
    pages = PdfReader(downloaded.value.path()).pages
    assert len(pages) == 1
    text = pages[0].extract_text()
    assert certificate["verification_code"] in text and "Öztürk".upper() in text.upper()
    assert str(certificate["score"]) in text

    with page.expect_download() as downloaded:
        row.get_by_role("button", name="Résultats de la classe 4E3 (CSV)").click()
    content = open(downloaded.value.path(), "rb").read()
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads it as UTF-8
    lines = content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and ";" in lines[0]
    assert certificate["verification_code"] in lines[1] and "Öztürk".upper() in lines[1].upper()

    # Saved: the same import goes through at once, Zoë taken off the list.
    page.get_by_role("banner").get_by_role("link", name="Élèves").click()
    page.get_by_label("Fichier", exact=False).set_input_files(next_year)
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_role("heading", name="Import réussi")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("dialog")).to_be_hidden()

