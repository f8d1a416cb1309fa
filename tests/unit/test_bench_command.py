"""`make bench` runs bench/run.py without arguments: its command line must stay valid."""

import importlib.util
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("bench_run", Path(__file__).parents[2] / "bench" / "run.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_no_argument_means_everything():
    assert bench.parse_args([]).what == {"all"}


def test_parts_can_be_chosen_and_unknown_parts_are_refused():
    assert bench.parse_args(["relay", "gateway", "--events", "100"]).what == {"relay", "gateway"}
    with pytest.raises(SystemExit):
        bench.parse_args(["everything"])


adaptive_spec = importlib.util.spec_from_file_location("bench_adaptive_test",
                                                       Path(__file__).parents[2] / "bench" / "adaptive_test.py")
adaptive = importlib.util.module_from_spec(adaptive_spec)
adaptive_spec.loader.exec_module(adaptive)


def test_the_adaptive_test_bench_runs_everything_by_default_and_refuses_unknown_parts():
    assert adaptive.parse_args([]).what == {"all"}
    assert adaptive.parse_args(["simulation", "--learners", "10"]).learners == 10
    with pytest.raises(SystemExit):
        adaptive.parse_args(["everything"])


lists_spec = importlib.util.spec_from_file_location("bench_campaign_lists",
                                                    Path(__file__).parents[2] / "bench" / "campaign_lists.py")
lists = importlib.util.module_from_spec(lists_spec)
lists_spec.loader.exec_module(lists)


def test_the_campaign_bench_has_sizes_by_default_and_takes_others():
    assert (lists.parse_args([]).campaigns, lists.parse_args([]).participants) == (400, 250)
    assert lists.parse_args(["--campaigns", "10"]).campaigns == 10
