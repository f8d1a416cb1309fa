"""The content release each process keeps in memory.

A release is read from the database once, indexed, and kept. Every ``refresh_seconds`` at
most, one cheap query asks whether a newer version exists; only then is the new document
read. Requests never wait on each other except while a new release is being indexed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, select

from assessment.adapters import orm
from assessment.domain.content import LearningContent
from assessment.domain.exceptions import ContentNotReleased


class ContentStore:
    def __init__(self, engine: Engine, refresh_seconds: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.engine, self.refresh_seconds, self.clock = engine, refresh_seconds, clock
        self._content: LearningContent | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def current(self) -> LearningContent:
        if self.clock() - self._checked_at >= self.refresh_seconds or self._content is None:
            with self._lock:
                if self.clock() - self._checked_at >= self.refresh_seconds or self._content is None:
                    self._refresh()
        if self._content is None:
            raise ContentNotReleased("no learning content is released yet: run `assessment content release`")
        return self._content

    def _refresh(self) -> None:
        with self.engine.connect() as connection:
            latest = connection.execute(select(orm.content_releases.c.version)
                                        .order_by(orm.content_releases.c.version.desc()).limit(1)).scalar()
            if latest is not None and (self._content is None or self._content.version != latest):
                document = connection.execute(select(orm.content_releases.c.document)
                                              .where(orm.content_releases.c.version == latest)).scalar_one()
                self._content = LearningContent(latest, document)
        self._checked_at = self.clock()
