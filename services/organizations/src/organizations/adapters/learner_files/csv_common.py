"""What the two CSV formats share: finding the encoding and the separator, checking the header,
reading the rows as a stream, and the errors of each line and field.

Encoding: the header row of both formats holds accented words (prénom, Numéro étudiant,
Équipe pédagogique, Régime, Libellé, Deuxième, département). The header is decoded with each
candidate (UTF-8, Windows-1252, Mac Roman) and the one that yields the most known headers
wins: a wrong guess turns "é" into "Ã©", "Ž" or "È" and the header is no longer known, so the
choice is deterministic, unlike a statistical detector on a few hundred bytes. A header with
no accent at all says nothing: then the whole file is tried as strict UTF-8, else Windows-1252.

Positions are CSV records as a spreadsheet shows them: the header is row 1, and a quoted cell
over several lines stays in one row.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from organizations.adapters.learner_files.archives import CHUNK, Upload, invalid
from organizations.domain.learner_records import (
    EMPTY,
    FIELD_DATE_FORMAT,
    FIELD_EMAIL_FORMAT,
    FIELD_ENCODING,
    FIELD_REQUIRED,
    FIELD_SEX_CODE_FORMAT,
    FIELD_TOO_LONG,
    HEADER_DUPLICATED,
    HEADER_REQUIRED,
    HEADER_UNKNOWN,
    MAX_LENGTHS,
    ImportedLearner,
    LearnerFileRejected,
    LineError,
    LineErrors,
    ParsedLearnerFile,
    clean,
    country_code,
    parse_birthdate,
    quoted,
    share_repeated,
)

UTF8_BOM = codecs.BOM_UTF8
# (Python codec, name reported with the import), in order of preference when they tie.
ENCODINGS = (("utf-8", "UTF-8"), ("cp1252", "windows-1252"), ("mac_roman", "macintosh"))
DELIMITERS = (";", ",", "\t")
HEAD_BYTES = 64 * 1024

TEXT, DATE, EMAIL, SEX, COUNTRY = "text", "date", "email", "sex", "country"
_SEXES = {"m": "M", "1": "M", "masculin": "M", "f": "F", "2": "F", "feminin": "F"}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


@dataclass(frozen=True)
class Column:
    label: str  # as in the template, and as named in errors
    field: str  # the ImportedLearner attribute it fills
    required: bool = False
    kind: str = TEXT


@dataclass(frozen=True)
class CsvFormat:
    name: str
    columns: tuple[Column, ...]
    # Header groups of which at least one column must be present (the '**' columns).
    one_of: tuple[tuple[str, ...], ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(column.label for column in self.columns)


@dataclass(frozen=True)
class Layout:
    codec: str
    encoding: str
    delimiter: str


def exact_key(label: str) -> str:
    """A header as compared to find the encoding: case, spaces, apostrophes and stars aside."""
    label = unicodedata.normalize("NFC", label).translate(_APOSTROPHES)
    return " ".join(label.strip().rstrip("*").split()).casefold()


def header_key(label: str) -> str:
    """A header as matched to a column: the same, accents aside too (a retyped "Prenom" is known)."""
    decomposed = unicodedata.normalize("NFKD", exact_key(label))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# -- encoding and separator -----------------------------------------------------------------------


def detect_layout(upload: Upload, csv_format: CsvFormat) -> Layout:
    head = upload.head(HEAD_BYTES)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise invalid("UNSUPPORTED_ENCODING", "UTF-16 files are not accepted: save the file as CSV UTF-8.")
    bom = head.startswith(UTF8_BOM)
    if bom:
        head = head[len(UTF8_BOM):]
    if not head.strip():
        raise LearnerFileRejected(EMPTY, "The file is empty.")
    header = re.split(rb"[\r\n]", head.lstrip(b"\r\n"), maxsplit=1)[0]
    if head.startswith(b"PK\x03\x04") or b"\x00" in header:
        raise invalid("NOT_CSV", "The file is not a CSV file (an Excel workbook?): save it as CSV.")
    if bom:
        candidates = ENCODINGS[:1]
    elif header.isascii():
        candidates = ENCODINGS[:1] if _is_utf8(upload) else ENCODINGS[1:2]
    else:
        candidates = ENCODINGS
    known = {exact_key(label) for label in csv_format.labels}
    best: tuple[int, Layout] | None = None
    for codec, name in candidates:
        try:
            text = header.decode(codec)
        except UnicodeDecodeError:
            continue
        for delimiter in DELIMITERS:
            score = sum(exact_key(cell) in known for cell in next(csv.reader([text], delimiter=delimiter), []))
            if best is None or score > best[0]:
                best = (score, Layout(codec, name, delimiter))
    if best is None:  # no candidate decodes the header
        raise invalid("UNSUPPORTED_ENCODING", "The file's encoding is not supported: save it as CSV UTF-8.")
    score, layout = best
    if score == 0:  # nothing known: at least split on the separator the header uses most
        text = header.decode(layout.codec)
        delimiter = max(DELIMITERS, key=text.count) if any(d in text for d in DELIMITERS) else ";"
        layout = Layout(layout.codec, layout.encoding, delimiter)
    return layout


def _is_utf8(upload: Upload) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    stream = upload.open()
    try:
        while chunk := stream.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# -- rows -----------------------------------------------------------------------------------------


class _Lines:
    """The text lines of a byte stream, decoded one by one so that a bad byte spoils one row, not the file.

    Splits on CRLF, LF and CR alone (old Mac files), at byte level: the three encodings
    read here are ASCII-compatible, so these bytes are line ends wherever they appear.
    """

    def __init__(self, stream: BinaryIO, codec: str):
        self.stream, self.codec = stream, codec
        self.bad_lines = 0

    def __iter__(self) -> Iterator[str]:
        parts: list[bytes] = []
        first = True
        while True:
            chunk = self.stream.read(CHUNK)
            if first:
                chunk, first = chunk.removeprefix(UTF8_BOM), False
            if chunk:
                # Up to the last line end, but not a final CR: its LF may open the next chunk.
                cut = max(chunk.rfind(b"\n"), chunk.rfind(b"\r", 0, len(chunk) - 1))
                if cut < 0:
                    parts.append(chunk)
                    continue
                complete = b"".join([*parts, chunk[:cut + 1]])
                parts = [chunk[cut + 1:]]
            else:
                complete = b"".join(parts)
            for line in complete.splitlines():
                yield self._decode(line) + "\n"
            if not chunk:
                return

    def _decode(self, line: bytes) -> str:
        try:
            return line.decode(self.codec)
        except UnicodeDecodeError:
            self.bad_lines += 1
            return line.decode(self.codec, "replace")


def records(upload: Upload, layout: Layout) -> Iterator[tuple[int, list[str], bool]]:
    """(row number, cells, whether a byte of the row did not decode), for every row, blank ones too."""
    lines = _Lines(upload.open(), layout.codec)
    reader = csv.reader(lines, delimiter=layout.delimiter, quotechar='"', doublequote=True, strict=False)
    position, bad = 0, 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise invalid("MALFORMED_CSV", f"Row {position + 1} cannot be read: {error}.", line=position + 1) from error
        position += 1
        yield position, row, lines.bad_lines != bad
        bad = lines.bad_lines


def map_header(cells: list[str], csv_format: CsvFormat) -> list[Column | None]:
    """The column of each cell of the header; refuses duplicated, missing and unknown headers."""
    by_key = {header_key(column.label): column for column in csv_format.columns}
    mapped: list[Column | None] = []
    seen: set[str] = set()
    duplicated, unknown = [], []
    for cell in cells:
        label = cell.strip()
        if not label:
            mapped.append(None)  # a trailing separator: a column nobody named
            continue
        column = by_key.get(header_key(label))
        if column is None:
            unknown.append(label)
        elif column.label in seen:
            duplicated.append(column.label)
            column = None
        else:
            seen.add(column.label)
        mapped.append(column)
    missing = [column.label for column in csv_format.columns if column.required and column.label not in seen]
    missing += [label for group in csv_format.one_of if not seen.intersection(group) for label in group]
    details = {"missing": missing, "unknown": unknown, "duplicated": duplicated}
    if duplicated:
        raise LearnerFileRejected(HEADER_DUPLICATED, "Some headers appear twice: " + ", ".join(duplicated) + ".",
                                  {"headers": duplicated, **details})
    if missing:
        raise LearnerFileRejected(HEADER_REQUIRED, "Some required headers are missing: " + ", ".join(missing) + ".",
                                  {"headers": missing, **details})
    if unknown:
        raise LearnerFileRejected(HEADER_UNKNOWN, "Some headers are unknown: " + ", ".join(unknown) + ".",
                                  {"headers": unknown, **details})
    return mapped


# -- fields ---------------------------------------------------------------------------------------


def sex_of(value: str) -> str | None:
    key = unicodedata.normalize("NFKD", value.casefold())
    return _SEXES.get("".join(char for char in key if not unicodedata.combining(char)))


def is_email(value: str) -> bool:
    return _EMAIL.fullmatch(value) is not None


class RowCheck:
    """The fields of one row, checked; errors name the row, the column and the learner (INE and names, as the row
    gives them)."""

    def __init__(self, position: int, errors: LineErrors, learner_id: str | None,
                 raw: dict[str, str | None] | None = None):
        self.position, self.errors, self.learner_id = position, errors, learner_id
        raw = raw or {}
        self.who = {name: quoted(raw.get(name)) for name in ("national_student_id", "first_name", "last_name")}
        self.failed = False

    def error(self, code: str, column: Column | str | None, value: str | None = None, **extra) -> None:
        label = column.label if isinstance(column, Column) else column
        self.errors.add(LineError(code, self.position, label, quoted(value), self.learner_id, **self.who, **extra))
        self.failed = True

    def values(self, raw: dict[str, str | None], columns: Iterable[Column], today: date) -> dict[str, object]:
        values: dict[str, object] = {}
        for column in columns:
            value = raw.get(column.field)
            if value is None:
                if column.required:
                    self.error(FIELD_REQUIRED, column)
                values[column.field] = None
                continue
            if column.kind == DATE:
                try:
                    values[column.field] = parse_birthdate(value, today)
                except ValueError:
                    self.error(FIELD_DATE_FORMAT, column, value)
                continue
            if column.kind == SEX:
                values[column.field] = sex_of(value)
                if values[column.field] is None:
                    self.error(FIELD_SEX_CODE_FORMAT, column, value)
                continue
            if column.kind == COUNTRY:
                value = country_code(value)
            if len(value) > MAX_LENGTHS[column.field]:
                self.error(FIELD_TOO_LONG, column, value)
            elif column.kind == EMAIL and not is_email(value):
                self.error(FIELD_EMAIL_FORMAT, column, value)
            values[column.field] = value
        return values


RowRule = Callable[[RowCheck, dict[str, object]], None]


def read_csv(upload: Upload, csv_format: CsvFormat, *, today: date, key: str, unique_code: str,
             rule: RowRule | None = None) -> ParsedLearnerFile:
    """Every learner of the file, or every error of its rows; key must be unique in the file."""
    layout = detect_layout(upload, csv_format)
    rows = records(upload, layout)
    columns: list[Column | None] | None = None
    errors, learners = LineErrors(), []
    first_seen: dict[str, int] = {}
    pool: dict[object, object] = {}
    key_column = next(column for column in csv_format.columns if column.field == key)
    for position, cells, badly_encoded in rows:
        if not any(cell.strip() for cell in cells):
            continue  # blank rows, and rows of separators only, as spreadsheets leave them
        if columns is None:
            columns = map_header(cells, csv_format)
            continue
        raw = {column.field: clean(cell) for column, cell in zip(columns, cells, strict=False) if column}
        check = RowCheck(position, errors, raw.get(key), raw)
        if badly_encoded:
            check.error(FIELD_ENCODING, None)
        values = check.values(raw, csv_format.columns, today)
        if rule is not None:
            rule(check, values)
        identifier = values.get(key)
        if isinstance(identifier, str):
            normalized = identifier.upper()  # as the import compares them
            if normalized in first_seen:
                check.error(unique_code, key_column, identifier, first_position=first_seen[normalized])
            else:
                first_seen[normalized] = position
        if not check.failed:
            share_repeated(values, pool)
            learners.append(ImportedLearner(position=position, **values))
    if columns is None:
        raise LearnerFileRejected(EMPTY, "The file is empty.")
    if not learners and not errors.count:
        raise LearnerFileRejected(EMPTY, "The file holds a header but no learner.")
    return ParsedLearnerFile(format=csv_format.name, encoding=layout.encoding, learners=learners,
                             errors=errors.kept, error_count=errors.count)
