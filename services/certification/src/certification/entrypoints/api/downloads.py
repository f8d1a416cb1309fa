"""Files the API hands out: attestations (PDF) and a class's results (CSV), as attachments never cached.

A PDF is written whole into a temporary file before the answer starts: an error while drawing is then a clean
500 in the common shape, not a truncated file, and the answer has a ``Content-Length`` (a browser shows the
download's progress). The file is streamed out in 64 KiB pieces and deleted when the answer is closed, so a
school's class never sits in the process's memory as bytes.
"""

from __future__ import annotations

import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any
from urllib.parse import quote

from flask import Response

from certification.adapters import attestation_pdf
from certification.domain import results_csv

PDF = "application/pdf"
CHUNK = 64 * 1024


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the exact ``filename*`` (RFC 6266, 5987)."""
    stripped = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(ch for ch in stripped if ch.isprintable() and ch not in '"\\')
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _headers(name: str) -> dict[str, str]:
    return {"Content-Disposition": content_disposition(name), "Cache-Control": "no-store"}


def _streamed(file: IO[bytes]) -> Iterator[bytes]:
    while chunk := file.read(CHUNK):
        yield chunk


def pdf(certificates: Iterable[Mapping[str, Any]], name: str, title: str) -> Response:
    file = tempfile.TemporaryFile(prefix="attestations-")
    try:
        attestation_pdf.write(certificates, file, title)
        size = file.tell()
        file.seek(0)
    except BaseException:
        file.close()
        raise
    response = Response(_streamed(file), content_type=PDF, headers=_headers(name))
    response.content_length = size
    # Closed (so deleted: a TemporaryFile) when the server closes the answer, read to its end or not.
    response.call_on_close(file.close)
    return response


def csv(results: Iterable[Mapping[str, Any]], name: str) -> Response:
    return Response((text.encode("utf-8") for text in results_csv.lines(results)),
                    content_type=results_csv.CONTENT_TYPE, headers=_headers(name))
