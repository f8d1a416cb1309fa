"""bench/faults.py's bookkeeping: each request is counted in the fault under way when it was sent."""

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


def test_a_request_belongs_to_the_fault_under_way_when_it_was_sent():
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
