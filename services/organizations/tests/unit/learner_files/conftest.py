"""Builders of learner files, as fixtures (pytest's importlib mode lets no test import a helper module).

The small real-looking files are in tests/fixtures/learner_files; the big and the hostile
ones are made here, in memory, so nothing large is committed.
"""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest

from organizations.adapters.learner_files import read_learner_file

TODAY = date(2026, 1, 15)
UAI = "0751234A"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "learner_files"
MIB = 1024 * 1024

SIECLE_HEADER = ("Identifiant unique*", "Premier prénom*", "Deuxième prénom", "Troisième prénom", "Nom de famille*",
                 "Nom d'usage", "Code sexe*", "Date de naissance (jj/mm/aaaa)*", "Code commune naissance**",
                 "Libellé commune naissance**", "Code département naissance*", "Code pays naissance*", "Statut*",
                 "Code MEF*", "Division*")
UNIVERSITY_HEADER = ("Premier prénom", "Deuxième prénom", "Troisième prénom", "Nom de famille", "Nom d'usage",
                     "Date de naissance (jj/mm/aaaa)", "Email", "Numéro étudiant", "Composante", "Équipe pédagogique",
                     "Groupe", "Diplôme", "Régime")


@pytest.fixture
def fixture_file():
    """The bytes of a file of tests/fixtures/learner_files."""
    return lambda name: (FIXTURES / name).read_bytes()


@pytest.fixture
def read():
    """read_learner_file on bytes (or any stream), on a fixed day, for the school 0751234A by default."""

    def read_(filename: str, data, *, organization_type: str = "SCO", uai: str | None = UAI, **options):
        stream = io.BytesIO(data) if isinstance(data, bytes) else data
        return read_learner_file(filename, stream, organization_type=organization_type, uai=uai, today=TODAY,
                                 **options)

    return read_


# -- SIECLE XML -------------------------------------------------------------------------------------


def a_pupil(n: int = 1, **overrides) -> dict:
    """The elements of one ELEVE, valid; an override of None leaves the element out."""
    pupil = {
        "ELEVE_ID": str(1000 + n), "ELENOET": str(4000 + n), "ID_NATIONAL": f"{n:09d}AB",
        "NOM_DE_FAMILLE": "LEFÈVRE", "NOM_USAGE": "", "PRENOM": "Chloé", "PRENOM2": "Maëlle", "PRENOM3": "",
        "DATE_NAISS": "14/02/2013", "DOUBLEMENT": "0", "CODE_PAYS": "100", "CODE_REGIME": "2",
        "DATE_ENTREE": "01/09/2023", "CODE_SEXE": "2", "CODE_PAYS_NAT": "100", "CODE_STATUT": "ST",
        "CODE_MEF": "10010012110", "CODE_DEPARTEMENT_NAISS": "075", "CODE_COMMUNE_INSEE_NAISS": "75056",
        "VILLE_NAISS": "", "division": "6E2",
    }
    pupil.update(overrides)
    return pupil


def siecle_xml(pupils, *, uaj: str | None = UAI, encoding: str | None = "ISO-8859-15", prolog: str | None = None,
               structures: str | None = None, newline: str = "\r\n") -> bytes:
    """A SIECLE export of these pupils (see a_pupil), each in the division of its 'division' key."""
    lines = [prolog if prolog is not None else
             (f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else '<?xml version="1.0"?>'),
             '<BEE_ELEVES VERSION="3.1">']
    if uaj is not None:
        lines += ["<PARAMETRES>", f"<UAJ>{uaj}</UAJ>", "<ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE>",
                  "<DATE_EXPORT>02/09/2025</DATE_EXPORT>", "<HORODATAGE>02/09/2025 08:15:42</HORODATAGE>",
                  "</PARAMETRES>"]
    lines += ["<DONNEES>", "<ELEVES>"]
    for pupil in pupils:
        lines.append(f'<ELEVE ELEVE_ID="{pupil["ELEVE_ID"]}" ELENOET="{pupil["ELENOET"]}">')
        lines += [f"<{name}>{value}</{name}>" for name, value in pupil.items()
                  if name not in ("ELEVE_ID", "division") and value is not None]
        lines.append("</ELEVE>")
    lines += ["</ELEVES>", "<OPTIONS/>", "<STRUCTURES>"]
    if structures is not None:
        lines.append(structures)
    else:
        for pupil in pupils:
            if pupil.get("division") is not None:
                lines += [f'<STRUCTURES_ELEVE ELEVE_ID="{pupil["ELEVE_ID"]}" ELENOET="{pupil["ELENOET"]}">',
                          "<STRUCTURE>", f"<CODE_STRUCTURE>{pupil['division']}</CODE_STRUCTURE>",
                          "<TYPE_STRUCTURE>D</TYPE_STRUCTURE>", "</STRUCTURE>", "</STRUCTURES_ELEVE>"]
    lines += ["</STRUCTURES>", "</DONNEES>", "</BEE_ELEVES>", ""]
    codec = {"ISO-8859-15": "iso-8859-15", "UTF-8": "utf-8", None: "utf-8"}.get(encoding, "utf-8")
    return newline.join(lines).encode(codec)


@pytest.fixture
def pupil():
    return a_pupil


@pytest.fixture
def xml():
    return siecle_xml


# -- CSV --------------------------------------------------------------------------------------------


def csv_bytes(header, rows, *, delimiter: str = ";", encoding: str = "utf-8", bom: bool = True,
              newline: str = "\r\n") -> bytes:
    def cell(value: str) -> str:
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in (delimiter, '"', "\n")) else value

    text = newline.join(delimiter.join(cell(value) for value in row) for row in [header, *rows]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def a_student(n: int = 1, **overrides) -> list[str]:
    """A row of the university CSV, valid; overrides by header."""
    row = dict(zip(UNIVERSITY_HEADER, ("Chloé", "", "", "Lefèvre", "", "14/02/2003", f"etudiant{n}@univ-exemple.fr",
                                       f"2190{n:04d}", "UFR Lettres", "", "TD 2", "Licence", "Formation initiale"),
                   strict=True))
    row.update(overrides)
    return [row[name] for name in UNIVERSITY_HEADER]


def a_siecle_row(n: int = 1, **overrides) -> list[str]:
    """A row of the SIECLE CSV, valid; overrides by header."""
    row = dict(zip(SIECLE_HEADER, (f"{n:09d}AB", "Chloé", "", "", "Lefèvre", "", "F", "14/02/2013", "75056", "",
                                   "75", "99100", "ST", "10010012110", "6E2"), strict=True))
    row.update(overrides)
    return [row[name] for name in SIECLE_HEADER]


@pytest.fixture
def university_csv():
    return lambda rows, header=UNIVERSITY_HEADER, **options: csv_bytes(header, rows, **options)


@pytest.fixture
def siecle_csv():
    return lambda rows, header=SIECLE_HEADER, **options: csv_bytes(header, rows, **options)


@pytest.fixture
def student():
    return a_student


@pytest.fixture
def siecle_row():
    return a_siecle_row


# -- archives ---------------------------------------------------------------------------------------


@pytest.fixture
def zip_of():
    """A zip of these files (name -> bytes)."""

    def zip_of_(files: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    return zip_of_


def handmade_zip(name: str, compressed: bytes, *, crc: int, size: int, declared_size: int, flags: int = 0) -> bytes:
    """A one-file zip whose headers say what we want (deflate), whatever the data holds."""
    encoded = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, 8, 0, 0x5B21, crc, len(compressed), declared_size,
                        len(encoded), 0)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, 8, 0, 0x5B21, crc, len(compressed),
                          declared_size, len(encoded), 0, 0, 0, 0, 0, 0)
    directory = central + encoded
    offset = len(local) + len(encoded) + len(compressed)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(directory), offset, 0)
    return local + encoded + compressed + directory + end


def deflated_repeat(prefix: bytes, filler: bytes, size: int) -> tuple[bytes, int]:
    """(raw deflate of prefix + filler up to size bytes, its CRC), made without compressing it all.

    Each mebibyte of filler is flushed with Z_FULL_FLUSH: once the window holds filler only,
    every mebibyte compresses to the same bytes, which are then repeated.
    """
    block = filler * (MIB // len(filler))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = prefix + block[len(prefix):]
    parts = [compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)]
    crc = zlib.crc32(head)
    blocks = size // MIB - 1
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    steady = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH) == steady
    parts += [first] + [steady] * (blocks - 1)
    parts.append(compressor.flush())
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    return b"".join(parts), crc


BOMB_PREFIX = (b'<?xml version="1.0" encoding="ISO-8859-15"?>\r\n<BEE_ELEVES VERSION="3.1"><PARAMETRES><UAJ>0751234A'
               b"</UAJ></PARAMETRES><DONNEES><ELEVES>")


@pytest.fixture(scope="session")
def whitespace_bomb() -> tuple[bytes, int, int]:
    """1 GiB of an XML file that opens well then is all blanks (valid XML): (deflated, crc, size)."""
    size = 1024 * MIB
    compressed, crc = deflated_repeat(BOMB_PREFIX, b" ", size)
    return compressed, crc, size


@pytest.fixture
def bomb_zip(whitespace_bomb):
    """The 1 GiB bomb as ElevesSansAdresses.zip, declaring its true size or the size given."""
    compressed, crc, size = whitespace_bomb
    return lambda declared_size=size: handmade_zip("ElevesSansAdresses.xml", compressed, crc=crc, size=size,
                                                   declared_size=declared_size)


@pytest.fixture
def handmade():
    return handmade_zip


# -- streams and memory -----------------------------------------------------------------------------


class Unseekable(io.RawIOBase):
    """A stream that cannot seek (a socket, a pipe), producing size bytes of filler lazily after prefix."""

    def __init__(self, prefix: bytes, filler: bytes, size: int):
        super().__init__()
        self.data, self.filler, self.left = prefix, filler * (64 * 1024 // len(filler)), size - len(prefix)
        self.served = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer) -> int:
        if not self.data and self.left > 0:
            self.data = self.filler[:self.left]
            self.left -= len(self.data)
        chunk, self.data = self.data[:len(buffer)], self.data[len(buffer):]
        buffer[:len(chunk)] = chunk
        self.served += len(chunk)
        return len(chunk)


@pytest.fixture
def unseekable():
    return Unseekable


@pytest.fixture
def peak_memory():
    """Runs a callable under tracemalloc: (its exception or result, peak bytes allocated)."""

    def measure(function):
        tracemalloc.start()
        try:
            try:
                outcome = function()
            except Exception as error:  # noqa: BLE001 - handed to the test, which asserts on it
                outcome = error
            return outcome, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    return measure
