"""A service's replicas, taken in turn: the local proof that a service is stateless.

A service URL setting may list several base URLs, comma separated
(``ASSESSMENT_URL=http://127.0.0.1:8104,http://127.0.0.1:8114``). Each request takes the next
one in turn (round robin per request and per gateway process); the others, in the same
order, are the fallbacks of a safe request whose replica cannot be reached.

In production a service URL names one Kubernetes Service, which spreads the connections
itself: one URL is the norm there, and this list is for ``make up`` and the e2e test that
runs one learner's test over two assessment apis.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence

# Methods that change nothing and carry no body: sending one again to another replica is harmless.
RETRYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def split_urls(value: str) -> tuple[str, ...]:
    """The base URLs a setting lists, comma separated, without trailing slashes or empty items."""
    return tuple(url.strip().rstrip("/") for url in value.split(",") if url.strip())


class RoundRobin:
    """One service's base URLs; ``order()`` gives them starting with this request's turn."""

    def __init__(self, urls: Sequence[str]) -> None:
        if not urls:
            raise ValueError("a service needs at least one base URL")
        self.urls = tuple(urls)
        self._turns = itertools.count()
        self._lock = threading.Lock()  # gthread workers: several requests take their turn at once

    def __len__(self) -> int:
        return len(self.urls)

    def order(self) -> tuple[str, ...]:
        """Every URL once: the first is this request's replica, the rest its fallbacks in turn."""
        if len(self.urls) == 1:
            return self.urls
        with self._lock:
            start = next(self._turns) % len(self.urls)
        return self.urls[start:] + self.urls[:start]
