"""Attestations drawn with reportlab and read back with pypdf, and the class's CSV: what a school keeps."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from certification.adapters import attestation_pdf
from certification.domain import attestations, results_csv
from certification.domain.results import COMPETENCES


def certificate(first: str = "Zoé", last: str = "Lefèvre", code: str = "P-BCDF2346", **changes) -> dict:
    """A certificate as ``views._certificate`` gives it (validated), with every competence at another level."""
    return {"id": "6f1c1d8e-1f7b-4c7e-9a55-3b2f4a1e0c01", "first_name": first, "last_name": last,
            "birthdate": date(2011, 4, 2), "birthplace": "Lyon", "certification_center": "Collège Victor Hugo",
            "certification_date": date(2026, 12, 1), "delivered_at": datetime(2026, 12, 3, 23, 30, tzinfo=UTC),
            "status": "validated", "score": 412, "max_score": 895, "mesh_level": 4,
            "competence_levels": [{"competence_code": c, "level": i % 8} for i, c in enumerate(COMPETENCES)],
            "verification_code": code, "scale_version": "v1", **changes}


def pdf_of(certificates: list[dict], title: str = "Attestations") -> PdfReader:
    out = io.BytesIO()
    assert attestation_pdf.write(certificates, out, title) == len(certificates)
    return PdfReader(io.BytesIO(out.getvalue()))


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def test_an_attestation_shows_what_the_certificate_shows_and_reads_back():
    reader = pdf_of([certificate()])
    assert len(reader.pages) == 1
    text = _squeezed(reader.pages[0].extract_text())
    for expected in ("Attestation de certification", "Zoé Lefèvre", "Né(e) le 02/04/2011 à Lyon",
                     "Collège Victor Hugo", "01/12/2026", "P-BCDF2346", "412", "sur 895", "Niveau global : 4"):
        assert expected in text, expected
    assert "04/12/2026" in text  # delivered at 23:30 UTC: the 4th in Paris
    # Every competence with its name and its level, in the framework's order; level 0 is "not certified".
    for i, code in enumerate(COMPETENCES):
        name = attestations.COMPETENCE_NAMES[code]
        level = f"Niveau {i % 8}" if i % 8 else attestations.NOT_CERTIFIED
        assert f"{code} {name} {level}" in text, (code, text)
    assert reader.metadata.title == "Attestations"


def test_no_global_level_is_printed_below_level_1_and_no_birthplace_when_unknown():
    text = _squeezed(pdf_of([certificate(mesh_level=None, birthplace=None, score=40)]).pages[0].extract_text())
    assert "Niveau global" not in text
    assert "Né(e) le 02/04/2011" in text and "à Lyon" not in text
    assert "40 sur 895" in text


def test_a_class_is_one_page_per_pupil_in_the_order_given():
    pupils = [certificate("Ana", "Petit", "P-2346789B"), certificate("Léo", "Martin", "P-CDFGHJKM"),
              certificate("Zoé", "Lefèvre", "P-PQRTVWXY")]
    reader = pdf_of(pupils)
    assert len(reader.pages) == 3
    texts = [_squeezed(page.extract_text()) for page in reader.pages]
    for page, pupil in zip(texts, pupils, strict=True):
        assert f"{pupil['first_name']} {pupil['last_name']}" in page and pupil["verification_code"] in page
    assert "Léo Martin" not in texts[0] and "Ana Petit" not in texts[1]


def test_names_keep_their_letters_and_those_the_font_lacks_lose_only_their_accent():
    text = _squeezed(pdf_of([certificate("Çağla", "Łœuvre-Ząbek")]).pages[0].extract_text())
    assert "Çağla Łœuvre-Zabek" in text  # ą is not in the font: a, never a blank box
    assert attestation_pdf.printable("中 ✓") == "? ?"


def test_nothing_is_written_for_no_certificate():
    out = io.BytesIO()
    assert attestation_pdf.write([], out, "empty") == 0
    assert out.getvalue() == b""


def test_the_attestation_names_the_16_competences_the_scoring_levels_in_the_same_order():
    assert tuple(code for _area, _name, codes in attestations.AREAS for code in codes) == COMPETENCES
    assert tuple(attestations.COMPETENCE_NAMES) == COMPETENCES


def test_only_a_validated_certificate_gives_an_attestation():
    assert attestations.attestable(certificate())
    assert not attestations.attestable(certificate(status="rejected"))
    assert not attestations.attestable(certificate(status="cancelled"))


def test_file_names_are_the_pupil_and_the_delivery_day_or_the_class_and_the_day_in_paris():
    assert attestations.file_name(certificate(last="De La Tour", first="Zoé")) == (
        "attestation-De-La-Tour-Zoé-20261204.pdf")
    assert attestations.file_name(certificate(last='A/B:"C"\u202e', first="x")) == "attestation-ABC-x-20261204.pdf"
    moment = datetime(2026, 12, 7, 23, 10, tzinfo=UTC)
    assert attestations.class_file_name("3 A", moment) == "20261208_attestations_3-A.pdf"
    assert attestations.class_file_name("3A", moment, "csv") == "20261208_resultats_3A.csv"


# -- the class's results as CSV -------------------------------------------------------------------------------

def _result(**changes) -> dict:
    return {**certificate(**changes), "external_id": "INE-1", "session_number": 1001}


def test_the_csv_has_a_bom_semicolons_and_one_line_per_result_as_its_certificate_shows_it():
    rejected = _result(first="Léo", last="Martin", status="rejected", score=None, mesh_level=None,
                       competence_levels=[])
    cancelled = _result(first="Ana", last="Petit", status="cancelled", score=None, mesh_level=None,
                        competence_levels=[], birthplace=None)
    text = "".join(results_csv.lines([_result(), rejected, cancelled]))
    assert text.startswith("\ufeff\"Numéro de certification\";\"Prénom\";\"Nom\";")
    header, *lines = text.removeprefix("\ufeff").splitlines()
    assert len(header.split(";")) == len(results_csv.HEADER) == 9 + 16 + 3
    assert "\"Compétence 5.2\"" in header
    validated = lines[0].split(";")
    assert validated[1:9] == ['"Zoé"', '"Lefèvre"', "02/04/2011", '"Lyon"', '"INE-1"', '"Validée"', "412", "4"]
    assert validated[9:25] == [str(i % 8) for i in range(16)]
    assert validated[25:] == ['"P-BCDF2346"', "1001", "01/12/2026"]
    assert lines[1].split(";")[6:10] == ['"Rejetée"', "0", "-", "-"]  # rejected: 0 pix, no level
    assert lines[2].split(";")[4] == "" and lines[2].split(";")[6:9] == ['"Annulée"', "-", "-"]


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+33", "-1", "@SUM(A1)", "\tTab"])
def test_a_cell_that_starts_like_a_formula_is_shown_as_text(name):
    cells = results_csv.line(results_csv.row(_result(last=name))).split(";")
    assert cells[2].startswith("\"'")


def test_a_pdf_answer_streams_a_temporary_file_closed_with_the_answer_read_or_not(monkeypatch):
    import tempfile

    from flask import Flask

    from certification.entrypoints.api import downloads

    opened, real = [], tempfile.TemporaryFile
    monkeypatch.setattr(downloads.tempfile, "TemporaryFile", lambda **kw: opened.append(real(**kw)) or opened[-1])
    with Flask(__name__).test_request_context():
        read = downloads.pdf([certificate(), certificate("Léo", "Martin")], "classe.pdf", "t")
        body = b"".join(read.response)
        assert read.content_length == len(body) and len(PdfReader(io.BytesIO(body)).pages) == 2
        read.close()
        unread = downloads.pdf([certificate()], "zoé.pdf", "t")
        assert unread.headers["Content-Disposition"] == (
            "attachment; filename=\"zoe.pdf\"; filename*=UTF-8''zo%C3%A9.pdf")
        assert unread.headers["Cache-Control"] == "no-store"
        unread.close()
    assert len(opened) == 2 and all(file.closed for file in opened)
