"""The university CSV: encodings and separators found, every line and field error, headers checked."""

from datetime import date

import pytest

from organizations.domain.learner_records import MAX_ERRORS, ImportedLearner, LearnerFileRejected

EXPECTED = [
    ImportedLearner(position=2, first_name="Chloé", middle_name="Maëlle", last_name="Cœurderoy",
                    birthdate=date(2003, 2, 14), email="chloe.coeurderoy@etu.univ-exemple.fr", student_number="21903456",
                    department="UFR Lettres", educational_team="Équipe L1", group="TD 2",
                    diploma="Licence Lettres modernes", study_scheme="Formation initiale"),
    ImportedLearner(position=3, first_name="François", middle_name="Noël", third_name="Jérôme", last_name="Lefèvre",
                    preferred_last_name="Martin", birthdate=date(2001, 11, 30), student_number="21807777",
                    department="IUT", group="Groupe B; TP 4", diploma="BUT Informatique", study_scheme="Alternance"),
    ImportedLearner(position=4, first_name="Zoë", last_name="Öztürk", birthdate=date(1999, 6, 5),
                    email="zoe.ozturk@etu.univ-exemple.fr", student_number="22000042", department="UFR Santé",
                    educational_team="Équipe « Médecine »", diploma="Master Santé publique",
                    study_scheme="Formation continue"),
]
HEADER = ("Premier prénom", "Deuxième prénom", "Troisième prénom", "Nom de famille", "Nom d'usage",
          "Date de naissance (jj/mm/aaaa)", "Email", "Numéro étudiant", "Composante", "Équipe pédagogique", "Groupe",
          "Diplôme", "Régime")
FIRST, LAST, BIRTH, EMAIL, NUMBER = ("Premier prénom", "Nom de famille", "Date de naissance (jj/mm/aaaa)", "Email",
                                     "Numéro étudiant")


def read_sup(read, data, filename="etudiants.csv"):
    return read(filename, data, organization_type="SUP", uai=None)


def refusal(read, data) -> LearnerFileRejected:
    with pytest.raises(LearnerFileRejected) as caught:
        read_sup(read, data)
    return caught.value


@pytest.mark.parametrize("name, encoding, separator, line_end", [
    ("university-utf8-bom.csv", "UTF-8", b";", b"\r\n"),
    ("university-utf8-comma.csv", "UTF-8", b",", b"\n"),
    ("university-windows-1252.csv", "windows-1252", b";", b"\r\n"),
    ("university-macroman.csv", "macintosh", b",", b"\r"),
])
def test_each_encoding_and_separator_of_spreadsheets_reads_the_same(read, fixture_file, name, encoding, separator,
                                                                    line_end):
    data = fixture_file(name)
    assert separator in data.split(line_end)[0] and line_end in data
    parsed = read_sup(read, data)
    assert (parsed.format, parsed.encoding, parsed.errors, parsed.skipped) == ("UNIVERSITY_CSV", encoding, [], 0)
    assert parsed.learners == EXPECTED


@pytest.mark.parametrize("column", [FIRST, LAST, BIRTH, NUMBER])
def test_a_missing_required_value_is_an_error_naming_its_line_and_column(read, university_csv, student, column):
    parsed = read_sup(read, university_csv([student(1), student(2, **{column: "  "})]))
    [error] = parsed.errors
    assert (error.code, error.position, error.field, error.value) == ("FIELD_REQUIRED", 3, column, None)
    assert [learner.position for learner in parsed.learners] == [2]


@pytest.mark.parametrize("value", ["31/02/2003", "2003-02-14", "14/02/03", "14/02/1899", "16/01/2026", "hier"])
def test_a_birth_date_must_be_a_real_date_from_1900_to_today(read, university_csv, student, value):
    [error] = read_sup(read, university_csv([student(**{BIRTH: value})])).errors
    assert (error.code, error.position, error.field, error.value) == ("FIELD_DATE_FORMAT", 2, BIRTH, value)


@pytest.mark.parametrize("value, expected", [("1/2/2003", date(2003, 2, 1)), ("29/02/2004", date(2004, 2, 29)),
                                             ("15/01/2026", date(2026, 1, 15)), ("01/01/1900", date(1900, 1, 1))])
def test_dates_at_the_edges_are_accepted(read, university_csv, student, value, expected):
    [learner] = read_sup(read, university_csv([student(**{BIRTH: value})])).learners
    assert learner.birthdate == expected


@pytest.mark.parametrize("value", ["chloe", "chloe@", "chloe@univ", "chloe @univ.fr", "a@b@univ.fr"])
def test_an_email_must_look_like_one(read, university_csv, student, value):
    [error] = read_sup(read, university_csv([student(**{EMAIL: value})])).errors
    assert (error.code, error.field, error.value) == ("FIELD_EMAIL_FORMAT", EMAIL, value)


@pytest.mark.parametrize("column, length", [(NUMBER, 65), (FIRST, 256), ("Groupe", 256), (EMAIL, 255)])
def test_a_value_longer_than_its_column_is_too_long(read, university_csv, student, column, length):
    value = ("x" * (length - 10) + "@univ.fr").rjust(length, "x") if column == EMAIL else "x" * length
    [error] = read_sup(read, university_csv([student(**{column: value})])).errors
    shown = value if len(value) <= 100 else value[:100] + "…"  # an error quotes no more than 100 characters
    assert (error.code, error.field, error.value) == ("FIELD_TOO_LONG", column, shown)


def test_a_duplicated_student_number_is_refused_on_its_second_line_naming_the_first(read, university_csv, student):
    parsed = read_sup(read, university_csv([student(1, **{NUMBER: "e2024-17"}), student(2),
                                             student(3, **{NUMBER: " E2024-17 "})]))
    [error] = parsed.errors
    assert (error.code, error.position, error.first_position, error.value, error.learner_id) == (
        "STUDENT_NUMBER_UNIQUE", 4, 2, "E2024-17", "E2024-17")


def test_every_error_of_every_line_is_collected(read, university_csv, student):
    parsed = read_sup(read, university_csv([student(1, **{FIRST: "", EMAIL: "no"}), student(2),
                                             student(3, **{BIRTH: "32/01/2000"})]))
    assert [(error.position, error.code, error.field) for error in parsed.errors] == [
        (2, "FIELD_REQUIRED", FIRST), (2, "FIELD_EMAIL_FORMAT", EMAIL), (4, "FIELD_DATE_FORMAT", BIRTH)]
    assert parsed.errors[0].learner_id == "21900001"


def test_errors_are_kept_up_to_the_limit_and_counted_past_it(read, university_csv, student):
    parsed = read_sup(read, university_csv([student(n, **{BIRTH: "x"}) for n in range(MAX_ERRORS + 5)]))
    assert (len(parsed.errors), parsed.error_count, parsed.errors_truncated) == (MAX_ERRORS, MAX_ERRORS + 5, True)


def test_a_line_that_does_not_decode_is_an_error_of_that_line_only(read, university_csv, student):
    data = university_csv([student(1), student(2), student(3)])
    data = data.replace(b"21900002", b"21900002" + "é".encode("cp1252"))
    parsed = read_sup(read, data)
    [error] = parsed.errors
    assert (parsed.encoding, error.code, error.position) == ("UTF-8", "FIELD_ENCODING", 3)
    assert [learner.position for learner in parsed.learners] == [2, 4]


# -- the shape of the file ------------------------------------------------------------------------------


def test_blank_rows_and_rows_of_separators_are_skipped_but_keep_their_number(read, university_csv, student):
    data = university_csv([student(1), [""] * 13, [], student(2)], newline="\r\n") + b"\r\n;;;;\r\n\r\n"
    assert [learner.position for learner in read_sup(read, data).learners] == [2, 5]


def test_a_quoted_cell_over_two_lines_stays_in_its_row(read, university_csv, student):
    parsed = read_sup(read, university_csv([student(1, Composante="UFR\r\nSciences"), student(2, **{BIRTH: "x"})]))
    assert parsed.errors[0].position == 3
    assert parsed.learners[0].department == "UFR\nSciences"


def test_cells_are_trimmed_quoted_or_not(read, university_csv, student):
    data = university_csv([student(1)]).replace(b";Chlo", b"; Chlo").replace("Chloé".encode(), '"  Chloé "'.encode())
    [learner] = read_sup(read, data).learners
    assert learner.first_name == "Chloé"


def test_a_trailing_separator_as_excel_leaves_it_is_no_column(read, university_csv, student):
    data = university_csv([[*student(1), ""]], header=[*HEADER, ""])
    assert len(read_sup(read, data).learners) == 1


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out(read, university_csv):
    data = university_csv([["E1", "Martin", "Léa", "01/02/2003"]], header=[NUMBER, LAST, FIRST, BIRTH])
    [learner] = read_sup(read, data).learners
    assert (learner.student_number, learner.first_name, learner.email) == ("E1", "Léa", None)


@pytest.mark.parametrize("header", [
    ["PREMIER PRÉNOM", "nom de famille", "Date de naissance (jj/mm/aaaa)*", "Numéro  étudiant*", "Nom d’usage"],
    ["Premier prenom", "Nom de famille", "Date de naissance (jj/mm/aaaa)", "Numero etudiant", "Nom d'usage"],
])
def test_headers_are_recognized_whatever_their_case_stars_spaces_apostrophes_or_accents(read, university_csv, header):
    [learner] = read_sup(read, university_csv([["Léa", "Martin", "01/02/2003", "E1", "Dupont"]], header=header)).learners
    assert (learner.first_name, learner.preferred_last_name) == ("Léa", "Dupont")


@pytest.mark.parametrize("body_encoding, expected", [("utf-8", "UTF-8"), ("cp1252", "windows-1252")])
def test_a_header_without_accents_leaves_the_encoding_to_the_whole_file(read, university_csv, body_encoding, expected):
    header = ["Premier prenom", LAST, BIRTH, "Numero etudiant"]
    data = university_csv([["Léa", "Martin", "01/02/2003", "E1"]], header=header, encoding=body_encoding, bom=False)
    parsed = read_sup(read, data)
    assert (parsed.encoding, parsed.learners[0].first_name) == (expected, "Léa")


def test_the_header_may_follow_blank_lines(read, university_csv, student):
    parsed = read_sup(read, b"\r\n\r\n" + university_csv([student(1)], bom=False))
    assert [learner.position for learner in parsed.learners] == [4]


# -- the file refused ----------------------------------------------------------------------------------


def test_unknown_headers_are_refused_by_name(read, university_csv, student):
    rejected = refusal(read, university_csv([[*student(1), "x"]], header=[*HEADER, "Téléphone"]))
    assert (rejected.code, rejected.details["headers"]) == ("HEADER_UNKNOWN", ["Téléphone"])


def test_missing_required_headers_are_refused_by_name(read, university_csv):
    rejected = refusal(read, university_csv([["Léa", "01/02/2003"]], header=[FIRST, BIRTH]))
    assert (rejected.code, rejected.details["headers"]) == ("HEADER_REQUIRED", [LAST, NUMBER])


def test_a_duplicated_header_is_refused(read, university_csv, student):
    rejected = refusal(read, university_csv([[*student(1), "G2"]], header=[*HEADER, "groupe"]))
    assert (rejected.code, rejected.details["headers"]) == ("HEADER_DUPLICATED", ["Groupe"])


def test_a_siecle_csv_sent_by_a_university_misses_its_headers(read, fixture_file):
    rejected = refusal(read, fixture_file("siecle-utf8-bom.csv"))
    assert rejected.code == "HEADER_REQUIRED" and "Identifiant unique*" in rejected.details["unknown"]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b" \r\n\r\n", "Premier prénom;Nom de famille;Date de "
                                  "naissance (jj/mm/aaaa);Numéro étudiant\r\n;;;\r\n".encode()])
def test_a_file_without_learners_is_empty(read, data):
    assert refusal(read, data).code == "EMPTY"


@pytest.mark.parametrize("data, reason", [
    ("Premier prénom;Nom de famille\r\n".encode("utf-16"), "UNSUPPORTED_ENCODING"),
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "NOT_CSV"),
])
def test_a_file_that_is_no_csv_is_invalid(read, data, reason):
    rejected = refusal(read, data)
    assert (rejected.code, rejected.details["reason"]) == ("INVALID_FILE", reason)


def test_a_cell_too_large_for_a_csv_reader_makes_the_file_invalid(read, university_csv, student):
    rejected = refusal(read, university_csv([student(1), student(2, Composante="x" * 200_000)]))
    assert (rejected.code, rejected.details["reason"], rejected.details["line"]) == ("INVALID_FILE", "MALFORMED_CSV", 3)


def test_repeated_values_are_shared_between_students(read, university_csv, student):
    first, second = read_sup(read, university_csv([student(1), student(2)])).learners
    assert first.diploma == "Licence" and first.diploma is second.diploma and first.group is second.group


def test_an_error_names_the_student_as_the_line_gives_them(read, university_csv, student):
    parsed = read("x.csv", university_csv([student(1, **{"Date de naissance (jj/mm/aaaa)": "31/02/2003"})]),
                  organization_type="SUP")
    [error] = parsed.errors
    assert (error.learner_id, error.national_student_id, error.first_name, error.last_name) == (
        "21900001", None, "Chloé", "Lefèvre")
