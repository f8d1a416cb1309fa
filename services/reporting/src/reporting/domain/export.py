"""A campaign's results as the CSV file French schools know from Pix Orga.

The file is made for Excel in a French locale: UTF-8 with a BOM, ``;`` between cells, ``\\n`` at
the end of lines, decimals with a comma, text quoted and guarded against formula injection,
``NA`` where a value does not apply yet. It is produced one line at a time (``lines``), so an
export of any size streams.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

ASSESSMENT, PROFILES_COLLECTION = "ASSESSMENT", "PROFILES_COLLECTION"
SCO, SUP, PRO = "SCO", "SUP", "PRO"

BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
TIME_ZONE = "Europe/Paris"
CERTIFIABLE_LEVEL = 1  # a competence counts for certification from this level
CERTIFIABLE_COMPETENCES = 5  # a learner may certify with this many competences at that level

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FILE_NAME_FORBIDDEN = frozenset('/\\:*?"<>|')


class NotApplicable(enum.Enum):
    """A value that does not apply (yet): results of a participation not shared."""

    NA = "NA"

    def __repr__(self) -> str:
        return "NA"


NA = NotApplicable.NA

Cell = str | int | float | Decimal | Fraction | date | UUID | NotApplicable | None

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "organization_name": "Nom de l'organisation",
        "campaign_id": "ID Campagne",
        "campaign_code": "Code",
        "campaign_name": "Nom de la campagne",
        "target_profile": "Parcours",
        "last_name": "Nom du Participant",
        "first_name": "Prénom du Participant",
        "division": "Classe",
        "group": "Groupe",
        "student_number": "Numéro Étudiant",
        "progress": "% de progression",
        "started_at": "Date de début",
        "shared": "Partage (O/N)",
        "shared_at": "Date du partage",
        "mastery": "% maitrise de l'ensemble des acquis du profil",
        "competence_mastery": "% de maitrise des acquis de la compétence {}",
        "competence_target_skills": "Nombre d'acquis du profil cible dans la compétence {}",
        "competence_validated_skills": "Acquis maitrisés dans la compétence {}",
        "area_mastery": "% de maitrise des acquis du domaine {}",
        "area_target_skills": "Nombre d'acquis du profil cible du domaine {}",
        "area_validated_skills": "Acquis maitrisés du domaine {}",
        "sent": "Envoi (O/N)",
        "sent_at": "Date de l'envoi",
        "total_pix": "Nombre de pix total",
        "certifiable": "Certifiable (O/N)",
        "certifiable_competences": "Nombre de compétences certifiables",
        "competence_level": "Niveau pour la compétence {}",
        "competence_pix": "Nombre de pix pour la compétence {}",
        "yes": "Oui",
        "no": "Non",
    },
    "en": {
        "organization_name": "Organization name",
        "campaign_id": "Campaign ID",
        "campaign_code": "Code",
        "campaign_name": "Campaign name",
        "target_profile": "Target profile",
        "last_name": "Participant's last name",
        "first_name": "Participant's first name",
        "division": "Class",
        "group": "Group",
        "student_number": "Student number",
        "progress": "% progress",
        "started_at": "Start date",
        "shared": "Shared (Y/N)",
        "shared_at": "Date shared",
        "mastery": "% mastery of all the skills of the profile",
        "competence_mastery": "% mastery of the skills of the competence {}",
        "competence_target_skills": "Number of target profile skills in the competence {}",
        "competence_validated_skills": "Skills mastered in the competence {}",
        "area_mastery": "% mastery of the skills of the area {}",
        "area_target_skills": "Number of target profile skills in the area {}",
        "area_validated_skills": "Skills mastered in the area {}",
        "sent": "Sent (Y/N)",
        "sent_at": "Date sent",
        "total_pix": "Total pix",
        "certifiable": "Eligible for certification (Y/N)",
        "certifiable_competences": "Number of competences eligible for certification",
        "competence_level": "Level in the competence {}",
        "competence_pix": "Pix in the competence {}",
        "yes": "Yes",
        "no": "No",
    },
}


@dataclass(frozen=True)
class Competence:
    code: str
    name: str
    area_code: str


@dataclass(frozen=True)
class Area:
    code: str
    title: str


@dataclass(frozen=True)
class ExportLayout:
    """What decides the columns of one campaign's export, names already in the user's language."""

    organization_name: str
    organization_type: str  # SCO, SUP or PRO
    organization_manages_students: bool
    campaign_id: UUID | int | str
    campaign_code: str
    campaign_name: str
    campaign_type: str  # ASSESSMENT or PROFILES_COLLECTION
    target_profile_name: str | None = None
    external_id_label: str | None = None
    competences: Sequence[Competence] = ()  # in the order of the columns
    areas: Sequence[Area] = ()  # in the order of the columns; assessments only
    locale: str = "fr"

    def __post_init__(self) -> None:
        if self.campaign_type not in (ASSESSMENT, PROFILES_COLLECTION):
            raise ValueError(f"campaign_type is {ASSESSMENT} or {PROFILES_COLLECTION}, not {self.campaign_type!r}")
        if self.organization_type not in (SCO, SUP, PRO):
            raise ValueError(f"organization_type is {SCO}, {SUP} or {PRO}, not {self.organization_type!r}")
        object.__setattr__(self, "competences", tuple(self.competences))
        object.__setattr__(self, "areas", tuple(self.areas))

    @property
    def labels(self) -> dict[str, str]:
        # "en", "en-GB", "en_US" are English; anything else gets the French of Pix Orga.
        language = self.locale.replace("_", "-").split("-")[0].lower()
        return LABELS["en" if language == "en" else "fr"]

    @property
    def is_assessment(self) -> bool:
        return self.campaign_type == ASSESSMENT

    @property
    def has_division(self) -> bool:
        return self.organization_type == SCO and self.organization_manages_students

    @property
    def has_group_and_student_number(self) -> bool:
        return self.organization_type == SUP and self.organization_manages_students


# --- columns ---------------------------------------------------------------------------------

_RESULT_COLUMNS = ("mastery", "target_skills", "validated_skills")  # of each competence, then each area


def header(layout: ExportLayout) -> list[str]:
    t = layout.labels
    cells = [t["organization_name"], t["campaign_id"], t["campaign_code"], t["campaign_name"]]
    if layout.is_assessment:
        cells.append(t["target_profile"])
    cells += [t["last_name"], t["first_name"]]
    if layout.has_division:
        cells.append(t["division"])
    if layout.has_group_and_student_number:
        cells += [t["group"], t["student_number"]]
    if layout.external_id_label:
        cells.append(layout.external_id_label)
    if layout.is_assessment:
        cells += [t["progress"], t["started_at"], t["shared"], t["shared_at"], t["mastery"]]
        for competence in layout.competences:
            cells += [t[f"competence_{column}"].format(competence.name) for column in _RESULT_COLUMNS]
        for area in layout.areas:
            cells += [t[f"area_{column}"].format(area.title) for column in _RESULT_COLUMNS]
    else:
        cells += [t["sent"], t["sent_at"], t["total_pix"], t["certifiable"], t["certifiable_competences"]]
        for competence in layout.competences:
            cells += [t["competence_level"].format(competence.name), t["competence_pix"].format(competence.name)]
    return cells


def row(layout: ExportLayout, participation: Mapping[str, Any]) -> list[Cell]:
    """The cells of one participation, in the order of ``header(layout)``."""
    cells = _campaign_cells(layout) + _participant_cells(layout, participation)
    if layout.is_assessment:
        return cells + _assessment_results(layout, participation)
    return cells + _profile(layout, participation)


def _campaign_cells(layout: ExportLayout) -> list[Cell]:
    """The cells every line of the campaign starts with."""
    cells: list[Cell] = [layout.organization_name, layout.campaign_id, layout.campaign_code, layout.campaign_name]
    if layout.is_assessment:
        cells.append(layout.target_profile_name)
    return cells


def _participant_cells(layout: ExportLayout, p: Mapping[str, Any]) -> list[Cell]:
    cells: list[Cell] = [p["last_name"], p["first_name"]]
    if layout.has_division:
        cells.append(p.get("division"))
    if layout.has_group_and_student_number:
        cells += [p.get("group_name"), p.get("student_number")]
    if layout.external_id_label:
        cells.append(p.get("participant_external_id"))
    return cells


def _assessment_results(layout: ExportLayout, p: Mapping[str, Any]) -> list[Cell]:
    shared_at = p.get("shared_at")
    cells: list[Cell] = [_rate(p["progress_rate"]), p["started_at"], _yes_no(layout, shared_at is not None)]
    if shared_at is None:
        return cells + [NA] * (2 + 3 * len(layout.competences) + 3 * len(layout.areas))
    cells += [shared_at, _rate(p.get("mastery_rate"))]
    results = {result["competence_code"]: result for result in p["competences"]}
    for competence in layout.competences:
        result = results.get(competence.code)
        if result is None:  # the shared results do not know this competence: nothing honest to write
            cells += [NA] * 3
        else:
            cells += [_rate(result["mastery_rate"]), result["target_skills_count"], result["validated_skills_count"]]
    for area in layout.areas:
        in_area = [results[c.code] for c in layout.competences if c.area_code == area.code and c.code in results]
        target = sum(result["target_skills_count"] for result in in_area)
        validated = sum(result["validated_skills_count"] for result in in_area)
        cells += [_rate(Fraction(validated, target) if target else 0), target, validated]
    return cells


def _profile(layout: ExportLayout, p: Mapping[str, Any]) -> list[Cell]:
    sent_at = p.get("shared_at")
    cells: list[Cell] = [_yes_no(layout, sent_at is not None)]
    if sent_at is None:
        return cells + [NA] * (4 + 2 * len(layout.competences))
    profile = p["profile"]
    scores = {score["competence_code"]: score for score in profile["competences"]}
    certifiable = sum(1 for score in profile["competences"] if score["level"] >= CERTIFIABLE_LEVEL)
    cells += [sent_at, profile["total_pix"], _yes_no(layout, certifiable >= CERTIFIABLE_COMPETENCES), certifiable]
    for competence in layout.competences:
        # A competence the profile does not list is one where the learner has no pix yet.
        score = scores.get(competence.code, {})
        cells += [score.get("level", 0), score.get("pix", 0)]
    return cells


def _yes_no(layout: ExportLayout, value: bool) -> str:
    return layout.labels["yes" if value else "no"]


def _rate(value: int | float | Decimal | Fraction | None) -> Decimal | None:
    """A rate in [0, 1] rounded to 2 decimals, half up (0.745 gives 0.75, as written, not as a binary float)."""
    if value is None:
        return None
    return _decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _decimal(value: int | float | Decimal | Fraction) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text of the float: 0.1 is 0.1, not 0.1000000000000000055...
    return Decimal(value)


# --- one line of CSV -------------------------------------------------------------------------


def encode_line(cells: Iterable[Cell]) -> str:
    """One CSV line, ``\\n`` included.

    Python 3.11's ``csv.writer`` quotes either every non-number (then ``0,75`` would be quoted)
    or only what needs it (then names would not be); the rule here is per type, so it is written
    by hand: text is quoted, numbers, dates and ``NA`` are not, ``None`` and ``""`` are empty.
    """
    return ";".join(_cell(cell) for cell in cells) + "\n"


def _cell(value: Cell) -> str:
    # The types of nearly every cell first, by exact type: an export writes millions of cells.
    kind = type(value)
    if kind is str:
        return _quoted(value) if value else ""
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if value is NA:
        return "NA"
    if kind is Decimal:
        return _number(value)
    if isinstance(value, bool):
        raise TypeError("a boolean is written as words of the user's language: Oui/Non or Yes/No")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal | Fraction):
        return _number(_decimal(value))
    if isinstance(value, datetime):  # before date: a datetime is a date
        return _in_paris(value).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return _quoted(str(value))
    if isinstance(value, str):
        return _quoted(value) if value else ""
    raise TypeError(f"no CSV form for {type(value).__name__}")


def _number(number: Decimal) -> str:
    if not number.is_finite():
        raise ValueError(f"{number!r} is not a number a spreadsheet can read")
    return format(number.normalize(), "f").replace(".", ",")  # "f": no exponent, even for 100


def _quoted(text: str) -> str:
    # Excel, LibreOffice and Sheets run a cell that starts like a formula, quoted or not: the
    # apostrophe makes them show it as text (OWASP's advice for CSV injection).
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return '"' + text.replace('"', '""') + '"'


def _in_paris(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a moment without a time zone could be anywhere: give an aware datetime")
    return moment.astimezone(ZoneInfo(TIME_ZONE))


# --- the whole file --------------------------------------------------------------------------


def lines(layout: ExportLayout, participations: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The file, one line at a time: the BOM and the header, then one line per participation.

    Encode each line with plain ``utf-8`` (not ``utf-8-sig``, which would repeat the BOM).
    """
    yield BOM + encode_line(header(layout))
    yield from map(line_writer(layout), participations)


# --- the same lines, faster ------------------------------------------------------------------

_KNOWN_TEXTS = 50_000  # texts of rates kept per export, at most (a few thousand distinct in practice)


def line_writer(layout: ExportLayout) -> Callable[[Mapping[str, Any]], str]:
    """What ``encode_line(row(layout, p))`` writes, the same text, written faster for the millions of cells of a
    large export (``row`` stays the definition; a unit test holds both to the same text): the campaign's cells
    written once for every line, and each rate's text, and each area's, kept once written, since they take
    few distinct values. A profiles collection's line is ``row``'s."""
    campaign = ";".join(map(_cell, _campaign_cells(layout))) + ";"
    if not layout.is_assessment:
        return lambda p: campaign + encode_line(_participant_cells(layout, p) + _profile(layout, p))
    rate, competence, area = _rate_texts(), _competence_texts(), _area_texts()
    yes, no = _cell(_yes_no(layout, True)), _cell(_yes_no(layout, False))
    not_shared = ";".join(["NA"] * (2 + 3 * len(layout.competences) + 3 * len(layout.areas)))
    position = {competence.code: n for n, competence in enumerate(layout.competences)}
    area_codes = [a.code for a in layout.areas]
    area_of = [area_codes.index(c.area_code) if c.area_code in area_codes else None for c in layout.competences]

    def write(p: Mapping[str, Any]) -> str:
        cells = [campaign + ";".join(map(_cell, _participant_cells(layout, p))), rate(p["progress_rate"]),
                 _cell(p["started_at"])]
        shared_at = p.get("shared_at")
        if shared_at is None:
            cells += [no, not_shared]
            return ";".join(cells) + "\n"
        cells += [yes, _cell(shared_at), rate(p.get("mastery_rate"))]
        found: list[Any] = [None] * len(position)  # the shared result of each column's competence (the last named)
        for result in p["competences"]:
            n = position.get(result["competence_code"])
            if n is not None:
                found[n] = result
        targets, validated = [0] * len(area_codes), [0] * len(area_codes)
        for n, result in enumerate(found):
            if result is None:  # the shared results do not know this competence: nothing honest to write
                cells.append("NA;NA;NA")
                continue
            target, valid = result["target_skills_count"], result["validated_skills_count"]
            cells.append(competence(result["mastery_rate"], target, valid))
            if area_of[n] is not None:
                targets[area_of[n]] += target
                validated[area_of[n]] += valid
        cells += map(area, targets, validated)
        return ";".join(cells) + "\n"
    return write


def _rate_texts() -> Callable[[Any], str]:
    """``_cell(_rate(value))``, kept by type and value (a float and a Decimal of equal value may round apart)."""
    known: dict[tuple[type, Any], str] = {}

    def text(value: Any) -> str:
        key = (value.__class__, value)
        cell = known.get(key)
        if cell is None:
            cell = _cell(_rate(value))
            if len(known) < _KNOWN_TEXTS:
                known[key] = cell
        return cell
    return text


def _competence_texts() -> Callable[[Any, Any, Any], str]:
    """A competence's three cells (mastery, target skills, validated skills), as ``_assessment_results`` writes
    them, kept by their values when the counts are integers."""
    known: dict[tuple[Any, ...], str] = {}

    def text(mastery: Any, target: Any, validated: Any) -> str:
        exact = target.__class__ is int and validated.__class__ is int
        key = (mastery.__class__, mastery, target, validated)
        cell = known.get(key) if exact else None
        if cell is None:
            cell = encode_line([_rate(mastery), target, validated])[:-1]
            if exact and len(known) < _KNOWN_TEXTS:
                known[key] = cell
        return cell
    return text


def _area_texts() -> Callable[[Any, Any], str]:
    """An area's three cells (mastery, target skills, validated skills) from its sums, as ``_assessment_results``
    writes them."""
    known: dict[tuple[Any, Any], str] = {}

    def text(target: Any, validated: Any) -> str:
        exact = target.__class__ is int and validated.__class__ is int
        cell = known.get((target, validated)) if exact else None
        if cell is None:
            cell = encode_line([_rate(Fraction(validated, target) if target else 0), target, validated])[:-1]
            if exact and len(known) < _KNOWN_TEXTS:
                known[target, validated] = cell
        return cell
    return text


def file_name(campaign_name: str, campaign_id: UUID | int | str, moment: datetime) -> str:
    """``Resultats-<name>-<id>-<YYYY-MM-DD-HHmm>.csv``, the time being ``moment`` in Paris."""
    # Cf as well as Cc: a right-to-left override would let a name pass for another extension.
    safe = "".join(ch for ch in unicodedata.normalize("NFC", campaign_name)
                   if ch not in FILE_NAME_FORBIDDEN and unicodedata.category(ch) not in ("Cc", "Cf")).strip()
    return f"Resultats-{safe}-{campaign_id}-{_in_paris(moment):%Y-%m-%d-%H%M}.csv"

