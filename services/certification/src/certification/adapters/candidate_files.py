"""Reading a centre's CSV of candidates into lines of fields (the domain checks the values). A file refused as a
whole (empty, unknown columns, too long) is a 422, as organizations' learner imports answer.

One header line, then one candidate per line; ``;`` or ``,`` between fields (a spreadsheet saved
in French uses ``;``); UTF-8 (with or without BOM), else Windows-1252. Headers are the API's
field names or their French labels; unknown columns are refused (a misnamed column would
silently drop its values). Birth dates are YYYY-MM-DD or DD/MM/YYYY.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from certification.domain import exceptions as e

HEADERS = {
    "first_name": "first_name", "prénom": "first_name", "prenom": "first_name",
    "last_name": "last_name", "nom de naissance": "last_name", "nom": "last_name",
    "birthdate": "birthdate", "date de naissance": "birthdate",
    "sex": "sex", "sexe": "sex",
    "birthplace": "birthplace", "lieu de naissance": "birthplace", "commune de naissance": "birthplace",
    "result_email": "result_email", "e-mail des résultats": "result_email", "email des résultats": "result_email",
    "external_id": "external_id", "identifiant local": "external_id",
    "extra_time_percentage": "extra_time_percentage", "temps majoré (%)": "extra_time_percentage",
    "temps majoré": "extra_time_percentage",
}
REQUIRED = ("first_name", "last_name", "birthdate")
MAX_LINES = 5000
TEMPLATE = "first_name;last_name;birthdate;sex;birthplace;result_email;external_id;extra_time_percentage\r\n"


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _birthdate(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, form).date()
        except ValueError:
            continue
    raise e.Invalid("CANDIDATE_BIRTHDATE_FORMAT_NOT_VALID", "The birth date is YYYY-MM-DD or DD/MM/YYYY.",
                    field="birthdate", value=value)


def _percentage(value: str) -> int | None:
    value = value.strip().rstrip("%").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise e.Invalid("CANDIDATE_EXTRA_TIME_INTEGER", "Extra time is a whole percentage.",
                        field="extra_time_percentage", value=value) from None


def read_candidates(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(line number, fields) per candidate; a value that cannot be read is kept as the error to report."""
    text = _text(data)
    if not text.strip():
        raise e.RuleBroken("CANDIDATES_FILE_EMPTY", "The file has no candidate.")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    columns = []
    for name in header:
        key = HEADERS.get(" ".join(name.strip().lower().lstrip("*").split()))
        if key is None:
            raise e.RuleBroken("CANDIDATES_FILE_HEADER_NOT_VALID", f"Unknown column {name.strip()!r}; the columns are "
                            f"{TEMPLATE.strip()}.", column=name.strip())
        columns.append(key)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise e.RuleBroken("CANDIDATES_FILE_HEADER_NOT_VALID", f"Missing column(s): {', '.join(missing)}.",
                        columns=missing)
    rows: list[tuple[int, dict[str, Any]]] = []
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(rows) >= MAX_LINES:
            raise e.RuleBroken("CANDIDATES_FILE_TOO_LONG", f"A file holds {MAX_LINES} candidates at most.")
        fields: dict[str, Any] = dict(zip(columns, (value.strip() for value in values), strict=False))
        for name, read in (("birthdate", _birthdate), ("extra_time_percentage", _percentage)):
            try:
                fields[name] = read(fields.get(name) or "")
            except e.Invalid as error:
                fields[name] = error
        rows.append((line, fields))
    return rows
