"""Back-off with jitter, for reconnect loops: back within a couple of seconds of the broker's return.

``reconnect_backoff()`` is what relays and consumers use when they lose the broker (and consumers
when they wait for their database): 0.25 s, 0.5 s, 1 s, then every 1.5 s, each delay drawn
±50% around its value, so 0.75 to 2.25 s apart once the cap is reached. However long the outage,
a process is connected again at most 2.25 s after the broker (or database) is back, 0.75 s on
average, instead of waiting as long again as a back-off capped at 30 s made it.

What that costs, and why it is safe for a national fleet. While the broker is away, each process
knocks about once every 1.5 s: 500 consumers and relays make about 330 connection attempts a
second, each one refused at once by the closed port (or the load balancer) for no work on the
broker's side. The risky moment is the return: every process connects, authenticates, opens
its channels and redeclares its topology (idempotent declarations, answered from the broker's
metadata) within the same couple of seconds. The jitter spreads those first attempts evenly
over the 1.5 s window instead of letting them arrive in the same instant, and each process makes
one connection (a consumer two channels), so a fleet of 500 is about 330 handshakes a second for
a broker that accepts thousands. Where a national broker restarts one node at a time, the
processes connected to that node reconnect to the other nodes (through the Service) on their
first attempt, 0.25 s later. A much bigger fleet would raise ``maximum``, not remove the jitter:
a cap of 1.5 s bounds how long a repaired broker waits for its clients, the jitter bounds how
hard they knock.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

RECONNECT_INITIAL = 0.25
RECONNECT_MAXIMUM = 1.5
RECONNECT_JITTER = 0.5


class Backoff:
    """Delays that double from ``initial`` up to ``maximum``, each drawn ±``jitter`` around its value. The
    defaults are the processes' own (``reconnect_backoff``)."""

    def __init__(self, initial: float = RECONNECT_INITIAL, maximum: float = RECONNECT_MAXIMUM, factor: float = 2.0,
                 jitter: float = RECONNECT_JITTER) -> None:
        self.initial, self.maximum, self.factor, self.jitter = initial, maximum, factor, jitter
        self._current = initial

    def next(self) -> float:
        delay = self._current
        self._current = min(self._current * self.factor, self.maximum)
        return delay * (1 + random.uniform(-self.jitter, self.jitter))

    def reset(self) -> None:
        self._current = self.initial


def reconnect_backoff(maximum: float = RECONNECT_MAXIMUM) -> Backoff:
    """The back-off of a process waiting for the broker or its database (see the module's docstring)."""
    return Backoff(initial=min(RECONNECT_INITIAL, maximum), maximum=maximum)


def sleep_unless(stopping: Callable[[], bool], seconds: float) -> None:
    """Sleep, waking every 0.1 s to give up as soon as ``stopping()`` says so (a SIGTERM meanwhile)."""
    deadline = time.monotonic() + seconds
    while not stopping() and time.monotonic() < deadline:
        time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
