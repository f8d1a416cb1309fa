"""A school class's certification results as CSV, the columns of the reference's per-class file.

The platform's CSV conventions (reporting's export): UTF-8 with a BOM, ``;`` between cells, ``\\n`` at the end
of lines, text quoted and guarded against formula injection (a cell that starts like a formula gets an
apostrophe: Excel, LibreOffice and Sheets run it quoted or not). Dates are ``DD/MM/YYYY``, as in the
reference's file, which a French spreadsheet reads as dates.

What each line shows follows the certificate: a validated result its score, global level (``-`` below level 1)
and each competence's level (0: not certified); a rejected one the score 0 and ``-`` for the levels; a cancelled
one ``-`` everywhere (to sit again, not a failure).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from certification.domain.attestations import COMPETENCE_NAMES, VALIDATED

BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NONE = "-"
STATUSES = {"validated": "Validée", "rejected": "Rejetée", "cancelled": "Annulée"}
HEADER = ("Numéro de certification", "Prénom", "Nom", "Date de naissance", "Lieu de naissance",
          "Identifiant externe", "Statut", "Nombre de pix", "Niveau global",
          *(f"Compétence {code}" for code in COMPETENCE_NAMES), "Code de vérification", "Numéro de session",
          "Date de passage de la certification")


def row(result: Mapping[str, Any]) -> list[Any]:
    validated = result["status"] == VALIDATED
    levels = {item["competence_code"]: item["level"] for item in result["competence_levels"]}
    score = result["score"] if validated else 0 if result["status"] == "rejected" else None
    return [str(result["id"]), result["first_name"], result["last_name"], result["birthdate"],
            result.get("birthplace") or "", result.get("external_id") or "", STATUSES.get(result["status"], result["status"]),
            score, result["mesh_level"] if validated else None,
            *((levels.get(code, 0) if validated else None) for code in COMPETENCE_NAMES),
            result["verification_code"], result["session_number"], result["certification_date"]]


def cell(value: Any) -> str:
    if value is None:
        return NONE
    if isinstance(value, bool):
        raise TypeError("a boolean is written as words")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if not text:
        return ""
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return '"' + text.replace('"', '""') + '"'


def line(cells: Iterable[Any]) -> str:
    return ";".join(cell(value) for value in cells) + "\n"


def lines(results: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The file, one line at a time (encode each with plain ``utf-8``: the BOM is in the first)."""
    yield BOM + line(HEADER)
    for result in results:
        yield line(row(result))
