"""How often an account may fail to find a session, itself in it, or the codes that open it.

Joining needs only a session number, names and a birth date; starting, a 6-character access
code; invigilating, a 6-character password. Each refusal says something (the session exists,
someone with these names is enrolled), so failures are counted per account in certification's
database, and past a limit the next attempt is refused with 429 and the time to wait, before
anything is compared. The figures are those of organizations' reconciliation, for the same
reasons: a candidate who mistypes gets it right in one or two more tries, five failures in a
row mean the invigilator must look, and 20 a day make guessing an access code (4 million) or a
password (10 billion) hopeless. Only failures count; waiting is enough to be let in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from svckit.throttling import Limit

# What counts as a failure (the reason recorded with it).
UNKNOWN_SESSION, NO_MATCH, WRONG_ACCESS_CODE, WRONG_INVIGILATOR_PASSWORD = (
    "UNKNOWN_SESSION", "NO_MATCH", "WRONG_ACCESS_CODE", "WRONG_INVIGILATOR_PASSWORD")


@dataclass(frozen=True)
class JoiningLimits:
    per_account: tuple[Limit, ...] = (Limit(5, timedelta(minutes=10)), Limit(20, timedelta(hours=24)))

    @property
    def horizon(self) -> timedelta:
        return max(limit.window for limit in self.per_account)
