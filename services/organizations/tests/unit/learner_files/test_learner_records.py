"""The values of a learner record: dates, country codes, trimmed strings, errors kept and counted."""

from dataclasses import FrozenInstanceError, asdict
from datetime import date

import pytest

from organizations.domain.learner_records import (
    ImportedLearner,
    LearnerFileRejected,
    LineError,
    LineErrors,
    ParsedLearnerFile,
    born_in_france,
    clean,
    country_code,
    parse_birthdate,
)

TODAY = date(2026, 1, 15)


@pytest.mark.parametrize("text, expected", [("14/02/2013", date(2013, 2, 14)), ("1/2/2013", date(2013, 2, 1)),
                                            ("29/02/2012", date(2012, 2, 29)), ("15/01/2026", TODAY)])
def test_a_birth_date_is_day_month_year(text, expected):
    assert parse_birthdate(text, TODAY) == expected


@pytest.mark.parametrize("text", ["29/02/2013", "00/01/2013", "14/13/2013", "14/02/13", "2013-02-14", "14/02/2013 ",
                                  "31/12/1899", "16/01/2026", "١٤/٠٢/٢٠١٣"])
def test_a_birth_date_that_does_not_exist_or_is_out_of_range_is_refused(text):
    with pytest.raises(ValueError):
        parse_birthdate(text, TODAY)


@pytest.mark.parametrize("code, expected", [("99100", "100"), ("100", "100"), ("99208", "208"), ("208", "208"),
                                            ("12345", "12345"), (None, None)])
def test_a_country_code_is_kept_in_siecle_form(code, expected):
    assert country_code(code) == expected


def test_france_is_100_or_99100():
    assert (born_in_france("100"), born_in_france("99100"), born_in_france("99216"), born_in_france(None)) == (
        True, True, False, False)


@pytest.mark.parametrize("value, expected", [(" Zoé ", "Zoé"), ("\u00a0Zoé\t", "Zoé"), ("  ", None), ("", None),
                                             (None, None)])
def test_values_are_trimmed_and_blank_ones_are_none(value, expected):
    assert clean(value) == expected


def test_errors_are_kept_up_to_a_limit_and_all_counted():
    errors = LineErrors(limit=2)
    for position in range(2, 6):
        errors.add(LineError("FIELD_REQUIRED", position, "Email"))
    assert ([error.position for error in errors.kept], errors.count) == ([2, 3], 4)
    parsed = ParsedLearnerFile("UNIVERSITY_CSV", "UTF-8", [], errors.kept, error_count=errors.count)
    assert parsed.errors_truncated


def test_a_line_error_is_plain_data_for_the_import_record():
    error = LineError("INE_UNIQUE", 7, "ID_NATIONAL", "123456789AB", "2183517", first_position=2,
                      national_student_id="123456789AB", first_name="Zoé", last_name="MARTIN")
    assert asdict(error) == {"code": "INE_UNIQUE", "position": 7, "field": "ID_NATIONAL", "value": "123456789AB",
                             "learner_id": "2183517", "first_position": 2, "national_student_id": "123456789AB",
                             "first_name": "Zoé", "last_name": "MARTIN"}


def test_an_imported_learner_is_frozen():
    learner = ImportedLearner(position=2, first_name="Léa", last_name="Martin", birthdate=date(2013, 2, 1))
    with pytest.raises(FrozenInstanceError):
        learner.first_name = "Zoé"  # type: ignore[misc]
    assert learner.national_student_id is None and not hasattr(learner, "__dict__")


def test_a_rejection_carries_its_code_message_and_details():
    rejected = LearnerFileRejected("UAI_MISMATCHED", "Not this school.", {"expected": "0751234A", "found": "X"})
    assert (rejected.code, str(rejected), rejected.details["found"]) == ("UAI_MISMATCHED", "Not this school.", "X")
    assert LearnerFileRejected("EMPTY", "Empty.").details == {}
