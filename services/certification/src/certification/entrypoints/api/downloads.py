"""Files the API hands out: attestations (PDF) and a class's results (CSV), as attachments never cached.

A PDF is written whole into a temporary file before the answer starts: an error while drawing is then a clean
500 in the common shape, not a truncated file, and the answer has a ``Content-Length`` (a browser shows the
download's progress). The file is streamed out in 64 KiB pieces and deleted when the answer is closed, so a
school's class never sits in the process's memory as bytes.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any

from flask import Response

from certification.adapters import attestation_pdf
from certification.domain import results_csv
from svckit.downloads import attachment_headers

log = logging.getLogger(__name__)

PDF = "application/pdf"
CHUNK = 64 * 1024


def _streamed(file: IO[bytes], on_sent: Callable[[], None] | None) -> Iterator[bytes]:
    while chunk := file.read(CHUNK):
        yield chunk
    # The server asks for more only once the last piece was written out: a download cut before its end (the
    # server closes the answer: GeneratorExit at the yield) never gets here.
    if on_sent is not None:
        try:
            on_sent()
        except Exception:  # the file is out; the answer can no longer say so
            log.exception("the file %s was sent but what follows its sending failed", file)


def pdf(certificates: Iterable[Mapping[str, Any]], name: str, title: str, *,
        on_sent: Callable[[], None] | None = None) -> Response:
    """``on_sent``: run once the whole file has been written to the client, never for a download cut before."""
    file = tempfile.TemporaryFile(prefix="attestations-")
    try:
        attestation_pdf.write(certificates, file, title)
        size = file.tell()
        file.seek(0)
    except BaseException:
        file.close()
        raise
    response = Response(_streamed(file, on_sent), content_type=PDF, headers=attachment_headers(name))
    response.content_length = size
    # Closed (so deleted: a TemporaryFile) when the server closes the answer, read to its end or not.
    response.call_on_close(file.close)
    return response


def csv(results: Iterable[Mapping[str, Any]], name: str) -> Response:
    return Response((text.encode("utf-8") for text in results_csv.lines(results)),
                    content_type=results_csv.CONTENT_TYPE, headers=attachment_headers(name))
