"""The SIECLE CSV: the list of a school that cannot export SIECLE's XML, keyed by the INE."""

from __future__ import annotations

from datetime import date

from organizations.adapters.learner_files.archives import Upload
from organizations.adapters.learner_files.csv_common import COUNTRY, DATE, SEX, Column, CsvFormat, RowCheck, read_csv
from organizations.domain.learner_records import (
    BIRTH_CITY_REQUIRED_FOR_FR_STUDENT,
    INE_UNIQUE,
    SIECLE_CSV,
    ParsedLearnerFile,
    born_in_france,
)

BIRTH_CITY_CODE, BIRTH_CITY = "Code commune naissance**", "Libellé commune naissance**"

FORMAT = CsvFormat(
    name=SIECLE_CSV,
    columns=(
        Column("Identifiant unique*", "national_student_id", required=True),
        Column("Premier prénom*", "first_name", required=True),
        Column("Deuxième prénom", "middle_name"),
        Column("Troisième prénom", "third_name"),
        Column("Nom de famille*", "last_name", required=True),
        Column("Nom d'usage", "preferred_last_name"),
        Column("Code sexe*", "sex", required=True, kind=SEX),
        Column("Date de naissance (jj/mm/aaaa)*", "birthdate", required=True, kind=DATE),
        Column(BIRTH_CITY_CODE, "birth_city_code"),
        Column(BIRTH_CITY, "birth_city"),
        Column("Code département naissance*", "birth_department_code", required=True),
        Column("Code pays naissance*", "birth_country_code", required=True, kind=COUNTRY),
        Column("Statut*", "status", required=True),
        Column("Code MEF*", "mef_code", required=True),
        Column("Division*", "division", required=True),
    ),
    one_of=((BIRTH_CITY_CODE, BIRTH_CITY),),
)


def birth_place_rule(check: RowCheck, values: dict[str, object]) -> None:
    """Born in France: the birth town is required, by its INSEE code or by its name."""
    if born_in_france(values.get("birth_country_code")) and not (values.get("birth_city_code")
                                                                 or values.get("birth_city")):
        check.error(BIRTH_CITY_REQUIRED_FOR_FR_STUDENT, BIRTH_CITY_CODE)


def read_siecle_csv(upload: Upload, *, today: date) -> ParsedLearnerFile:
    return read_csv(upload, FORMAT, today=today, key="national_student_id", unique_code=INE_UNIQUE,
                    rule=birth_place_rule)
