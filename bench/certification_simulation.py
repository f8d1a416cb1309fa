"""Figures of the certification test's psychometrics (libs/irt), on the content pack shipped with assessment.

    python bench/certification_simulation.py                        # about a minute and a half
    python bench/certification_simulation.py --candidates 400 --seed 7

Simulated candidates of known capacity take the adaptive test: the items are the pack's
challenges with their skill's tube and competence and the parameters derived from the
skill's level (``assessment.domain.item_bank``), the rules are the test's (``irt.TestRules``).
A candidate "knows" an item with the model's probability at their true capacity; then,
in the noisy runs, 10 % of known answers are slipped (answered wrong) and 15 % of unknown
answers to choice questions are guessed right (all of the pack's choice questions; free
answers are not guessed). Two populations:
``normal``, capacities drawn from N(0, 1.5) (the model's own prior, a realistic spread),
and ``sweep``, capacities uniform from −3 to 5 (every level, the ends included).

Each population takes the 32-question test and a 20-question one, without and with noise.
Reported against the true capacity's score and levels (``irt.load_scale("v1")``): the score
error (mean absolute, 95th percentile, and the mean signed error, i.e. the bias), the rate of
candidates given their true global level, and of competence levels right; and the time to
choose a question (the estimate and the rules, per item, ms). The simulation is the model
answering itself (the same derived parameters generate and score): it measures the test's
length and rules, not whether the derived parameters are right, which only answers can say.

Figures go to stdout and to bench/results/certification-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLIP, GUESS = 0.10, 0.15
SWEEP = (-3.0, 5.0)
POPULATION_VARIANCE = 1.5

# Goals, with their reason. A global level is 128 points wide (64 for the two lowest): the full test
# should put the average candidate within half a level of their true score, and 95 % of candidates
# within one level. Choosing a question is done while the candidate waits for it: 10 ms keeps it
# small beside the answer's round trip (the campaign test's whole request is 18 ms p50 in-process).
GOALS = {"mean_abs_error_32": 64, "p95_abs_error_32": 128, "choice_ms_p95": 10.0}


@dataclass(frozen=True)
class Condition:
    length: int
    noisy: bool

    @property
    def name(self) -> str:
        return f"{self.length} questions, {'slips and guesses' if self.noisy else 'no noise'}"


CONDITIONS = (Condition(32, False), Condition(32, True), Condition(20, False), Condition(20, True))


def respond(rng: random.Random, p_know: float, *, choice: bool, noisy: bool) -> bool:
    """A simulated answer: known with the model's probability, then slipped or guessed when noisy."""
    knows = rng.random() < p_know
    if not noisy:
        return knows
    if knows:
        return rng.random() >= SLIP
    return choice and rng.random() < GUESS


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def capacities(population: str, count: int, rng: random.Random) -> list[float]:
    if population == "normal":
        return [rng.gauss(0.0, math.sqrt(POPULATION_VARIANCE)) for _ in range(count)]
    low, high = SWEEP
    return [low + (high - low) * k / (count - 1) for k in range(count)] if count > 1 else [low]


@dataclass
class Tally:
    """What the runs of one condition add up to."""

    errors: list[float]
    agreed_levels: int = 0
    agreed_competences: int = 0
    competences_seen: int = 0
    choice_ms: list[float] | None = None

    def add(self, true_score: int, score: int, true_level: int, level: int, true_competences: dict[str, int],
            competences: dict[str, int], choice_ms: list[float]) -> None:
        self.errors.append(score - true_score)
        self.agreed_levels += true_level == level
        self.agreed_competences += sum(competences[c] == true_competences[c] for c in true_competences)
        self.competences_seen += len(true_competences)
        self.choice_ms = (self.choice_ms or []) + choice_ms

    def summary(self) -> dict:
        absolute = [abs(e) for e in self.errors]
        ms = self.choice_ms or [0.0]
        return {
            "candidates": len(self.errors),
            "mean_abs_error": round(statistics.mean(absolute), 1),
            "p95_abs_error": round(percentile(absolute, 95), 1),
            "bias": round(statistics.mean(self.errors), 1),
            "level_agreement": round(self.agreed_levels / len(self.errors), 3),
            "competence_level_agreement": round(self.agreed_competences / max(self.competences_seen, 1), 3),
            "choice_ms_mean": round(statistics.mean(ms), 2),
            "choice_ms_p95": round(percentile(ms, 95), 2),
        }


def load_bank():
    from assessment.adapters.content_pack import read_pack
    from assessment.domain.content import MULTIPLE_CHOICE, SINGLE_CHOICE, LearningContent
    from assessment.domain.item_bank import item_bank

    content = LearningContent(1, read_pack().document)
    items = item_bank(content)
    choice = {c.id for c in content.challenges.values() if c.kind in (SINGLE_CHOICE, MULTIPLE_CHOICE)}
    return items, choice, sorted(content.competences)


def take_test(items, choice: set[str], truth: float, rules, rng: random.Random, noisy: bool):
    """One candidate's test: the responses in order, and the time each choice took (ms)."""
    from irt import Response, next_item

    responses, times = [], []
    while not rules.is_complete(len(responses)):
        started = time.perf_counter()
        item = next_item(items, responses, rules, rng)
        times.append((time.perf_counter() - started) * 1000)
        responses.append(Response(item, respond(rng, item.probability(truth), choice=item.id in choice,
                                                noisy=noisy)))
    return responses, times


def simulate(candidates: int, seed: int) -> dict:
    from irt import TestRules, load_scale

    items, choice, competences = load_bank()
    scale = load_scale("v1")
    results: dict = {"items": len(items), "choice_items": len(choice), "scale": scale.version, "seed": seed,
                     "candidates_per_population": candidates, "populations": {}}
    for population in ("normal", "sweep"):
        truths = capacities(population, candidates, random.Random(f"{seed}-{population}-capacities"))
        results["populations"][population] = {}
        for condition in CONDITIONS:
            rules = TestRules(length=condition.length)
            rng = random.Random(f"{seed}-{population}-{condition.name}")
            tally = Tally(errors=[])
            for truth in truths:
                responses, times = take_test(items, choice, truth, rules, rng, condition.noisy)
                estimate = rules.estimate(responses).capacity
                tally.add(scale.score(truth), scale.score(estimate), scale.mesh_level(truth).mesh_level,
                          scale.mesh_level(estimate).mesh_level, scale.competence_levels(truth, competences),
                          scale.competence_levels(estimate, competences), times)
            results["populations"][population][condition.name] = tally.summary()
    return results


def report(results: dict) -> list[str]:
    """The figures as printed lines, each goal beside the figure it judges."""
    lines = [f"certification simulation: {results['items']} items ({results['choice_items']} choice questions), "
             f"scale {results['scale']}, {results['candidates_per_population']} candidates per population, "
             f"seed {results['seed']}"]
    header = f"{'population':<8} {'test':<36} {'|err| mean':>10} {'p95':>6} {'bias':>6} {'level':>6} " \
             f"{'compet.':>7} {'ms/item':>8} {'p95':>6}"
    lines.append(header)
    for population, conditions in results["populations"].items():
        for name, s in conditions.items():
            lines.append(f"{population:<8} {name:<36} {s['mean_abs_error']:>10} {s['p95_abs_error']:>6} "
                         f"{s['bias']:>6} {s['level_agreement']:>6.0%} {s['competence_level_agreement']:>7.0%} "
                         f"{s['choice_ms_mean']:>8} {s['choice_ms_p95']:>6}")
    normal = results["populations"]["normal"]["32 questions, no noise"]
    worst_ms = max(s["choice_ms_p95"] for c in results["populations"].values() for s in c.values())
    lines += [
        "goals (population normal, 32 questions, no noise; the choice time over every run):",
        _goal("mean |score error|", normal["mean_abs_error"], GOALS["mean_abs_error_32"], "points (half a level)"),
        _goal("p95 |score error|", normal["p95_abs_error"], GOALS["p95_abs_error_32"], "points (one level)"),
        _goal("choice time p95", worst_ms, GOALS["choice_ms_p95"], "ms per question"),
    ]
    return lines


def _goal(what: str, figure: float, goal: float, unit: str) -> str:
    return f"  {what}: {figure} (goal <= {goal} {unit}) {'ok' if figure <= goal else 'MISSED'}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=500, help="per population and condition")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    if args.candidates < 2:
        parser.error("--candidates: at least 2")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    results = {"at": datetime.now(timezone.utc).isoformat(), **simulate(args.candidates, args.seed)}
    results["seconds"] = round(time.perf_counter() - started, 1)
    print("\n".join(report(results)))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"certification-{datetime.now(timezone.utc):%Y-%m-%dT%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\n{results['seconds']} s; figures written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
