"""bench/faults.py's bookkeeping: each request is counted in the fault under way when its answer came."""

import importlib.util
import sys
from pathlib import Path

spec = importlib.util.spec_from_file_location("bench_faults", Path(__file__).parents[2] / "bench" / "faults.py")
faults = sys.modules.setdefault("bench_faults", importlib.util.module_from_spec(spec))
if not hasattr(faults, "Journal"):
    spec.loader.exec_module(faults)


def journal_with_phases() -> "faults.Journal":
    journal = faults.Journal()
    journal.phases = [(0.0, "before"), (10.0, "broker cut"), (30.0, "database cut"), (50.0, "after")]
    return journal


def test_a_request_belongs_to_the_fault_under_way_when_its_answer_came():
    journal = journal_with_phases()
    assert [journal.phase_of(moment) for moment in (5, 10, 29.9, 30, 49, 51)] == [
        "before", "broker cut", "broker cut", "database cut", "database cut", "after"]


def test_failures_are_counted_per_fault_with_what_the_learners_got():
    journal = journal_with_phases()
    for outcome in [faults.Outcome(12, "POST answers", 0, "ConnectionError", False),
                    faults.Outcome(13, "POST answers", 201, None, True),
                    faults.Outcome(31, "POST answers", 503, "SERVICE_UNAVAILABLE", False),
                    faults.Outcome(32, "GET next-challenge", 503, "SERVICE_UNAVAILABLE", False),
                    faults.Outcome(33, "POST answers", 503, "SERVICE_UNAVAILABLE", False),
                    faults.Outcome(34, "POST share", 422, "NOTHING_TO_SHARE_YET", True)]:  # a "not yet", not a failure
        journal.add(outcome)
    table = faults.failures_by_phase(journal)
    assert table["broker cut"] == {"requests": 2, "failed": 1, "answers_posted": 2, "answers_failed": 1,
                                   "got": {"POST answers ConnectionError": 1}}
    assert table["database cut"]["failed"] == 3 and table["database cut"]["answers_failed"] == 2
    assert table["database cut"]["got"] == {"POST answers 503 SERVICE_UNAVAILABLE": 2,
                                            "GET next-challenge 503 SERVICE_UNAVAILABLE": 1}
    assert "before" not in table


class _Answer:
    def __init__(self, status: int, code: str | None = None) -> None:
        self.status_code, self.code = status, code

    def json(self):
        return {"error": {"code": self.code, "message": "", "details": {}}}


def test_a_not_yet_is_asked_again_with_a_new_key_and_a_failure_with_the_same(monkeypatch):
    """A "not yet" (422 NOTHING_TO_SHARE_YET) is an answer the service stores for its key: asked again with the
    same key, it would be replayed for 24 hours (learners waited at the share step until they gave up). The
    face sends each new click with a new key; a failed request (a 503) is the one sent again with its key."""
    answers = iter([_Answer(422, "NOTHING_TO_SHARE_YET"), _Answer(422, "NOTHING_TO_SHARE_YET"),
                    _Answer(503, "SERVICE_UNAVAILABLE"), _Answer(200)])
    keys = []

    def request(method, url, headers, timeout, **kwargs):
        keys.append(headers["Idempotency-Key"])
        return next(answers)

    monkeypatch.setattr(faults.requests, "request", request)
    monkeypatch.setattr(faults.time, "sleep", lambda _seconds: None)
    got = faults.call(faults.Journal(), "POST share", "POST", "http://gateway/share", {200},
                      waits=frozenset({"NOTHING_TO_SHARE_YET"}))
    assert got.status_code == 200
    assert len(set(keys[:3])) == 3 and keys[3] == keys[2]
