"""tests/e2e/journeys.py's shipped content: read once per process, however many threads ask at once.

bench/faults.py's learners are threads of the process that also relays the broker's traffic (its TCP proxy):
when each of them parsed the content pack on its first answer, at the same moment, they held the process's
interpreter for tens of seconds, and the broker's clients reconnected 30 s after a cut instead of 2."""

import importlib.util
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

spec = importlib.util.spec_from_file_location("journeys_under_test", Path(__file__).parents[1] / "e2e" / "journeys.py")
journeys = sys.modules.setdefault("journeys_under_test", importlib.util.module_from_spec(spec))
if not hasattr(journeys, "shipped_content"):
    spec.loader.exec_module(journeys)


def test_threads_asking_for_the_content_at_once_read_the_pack_once(monkeypatch):
    reads = []

    def slow_read():
        reads.append(threading.get_ident())
        time.sleep(0.2)
        return SimpleNamespace(document={"read": len(reads)})

    monkeypatch.setattr(journeys, "read_pack", slow_read)
    monkeypatch.setattr(journeys, "LearningContent", lambda version, document: (version, document))
    journeys._shipped_content.cache_clear()
    try:
        got = []
        threads = [threading.Thread(target=lambda: got.append(journeys.shipped_content())) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(reads) == 1
        assert got == [(1, {"read": 1})] * 8
    finally:
        journeys._shipped_content.cache_clear()
