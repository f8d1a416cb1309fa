"""How often an account, and a school, may fail to find a learner in the school's list.

Reconciling needs only a pupil's names and birth date, and its refusals say whether such a
pupil exists and has an account. So failed attempts are counted, in organizations' database
(every api replica sees the same counts), and past a limit the next attempt is refused with
429 and the time to wait, before any name is compared:

- **per account**, whatever the organization: 5 failures in 10 minutes, 20 in 24 hours. A pupil
  who mistypes a birth date or a name gets it right in one or two more tries; five failures
  in a row mean the list or the pupil needs a teacher, and the refusal says so. One account
  trying names is stopped after 5 tries, and after 20 for the day: finding a pupil's birth
  date among the 365 of a school year would take weeks.
- **per organization**, whatever the account: 500 failures in 10 minutes. Reconciliation
  happens once per pupil, at their first campaign in the school. A class of 35 at the start of
  a lesson makes a few dozen failures at most; even the whole of a 1,000-pupil school joining
  in the same 10 minutes, one pupil in four failing once, uses half the limit. It stops
  what the per-account limit cannot: many accounts trying names against one school.

Only failures count (no learner matches, several do, the learner has another account, the
account has another learner): a pupil who finds themself was not guessing. A refusal is not
counted again, so waiting is enough to be let in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from svckit.throttling import Limit


@dataclass(frozen=True)
class ReconciliationLimits:
    per_account: tuple[Limit, ...] = (Limit(5, timedelta(minutes=10)), Limit(20, timedelta(hours=24)))
    per_organization: tuple[Limit, ...] = (Limit(500, timedelta(minutes=10)),)

    @property
    def horizon(self) -> timedelta:
        """How long a failure may still count: older ones can be forgotten."""
        return max(limit.window for limit in (*self.per_account, *self.per_organization))
