"""Reading the learner files organizations upload: SIECLE's XML (plain or zipped) and two CSV formats.

    read_learner_file(filename, stream, organization_type="SCO", uai="0751234A")

A school (SCO) sends SIECLE's XML export, or the SIECLE CSV; a university (SUP), the
university CSV. The extension decides which reader runs. Whatever the file, no more than
max_bytes are read from it (after inflating, for a zip). A file that cannot be read raises
LearnerFileRejected; a file whose lines have errors comes back with all of them.
"""

from __future__ import annotations

import os
from datetime import date
from typing import BinaryIO

from organizations.adapters.learner_files.archives import upload_of, zipped_xml
from organizations.adapters.learner_files.siecle_csv import read_siecle_csv
from organizations.adapters.learner_files.siecle_xml import read_siecle_xml
from organizations.adapters.learner_files.templates import siecle_csv_template, university_csv_template
from organizations.adapters.learner_files.university_csv import read_university_csv
from organizations.domain.learner_records import INVALID_FILE_EXTENSION, LearnerFileRejected, ParsedLearnerFile

__all__ = ["MAX_BYTES", "read_learner_file", "siecle_csv_template", "university_csv_template"]

MAX_BYTES = 20 * 1024 * 1024
EXTENSIONS = {"SCO": (".xml", ".zip", ".csv"), "SUP": (".csv",)}


def read_learner_file(filename: str, stream: BinaryIO, *, organization_type: str, uai: str | None,
                      max_bytes: int = MAX_BYTES, today: date | None = None) -> ParsedLearnerFile:
    if organization_type not in EXTENSIONS:
        raise ValueError(f"organizations of type {organization_type!r} import no learner file")
    extension = os.path.splitext(filename.replace("\\", "/").rsplit("/", 1)[-1])[1].lower()
    accepted = EXTENSIONS[organization_type]
    if extension not in accepted:
        raise LearnerFileRejected(INVALID_FILE_EXTENSION, f"The file must be a {' or '.join(accepted)} file.",
                                  {"extension": extension[:20], "accepted": list(accepted)})
    today = today or date.today()
    with upload_of(stream, max_bytes) as upload:
        if extension == ".csv":
            read_csv = read_siecle_csv if organization_type == "SCO" else read_university_csv
            return read_csv(upload, today=today)
        if extension == ".xml":
            return read_siecle_xml(upload.open, uai=uai, today=today)
        with zipped_xml(upload, max_bytes) as member:
            return read_siecle_xml(member.open, uai=uai, today=today)
