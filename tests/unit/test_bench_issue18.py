"""bench/issue18.py: one table from benches run one after the other, surviving a failing one; the rows the
benches write for it (issue 18's protocol)."""

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "bench"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = sys.modules.setdefault(f"bench_{name}", importlib.util.module_from_spec(spec))
    if not hasattr(module, "ROOT"):
        spec.loader.exec_module(module)
    return module


issue18 = load("issue18")

ARGS = """import argparse, json, sys
from pathlib import Path
parser = argparse.ArgumentParser()
parser.add_argument("--json")
"""
SPEAKS = ARGS + """parser.add_argument("--runs", type=int)
args = parser.parse_args()
json.dump({"bench": "fake", "rows": [
    {"key": "logins_per_s", "unit": "log-ins/s", "goal": 60, "better": "higher", "before": 8.0, "now": 70.0},
    {"key": "something_else", "label": "an extra row", "unit": "x", "goal": None, "better": "lower", "now": 2.0}]},
    open(args.json, "w"))
"""
REPEATED = ARGS + """args = parser.parse_args()
runs = Path(args.json).parent / "runs.txt"  # its n-th start gives the n-th figure
n = len(runs.read_text()) if runs.exists() else 0
runs.write_text("x" * (n + 1))
json.dump({"rows": [{"key": "class_of_35_logins", "before": None, "now": [3.0, 9.0, 4.0][n]}]}, open(args.json, "w"))
"""
FAILS = ARGS + """args = parser.parse_args()
print("setting up")
print("RuntimeError: the broker went away")
sys.exit(1)
"""
BARE = "print('no protocol here')\n"


def options(**changes) -> argparse.Namespace:
    return argparse.Namespace(**{"quick": False, "runs": 3, "timeout": 60.0, "only": None, **changes})


def bench(tmp_path: Path, name: str, source: str, **kw):
    script = tmp_path / f"{name}.py"
    script.write_text(source)
    return issue18.Bench(name, str(script), **kw)


def test_a_bench_that_speaks_the_protocol_and_repeats_itself_is_run_once_with_runs_passed_on(tmp_path):
    outcome = issue18.measure(bench(tmp_path, "logins", SPEAKS), options(), tmp_path)
    assert outcome.status == "ok"
    assert len(outcome.commands) == 1 and outcome.commands[0][-4:-2] == ["--runs", "3"]
    assert {row["key"]: row["now"] for row in outcome.rows} == {"logins_per_s": 70.0, "something_else": 2.0}


def test_a_bench_without_runs_is_started_runs_times_and_its_figures_median(tmp_path):
    outcome = issue18.measure(bench(tmp_path, "class_logins", REPEATED), options(), tmp_path)
    assert outcome.status == "ok" and len(outcome.commands) == 3
    [row] = outcome.rows
    assert row["runs_now"] == [3.0, 9.0, 4.0] and row["now"] == 4.0


def test_runs_combined_keep_every_figure_and_the_notes_of_the_median_run():
    runs = [[{"key": "k", "before": 2.0, "now": 10.0, "notes": "slow"}],
            [{"key": "k", "before": None, "now": 30.0, "notes": "fast"}],
            [{"key": "k", "before": 4.0, "now": 20.0, "notes": "middle"}]]
    [row] = issue18.combine(runs)
    assert (row["before"], row["now"], row["runs_before"], row["runs_now"]) == (3.0, 20.0, [2.0, 4.0], [10.0, 30.0, 20.0])
    assert row["notes"] == "the median run's: middle"


def test_a_failing_bench_says_why_and_the_table_still_has_every_row(tmp_path):
    outcomes = {"logins": issue18.measure(bench(tmp_path, "logins", SPEAKS), options(), tmp_path),
                "consumer_batch": issue18.measure(bench(tmp_path, "consumer_batch", FAILS), options(runs=1), tmp_path),
                "orga_live": issue18.measure(issue18.Bench("orga_live", str(tmp_path / "absent.py")), options(),
                                             tmp_path)}
    lines = {line["key"]: line for line in issue18.table(outcomes)}
    assert lines["consumer_events_per_s"]["status"] == "failed: exit 1: RuntimeError: the broker went away"
    assert lines["orga_live_gateway_cpu"]["status"] == "not measured yet"
    assert lines["answers_per_s"]["status"] == "not run"
    assert lines["logins_per_s"]["now"] == 70.0 and lines["logins_per_s"]["status"] == "ok"
    assert lines["something_else"]["extra"] and lines["something_else"]["bench"] == "logins"
    assert [line["key"] for line in issue18.table(outcomes)][:len(issue18.ROWS)] == [r.key for r in issue18.ROWS]


def test_a_bench_writing_no_json_and_without_an_adapter_is_a_failure_not_a_crash(tmp_path):
    outcome = issue18.measure(bench(tmp_path, "share_visible", BARE), options(), tmp_path)
    assert outcome.status.startswith("failed: the bench writes no --json")


def test_a_bench_stands_aside_when_the_one_that_replaces_it_is_there(tmp_path):
    (tmp_path / "better.py").write_text(SPEAKS)
    outcome = issue18.measure(bench(tmp_path, "gateway", SPEAKS, unless=str(tmp_path / "better.py")), options(),
                              tmp_path)
    assert outcome.status == f"not run: {tmp_path / 'better.py'} measures its rows" and not outcome.commands


def test_another_bench_stands_in_for_a_row_only_when_the_row_s_own_bench_is_not_there():
    window, edge = issue18.BENCHES[0], next(b for b in issue18.BENCHES if b.name == "gateway_edge")
    one_worker = issue18.Outcome(issue18.BENCHES[1], rows=[{"key": "answers_per_s", "now": 49.0, "bench": "answers"}])
    run_py = issue18.Outcome(issue18.BENCHES[2], rows=[{"key": "gateway_ratio_p50", "now": 1.5, "bench": "gateway"}])
    failed = issue18.Outcome(window, status="failed: exit 1: out of memory")
    table = issue18.table({"certification_window": failed, "answers": one_worker,
                           "gateway_edge": issue18.Outcome(edge, "not measured yet"), "gateway": run_py})
    lines = {line["key"]: line for line in table if not line.get("extra")}
    assert [line["now"] for line in table if line.get("extra")] == [49.0]  # the one worker's, below, as itself
    assert lines["answers_per_s"]["status"] == "failed: exit 1: out of memory" and lines["answers_per_s"]["now"] is None
    assert lines["gateway_ratio_p50"]["now"] == 1.5 and lines["gateway_ratio_p50"]["stand_in"]


def test_a_row_comes_from_its_own_bench_before_another_writing_the_same_key():
    own = issue18.Outcome(issue18.BENCHES[0], rows=[{"key": "answers_per_s", "now": 120.0,
                                                     "bench": "certification_window"}])
    other = issue18.Outcome(issue18.BENCHES[1], rows=[{"key": "answers_per_s", "now": 49.0, "bench": "answers"}])
    lines = issue18.table({"answers": other, "certification_window": own})
    assert lines[0]["now"] == 120.0
    assert any(line.get("extra") and line["now"] == 49.0 for line in lines)


@pytest.mark.parametrize(("now", "goal", "better", "expected"), [
    (600, 500, "higher", "ok"), (400, 500, "higher", "MISSED"), (40, 50, "lower", "ok"), (51, 50, "lower", "MISSED"),
    (None, 50, "lower", ""), (3.0, None, "lower", "")])
def test_the_verdict_compares_with_the_goal_in_the_row_s_direction(now, goal, better, expected):
    assert issue18.verdict(now, goal, better) == expected


def test_only_picks_the_benches_of_the_rows_named_and_refuses_unknown_rows():
    assert [b.name for b in issue18.chosen(["export_100k_s", "statistics_ms", "logins"])] == ["reporting_export",
                                                                                             "logins"]
    with pytest.raises(SystemExit):
        issue18.parse_args(["--only", "answers_per_minute"])


def test_the_rows_written_follow_the_protocol(tmp_path):
    issue18.write_rows(tmp_path / "rows.json", "x.py", [{"key": "k", "now": 1}])
    written = json.loads((tmp_path / "rows.json").read_text())
    assert written["bench"] == "x.py" and written["rows"] == [{"key": "k", "now": 1}]
    assert written["machine"].split(" cores, load ")[0].isdigit() and written["date"]


def test_the_consumer_bench_gives_the_largest_campaign_as_the_row_and_smaller_ones_beside():
    consumer = load("consumer_batch")
    one = {"runs": [{"events_per_s": 500.0}], "events_per_s": 500.0}
    batched = {"runs": [{"events_per_s": 1200.0}], "events_per_s": 1200.0}
    rows = consumer.issue18_rows({"30": {"one": one, "batch": batched},
                                  "100000": {"one": one, "batch": {**batched, "events_per_s": 1100.0}}}, 100)
    assert [(r["key"], r["before"], r["now"]) for r in rows] == [("consumer_events_per_s", 500.0, 1100.0),
                                                                 ("consumer_events_per_s_30", 500.0, 1200.0)]


def test_the_logins_bench_gives_each_path_s_median_at_the_first_clients():
    logins = load("logins")

    def run(before, now):
        return {name: {"by_clients": {"16": {"logins_per_s": rate, "cpu_ms_per_login": {"identity api": 100.0}}}}
                for name, rate in (("before", before), ("now", now))}

    [row] = logins.issue18_rows([run(8.0, 30.0), run(9.0, 20.0), run(7.0, 40.0)], 16)
    assert (row["key"], row["before"], row["now"], row["runs_now"]) == ("logins_per_s", 8.0, 30.0, [30.0, 20.0, 40.0])
