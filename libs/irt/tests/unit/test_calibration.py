"""irt.calibration recovers known item parameters from simulated answers."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from irt.calibration import AnswerRecord, fit


def simulated_answers(items: dict[str, tuple[float, float]], learners: int, per_learner: int, seed: int):
    """Learners of capacity N(0, 1.5) each answer ``per_learner`` items drawn at random, by the 2PL model."""
    rng = random.Random(seed)
    ids = sorted(items)
    records = []
    for learner in range(learners):
        theta = rng.gauss(0.0, math.sqrt(1.5))
        for item in rng.sample(ids, per_learner):
            a, b = items[item]
            records.append(AnswerRecord(learner, item, rng.random() < 1 / (1 + math.exp(a * (b - theta)))))
    return records


@pytest.fixture(scope="module")
def truth():
    rng = random.Random(7)
    return {f"item-{i:02d}": (rng.uniform(0.7, 2.5), rng.uniform(-2.0, 2.0)) for i in range(30)}


@pytest.fixture(scope="module")
def calibration(truth):
    records = simulated_answers(truth, learners=3000, per_learner=15, seed=11)
    derived = {item: (1.5, 0.0) for item in truth}  # deliberately wrong starting points
    derived["never-answered"] = (1.5, 0.5)
    return fit(records, derived, min_answers=200)


def test_difficulties_are_recovered_within_a_quarter_of_a_unit(calibration, truth):
    errors = [abs(calibration.items[item].difficulty - b) for item, (_, b) in truth.items()]
    assert max(errors) < 0.25, errors
    assert statistics.mean(errors) < 0.1


def test_discriminations_are_recovered_within_a_quarter_of_their_value(calibration, truth):
    errors = [abs(calibration.items[item].discrimination - a) / a for item, (a, _) in truth.items()]
    assert max(errors) < 0.25, errors
    assert statistics.mean(errors) < 0.1


def test_the_fit_converges_and_counts_what_it_used(calibration, truth):
    assert calibration.converged
    assert calibration.learners == 3000
    assert calibration.answers == 3000 * 15
    assert all(calibration.items[item].fitted and calibration.items[item].answers > 1000 for item in truth)


def test_an_item_with_too_few_answers_keeps_its_derived_parameters(truth):
    records = simulated_answers(truth, learners=400, per_learner=10, seed=3)
    records += [AnswerRecord(learner, "rare", learner % 2 == 0) for learner in range(20)]
    start = {item: (1.5, 0.0) for item in truth} | {"rare": (1.2, 3.0)}
    calibration = fit(records, start, min_answers=50)
    rare = calibration.items["rare"]
    assert (rare.discrimination, rare.difficulty, rare.answers, rare.fitted) == (1.2, 3.0, 20, False)
    assert calibration.items["item-00"].fitted


def test_only_a_learners_first_answer_to_an_item_counts():
    records = [("ann", "q", False), ("ann", "q", True), ("bob", "q", True)]
    calibration = fit(records, {"q": (1.5, 0.0)}, min_answers=1)
    assert calibration.answers == 2
    assert calibration.items["q"].answers == 2


def test_an_answer_to_an_unknown_item_is_refused():
    with pytest.raises(ValueError, match="item 'ghost'"):
        fit([("ann", "ghost", True)], {"q": (1.5, 0.0)})


def test_nothing_to_fit_returns_the_starting_parameters_at_once():
    calibration = fit([], {"q": (1.5, 0.5)})
    assert calibration.iterations == 0 and calibration.converged
    assert calibration.items["q"].difficulty == 0.5 and not calibration.items["q"].fitted
