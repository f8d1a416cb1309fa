"""The CSV templates offered for download: the header row alone, as the readers expect it.

UTF-8 with a BOM, so that Excel opens the accents right; ';', the separator of French Excel.
"""

from __future__ import annotations

from organizations.adapters.learner_files.csv_common import UTF8_BOM, CsvFormat
from organizations.adapters.learner_files.siecle_csv import FORMAT as SIECLE_CSV
from organizations.adapters.learner_files.university_csv import FORMAT as UNIVERSITY_CSV


def _template(csv_format: CsvFormat) -> bytes:
    return UTF8_BOM + (";".join(csv_format.labels) + "\r\n").encode("utf-8")


def siecle_csv_template() -> bytes:
    return _template(SIECLE_CSV)


def university_csv_template() -> bytes:
    return _template(UNIVERSITY_CSV)
