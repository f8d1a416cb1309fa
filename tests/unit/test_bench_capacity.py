"""bench/capacity.py's arithmetic: the plan is made from the median of several runs' figures."""

import importlib.util
import sys
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("bench_capacity", Path(__file__).parents[2] / "bench" / "capacity.py")
capacity = sys.modules.setdefault("bench_capacity", importlib.util.module_from_spec(spec))
if not hasattr(capacity, "plan"):
    spec.loader.exec_module(capacity)


def test_the_median_is_taken_figure_by_figure_over_the_runs_that_have_it():
    runs = [
        {"api": [{"per_s": 10, "concurrency": 1}], "machine": {"cores": 2}},
        {"api": [{"per_s": 30, "concurrency": 1}], "machine": {"cores": 2}, "poll": {"ms": 5}},
        {"api": [{"per_s": 20, "concurrency": 1}], "machine": {"cores": 2}, "poll": {"ms": 7}},
    ]
    assert capacity.median_figures(runs) == {"api": [{"per_s": 20, "concurrency": 1}], "machine": {"cores": 2},
                                             "poll": {"ms": 6}}


@pytest.mark.parametrize(("quantity", "cores"), [("500m", 0.5), ("2", 2.0), (4, 4.0), ("250m", 0.25)])
def test_kubernetes_cpu_quantities_are_read_as_cores(quantity, cores):
    assert capacity.cores(quantity) == cores


def test_the_command_line_defaults_are_the_assumption_of_the_plan():
    args = capacity.parse_args([])
    assert {name: getattr(args, name) for name in capacity.Assumption().__dict__} == capacity.Assumption().__dict__
    assert capacity.parse_args(["--learners", "1200000"]).learners == 1_200_000
