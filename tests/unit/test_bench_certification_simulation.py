"""bench/certification_simulation.py's bookkeeping: the simulated answers, the percentiles, the tallies, the goals."""

import importlib.util
import random
import sys
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("bench_certification_simulation",
                                              Path(__file__).parents[2] / "bench" / "certification_simulation.py")
bench = sys.modules.setdefault("bench_certification_simulation", importlib.util.module_from_spec(spec))
if not hasattr(bench, "simulate"):
    spec.loader.exec_module(bench)


def share(answer, draws: int = 40_000) -> float:
    rng = random.Random(3)
    return sum(answer(rng) for _ in range(draws)) / draws


def test_without_noise_an_answer_is_right_exactly_when_known():
    assert share(lambda rng: bench.respond(rng, 0.3, choice=True, noisy=False)) == pytest.approx(0.3, abs=0.01)
    assert share(lambda rng: bench.respond(rng, 1.0, choice=True, noisy=False)) == 1.0


def test_with_noise_a_known_answer_slips_one_time_in_ten():
    assert share(lambda rng: bench.respond(rng, 1.0, choice=False, noisy=True)) == pytest.approx(0.9, abs=0.01)


def test_with_noise_an_unknown_choice_question_is_guessed_right_15_percent_of_the_time_a_free_answer_never():
    assert share(lambda rng: bench.respond(rng, 0.0, choice=True, noisy=True)) == pytest.approx(0.15, abs=0.01)
    assert share(lambda rng: bench.respond(rng, 0.0, choice=False, noisy=True)) == 0.0


@pytest.mark.parametrize(("q", "expected"), [(50, 5), (95, 10), (100, 10), (10, 1), (0, 1)])
def test_the_percentile_is_the_nearest_rank(q, expected):
    assert bench.percentile([7, 3, 1, 9, 10, 2, 4, 8, 6, 5], q) == expected


def test_the_sweep_covers_its_range_evenly_and_the_normal_population_has_the_models_spread():
    sweep = bench.capacities("sweep", 5, random.Random(1))
    assert sweep == [-3.0, -1.0, 1.0, 3.0, 5.0]
    normal = bench.capacities("normal", 20_000, random.Random(1))
    assert sum(normal) / len(normal) == pytest.approx(0.0, abs=0.03)
    assert sum(x * x for x in normal) / len(normal) == pytest.approx(1.5, abs=0.05)


def test_a_tally_adds_errors_levels_competences_and_times():
    tally = bench.Tally(errors=[])
    tally.add(300, 320, 3, 3, {"1.1": 3, "1.2": 3}, {"1.1": 3, "1.2": 4}, [1.0, 3.0])
    tally.add(500, 400, 4, 3, {"1.1": 5, "1.2": 5}, {"1.1": 4, "1.2": 4}, [2.0])
    assert tally.summary() == {"candidates": 2, "mean_abs_error": 60.0, "p95_abs_error": 100, "bias": -40.0,
                               "level_agreement": 0.5, "competence_level_agreement": 0.25, "choice_ms_mean": 2.0,
                               "choice_ms_p95": 3.0}


def test_the_report_puts_each_goal_beside_its_figure():
    summary = {"candidates": 2, "mean_abs_error": 30.0, "p95_abs_error": 140, "bias": 1.0, "level_agreement": 0.8,
               "competence_level_agreement": 0.7, "choice_ms_mean": 1.0, "choice_ms_p95": 2.0}
    results = {"items": 10, "choice_items": 5, "scale": "v1", "candidates_per_population": 2, "seed": 1,
               "populations": {"normal": {c.name: summary for c in bench.CONDITIONS}}}
    lines = "\n".join(bench.report(results))
    assert "mean |score error|: 30.0 (goal <= 64 points (half a level)) ok" in lines
    assert "p95 |score error|: 140 (goal <= 128 points (one level)) MISSED" in lines
    assert "choice time p95: 2.0 (goal <= 10.0 ms per question) ok" in lines


def test_a_small_simulation_runs_every_condition_on_the_shipped_pack():
    results = bench.simulate(candidates=3, seed=5)
    assert results["items"] > 250 and set(results["populations"]) == {"normal", "sweep"}
    for conditions in results["populations"].values():
        assert list(conditions) == [c.name for c in bench.CONDITIONS]
        assert all(s["candidates"] == 3 for s in conditions.values())


def test_a_seed_gives_the_same_figures_again_but_for_the_times():
    def figures(results):
        return {(population, name): {k: v for k, v in s.items() if not k.startswith("choice_ms")}
                for population, conditions in results["populations"].items() for name, s in conditions.items()}

    assert figures(bench.simulate(candidates=3, seed=5)) == figures(bench.simulate(candidates=3, seed=5))


def test_the_command_line_defaults_and_refusals():
    args = bench.parse_args([])
    assert (args.candidates, args.seed) == (500, 17)
    with pytest.raises(SystemExit):
        bench.parse_args(["--candidates", "1"])
