"""Files the services hand out as attachments (reporting's CSV exports, certification's attestations and results):
the ``Content-Disposition`` every browser reads the same, and never cached."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the exact ``filename*`` (RFC 6266, 5987)."""
    stripped = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(ch for ch in stripped if ch.isprintable() and ch not in '"\\')
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment_headers(name: str) -> dict[str, str]:
    return {"Content-Disposition": content_disposition(name), "Cache-Control": "no-store"}
