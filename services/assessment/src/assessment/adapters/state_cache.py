"""What an api process keeps of the tests it served, between requests (issue 18).

A learner's next question and answer used to load the whole assessment (its row, every answer and knowledge
element of the learner, as JSON) on every request; a certification test, its answers and alerts. A process
now keeps the last state it read or wrote of each, as an immutable snapshot, with the **stamp** of the rows
it was read from: each row's ``version`` and ``xmin`` (the id of the transaction that wrote it, PostgreSQL's
own). A request reads the stamp again, in its own transaction, with one small statement (the statement that
locks the test's row, for certification), and uses the snapshot only when the stamp is the same; otherwise it
loads in full, as before. So a write by any process (another replica, a consumer) is seen at once: it changes
a version and an ``xmin``. A write whose transaction rolls back left a snapshot stamped with that
transaction's ``xmin``, which no committed row carries: it is never used. Writes still go through the
optimistic ``WHERE version = :read`` (campaign) or the row lock (certification), as before.

Bounded: at most ``size`` snapshots per process, the least recently used dropped first
(``STATE_CACHE_SIZE``, 1,000 by default, for each of the two kinds of test; README says what an entry
weighs).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

S = TypeVar("S")

DEFAULT_SIZE = 1000


class StateCache(Generic[S]):
    """Snapshots by key, each with its stamp; thread-safe, least recently used dropped past ``size``."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: LRUCache[Hashable, tuple[Hashable, S]] = LRUCache(max(size, 1))
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, stamp: Hashable) -> S | None:
        """The snapshot kept under ``key`` if it was taken at ``stamp``; a snapshot of another stamp is dropped."""
        with self._lock:
            entry = self._entries.get(key)  # and made the most recently used
            if entry is not None and entry[0] == stamp:
                self.hits += 1
                return entry[1]
            if entry is not None:
                del self._entries[key]
            self.misses += 1
            return None

    def keep(self, key: Hashable, stamp: Hashable, snapshot: S) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = (stamp, snapshot)  # the least recently used dropped past size

    def drop(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)
