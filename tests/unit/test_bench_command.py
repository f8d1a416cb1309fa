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
