"""Orga's Certifications page, for a school's admins: a pupil certified in the school's own session, published;
the admin downloads the class's results (CSV) and attestations (PDF), and the test reads both back; the pupils'
list shows the result."""

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
from journeys import platform_admin
from orga_steps import PUPILS, create_organization, join_by_invitation, log_in_page, pupil_account
from playwright.sync_api import expect
from pypdf import PdfReader

from msgkit.testing import wait_until

QUESTIONS = 32


def certified_pupil(stack) -> tuple[str, str, Candidate]:
    """A lycée whose pupil Zoë Öztürk (4E3) sat the school's session to the end, published: (its id, its head's
    address, Zoë as a candidate)."""
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
    return school_id, head_email, candidate


def test_a_school_admin_downloads_a_class_results_and_attestations(stack, open_page, shot):
    school_id, head_email, zoe = certified_pupil(stack)
    certificate = wait_until(lambda: (r := api(stack, "GET", f"/api/certificates/{zoe.course_id}", zoe.token)
                                      ).status_code == 200 and r.json(), timeout=30, message="the published result")

    page = open_page()
    page.goto("/orga/certifications")
    log_in_page(page, head_email, FR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Certifications")
    expect(page.get_by_role("banner").get_by_role("link", name="Certifications")).to_have_attribute("aria-current",
                                                                                                     "page")
    table = page.get_by_role("table", name="Résultats de certification par classe")
    row = table.get_by_role("row").filter(has_text="4E3")
    expect(row).to_contain_text(re.compile(r"4E3\s*1\s*1"))
    assert_accessible(page, "certifications by class")
    shot(page, "orga-certifications")

    with page.expect_download() as downloaded:
        row.get_by_role("button", name="Attestations de la classe 4E3 (PDF)").click()
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

    # The pupils' list shows each pupil's latest certification (reporting learns of it by an event).
    page.get_by_role("banner").get_by_role("link", name="Élèves").click()
    zoe_row = page.get_by_role("row").filter(has_text=re.compile("Öztürk", re.IGNORECASE))
    expect(zoe_row).to_contain_text("Validée", timeout=30_000)
    expect(zoe_row).to_contain_text(f"{certificate['score']} pix")
    expect(page.get_by_role("row").filter(has_text=re.compile("Cœurderoy", re.IGNORECASE))).not_to_contain_text(
        "Validée")
    assert_accessible(page, "pupils with their certification")
