"""The SIECLE CSV of schools without the XML export: keyed by the INE, with its own rules."""

from datetime import date

import pytest

from organizations.domain.learner_records import ImportedLearner, LearnerFileRejected

CODE, TOWN, COUNTRY, SEX = "Code commune naissance**", "Libellé commune naissance**", "Code pays naissance*", "Code sexe*"
REQUIRED = ("Identifiant unique*", "Premier prénom*", "Nom de famille*", "Code sexe*", "Date de naissance (jj/mm/aaaa)*",
            "Code département naissance*", "Code pays naissance*", "Statut*", "Code MEF*", "Division*")


def expected(beyoglu: str) -> list[ImportedLearner]:
    return [
        ImportedLearner(position=2, national_student_id="123456789AB", first_name="Chloé", middle_name="Maëlle",
                        last_name="CŒURDEROY", sex="F", birthdate=date(2013, 2, 14), birth_city_code="75056",
                        birth_department_code="75", birth_country_code="100", status="ST", mef_code="10010012110",
                        division="6E2"),
        ImportedLearner(position=3, national_student_id="0702144523K", first_name="François", middle_name="Noël",
                        third_name="Jérôme", last_name="Lefèvre", preferred_last_name="Martin", sex="M",
                        birthdate=date(2012, 11, 30), birth_city="Lyon 3e", birth_department_code="69",
                        birth_country_code="100", status="ST", mef_code="10110001110", division="5E1"),
        ImportedLearner(position=4, national_student_id="0702157788F", first_name="Zoë", last_name="ÖZTÜRK", sex="F",
                        birthdate=date(2011, 6, 5), birth_city=f"Istanbul; {beyoglu}", birth_department_code="99",
                        birth_country_code="208", status="ST", mef_code="10210001110", division="4E 3; section euro"),
    ]


@pytest.mark.parametrize("name, encoding, beyoglu", [("siecle-utf8-bom.csv", "UTF-8", "Beyoğlu"),
                                                     ("siecle-windows-1252.csv", "windows-1252", "Beyoglu")])
def test_the_siecle_csv_reads_in_utf8_and_windows_1252(read, fixture_file, name, encoding, beyoglu):
    parsed = read(name, fixture_file(name))
    assert (parsed.format, parsed.encoding, parsed.errors) == ("SIECLE_CSV", encoding, [])
    assert parsed.learners == expected(beyoglu)


@pytest.mark.parametrize("value, sex", [("M", "M"), ("m", "M"), ("1", "M"), ("Masculin", "M"), ("F", "F"), ("f", "F"),
                                        ("2", "F"), ("Féminin", "F"), (" FEMININ ", "F")])
def test_a_sex_is_a_letter_or_a_siecle_code(read, siecle_csv, siecle_row, value, sex):
    [learner] = read("eleves.csv", siecle_csv([siecle_row(**{SEX: value})])).learners
    assert learner.sex == sex


@pytest.mark.parametrize("value", ["H", "3", "X", "MF"])
def test_another_sex_code_is_an_error(read, siecle_csv, siecle_row, value):
    [error] = read("eleves.csv", siecle_csv([siecle_row(**{SEX: value})])).errors
    assert (error.code, error.position, error.field, error.value) == ("FIELD_SEX_CODE_FORMAT", 2, SEX, value)


@pytest.mark.parametrize("column", REQUIRED)
def test_each_required_value_is_required(read, siecle_csv, siecle_row, column):
    [error] = read("eleves.csv", siecle_csv([siecle_row(**{column: ""})])).errors
    assert (error.code, error.field, error.learner_id) == (
        "FIELD_REQUIRED", column, None if column == "Identifiant unique*" else "000000001AB")


@pytest.mark.parametrize("country", ["99100", "100"])
def test_a_learner_born_in_france_needs_a_birth_town(read, siecle_csv, siecle_row, country):
    [error] = read("eleves.csv", siecle_csv([siecle_row(**{CODE: "", TOWN: "", COUNTRY: country})])).errors
    assert (error.code, error.position, error.field) == ("BIRTH_CITY_REQUIRED_FOR_FR_STUDENT", 2, CODE)


@pytest.mark.parametrize("code, town", [("75056", ""), ("", "Paris")])
def test_the_birth_town_may_be_given_by_its_code_or_its_name(read, siecle_csv, siecle_row, code, town):
    parsed = read("eleves.csv", siecle_csv([siecle_row(**{CODE: code, TOWN: town})]))
    assert (parsed.errors, len(parsed.learners)) == ([], 1)


def test_a_learner_born_abroad_needs_no_birth_town(read, siecle_csv, siecle_row):
    [learner] = read("eleves.csv", siecle_csv([siecle_row(**{CODE: "", TOWN: "", COUNTRY: "99216"})])).learners
    assert learner.birth_country_code == "216"


def test_a_duplicated_ine_is_refused_on_its_second_line(read, siecle_csv, siecle_row):
    parsed = read("eleves.csv", siecle_csv([siecle_row(1), siecle_row(2, **{"Identifiant unique*": "000000001ab"})]))
    [error] = parsed.errors
    assert (error.code, error.position, error.first_position, error.field) == (
        "INE_UNIQUE", 3, 2, "Identifiant unique*")


def test_a_birth_date_must_be_real(read, siecle_csv, siecle_row):
    [error] = read("eleves.csv", siecle_csv([siecle_row(**{"Date de naissance (jj/mm/aaaa)*": "30/02/2013"})])).errors
    assert (error.code, error.value) == ("FIELD_DATE_FORMAT", "30/02/2013")


def test_one_of_the_two_birth_town_columns_is_enough(read, siecle_csv):
    columns = ["Identifiant unique*", "Premier prénom*", "Nom de famille*", SEX, "Date de naissance (jj/mm/aaaa)*",
               TOWN, "Code département naissance*", COUNTRY, "Statut*", "Code MEF*", "Division*"]
    row = ["123456789AB", "Léa", "Martin", "F", "01/02/2013", "Paris", "75", "99100", "ST", "10010012110", "6E2"]
    [learner] = read("eleves.csv", siecle_csv([row], header=columns)).learners
    assert learner.birth_city == "Paris"


def test_without_either_birth_town_column_the_header_is_refused(read, siecle_csv):
    columns = ["Identifiant unique*", "Premier prénom*", "Nom de famille*", SEX, "Date de naissance (jj/mm/aaaa)*",
               "Code département naissance*", COUNTRY, "Statut*", "Code MEF*", "Division*"]
    with pytest.raises(LearnerFileRejected) as caught:
        read("eleves.csv", siecle_csv([["x"] * 10], header=columns))
    assert (caught.value.code, caught.value.details["headers"]) == ("HEADER_REQUIRED", [CODE, TOWN])


def test_a_university_csv_sent_by_a_school_misses_its_headers(read, fixture_file):
    with pytest.raises(LearnerFileRejected) as caught:
        read("etudiants.csv", fixture_file("university-utf8-bom.csv"))
    assert caught.value.code == "HEADER_REQUIRED" and "Numéro étudiant" in caught.value.details["unknown"]


def test_an_error_names_the_pupil_by_ine_first_and_last_name(read, siecle_csv, siecle_row):
    parsed = read("x.csv", siecle_csv([siecle_row(1), siecle_row(2, **{"Code sexe*": "X", "Premier prénom*": "Zoë",
                                                                          "Nom de famille*": "Öztürk"})]))
    [error] = parsed.errors
    assert (error.position, error.code, error.national_student_id, error.first_name, error.last_name) == (
        3, "FIELD_SEX_CODE_FORMAT", "000000002AB", "Zoë", "Öztürk")
