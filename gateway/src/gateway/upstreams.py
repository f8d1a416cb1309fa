"""A service's replicas, taken in turn, and the attempts one request may make on them.

A service URL setting may list several base URLs, comma separated
(``ASSESSMENT_URL=http://127.0.0.1:8104,http://127.0.0.1:8114``). Each request takes the next
one in turn (round robin per request and per gateway process); the others, in the same
order, are where it goes when its replica cannot take it (gateway.proxy says when).

A replica that refused a connection a moment ago (it is restarting) is put last for a second,
so the requests in between go straight to the others. When every replica of a service has been
refusing for longer than the retry window, the service is down, not restarting: a request then
tries each once and gets its 503 at once, instead of holding a gateway thread for the window.

In production a service URL names one Kubernetes Service, which spreads the connections
itself: one URL is the norm there. With one URL, the attempts are that URL again, after a pause:
what covers the few seconds of a single process restarting in ``make up``.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

# Methods that change nothing: sending one again, to the same replica or another, is harmless.
# (The others are svckit.idempotency.MUTATIONS: sent again only with an Idempotency-Key, gateway.proxy.)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SHUNNED_SECONDS = 1.0  # a replica that refused a connection goes last for this long
FIRST_PAUSE, LONGEST_PAUSE = 0.05, 1.0  # between rounds of attempts, doubling


def split_urls(value: str) -> tuple[str, ...]:
    """The base URLs a setting lists, comma separated, without trailing slashes or empty items."""
    return tuple(url.strip().rstrip("/") for url in value.split(",") if url.strip())


class RoundRobin:
    """One service's base URLs; ``order()`` gives them starting with this request's turn."""

    def __init__(self, urls: Sequence[str], clock: Callable[[], float] = time.monotonic) -> None:
        if not urls:
            raise ValueError("a service needs at least one base URL")
        self.urls = tuple(urls)
        self._clock = clock
        self._turns = itertools.count()
        self._lock = threading.Lock()  # gthread workers: several requests take their turn at once
        self._refused_since: dict[str, float] = {}  # url -> first refusal of its current outage
        self._refused_last: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self.urls)

    def order(self) -> tuple[str, ...]:
        """Every URL once: the first is this request's replica, the rest its fallbacks in turn."""
        if len(self.urls) == 1:
            return self.urls
        with self._lock:
            start = next(self._turns) % len(self.urls)
            now = self._clock()
            shunned = {url for url, at in self._refused_last.items() if now - at < SHUNNED_SECONDS}
        turn = self.urls[start:] + self.urls[:start]
        return tuple(url for url in turn if url not in shunned) + tuple(url for url in turn if url in shunned)

    def refused(self, url: str) -> None:
        """The replica could not be reached (connection refused, connect timeout)."""
        with self._lock:
            now = self._clock()
            self._refused_since.setdefault(url, now)
            self._refused_last[url] = now

    def reached(self, url: str) -> None:
        with self._lock:
            self._refused_since.pop(url, None)
            self._refused_last.pop(url, None)

    def down_for(self) -> float:
        """Seconds every replica has been refusing without a break; 0 while one answers."""
        with self._lock:
            if len(self._refused_since) < len(self.urls):
                return 0.0
            return self._clock() - max(self._refused_since.values())


class Attempts:
    """The replicas one request tries, in order: its turn's round, then new rounds after a pause.

    The window opens at the first failure: ``window`` seconds to find a replica that takes the
    request. A service already down for longer than the window gets one round only.
    """

    def __init__(self, replicas: RoundRobin, window: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.replicas, self.window = replicas, window
        self._clock, self._sleep = clock, sleep
        self._queue = deque(replicas.order())
        self._deadline: float | None = None  # set at the first failure
        self._pause = FIRST_PAUSE
        self.count = 0

    def next(self) -> str | None:
        """The next replica to try, or None when the window is over."""
        if self.count == 0:
            self.count = 1
            return self._queue.popleft()
        self._open_window(down_counts=True)
        if not self._queue:
            if not self.wait():
                return None
            self._queue.extend(self.replicas.order())
        self.count += 1
        return self._queue.popleft()

    def wait(self) -> bool:
        """Pause before trying again (the same replica, or a new round); False when the window is over."""
        self._open_window(down_counts=False)
        now = self._clock()
        if now >= self._deadline:
            return False
        self._sleep(min(self._pause, self._deadline - now))
        self._pause = min(self._pause * 2, LONGEST_PAUSE)
        return True

    def _open_window(self, *, down_counts: bool) -> None:
        if self._deadline is None:  # the first failure
            down = down_counts and self.replicas.down_for() > self.window
            self._deadline = self._clock() + (0.0 if down else self.window)
