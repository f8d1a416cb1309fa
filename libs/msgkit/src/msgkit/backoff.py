"""Capped exponential backoff with jitter, for reconnect loops.

Jitter spreads the reconnects of many replicas after a broker restart, so they do not
all knock at the same instant.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable


class Backoff:
    def __init__(self, initial: float = 0.5, maximum: float = 30.0, factor: float = 2.0, jitter: float = 0.2) -> None:
        self.initial, self.maximum, self.factor, self.jitter = initial, maximum, factor, jitter
        self._current = initial

    def next(self) -> float:
        delay = self._current
        self._current = min(self._current * self.factor, self.maximum)
        return delay * (1 + random.uniform(-self.jitter, self.jitter))

    def reset(self) -> None:
        self._current = self.initial


def sleep_unless(stopping: Callable[[], bool], seconds: float) -> None:
    """Sleep, waking every 0.1 s to give up as soon as ``stopping()`` says so (a SIGTERM meanwhile)."""
    deadline = time.monotonic() + seconds
    while not stopping() and time.monotonic() < deadline:
        time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
