"""What the certification domain refuses. Each refusal names its own code (a front translates it);
the API's error table gives each family its HTTP status."""

from __future__ import annotations

from typing import Any


class CertificationError(Exception):
    """A refusal with its code; ``details`` say more (the field, the line, the time to wait)."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.error_code = code  # the API answers with this code (svckit.errors)
        self.details: dict[str, Any] = {name: value for name, value in details.items() if value is not None}


class Invalid(CertificationError):
    """A field breaks a rule (400)."""


class NotFound(CertificationError):
    """No such centre, session, candidate... or none the caller may know of (404)."""


class Forbidden(CertificationError):
    """The caller may not do this (403)."""


class Conflict(CertificationError):
    """The state forbids it now: already done, taken by someone else (409)."""


class RuleBroken(CertificationError):
    """A certification rule refuses it: outside a window, in the past, locked (422)."""


class Throttled(CertificationError):
    """Too many failed attempts from this account (429); ``retry_after`` seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("TOO_MANY_ATTEMPTS", "Too many failed attempts; check the session number and your "
                         "details with the invigilator, or try again later.", retry_after=retry_after,
                         retry_after_minutes=-(-retry_after // 60))
        self.headers = {"Retry-After": str(retry_after)}


class Unavailable(CertificationError):
    """Something the service needs is missing for now (503): a code could not be drawn unique."""
