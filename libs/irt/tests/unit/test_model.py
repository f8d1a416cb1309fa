"""irt.model: the 2PL probability, the information, and the EAP estimate with its error."""

from __future__ import annotations

import math
import random

import pytest

from irt.model import GRID, Item, Response, estimate, information, posterior, probability


def item(b: float = 0.0, a: float = 1.5, id: str = "q") -> Item:
    return Item(id=id, difficulty=b, discrimination=a)


def test_the_grid_has_81_points_from_minus_9_to_9():
    assert len(GRID) == 81 and GRID[0] == -9.0 and GRID[-1] == 9.0
    assert GRID[1] - GRID[0] == pytest.approx(0.225)


@pytest.mark.parametrize(("theta", "a", "b", "p"), [
    (0.0, 1.0, 0.0, 0.5), (1.0, 1.0, 0.0, 1 / (1 + math.exp(-1))), (-1.0, 2.0, 0.5, 1 / (1 + math.exp(3))),
])
def test_the_probability_is_the_two_parameter_logistic(theta, a, b, p):
    assert probability(theta, a, b) == pytest.approx(p)


def test_the_probability_does_not_overflow_far_from_the_difficulty():
    assert probability(-9.0, 50.0, 9.0) == pytest.approx(0.0, abs=1e-300)
    assert probability(9.0, 50.0, -9.0) == 1.0


def test_the_information_peaks_at_the_difficulty_with_a_squared_over_four():
    assert information(0.7, 2.0, 0.7) == pytest.approx(1.0)
    assert information(0.2, 2.0, 0.7) < 1.0 and information(1.2, 2.0, 0.7) < 1.0


def test_without_answers_the_estimate_is_the_prior():
    assert estimate([]).capacity == pytest.approx(0.0, abs=1e-12)
    assert estimate([]).error == pytest.approx(math.sqrt(1.5), rel=1e-3)
    assert estimate([], prior_mean=-3.0).capacity == pytest.approx(-3.0, abs=1e-3)


def test_a_right_answer_raises_the_estimate_and_a_wrong_one_lowers_it_each_narrowing_it():
    right, wrong = estimate([Response(item(), True)]), estimate([Response(item(), False)])
    assert right.capacity > 0 > wrong.capacity
    assert right.capacity == pytest.approx(-wrong.capacity)
    assert right.error < math.sqrt(1.5)


def test_all_right_or_all_wrong_still_gives_a_finite_estimate():
    responses = [Response(item(b, id=str(b)), True) for b in (-1.0, 0.0, 1.0, 2.0)]
    result = estimate(responses)
    assert 1.0 < result.capacity < 9.0 and result.error > 0


def test_the_estimate_does_not_depend_on_the_order_of_the_answers():
    responses = [Response(item(b, id=str(b)), b < 0.5) for b in (-1.0, 0.0, 1.0, 2.0, -0.5)]
    forward, backward = estimate(responses), estimate(list(reversed(responses)))
    assert forward.capacity == pytest.approx(backward.capacity, abs=1e-12)
    assert forward.error == pytest.approx(backward.error, abs=1e-12)


def test_the_posterior_sums_to_one():
    assert sum(posterior([Response(item(), True)])) == pytest.approx(1.0)


def test_many_answers_find_a_known_capacity_within_its_error():
    rng = random.Random(1)
    truth = 1.3
    items = [item(rng.uniform(-3, 3), rng.uniform(1, 2), id=str(i)) for i in range(400)]
    result = estimate([Response(i, rng.random() < i.probability(truth)) for i in items])
    assert abs(result.capacity - truth) < 2 * result.error
    assert result.error < 0.15
