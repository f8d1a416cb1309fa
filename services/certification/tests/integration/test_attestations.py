"""Attestations and a class's results on the real database and app: a school's session published, the pupil's
own attestation, the school's PDF and CSV per class; the PDFs read back with pypdf."""

import io

import pytest
from certification_it import SatPupil, deliver, person, pro_center, school, sit_and_publish
from pypdf import PdfReader
from sqlalchemy import text as sql

from certification.domain.results import COMPETENCES
from svckit.testing import assert_error

PASSED = ["ok"] * 28 + ["ko"] * 4
ABANDONED = ["ko"] * 12  # fewer than 20 answers: rejected


def _class() -> list[SatPupil]:
    """3A: three pupils who passed (listed out of name order) and one rejected; 3B: one who passed."""
    return [SatPupil(person("zoe"), "Zoé", "Lefèvre", "2011-04-02", "3A", PASSED),
            SatPupil(person("ana"), "Ana", "Petit", "2011-06-10", "3A", PASSED),
            SatPupil(person("leo"), "Léo", "Martin", "2011-01-20", "3A", ["ok"] * 20 + ["ko"] * 12),
            SatPupil(person("max"), "Max", "Durand", "2011-02-03", "3A", ABANDONED),
            SatPupil(person("tom"), "Tom", "Autre", "2011-03-04", "3B", PASSED)]


@pytest.fixture
def published_class(runtime, client, college, platform_admin):
    pupils = _class()
    session = sit_and_publish(runtime, client, college.head, college.id, platform_admin, pupils)
    return {p.first_name: p for p in pupils}, session


def _pdf(response) -> PdfReader:
    assert response.status_code == 200, response.get_json()
    assert response.content_type == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    body = response.get_data()
    assert int(response.headers["Content-Length"]) == len(body) and body.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(body))


def _text(page) -> str:
    return " ".join(page.extract_text().split())


def test_a_pupil_downloads_their_own_attestation_once_published_and_validated(runtime, client, college,
                                                                              platform_admin):
    pupils = _class()[:1] + _class()[3:4]  # Zoé passes, Max abandons
    zoe, max_ = pupils
    session = sit_and_publish(runtime, client, college.head, college.id, platform_admin, pupils, publish=False)
    url = f"/api/certificates/{zoe.course['course_id']}/attestation"
    assert_error(client.get(url, headers=zoe.who.auth), 404, "CERTIFICATE_NOT_FOUND")  # finalized, not published
    assert client.post(f"/api/admin/certification-sessions/{session['id']}/publication",
                       headers=platform_admin.auth).status_code == 200

    certificate = client.get(f"/api/certificates/{zoe.course['course_id']}", headers=zoe.who.auth).get_json()
    response = client.get(url, headers=zoe.who.auth)
    reader = _pdf(response)
    assert "filename*=UTF-8''attestation-Lef%C3%A8vre-Zo%C3%A9-20261123.pdf" in response.headers[
        "Content-Disposition"]
    [page] = reader.pages
    text = _text(page)
    # What the certificate's view shows, no more.
    assert "Zoé Lefèvre" in text and "Né(e) le 02/04/2011" in text
    assert "Collège Victor Hugo" in text and "01/12/2026" in text
    assert certificate["verification_code"] in text
    assert f"{certificate['score']} sur 895" in text
    assert f"Niveau global : {certificate['mesh_level']}" in text
    levels = {item["competence_code"]: item["level"] for item in certificate["competence_levels"]}
    assert set(levels) == set(COMPETENCES)
    for code in COMPETENCES:
        assert (f"{code} " in text) and ((f"Niveau {levels[code]}" if levels[code] else "Non certifiée") in text)

    assert_error(client.get(url, headers=max_.who.auth), 404, "CERTIFICATE_NOT_FOUND")  # not his
    assert_error(client.get(f"/api/certificates/{max_.course['course_id']}/attestation", headers=max_.who.auth),
                 409, "CERTIFICATE_NOT_VALIDATED")  # rejected: no certificate, no attestation
    assert client.get(url).status_code == 401


def test_a_school_downloads_a_class_s_attestations_in_one_pdf_one_page_per_pupil_by_name(
        runtime, client, college, published_class):
    pupils, _session = published_class
    response = client.get(f"/api/certification-centers/{college.id}/attestations?division=3A",
                          headers=college.head.auth)
    reader = _pdf(response)
    assert "_attestations_3A.pdf" in response.headers["Content-Disposition"]
    texts = [_text(page) for page in reader.pages]
    # The three who passed, by last name (Lefèvre, Martin, Petit); Max was rejected; Tom is in 3B.
    assert len(texts) == 3
    for text, first in zip(texts, ("Zoé", "Léo", "Ana"), strict=True):
        p = pupils[first]
        assert f"{p.first_name} {p.last_name}" in text and p.course["verification_code"] in text
    assert not any("Max Durand" in text or "Tom Autre" in text for text in texts)

    listed = client.get(f"/api/certification-centers/{college.id}/result-divisions",
                        headers=college.head.auth).get_json()["items"]
    assert [(d["division"], d["results_count"], d["attestations_count"]) for d in listed] == [
        ("3A", 4, 3), ("3B", 1, 1)]


def test_a_class_s_results_are_a_csv_with_every_published_result(client, college, published_class):
    pupils, session = published_class
    response = client.get(f"/api/certification-centers/{college.id}/results.csv?division=3A",
                          headers=college.head.auth)
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert "_resultats_3A.csv" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    header, *lines = text.removeprefix("\ufeff").splitlines()
    assert [line.split(";")[2] for line in lines] == ['"Durand"', '"Lefèvre"', '"Martin"', '"Petit"']
    max_ = lines[0].split(";")
    assert max_[6:8] == ['"Rejetée"', "0"] and max_[9:25] == ["-"] * 16
    zoe = lines[1].split(";")
    assert zoe[6] == '"Validée"' and zoe[25:] == [f'"{pupils["Zoé"].course["verification_code"]}"',
                                                   str(session["number"]), "01/12/2026"]


def test_a_class_without_an_attestation_and_anyone_but_the_school_s_admins_are_refused(
        runtime, client, college, platform_admin, published_class):
    base = f"/api/certification-centers/{college.id}"
    # A class nobody certified in, or whose only result was rejected: a clear 404, never an empty file.
    assert_error(client.get(f"{base}/attestations?division=6Z", headers=college.head.auth), 404,
                 "NO_ATTESTATION_IN_DIVISION")
    assert_error(client.get(f"{base}/results.csv?division=6Z", headers=college.head.auth), 404,
                 "NO_RESULT_IN_DIVISION")
    only_rejected = [SatPupil(person("eve"), "Ève", "Roux", "2011-05-05", "4C", ABANDONED)]
    sit_and_publish(runtime, client, college.head, college.id, platform_admin, only_rejected)
    assert_error(client.get(f"{base}/attestations?division=4C", headers=college.head.auth), 404,
                 "NO_ATTESTATION_IN_DIVISION")
    assert client.get(f"{base}/results.csv?division=4C", headers=college.head.auth).status_code == 200
    assert_error(client.get(f"{base}/attestations", headers=college.head.auth), 400)  # the class is required

    # Another school's admin, a pupil, a platform admin who is no member: refused as on the other centre routes.
    other_head = person("autre")
    school(runtime, other_head, uai="0759876B")
    for who in (other_head, platform_admin, published_class[0]["Zoé"].who):
        for route in ("attestations?division=3A", "results.csv?division=3A", "result-divisions"):
            assert_error(client.get(f"{base}/{route}", headers=who.auth), 403, "NOT_A_CENTER_MEMBER")
    unknown = "/api/certification-centers/6f1c1d8e-1f7b-4c7e-9a55-3b2f4a1e0c01/attestations?division=3A"
    assert_error(client.get(unknown, headers=college.head.auth), 404, "CENTER_NOT_FOUND")
    # A PRO centre has no classes.
    center_id, pro_admin = pro_center(client, platform_admin, runtime)
    assert_error(client.get(f"/api/certification-centers/{center_id}/attestations?division=3A",
                            headers=pro_admin.auth), 422, "NOT_A_SCHOOL")


def test_a_pupil_s_class_is_the_school_list_s_and_a_pupil_who_left_is_in_none(runtime, client, college,
                                                                               published_class):
    pupils, _session = published_class

    def reimported(p: SatPupil, *, division: str, disabled: bool) -> None:
        deliver(runtime, "organizations.learners.imported.v1", college.id, 4, organization_id=college.id, learners=[
            {"learner_id": p.learner_id, "change": "UPDATED", "version": 2, "first_name": p.first_name,
             "last_name": p.last_name, "preferred_last_name": None, "birthdate": p.birthdate,
             "national_student_id": None, "student_number": None, "division": division, "group": None,
             "user_id": p.who.id, "disabled": disabled}])

    reimported(pupils["Zoé"], division="3B", disabled=False)  # moved to 3B
    reimported(pupils["Ana"], division="3A", disabled=True)  # left the school
    base = f"/api/certification-centers/{college.id}/attestations?division="
    [leo] = [_text(page) for page in _pdf(client.get(base + "3A", headers=college.head.auth)).pages]
    assert "Léo Martin" in leo
    in_3b = [_text(page) for page in _pdf(client.get(base + "3B", headers=college.head.auth)).pages]
    assert ["Zoé Lefèvre" in text for text in in_3b] == [False, True]  # Autre, then Lefèvre


def test_the_school_is_told_whose_attestation_it_never_downloaded(runtime, client, college, platform_admin,
                                                                   published_class):
    """Before a new year's import takes the pupils who left off the classes (and the class PDFs), the school sees
    whose attestation it never saved: the validated ones only, until their class's PDF is downloaded once."""
    pupils, _session = published_class
    url = f"/api/certification-centers/{college.id}/undownloaded-attestations"
    listed = client.get(url, headers=college.head.auth)
    assert listed.status_code == 200, listed.get_json()
    names = [(item["division"], item["last_name"]) for item in listed.get_json()["items"]]
    assert names == [("3A", "Lefèvre"), ("3A", "Martin"), ("3A", "Petit"), ("3B", "Autre")]  # not Max: rejected
    zoe = listed.get_json()["items"][0]
    assert zoe["learner_id"] == str(pupils["Zoé"].learner_id)
    assert zoe["course_id"] == pupils["Zoé"].course["course_id"]

    own = client.get(f"/api/certificates/{pupils['Tom'].course['course_id']}/attestation", headers=pupils["Tom"].who.auth)
    assert own.status_code == 200  # the pupil's own download is not the school's
    assert client.get(f"/api/certification-centers/{college.id}/attestations?division=3A",
                      headers=college.head.auth).data.startswith(b"%PDF")  # read to its end, as a browser does
    assert [item["last_name"] for item in client.get(url, headers=college.head.auth).get_json()["items"]] == ["Autre"]
    assert client.get(f"/api/certification-centers/{college.id}/attestations?division=3A",
                      headers=college.head.auth).data.startswith(b"%PDF")  # again: still recorded once
    with runtime.engine.connect() as connection:
        assert connection.execute(sql("SELECT count(*) FROM attestation_downloads WHERE center_id = :id"),
                                  {"id": college.id}).scalar_one() == 3

    for who in (platform_admin, pupils["Zoé"].who):
        assert_error(client.get(url, headers=who.auth), 403, "NOT_A_CENTER_MEMBER")


def test_a_class_download_cut_before_its_end_records_nothing(runtime, client, college, published_class):
    """The school has saved a class's attestations when the whole file went out, not when the answer started."""
    url = f"/api/certification-centers/{college.id}/undownloaded-attestations"
    before = [item["last_name"] for item in client.get(url, headers=college.head.auth).get_json()["items"]]
    cut = client.get(f"/api/certification-centers/{college.id}/attestations?division=3A", headers=college.head.auth,
                     buffered=False)
    assert cut.status_code == 200
    assert next(iter(cut.response)).startswith(b"%PDF")  # the first piece only, then the connection is gone
    cut.close()
    assert [item["last_name"] for item in client.get(url, headers=college.head.auth).get_json()["items"]] == before
    whole = client.get(f"/api/certification-centers/{college.id}/attestations?division=3A", headers=college.head.auth)
    assert whole.status_code == 200 and whole.data.endswith(b"%%EOF\n")
    assert [item["last_name"] for item in client.get(url, headers=college.head.auth).get_json()["items"]] == ["Autre"]
