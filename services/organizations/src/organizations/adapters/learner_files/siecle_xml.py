"""SIECLE's XML export of a school's pupils (ElevesSansAdresses.xml), read as a stream.

    BEE_ELEVES VERSION=...
      PARAMETRES/UAJ                       the school's UAI: must be the organization's
      DONNEES/ELEVES/ELEVE ELEVE_ID=...    one pupil: ID_NATIONAL (INE), names, birth...
      DONNEES/OPTIONS, BOURSES, ADRESSES   not read
      DONNEES/STRUCTURES/STRUCTURES_ELEVE ELEVE_ID=.../STRUCTURE
                                           CODE_STRUCTURE of TYPE_STRUCTURE D: the class

Which pupils are kept: a pupil who left (DATE_SORTIE set) is skipped, and so is one without
a class (no STRUCTURE of type D, or only "Inactifs"), as SIECLE keeps both in its export. A
pupil with no ID_NATIONAL element at all is not registered yet (the national registry gives
the INE some days after the pupil's arrival, and SIECLE exports the pupil meanwhile): skipped
too, as Pix does, and counted apart (``unregistered``) so the school knows to import again
later. Every other pupil must be importable: an ID_NATIONAL element present but empty is an
INE_REQUIRED error rather than a silent omission, because that is a broken record, and a pupil
missing from the import cannot join the school's campaigns and nobody would know why. Each
error names the pupil by INE and names (as the file gives them), besides their rank.

A file that breaks part-way (not well formed: cut short, edited by hand) is refused, and the
refusal carries the errors of the pupils read before the break, so the school fixes them all
at once. A pupil whose classes come after the break is checked without its class.

The parser is defusedxml's, with a DTD refused outright (so no entity, internal or external,
can be declared: no XXE, no billion laughs) and a target that keeps only the few texts it
needs, each capped: memory grows with the number of pupils, never with a hostile text,
nesting (capped too) or the parts of the file not read. The file's own prolog names its
encoding (ISO-8859-15 in the wild, which expat decodes through Python's codec). A file with
no encoding declared is tried as UTF-8, then, at the first invalid byte, read again as
ISO-8859-15.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from organizations.adapters.learner_files.archives import CHUNK, invalid
from organizations.domain.learner_records import (
    BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT,
    BIRTHDATE_REQUIRED,
    EMPTY,
    FIELD_TOO_LONG,
    FIRST_NAME_REQUIRED,
    INE_REQUIRED,
    INE_UNIQUE,
    INVALID_BIRTHDATE_FORMAT,
    LAST_NAME_REQUIRED,
    MAX_LENGTHS,
    SEX_CODE_REQUIRED,
    SIECLE_XML,
    UAI_MISMATCHED,
    ImportedLearner,
    LearnerFileRejected,
    LineError,
    LineErrors,
    ParsedLearnerFile,
    born_in_france,
    clean,
    country_code,
    parse_birthdate,
    quoted,
    share_repeated,
)

ROOT = "BEE_ELEVES"
FIELDS = {  # element of ELEVE -> ImportedLearner attribute
    "ID_NATIONAL": "national_student_id",
    "NOM_DE_FAMILLE": "last_name",
    "NOM_USAGE": "preferred_last_name",
    "PRENOM": "first_name",
    "PRENOM2": "middle_name",
    "PRENOM3": "third_name",
    "CODE_PAYS": "birth_country_code",
    "CODE_DEPARTEMENT_NAISS": "birth_department_code",
    "CODE_COMMUNE_INSEE_NAISS": "birth_city_code",
    "VILLE_NAISS": "birth_city",
    "CODE_MEF": "mef_code",
    "CODE_STATUT": "status",
}
READ = frozenset({*FIELDS, "CODE_SEXE", "DATE_NAISS", "DATE_SORTIE"})
SEXES = {"1": "M", "2": "F"}
DIVISION, INACTIVE = "D", "inactifs"
MAX_DEPTH = 16  # SIECLE nests 6 deep
MAX_TEXT = 1024  # a text read is cut there; every field kept is shorter, so it is FIELD_TOO_LONG anyway
HEAD = 1024
_DECLARED = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
_NO_ELEMENTS = 3  # expat's XML_ERROR_NO_ELEMENTS: nothing but blanks


def read_siecle_xml(open_stream: Callable[[], BinaryIO], *, uai: str | None, today: date) -> ParsedLearnerFile:
    """open_stream gives the file from its start, each time it is called (it is read twice at most)."""
    with open_stream() as stream:
        head = stream.read(HEAD)
    if len(head) < HEAD and not head.removeprefix(codecs.BOM_UTF8).strip():
        raise LearnerFileRejected(EMPTY, "The file is empty.")
    declared = _DECLARED.match(head)
    if declared is not None:
        encoding, probe = declared.group(1).decode("ascii").upper(), False
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise invalid("UNSUPPORTED_ENCODING", f"The XML file's encoding ({encoding}) is unknown.") from error
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, probe = "UTF-16", False
    else:
        encoding, probe = "UTF-8", True  # XML's default, but SIECLE's files are ISO-8859-15
    try:
        with open_stream() as stream:
            pupils = _parse(stream, uai, today, probe=probe)
    except _NotUtf8:
        encoding = "ISO-8859-15"
        with open_stream() as stream:
            pupils = _parse(stream, uai, today, override=encoding)
    return pupils.result(encoding, today)


class _NotUtf8(Exception):
    pass


def _parse(stream: BinaryIO, uai: str | None, today: date, *, probe: bool = False,
           override: str | None = None) -> _Pupils:
    pupils = _Pupils(uai)
    parser = DefusedXMLParser(target=pupils, encoding=override, forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    decoder = codecs.getincrementaldecoder("utf-8")() if probe else None
    try:
        while chunk := stream.read(CHUNK):
            if decoder is not None:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    raise _NotUtf8 from error
            parser.feed(chunk)
        parser.close()
    except DTDForbidden as error:
        raise invalid("DTD_FORBIDDEN", "The XML file declares a DTD, which is not accepted.") from error
    except EntitiesForbidden as error:
        raise invalid("ENTITY_FORBIDDEN", "The XML file declares entities, which are not accepted.") from error
    except ExternalReferenceForbidden as error:
        raise invalid("EXTERNAL_REFERENCE_FORBIDDEN", "The XML file refers to an outside resource.") from error
    except (LookupError, ValueError) as error:  # expat reads one-byte encodings, and the UTFs, only
        if "encoding" not in str(error):
            raise
        raise invalid("UNSUPPORTED_ENCODING", f"The XML file's encoding is not supported ({error}).") from error
    except ParseError as error:
        if error.code == _NO_ELEMENTS and not pupils.path_seen:
            raise LearnerFileRejected(EMPTY, "The file is empty.") from error
        line, column = error.position
        rejected = invalid("NOT_WELL_FORMED", f"The XML file is not well formed (line {line}, column {column}).",
                           line=line, column=column)
        found = pupils.check(today, whole=False).errors
        rejected.errors, rejected.error_count = found.kept, found.count
        raise rejected from error
    return pupils


class _Pupils:
    """The parser's target: follows the path of elements and keeps what the import needs."""

    def __init__(self, uai: str | None):
        self.uai = uai
        self.path: list[str] = []
        self.path_seen = False
        self.parameters: dict[str, str] = {}
        self.uai_checked = False
        self.count = 0  # ELEVE elements, all of them: a pupil's position is its rank among them
        self.left = 0
        self.pupils: list[tuple[int, dict[str, str]]] = []
        self.divisions: dict[str, str] = {}
        self.structured: set[str] = set()  # pupils whose classes were read (all of them, once the file ends)
        self.pupil: dict[str, str] | None = None
        self.structures_of: str | None = None
        self.structure: dict[str, str] | None = None
        self.into: dict[str, str] | None = None  # where the text being read goes
        self.into_depth = -1
        self.text: list[str] = []
        self.text_length = 0

    # -- parser callbacks --------------------------------------------------------------------------

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        depth, path = len(self.path), self.path
        if depth == 0 and tag != ROOT:
            raise invalid("NOT_SIECLE", f"The XML file is not a SIECLE export (its root is {tag[:50]}, not {ROOT}).")
        if depth >= MAX_DEPTH:
            raise invalid("TOO_DEEP", "The XML file nests elements too deeply.")
        path.append(tag)
        self.path_seen = True
        if depth == 1 and tag == "DONNEES" and not self.uai_checked:
            self._check_uai()
        elif depth == 2 and path[1] == "PARAMETRES" and tag == "UAJ":
            self._read_into(self.parameters)
        elif depth == 3 and path[1:3] == ["DONNEES", "ELEVES"] and tag == "ELEVE":
            self.count += 1
            self.pupil = {"ELEVE_ID": attrib.get("ELEVE_ID", "")}
        elif depth == 4 and self.pupil is not None and tag in READ:
            self._read_into(self.pupil)
        elif depth == 3 and path[1:3] == ["DONNEES", "STRUCTURES"] and tag == "STRUCTURES_ELEVE":
            self.structures_of = attrib.get("ELEVE_ID", "")
        elif depth == 4 and self.structures_of is not None and tag == "STRUCTURE":
            self.structure = {}
        elif depth == 5 and self.structure is not None and tag in ("CODE_STRUCTURE", "TYPE_STRUCTURE"):
            self._read_into(self.structure)

    def data(self, text: str) -> None:
        if self.into is not None and self.text_length < MAX_TEXT:
            self.text.append(text)
            self.text_length += len(text)

    def end(self, tag: str) -> None:
        depth = len(self.path) - 1
        if self.into is not None and depth == self.into_depth:
            self.into.setdefault(tag, "".join(self.text))  # the first of repeated elements counts
            self.into = None
        if depth == 1 and tag == "PARAMETRES":
            self._check_uai()
        elif depth == 3 and tag == "ELEVE" and self.pupil is not None:
            if clean(self.pupil.get("DATE_SORTIE")):
                self.left += 1  # kept in the export after leaving the school
            else:
                self.pupils.append((self.count, self.pupil))
            self.pupil = None
        elif depth == 4 and tag == "STRUCTURE" and self.structure is not None:
            code = clean(self.structure.get("CODE_STRUCTURE"))
            if (clean(self.structure.get("TYPE_STRUCTURE")) == DIVISION and code and code.casefold() != INACTIVE
                    and self.structures_of):
                self.divisions.setdefault(self.structures_of, code)
            self.structure = None
        elif depth == 3 and tag == "STRUCTURES_ELEVE":
            if self.structures_of:
                self.structured.add(self.structures_of)
            self.structures_of = None
        self.path.pop()

    def close(self) -> None:
        if not self.uai_checked:
            self._check_uai()

    # -- helpers -----------------------------------------------------------------------------------

    def _read_into(self, values: dict[str, str]) -> None:
        self.into, self.into_depth = values, len(self.path) - 1
        self.text, self.text_length = [], 0

    def _check_uai(self) -> None:
        """Before any pupil is read: PARAMETRES comes first in SIECLE's exports."""
        self.uai_checked = True
        found = clean(self.parameters.get("UAJ"))
        expected = clean(self.uai)
        if found is None or expected is None or found.upper() != expected.upper():
            raise LearnerFileRejected(
                UAI_MISMATCHED, "The UAI of the file is not the organization's: is it the export of this school?",
                {"expected": expected, "found": found[:20] if found else found})

    # -- after the file --------------------------------------------------------------------------

    def result(self, encoding: str, today: date) -> ParsedLearnerFile:
        if self.count == 0:
            raise LearnerFileRejected(EMPTY, "The file holds no pupil.")
        checked = self.check(today)
        return ParsedLearnerFile(format=SIECLE_XML, encoding=encoding, learners=checked.learners,
                                 errors=checked.errors.kept, skipped=checked.skipped,
                                 error_count=checked.errors.count, unregistered=checked.unregistered)

    def check(self, today: date, *, whole: bool = True) -> _Checked:
        """The pupils read, checked. ``whole``: the file was read to its end (else a pupil whose
        classes were not reached is checked without one)."""
        checked = _Checked(LineErrors(), skipped=self.left)
        first_seen: dict[str, int] = {}
        pool: dict[object, object] = {}
        for position, pupil in self.pupils:
            eleve_id = pupil["ELEVE_ID"]
            division = self.divisions.get(eleve_id) if eleve_id else None
            if division is None and (whole or not eleve_id or eleve_id in self.structured):
                checked.skipped += 1
                continue
            if "ID_NATIONAL" not in pupil:  # not registered yet; an empty element is an error
                checked.skipped += 1
                checked.unregistered += 1
                continue
            learner = _learner(position, pupil, division, checked.errors, first_seen, pool, today)
            if learner is not None:
                checked.learners.append(learner)
        return checked


@dataclass
class _Checked:
    errors: LineErrors
    learners: list[ImportedLearner] = field(default_factory=list)
    skipped: int = 0
    unregistered: int = 0


def _learner(position: int, pupil: dict[str, str], division: str | None, errors: LineErrors,
             first_seen: dict[str, int], pool: dict[object, object], today: date) -> ImportedLearner | None:
    eleve_id = pupil["ELEVE_ID"] or None
    before = errors.count
    who = {"national_student_id": quoted(clean(pupil.get("ID_NATIONAL"))),
           "first_name": quoted(clean(pupil.get("PRENOM"))), "last_name": quoted(clean(pupil.get("NOM_DE_FAMILLE")))}

    def error(code: str, element: str, value: str | None = None, **extra) -> None:
        errors.add(LineError(code, position, element, quoted(value), eleve_id, **who, **extra))

    values: dict[str, object] = {}
    for element, name in FIELDS.items():
        value = clean(pupil.get(element))
        if name == "birth_country_code":
            value = country_code(value)
        if value is not None and len(value) > MAX_LENGTHS[name]:
            error(FIELD_TOO_LONG, element, value)
        values[name] = value
    if division is not None and len(division) > MAX_LENGTHS["division"]:
        error(FIELD_TOO_LONG, "CODE_STRUCTURE", division)
    ine = values["national_student_id"]
    if ine is None:
        error(INE_REQUIRED, "ID_NATIONAL")
    elif str(ine).upper() in first_seen:
        error(INE_UNIQUE, "ID_NATIONAL", str(ine), first_position=first_seen[str(ine).upper()])
    else:
        first_seen[str(ine).upper()] = position
    if values["last_name"] is None:
        error(LAST_NAME_REQUIRED, "NOM_DE_FAMILLE")
    if values["first_name"] is None:
        error(FIRST_NAME_REQUIRED, "PRENOM")
    sex_code = clean(pupil.get("CODE_SEXE"))
    if sex_code not in SEXES:
        error(SEX_CODE_REQUIRED, "CODE_SEXE", sex_code)
    birthdate_text = clean(pupil.get("DATE_NAISS"))
    birthdate = None
    if birthdate_text is None:
        error(BIRTHDATE_REQUIRED, "DATE_NAISS")
    else:
        try:
            birthdate = parse_birthdate(birthdate_text, today)
        except ValueError:
            error(INVALID_BIRTHDATE_FORMAT, "DATE_NAISS", birthdate_text)
    if born_in_france(values["birth_country_code"]) and values["birth_city_code"] is None:
        error(BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT, "CODE_COMMUNE_INSEE_NAISS")
    if errors.count != before:
        return None
    values.update(sex=SEXES[sex_code], birthdate=birthdate, division=division)
    share_repeated(values, pool)
    return ImportedLearner(position=position, source_id=eleve_id, **values)
