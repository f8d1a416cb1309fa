"""What a learner file says, once read: the learners, the errors of its lines, or why it was refused.

The readers (adapters/learner_files) produce these; the import handler decides. A file with
line errors is not an exception: every error of the file is collected so the school can fix
them all at once, and the import is refused as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

SIECLE_XML, SIECLE_CSV, UNIVERSITY_CSV = "SIECLE_XML", "SIECLE_CSV", "UNIVERSITY_CSV"

# -- the file as a whole is refused (LearnerFileRejected.code) ------------------------------------
EMPTY = "EMPTY"
FILE_TOO_LARGE = "FILE_TOO_LARGE"
INVALID_FILE = "INVALID_FILE"
INVALID_FILE_EXTENSION = "INVALID_FILE_EXTENSION"
UAI_MISMATCHED = "UAI_MISMATCHED"
HEADER_DUPLICATED = "HEADER_DUPLICATED"
HEADER_REQUIRED = "HEADER_REQUIRED"
HEADER_UNKNOWN = "HEADER_UNKNOWN"

# -- one learner of a SIECLE XML export (LineError.code) ------------------------------------------
INE_REQUIRED = "INE_REQUIRED"
INE_UNIQUE = "INE_UNIQUE"
SEX_CODE_REQUIRED = "SEX_CODE_REQUIRED"
BIRTHDATE_REQUIRED = "BIRTHDATE_REQUIRED"
INVALID_BIRTHDATE_FORMAT = "INVALID_BIRTHDATE_FORMAT"
BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT = "BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT"
LAST_NAME_REQUIRED = "LAST_NAME_REQUIRED"
FIRST_NAME_REQUIRED = "FIRST_NAME_REQUIRED"

# -- one line of a CSV file (INE_UNIQUE too, for the SIECLE CSV) ----------------------------------
FIELD_REQUIRED = "FIELD_REQUIRED"
FIELD_DATE_FORMAT = "FIELD_DATE_FORMAT"
FIELD_EMAIL_FORMAT = "FIELD_EMAIL_FORMAT"
FIELD_SEX_CODE_FORMAT = "FIELD_SEX_CODE_FORMAT"
FIELD_ENCODING = "FIELD_ENCODING"
BIRTH_CITY_REQUIRED_FOR_FR_STUDENT = "BIRTH_CITY_REQUIRED_FOR_FR_STUDENT"
STUDENT_NUMBER_UNIQUE = "STUDENT_NUMBER_UNIQUE"

# -- both ------------------------------------------------------------------------------------------
FIELD_TOO_LONG = "FIELD_TOO_LONG"

MAX_ERRORS = 1000
QUOTED_LENGTH = 100  # a value quoted in an error is cut there
EARLIEST_BIRTHDATE = date(1900, 1, 1)
# SIECLE's code of France: 100 in its XML, 99100 in INSEE's list that the CSV template follows.
FRANCE = "100"

# The longest value kept for each field (the columns of organization_learners).
MAX_LENGTHS = {
    "national_student_id": 32, "first_name": 255, "middle_name": 255, "third_name": 255, "last_name": 255,
    "preferred_last_name": 255, "birth_country_code": 10, "birth_department_code": 10, "birth_city_code": 10,
    "birth_city": 255, "status": 10, "mef_code": 32, "division": 255, "student_number": 64, "email": 254,
    "department": 255, "educational_team": 255, "group": 255, "diploma": 255, "study_scheme": 255,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedLearner:
    position: int
    first_name: str
    last_name: str
    birthdate: date
    national_student_id: str | None = None
    middle_name: str | None = None
    third_name: str | None = None
    preferred_last_name: str | None = None
    sex: str | None = None
    birth_country_code: str | None = None
    birth_department_code: str | None = None
    birth_city_code: str | None = None
    birth_city: str | None = None
    status: str | None = None
    mef_code: str | None = None
    division: str | None = None
    student_number: str | None = None
    email: str | None = None
    department: str | None = None
    educational_team: str | None = None
    group: str | None = None
    diploma: str | None = None
    study_scheme: str | None = None
    source_id: str | None = None  # ELEVE_ID of a SIECLE XML export


@dataclass(frozen=True)
class LineError:
    code: str
    position: int  # the CSV row (the header is row 1), or the learner's rank in a SIECLE XML export
    field: str | None = None  # the column header, or the XML element
    value: str | None = None
    learner_id: str | None = None  # ELEVE_ID, INE or student number, when known
    first_position: int | None = None  # for duplicates: where the value was first seen
    # Who the learner is, as the file says (a school finds a pupil by INE and names, not by rank).
    national_student_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None


class LearnerFileRejected(Exception):
    """The file as a whole cannot be imported. ``errors``: the learners' errors found before it broke
    (a SIECLE export cut short still says what else to fix), ``error_count`` all of them."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None, *,
                 errors: list[LineError] | None = None, error_count: int = 0):
        super().__init__(message)
        self.code = code
        self.details = details or {}
        self.errors = errors or []
        self.error_count = error_count


@dataclass(frozen=True)
class ParsedLearnerFile:
    format: str
    encoding: str
    learners: list[ImportedLearner]
    errors: list[LineError]
    skipped: int = 0
    error_count: int = 0  # every error found; errors holds the first MAX_ERRORS of them
    unregistered: int = 0  # of the skipped, pupils without an INE yet (no ID_NATIONAL in a SIECLE export)

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)


class LineErrors:
    """The errors of a file, in file order, kept up to a limit (and counted past it)."""

    def __init__(self, limit: int = MAX_ERRORS):
        self.limit = limit
        self.kept: list[LineError] = []
        self.count = 0

    def add(self, error: LineError) -> None:
        self.count += 1
        if len(self.kept) < self.limit:
            self.kept.append(error)


# Fields whose values repeat from one learner to the next (a class, a diploma, a town): one
# object per distinct value of a file, rather than one per learner, halves a big file's memory.
REPEATED_FIELDS = (
    "birthdate", "sex", "birth_country_code", "birth_department_code", "birth_city_code", "birth_city", "status",
    "mef_code", "division", "department", "educational_team", "group", "diploma", "study_scheme",
)


def share_repeated(values: dict[str, Any], pool: dict[Any, Any]) -> None:
    """Replaces, in values, each repeated value by the first equal one seen in the file (pool)."""
    for name in REPEATED_FIELDS:
        value = values.get(name)
        if value is not None:
            values[name] = pool.setdefault(value, value)


def quoted(value: str | None) -> str | None:
    """A value as an error quotes it: cut, so that a hostile cell does not bloat the import record."""
    return value if value is None or len(value) <= QUOTED_LENGTH else value[:QUOTED_LENGTH] + "…"


def clean(value: str | None) -> str | None:
    """Trimmed, and None when nothing is left."""
    if value is None:
        return None
    value = value.strip()
    return value or None


_FRENCH_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def parse_birthdate(value: str, today: date) -> date:
    """A dd/mm/yyyy date that exists, from 1900 to today; ValueError otherwise."""
    match = _FRENCH_DATE.fullmatch(value)
    if match is None:
        raise ValueError(value)
    day, month, year = (int(part) for part in match.groups())
    birthdate = date(year, month, day)  # ValueError for 31/02
    if not EARLIEST_BIRTHDATE <= birthdate <= today:
        raise ValueError(value)
    return birthdate


def country_code(value: str | None) -> str | None:
    """SIECLE's three-digit country code: 99100 (INSEE) and 100 (SIECLE) are both France."""
    if value is not None and len(value) == 5 and value.startswith("99") and value.isascii() and value.isdigit():
        return value[2:]
    return value


def born_in_france(country: str | None) -> bool:
    return country_code(country) == FRANCE
