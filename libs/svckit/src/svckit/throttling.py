"""A limit on failed attempts in a sliding window: "5 failures in 10 minutes".

Pure standard library, so that a service's domain may state its limits with it (see
``svckit.names``). The failures themselves are counted where the service keeps them (its
database, so that every api replica sees the same counts); this only says how long to wait.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limit:
    failures: int
    window: timedelta

    def retry_after(self, nth_latest_failure: datetime | None, now: datetime) -> int | None:
        """Seconds until an attempt is allowed again, given the ``failures``-th most recent failure within the
        window (None when there are fewer): once that one leaves the window, fewer than ``failures`` remain."""
        if nth_latest_failure is None:
            return None
        return max(math.ceil((nth_latest_failure + self.window - now).total_seconds()), 1)
