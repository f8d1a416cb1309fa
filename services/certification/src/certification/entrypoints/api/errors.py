from __future__ import annotations

from certification.domain import exceptions as e
from svckit.uow import ConcurrentUpdate, UniqueViolation

# Each refusal carries its own code (SESSION_OUTSIDE_WINDOW, ACCESS_CODE_INVALID...); its family gives the status.
ERRORS = {
    e.Invalid: (400, "VALIDATION_ERROR"),
    e.Forbidden: (403, "FORBIDDEN"),
    e.NotFound: (404, "NOT_FOUND"),
    e.Conflict: (409, "CONFLICT"),
    e.RuleBroken: (422, "RULE_BROKEN"),
    e.Throttled: (429, "TOO_MANY_ATTEMPTS"),
    e.Unavailable: (503, "UNAVAILABLE"),
    ConcurrentUpdate: (409, "CONCURRENT_UPDATE"),
    # Two requests at once passed the same check (a class enrolled twice, an account joining as two candidates):
    # the database kept the first; the other reads again.
    UniqueViolation: (409, "CONCURRENT_UPDATE"),
}
