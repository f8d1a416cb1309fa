"""bench/certification_window.py's bookkeeping: percentiles, think times, CPU per process group from /proc."""

import importlib.util
import random
import sys
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("bench_certification_window",
                                              Path(__file__).parents[2] / "bench" / "certification_window.py")
window = sys.modules.setdefault("bench_certification_window", importlib.util.module_from_spec(spec))
if not hasattr(window, "percentile"):
    spec.loader.exec_module(window)


def test_a_percentile_interpolates_between_the_two_closest_ranks():
    samples = [40.0, 10.0, 30.0, 20.0]  # in any order
    assert window.percentile(samples, 0) == 10.0
    assert window.percentile(samples, 50) == 25.0
    assert window.percentile(samples, 100) == 40.0
    assert window.percentile(list(range(1, 101)), 99) == pytest.approx(99.01)
    assert window.percentile([7.0], 99) == 7.0


def test_a_percentile_of_nothing_or_out_of_range_is_refused():
    with pytest.raises(ValueError):
        window.percentile([], 50)
    with pytest.raises(ValueError):
        window.percentile([1.0], 101)


def test_a_latency_summary_gives_p50_p99_and_the_worst():
    assert window.latency_summary([5.0] * 98 + [100.0, 200.0]) == {"count": 100, "p50_ms": 5.0, "p99_ms": 101.0,
                                                                   "max_ms": 200.0}
    assert window.latency_summary([])["p99_ms"] is None


def test_think_times_are_uniform_between_the_bounds_then_scaled():
    rng = random.Random(3)
    drawn = [window.think_time(rng, 20, 60, 0.05) for _ in range(2000)]
    assert min(drawn) >= 1.0 and max(drawn) <= 3.0
    assert sum(drawn) / len(drawn) == pytest.approx(2.0, abs=0.05)  # a mean of 40 s, scaled


def test_a_proc_stat_line_gives_the_name_the_parent_and_the_cpu_with_reaped_children():
    # a name with spaces and parentheses, as /proc writes it; utime 300 stime 100 cutime 50 cstime 50 ticks
    line = "4242 (gunicorn: (worker) x) S 4200 4242 4242 0 -1 4194560 100 0 0 0 300 100 50 50 20 0 1 0 1 1 1"
    name, parent, cpu = window.parse_stat(line)
    assert (name, parent) == ("gunicorn: (worker) x", 4200)
    assert cpu == pytest.approx(500 / window.CLOCK_TICKS)


STATS = {  # pid: (name, parent, CPU seconds)
    1: ("supervisord", 0, 1.0),
    10: ("gateway", 1, 2.0), 11: ("gunicorn", 10, 5.0), 12: ("gunicorn", 10, 6.0),
    20: ("assessment", 1, 1.0), 21: ("assessment", 20, 30.0),
    30: ("reporting", 1, 4.0),
    40: ("postgres", 1, 0.5), 41: ("postgres", 40, 9.0),
    50: ("beam.smp", 1, 3.0),
}


def test_a_group_counts_the_trees_of_its_programs_and_processes_by_name_once():
    spent = window.group_cpu(STATS, {"gateway": {10}, "assessment api": {20}, "consumers": {30}, "absent": {99}},
                             {"PostgreSQL": ("postgres",), "RabbitMQ": ("beam.smp",)})
    assert spent == {"gateway": 13.0, "assessment api": 31.0, "consumers": 4.0, "absent": 0.0,
                     "PostgreSQL": 9.5, "RabbitMQ": 3.0}
    # a process claimed by an earlier group is not counted again by a later one
    assert window.group_cpu(STATS, {"a": {20}, "b": {21}}) == {"a": 31.0, "b": 0.0}


def test_cpu_spent_is_the_difference_of_two_readings_and_per_answer_in_milliseconds():
    spent = window.cpu_spent({"gateway": 10.0, "assessment api": 5.0}, {"gateway": 12.5, "assessment api": 9.0,
                                                                        "relays": 0.2})
    assert spent == {"gateway": 2.5, "assessment api": 4.0, "relays": 0.2}
    assert window.per_answer_ms(spent, 1000) == {"gateway": 2.5, "assessment api": 4.0, "relays": 0.2}
    assert window.per_answer_ms({"x": 1.0}, 0) == {"x": 1000.0}  # no division by zero


def test_backends_count_from_the_first_sample_or_from_zero_when_born_during_the_window():
    ledger = window.BackendLedger()
    ledger.observe({100: 2.0, 101: 1.0, 102: 5.0})  # the reading before the window
    ledger.observe({100: 3.0, 101: 1.0, 102: 5.5, 103: 0.25})  # 103 was born since
    ledger.observe({100: 3.5, 103: 0.75})  # 101 and 102 ended: counted up to their last sample
    assert ledger.total() == pytest.approx(1.5 + 0 + 0.5 + 0.75)
    assert ledger.samples == 3


@pytest.mark.parametrize(("program", "group"), [
    ("gateway", "gateway"), ("assessment-api", "assessment api"), ("assessment-api-3", "assessment api"),
    ("certification-api-2", "certification api"), ("identity-api", "other apis"),
    ("reporting-consumer", "consumers"), ("certification-relay", "relays"), ("idempotency-prune", "other")])
def test_each_supervisord_program_belongs_to_its_group(program, group):
    assert window.program_group(program) == group


def test_a_figure_meets_its_goal_or_is_missed():
    assert window.verdict(520, 500, higher_is_better=True) == "ok"
    assert window.verdict(80, 500, higher_is_better=True) == "MISSED"
    assert window.verdict(50, 50, higher_is_better=False) == "ok"
    assert window.verdict(None, 50, higher_is_better=False) == "—"


def test_candidates_names_are_letters_only_and_distinct():
    names = {window.letters(n) for n in range(5000)}
    assert len(names) == 5000 and all(name.isalpha() for name in names)


def test_the_candidates_file_is_a_french_spreadsheet_certification_reads():
    from certification.adapters.candidate_files import read_candidates

    people = [window.Candidate(n, "Lou", f"Martin{window.letters(n)}", "2007-01-02", {}) for n in range(1, 3)]
    lines = read_candidates(window.candidates_file(people))
    assert [(number, fields["last_name"], str(fields["birthdate"])) for number, fields in lines] == [
        (2, "Martinbab", "2007-01-02"), (3, "Martinbac", "2007-01-02")]


def test_the_steady_rate_leaves_out_the_start_and_the_tail():
    moments = [0.0, 0.1] + [1.0 + n * 0.1 for n in range(101)] + [30.0, 40.0]  # 10 per second in the middle
    assert 9.0 <= window.steady_rate(moments) <= 11.0
    assert window.steady_rate([1.0]) is None
    assert window.steady_rate([2.0, 2.0, 2.0]) is None  # no time between them


def test_the_calendars_peak_comes_from_pupils_days_crowding_and_pace():
    calendar = window.Calendar("test", pupils=600_000, school_days=50, peak_day=3, slots=3, busiest_slot=1.5,
                               think_s=40, room=25)
    # 12,000 a day; 36,000 on the busiest; 12,000 a slot, 18,000 in the busiest: one answer each 40 s
    assert window.calendar_peak(calendar) == {"pupils_per_school_day": 12_000, "concurrent_candidates": 18_000,
                                              "answers_per_s": 450.0, "invigilator_polls_per_s": 144.0}


def test_the_sizing_multiplies_the_cpu_per_answer_and_rounds_pods_up():
    sizing = window.window_sizing({"assessment api": 20.0, "gateway": 6.5, "certification api": 1.0,
                                   "PostgreSQL (the bench's databases)": 4.0, "load generator": 9.0}, 500)
    assert sizing["cores"] == {"assessment api": 10.0, "gateway": 3.25, "certification api": 0.5,
                               "PostgreSQL (the bench's databases)": 2.0}  # the load generator is no pod
    assert sizing["pods"] == {"assessment api": 31, "gateway": 10, "certification api": 4}  # 0.325 and 0.1625 a pod


def test_several_runs_plan_from_the_median_of_each_group():
    runs = [{"window": {"cpu_ms_per_answer": {"gateway": v, "relays": 1.0}}} for v in (3.0, 9.0, 5.0)]
    assert window.median_figures(runs) == {"gateway": 5.0, "relays": 1.0}
