"""Which reader a file goes to, and the templates offered for download."""

import io

import pytest

from organizations.adapters.learner_files import read_learner_file, siecle_csv_template, university_csv_template
from organizations.domain.learner_records import LearnerFileRejected


@pytest.mark.parametrize("filename", ["ElevesSansAdresses.XML", r"C:\Users\cpe\Downloads\ElevesSansAdresses.xml",
                                      "export/ElevesSansAdresses.xml"])
def test_the_extension_decides_whatever_its_case_or_the_path(read, fixture_file, filename):
    assert read(filename, fixture_file("ElevesSansAdresses.xml")).format == "SIECLE_XML"


@pytest.mark.parametrize("organization_type, fixture, expected", [
    ("SCO", "siecle-utf8-bom.csv", "SIECLE_CSV"), ("SUP", "university-utf8-bom.csv", "UNIVERSITY_CSV")])
def test_a_csv_is_read_in_the_format_of_the_organization(read, fixture_file, organization_type, fixture, expected):
    assert read("liste.csv", fixture_file(fixture), organization_type=organization_type).format == expected


@pytest.mark.parametrize("organization_type, filename", [
    ("SCO", "eleves.xlsx"), ("SCO", "eleves.ods"), ("SCO", "ElevesSansAdresses"), ("SCO", "eleves.xml.gz"),
    ("SUP", "etudiants.xml"), ("SUP", "etudiants.zip"), ("SUP", "etudiants.txt")])
def test_other_extensions_are_refused(read, organization_type, filename):
    with pytest.raises(LearnerFileRejected) as caught:
        read(filename, b"<BEE_ELEVES/>", organization_type=organization_type)
    assert caught.value.code == "INVALID_FILE_EXTENSION"
    assert caught.value.details["accepted"] == ([".xml", ".zip", ".csv"] if organization_type == "SCO" else [".csv"])


def test_an_organization_that_imports_no_learners_has_no_reader():
    with pytest.raises(ValueError):
        read_learner_file("x.csv", io.BytesIO(b"a"), organization_type="PRO", uai=None)


def test_the_day_defaults_to_today():
    data = "Premier prénom;Nom de famille;Date de naissance (jj/mm/aaaa);Numéro étudiant\r\nA;B;01/01/2999;1\r\n"
    parsed = read_learner_file("x.csv", io.BytesIO(data.encode()), organization_type="SUP", uai=None)
    assert parsed.errors[0].code == "FIELD_DATE_FORMAT"


@pytest.mark.parametrize("template, first, last", [
    (siecle_csv_template, "Identifiant unique*", "Division*"), (university_csv_template, "Premier prénom", "Régime")])
def test_a_template_is_its_header_in_utf8_with_a_bom_separated_by_semicolons(template, first, last):
    data = template()
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n") and data.count(b"\r\n") == 1
    header = data[3:-2].decode("utf-8").split(";")
    assert (header[0], header[-1], len(header)) == (first, last, 15 if first.startswith("Identifiant") else 13)


@pytest.mark.parametrize("organization_type, template, row", [
    ("SCO", siecle_csv_template, "123456789AB;Léa;;;Martin;;F;01/02/2013;75056;;75;99100;ST;10010012110;6E2"),
    ("SUP", university_csv_template, "Léa;;;Martin;;01/02/2003;lea@univ.fr;E1;;;;;")])
def test_a_template_filled_in_is_read(read, organization_type, template, row):
    with pytest.raises(LearnerFileRejected) as caught:
        read("modele.csv", template(), organization_type=organization_type)
    assert caught.value.code == "EMPTY"  # the header alone is known, and holds nobody
    parsed = read("modele.csv", template() + row.encode() + b"\r\n", organization_type=organization_type)
    assert (parsed.errors, parsed.learners[0].first_name) == ([], "Léa")
