"""SIECLE's XML export: who is kept, what is read, and every error of a pupil or of the file."""

from datetime import date

import pytest

from organizations.domain.learner_records import MAX_ERRORS, ImportedLearner, LearnerFileRejected

EXPECTED = [
    ImportedLearner(position=1, source_id="2183511", national_student_id="123456789AB", first_name="Chloé",
                    middle_name="Maëlle", last_name="CŒURDEROY", sex="F", birthdate=date(2013, 2, 14),
                    birth_country_code="100", birth_department_code="075", birth_city_code="75056", status="ST",
                    mef_code="10010012110", division="6E2"),
    ImportedLearner(position=2, source_id="2183512", national_student_id="0702144523K", first_name="François",
                    middle_name="Noël", third_name="Jérôme", last_name="LEFÈVRE", preferred_last_name="MARTIN",
                    sex="M", birthdate=date(2012, 11, 30), birth_country_code="100", birth_department_code="069",
                    birth_city_code="69123", status="ST", mef_code="10110001110", division="5E1"),
    ImportedLearner(position=3, source_id="2183513", national_student_id="0702157788F", first_name="Zoë",
                    last_name="ÖZTÜRK", sex="F", birthdate=date(2011, 6, 5), birth_country_code="208",
                    birth_department_code="099", birth_city="ISTANBUL", status="ST", mef_code="10210001110",
                    division="4E3"),
    ImportedLearner(position=7, source_id="2183517", national_student_id="0702005566H", first_name="Jean-Noël",
                    middle_name="Célestin", last_name="D'ALMEIDA", sex="M", birthdate=date(2011, 1, 2),
                    birth_country_code="100", birth_department_code="02B", birth_city_code="2B033", status="AP",
                    mef_code="10310019110", division="3E1"),
]


def test_the_iso_8859_15_export_is_read_with_its_accents_and_ligatures(fixture_file, read):
    data = fixture_file("ElevesSansAdresses.xml")
    assert b"\xbc" in data and b"\r\n" in data  # Œ exists in ISO-8859-15 only; SIECLE's line ends
    parsed = read("ElevesSansAdresses.xml", data)
    assert (parsed.format, parsed.encoding, parsed.errors) == ("SIECLE_XML", "ISO-8859-15", [])
    assert parsed.learners == EXPECTED


def test_pupils_who_left_are_inactive_or_without_a_class_are_skipped(fixture_file, read):
    parsed = read("ElevesSansAdresses.xml", fixture_file("ElevesSansAdresses.xml"))
    # 2183514 left (DATE_SORTIE), 2183515 is in "Inactifs", 2183516 is only in a group (G).
    assert parsed.skipped == 3
    assert {learner.source_id for learner in parsed.learners}.isdisjoint({"2183514", "2183515", "2183516"})


def test_the_utf8_export_reads_the_same(fixture_file, read):
    parsed = read("ElevesSansAdresses.xml", fixture_file("ElevesSansAdresses-utf8.xml"))
    assert (parsed.encoding, parsed.learners, parsed.skipped) == ("UTF-8", EXPECTED, 3)


def test_the_zipped_export_reads_the_same(fixture_file, read):
    parsed = read("ElevesSansAdresses.zip", fixture_file("ElevesSansAdresses.zip"))
    assert (parsed.format, parsed.encoding, parsed.learners) == ("SIECLE_XML", "ISO-8859-15", EXPECTED)


def test_an_export_without_encoding_declared_is_read_as_iso_8859_15_when_it_is_not_utf8(xml, pupil, read):
    data = xml([pupil(NOM_DE_FAMILLE="SŒUR")], encoding="ISO-8859-15", prolog='<?xml version="1.0"?>')
    assert b"S\xbcUR" in data
    parsed = read("ElevesSansAdresses.xml", data)
    assert parsed.encoding == "ISO-8859-15"
    assert (parsed.learners[0].last_name, parsed.learners[0].first_name) == ("SŒUR", "Chloé")


def test_an_export_without_encoding_declared_is_utf8_when_it_decodes_so(xml, pupil, read):
    parsed = read("ElevesSansAdresses.xml", xml([pupil(NOM_DE_FAMILLE="SŒUR")], encoding=None))
    assert (parsed.encoding, parsed.learners[0].last_name) == ("UTF-8", "SŒUR")


def test_values_are_trimmed_and_empty_ones_are_none(xml, pupil, read):
    parsed = read("x.xml", xml([pupil(PRENOM="  Zoé ", NOM_USAGE="   ", PRENOM3=None, division=" 6E2 ")]))
    [learner] = parsed.learners
    assert (learner.first_name, learner.preferred_last_name, learner.third_name, learner.division) == (
        "Zoé", None, None, "6E2")


def test_a_birth_country_in_insee_form_is_kept_in_siecle_form(xml, pupil, read):
    [learner] = read("x.xml", xml([pupil(CODE_PAYS="99100")])).learners
    assert learner.birth_country_code == "100"


def test_predefined_entities_and_character_references_are_text(xml, pupil, read):
    [learner] = read("x.xml", xml([pupil(NOM_DE_FAMILLE="D&apos;ARC &amp; C&#x152;UR")])).learners
    assert learner.last_name == "D'ARC & CŒUR"


def test_the_first_class_structure_counts_and_groups_do_not(xml, pupil, read):
    structures = ('<STRUCTURES_ELEVE ELEVE_ID="1001"><STRUCTURE><CODE_STRUCTURE>6E GR1</CODE_STRUCTURE>'
                  "<TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE><STRUCTURE><CODE_STRUCTURE>Inactifs</CODE_STRUCTURE>"
                  "<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE><STRUCTURE><CODE_STRUCTURE>6E4</CODE_STRUCTURE>"
                  "<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>")
    [learner] = read("x.xml", xml([pupil()], structures=structures)).learners
    assert learner.division == "6E4"


def test_a_pupil_who_left_without_an_ine_is_skipped_silently(xml, pupil, read):
    parsed = read("x.xml", xml([pupil(1), pupil(2, ID_NATIONAL=None, DATE_SORTIE="05/01/2026")]))
    assert (len(parsed.learners), parsed.errors, parsed.skipped) == (1, [], 1)


# -- errors of a pupil ------------------------------------------------------------------------------


@pytest.mark.parametrize("overrides, code, element, value", [
    ({"ID_NATIONAL": ""}, "INE_REQUIRED", "ID_NATIONAL", None),
    ({"ID_NATIONAL": "  "}, "INE_REQUIRED", "ID_NATIONAL", None),
    ({"CODE_SEXE": None}, "SEX_CODE_REQUIRED", "CODE_SEXE", None),
    ({"CODE_SEXE": "3"}, "SEX_CODE_REQUIRED", "CODE_SEXE", "3"),
    ({"DATE_NAISS": None}, "BIRTHDATE_REQUIRED", "DATE_NAISS", None),
    ({"DATE_NAISS": "2013-02-14"}, "INVALID_BIRTHDATE_FORMAT", "DATE_NAISS", "2013-02-14"),
    ({"DATE_NAISS": "31/02/2013"}, "INVALID_BIRTHDATE_FORMAT", "DATE_NAISS", "31/02/2013"),
    ({"DATE_NAISS": "14/02/1899"}, "INVALID_BIRTHDATE_FORMAT", "DATE_NAISS", "14/02/1899"),
    ({"DATE_NAISS": "16/01/2026"}, "INVALID_BIRTHDATE_FORMAT", "DATE_NAISS", "16/01/2026"),
    ({"CODE_COMMUNE_INSEE_NAISS": None, "VILLE_NAISS": "PARIS"}, "BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT",
     "CODE_COMMUNE_INSEE_NAISS", None),
    ({"NOM_DE_FAMILLE": ""}, "LAST_NAME_REQUIRED", "NOM_DE_FAMILLE", None),
    ({"PRENOM": None}, "FIRST_NAME_REQUIRED", "PRENOM", None),
    ({"CODE_MEF": "1" * 33}, "FIELD_TOO_LONG", "CODE_MEF", "1" * 33),
    ({"division": "D" * 256}, "FIELD_TOO_LONG", "CODE_STRUCTURE", "D" * 100 + "…"),
])
def test_each_error_of_a_pupil_names_the_pupil_and_the_element(xml, pupil, read, overrides, code, element, value):
    parsed = read("x.xml", xml([pupil(1), pupil(2, **overrides)]))
    [error] = parsed.errors
    assert (error.code, error.position, error.field, error.value, error.learner_id) == (
        code, 2, element, value, "1002")
    # By INE and names too, as far as the file gives them: a school finds a pupil by name, not by rank.
    given = {name: (overrides.get(element_, pupil(2)[element_]) or "").strip() or None
             for name, element_ in (("ine", "ID_NATIONAL"), ("first", "PRENOM"), ("last", "NOM_DE_FAMILLE"))}
    assert (error.national_student_id, error.first_name, error.last_name) == (
        given["ine"], given["first"], given["last"])
    assert [learner.source_id for learner in parsed.learners] == ["1001"]


def test_an_error_names_the_pupil_by_ine_first_and_last_name(xml, pupil, read):
    parsed = read("x.xml", xml([pupil(1), pupil(2, ID_NATIONAL=" 070215778 8f ", PRENOM="Zoë", NOM_DE_FAMILLE="ÖZTÜRK",
                                                  CODE_SEXE="3")]))
    [error] = parsed.errors
    assert (error.position, error.national_student_id, error.first_name, error.last_name) == (
        2, "070215778 8f", "Zoë", "ÖZTÜRK")


# -- pupils not registered yet ----------------------------------------------------------------------


def test_a_pupil_without_an_id_national_element_is_not_registered_yet_skipped_and_counted(xml, pupil, read):
    parsed = read("x.xml", xml([pupil(1), pupil(2, ID_NATIONAL=None), pupil(3, ID_NATIONAL=None),
                                pupil(4, DATE_SORTIE="05/01/2026")]))
    assert [learner.source_id for learner in parsed.learners] == ["1001"]
    assert (parsed.errors, parsed.skipped, parsed.unregistered) == ([], 3, 2)


def test_an_empty_id_national_element_stays_an_error(xml, pupil, read):
    data = xml([pupil(1), pupil(2)]).replace(b"<ID_NATIONAL>000000002AB</ID_NATIONAL>", b"<ID_NATIONAL/>")
    assert b"<ID_NATIONAL/>" in data
    parsed = read("x.xml", data)
    [error] = parsed.errors
    assert (error.code, error.position, error.first_name, parsed.unregistered) == ("INE_REQUIRED", 2, "Chloé", 0)


def test_a_pupil_without_a_class_nor_an_ine_is_counted_once_as_without_a_class(xml, pupil, read):
    parsed = read("x.xml", xml([pupil(1), pupil(2, ID_NATIONAL=None, division=None)]))
    assert (parsed.skipped, parsed.unregistered) == (1, 0)


def test_a_utf16_export_with_its_byte_order_mark_is_read(xml, pupil, read):
    data = xml([pupil(NOM_DE_FAMILLE="SŒUR")], encoding="UTF-8").decode("utf-8").replace("UTF-8", "UTF-16")
    parsed = read("x.xml", data.encode("utf-16"))
    assert (parsed.encoding, parsed.learners[0].last_name) == ("UTF-16", "SŒUR")


def test_repeated_values_are_shared_between_learners(xml, pupil, read):
    first, second = read("x.xml", xml([pupil(1), pupil(2)])).learners
    assert first.division == second.division and first.division is second.division
    assert first.birthdate is second.birthdate and first.mef_code is second.mef_code


def test_a_pupil_born_abroad_needs_no_town_code(xml, pupil, read):
    parsed = read("x.xml", xml([pupil(CODE_PAYS="216", CODE_COMMUNE_INSEE_NAISS=None, VILLE_NAISS="TUNIS")]))
    assert (parsed.errors, parsed.learners[0].birth_city) == ([], "TUNIS")


def test_a_duplicated_ine_is_an_error_on_its_second_pupil_naming_the_first(xml, pupil, read):
    parsed = read("x.xml", xml([pupil(1, ID_NATIONAL="123456789AB"), pupil(2), pupil(3, ID_NATIONAL="123456789ab")]))
    [error] = parsed.errors
    assert (error.code, error.position, error.first_position, error.value) == ("INE_UNIQUE", 3, 1, "123456789ab")


def test_all_the_errors_of_a_pupil_and_of_the_file_are_collected(xml, pupil, read):
    parsed = read("x.xml", xml([pupil(1, PRENOM=None, CODE_SEXE=None), pupil(2), pupil(3, DATE_NAISS="1/13/2010")]))
    assert [(error.position, error.code) for error in parsed.errors] == [
        (1, "FIRST_NAME_REQUIRED"), (1, "SEX_CODE_REQUIRED"), (3, "INVALID_BIRTHDATE_FORMAT")]
    assert parsed.error_count == 3 and not parsed.errors_truncated


def test_errors_past_the_limit_are_counted_but_not_kept(xml, pupil, read):
    parsed = read("x.xml", xml([pupil(n, CODE_SEXE="9") for n in range(1, MAX_ERRORS + 201)]))
    assert (len(parsed.errors), parsed.error_count, parsed.errors_truncated) == (MAX_ERRORS, MAX_ERRORS + 200, True)
    assert parsed.errors[-1].position == MAX_ERRORS


# -- the file refused -------------------------------------------------------------------------------


def refusal(read, data, filename="ElevesSansAdresses.xml", **options) -> LearnerFileRejected:
    with pytest.raises(LearnerFileRejected) as caught:
        read(filename, data, **options)
    return caught.value


def test_the_export_of_another_school_is_refused(xml, pupil, read):
    rejected = refusal(read, xml([pupil()], uaj="0339999Z"))
    assert (rejected.code, rejected.details) == ("UAI_MISMATCHED", {"expected": "0751234A", "found": "0339999Z"})


def test_the_uai_is_compared_without_case_or_spaces(xml, pupil, read):
    assert read("x.xml", xml([pupil()], uaj=" 0751234a ")).learners


def test_an_export_without_its_uai_is_refused(xml, pupil, read):
    rejected = refusal(read, xml([pupil()], uaj=None))
    assert (rejected.code, rejected.details["found"]) == ("UAI_MISMATCHED", None)


def test_an_organization_without_a_uai_cannot_check_the_export(xml, pupil, read):
    assert refusal(read, xml([pupil()]), uai=None).code == "UAI_MISMATCHED"


@pytest.mark.parametrize("data", [b"", b"   \r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(read, data):
    assert refusal(read, data).code == "EMPTY"


def test_an_export_without_any_pupil_is_empty(xml, read):
    assert refusal(read, xml([])).code == "EMPTY"


def test_an_export_of_pupils_all_skipped_comes_back_empty_with_the_count(xml, pupil, read):
    parsed = read("x.xml", xml([pupil(1, division=None), pupil(2, DATE_SORTIE="01/10/2025")]))
    assert (parsed.learners, parsed.errors, parsed.skipped) == ([], [], 2)


@pytest.mark.parametrize("data, reason", [
    (b'<?xml version="1.0"?><ELEVES><ELEVE/></ELEVES>', "NOT_SIECLE"),
    (b'<?xml version="1.0"?><BEE_ELEVES><PARAMETRES><UAJ>0751234A</UAJ></PARAMETRES><DONNEES>', "NOT_WELL_FORMED"),
    (b"Identifiant unique*;Premier pr\xc3\xa9nom*\r\n", "NOT_WELL_FORMED"),
    (b'<?xml version="1.0" encoding="KLINGON-1"?><BEE_ELEVES/>', "UNSUPPORTED_ENCODING"),
    (b'<?xml version="1.0" encoding="Shift_JIS"?><BEE_ELEVES/>', "UNSUPPORTED_ENCODING"),
])
def test_a_file_that_is_not_a_siecle_export_is_invalid(read, data, reason):
    rejected = refusal(read, data)
    assert (rejected.code, rejected.details["reason"]) == ("INVALID_FILE", reason)


def test_a_malformed_file_says_where(read):
    rejected = refusal(read, b'<?xml version="1.0"?>\n<BEE_ELEVES>\n<PARAMETRES><UAJ>x</PARAMETRES>')
    assert (rejected.details["reason"], rejected.details["line"]) == ("NOT_WELL_FORMED", 3)
    assert (rejected.errors, rejected.error_count) == ([], 0)


def test_a_file_broken_among_its_pupils_reports_their_errors_before_the_break(xml, pupil, read):
    data = xml([pupil(1, CODE_SEXE="9"), pupil(2), pupil(3, DATE_NAISS="31/02/2013"), pupil(4, PRENOM="Léo"),
                pupil(5, CODE_SEXE="9")])
    # Pupil 4's record is cut by a hand edit; pupil 5 and every class come after the break.
    broken = data.replace(b"<PRENOM>L\xe9o</PRENOM>", b"<PRENOM>L\xe9o</PRENOMS>")
    assert broken != data
    rejected = refusal(read, broken)
    assert (rejected.code, rejected.details["reason"]) == ("INVALID_FILE", "NOT_WELL_FORMED")
    assert rejected.details["line"] > 1
    assert [(error.position, error.code, error.national_student_id) for error in rejected.errors] == [
        (1, "SEX_CODE_REQUIRED", "000000001AB"), (3, "INVALID_BIRTHDATE_FORMAT", "000000003AB")]
    assert rejected.error_count == 2


def test_a_file_broken_among_the_classes_skips_who_has_none_and_checks_who_was_not_reached(xml, pupil, read):
    structures = ('<STRUCTURES_ELEVE ELEVE_ID="1001"><STRUCTURE><CODE_STRUCTURE>6E GR1</CODE_STRUCTURE>'
                  "<TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>"
                  '<STRUCTURES_ELEVE ELEVE_ID="1002"><STRUCTURE><CODE_STRUCTURE>6E2</CODE_STRUCTURE>'
                  "<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>"
                  '<STRUCTURES_ELEVE ELEVE_ID="1003"><STRUCTURE><CODE_STRUCTURE>6E2</CODE_STRUCTURE>')
    data = xml([pupil(1, CODE_SEXE="9"), pupil(2, CODE_SEXE="9"), pupil(3, DATE_NAISS="31/02/2013")],
               structures=structures)
    rejected = refusal(read, data)
    # 1 has no class (skipped, as in a whole file); 2 is in 6E2; 3's classes were not reached: checked all the same.
    assert [(error.position, error.code) for error in rejected.errors] == [
        (2, "SEX_CODE_REQUIRED"), (3, "INVALID_BIRTHDATE_FORMAT")]


def test_a_file_cut_short_reports_the_errors_of_the_pupils_it_holds(xml, pupil, read):
    data = xml([pupil(1, CODE_SEXE="9"), pupil(2)])
    cut = data[:data.index(b"<STRUCTURES>")]
    rejected = refusal(read, cut)
    assert rejected.details["reason"] == "NOT_WELL_FORMED"
    assert [(error.position, error.code, error.first_name) for error in rejected.errors] == [
        (1, "SEX_CODE_REQUIRED", "Chloé")]
