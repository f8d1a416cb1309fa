"""The two-parameter logistic model and the capacity estimate.

An item (a question) has a difficulty ``b`` and a discrimination ``a``; a candidate has a
capacity ``θ`` on the same axis. The probability that the candidate answers right is

    P(θ) = 1 / (1 + exp(a·(b − θ)))

It is one half when θ = b, and ``a`` says how fast it climbs from "almost surely wrong" to
"almost surely right" around ``b`` (the slope there is a/4).

The capacity is never observed: after some answers we know a *distribution* of where it
probably is. Bayes' rule on a grid of 81 capacities from −9 to 9 gives it:

    posterior(θ_k) ∝ prior(θ_k) · Π_right P_i(θ_k) · Π_not right (1 − P_i(θ_k))

with a Gaussian prior (variance 1.5, centred on a configurable initial capacity). The
estimate is the posterior mean (EAP, "expected a posteriori") and its error the posterior
standard deviation. Unlike the maximum-likelihood estimate, the EAP exists after zero
answers and after answers that are all right or all wrong. It does not depend on the order
of the answers, so a test scored again after a question is neutralized gets the estimate a
test without that question would have had.

Only a right answer counts as right: a wrong answer, a skip, a timeout are all "not right"
(a skip would otherwise be a way to dodge hard questions).

The Fisher information of an item at θ, ``a²·P·(1 − P)``, is how much one answer to it
narrows the estimate there: it peaks at θ = b and grows with a². The next question is taken
among the most informative ones at the current estimate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

GRID_MIN, GRID_MAX, GRID_POINTS = -9.0, 9.0, 81
GRID: tuple[float, ...] = tuple(GRID_MIN + k * (GRID_MAX - GRID_MIN) / (GRID_POINTS - 1) for k in range(GRID_POINTS))
DEFAULT_PRIOR_VARIANCE = 1.5


@dataclass(frozen=True)
class Item:
    """A question as the algorithm sees it: its parameters and where it sits in the framework.

    ``tube`` and ``competence`` drive the spread rules of the choice (one question per tube,
    every competence visited); ``skill`` lets a caller exclude the siblings of a question
    (another question of the same skill after a validated live alert).
    """

    id: str
    difficulty: float  # b, on the capacity axis
    discrimination: float  # a > 0
    tube: str = ""
    competence: str = ""
    skill: str = ""

    def probability(self, capacity: float) -> float:
        return probability(capacity, self.discrimination, self.difficulty)

    def information(self, capacity: float) -> float:
        return information(capacity, self.discrimination, self.difficulty)


@dataclass(frozen=True)
class Response:
    """An answered item; ``correct`` is True only for a right answer (a skip is False)."""

    item: Item
    correct: bool


@dataclass(frozen=True)
class Estimate:
    capacity: float  # the posterior mean
    error: float  # the posterior standard deviation


def probability(capacity: float, discrimination: float, difficulty: float) -> float:
    """P(right) = 1 / (1 + exp(a·(b − θ))), computed without overflow at the grid's ends."""
    z = discrimination * (capacity - difficulty)
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def information(capacity: float, discrimination: float, difficulty: float) -> float:
    """Fisher information a²·P·(1 − P): what one answer to the item tells about θ near ``capacity``."""
    p = probability(capacity, discrimination, difficulty)
    return discrimination * discrimination * p * (1.0 - p)


def log_prior(mean: float, variance: float) -> list[float]:
    """The Gaussian prior's logarithm on the grid, up to a constant (constants cancel in the posterior)."""
    return [-((theta - mean) ** 2) / (2.0 * variance) for theta in GRID]


def posterior(responses: Iterable[Response], *, prior_mean: float = 0.0,
              prior_variance: float = DEFAULT_PRIOR_VARIANCE) -> list[float]:
    """The posterior probabilities of the grid's capacities after ``responses`` (they sum to 1).

    Products of many probabilities underflow, so the work is done on logarithms and the
    largest is subtracted before going back (the "log-sum-exp" trick).
    """
    log_post = log_prior(prior_mean, prior_variance)
    for response in responses:
        a, b = response.item.discrimination, response.item.difficulty
        for k, theta in enumerate(GRID):
            p = probability(theta, a, b)
            log_post[k] += math.log(max(p if response.correct else 1.0 - p, 1e-300))
    top = max(log_post)
    weights = [math.exp(value - top) for value in log_post]
    total = sum(weights)
    return [w / total for w in weights]


def estimate(responses: Iterable[Response], *, prior_mean: float = 0.0,
             prior_variance: float = DEFAULT_PRIOR_VARIANCE) -> Estimate:
    """The capacity (posterior mean, EAP) and its error (posterior standard deviation)."""
    weights = posterior(responses, prior_mean=prior_mean, prior_variance=prior_variance)
    mean = sum(w * theta for w, theta in zip(weights, GRID, strict=True))
    variance = sum(w * (theta - mean) ** 2 for w, theta in zip(weights, GRID, strict=True))
    return Estimate(capacity=mean, error=math.sqrt(max(variance, 0.0)))
