"""The university CSV: a university's students, keyed by the student number."""

from __future__ import annotations

from datetime import date

from organizations.adapters.learner_files.archives import Upload
from organizations.adapters.learner_files.csv_common import DATE, EMAIL, Column, CsvFormat, read_csv
from organizations.domain.learner_records import STUDENT_NUMBER_UNIQUE, UNIVERSITY_CSV, ParsedLearnerFile

FORMAT = CsvFormat(
    name=UNIVERSITY_CSV,
    columns=(
        Column("Premier prénom", "first_name", required=True),
        Column("Deuxième prénom", "middle_name"),
        Column("Troisième prénom", "third_name"),
        Column("Nom de famille", "last_name", required=True),
        Column("Nom d'usage", "preferred_last_name"),
        Column("Date de naissance (jj/mm/aaaa)", "birthdate", required=True, kind=DATE),
        Column("Email", "email", kind=EMAIL),
        Column("Numéro étudiant", "student_number", required=True),
        Column("Composante", "department"),
        Column("Équipe pédagogique", "educational_team"),
        Column("Groupe", "group"),
        Column("Diplôme", "diploma"),
        Column("Régime", "study_scheme"),
    ),
)


def read_university_csv(upload: Upload, *, today: date) -> ParsedLearnerFile:
    return read_csv(upload, FORMAT, today=today, key="student_number", unique_code=STUDENT_NUMBER_UNIQUE)
