"""Fitting each item's (a, b) from recorded answers: marginal maximum likelihood by EM.

The data are triples (learner, item, right or not), each learner having answered some of
the items. Neither the learners' capacities nor the items' parameters are known. Fitting
both jointly (alternating point estimates of θ and per-item logistic fits) biases the
discriminations, because a point estimate hides how uncertain a learner's capacity is
after a few answers. Instead, the capacities are integrated out (Bock and Aitkin's EM):

- **E step.** With the current parameters, each learner's posterior over the capacity grid
  (the same 81 points as the test), from a population prior N(μ, σ²) and their answers.
  Summed over the learners who answered item i, it gives, at each grid point θ_k, the
  expected number of answers ``n_ik`` and of right answers ``r_ik`` to the item.
- **M step.** For each item, the (a, b) that maximize
  ``Σ_k r_ik·log P(θ_k) + (n_ik − r_ik)·log(1 − P(θ_k))`` plus a log-prior that keeps them
  near the derived parameters: log a ~ N(log a₀, 0.5²) and b ~ N(b₀, 2²). A few Newton
  (Fisher scoring) steps on (log a, b), steps clipped to ±1, so a never turns negative.

Repeat until no parameter moves by more than ``tolerance``. The population prior fixes the
origin and the unit of the capacity axis (the model alone cannot tell "everyone is better"
from "every item is easier"): by default the learners of campaigns are taken as centred on
0 with variance 1.5, the test's own prior. An item answered fewer than ``min_answers``
times keeps its derived parameters (they still serve to place the learners who answered
it). Each learner's first answer to an item is the one kept; later ones are practice.

numpy does the E step as matrix products over blocks of learners, so a national campaign's
answers fit in seconds per iteration and bounded memory.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from irt.model import DEFAULT_PRIOR_VARIANCE, GRID

DEFAULT_MIN_ANSWERS = 200
LOG_A_PRIOR_SD = 0.5
B_PRIOR_SD = 2.0
BLOCK = 4000  # learners per block of the E step (the dense block is BLOCK × items)


@dataclass(frozen=True)
class AnswerRecord:
    learner: Hashable
    item: str
    correct: bool


@dataclass(frozen=True)
class FittedItem:
    discrimination: float
    difficulty: float
    answers: int
    fitted: bool  # False: too few answers, the given (derived) parameters are kept


@dataclass(frozen=True)
class Calibration:
    items: dict[str, FittedItem]
    learners: int
    answers: int
    iterations: int
    converged: bool


def fit(records: Iterable[AnswerRecord | tuple], start: Mapping[str, tuple[float, float]], *,
        min_answers: int = DEFAULT_MIN_ANSWERS, population_mean: float = 0.0,
        population_variance: float = DEFAULT_PRIOR_VARIANCE, max_iterations: int = 200,
        tolerance: float = 1e-3) -> Calibration:
    """Fit (a, b) for every item of ``start`` (item id -> derived (a, b)) from the answer records.

    Records of items not in ``start`` raise ``ValueError`` (the caller says which items exist).
    """
    item_ids = list(start)
    index = {item: i for i, item in enumerate(item_ids)}
    learners: dict[Hashable, int] = {}
    seen: set[tuple[int, int]] = set()
    rows, cols, right = [], [], []
    for record in records:
        learner, item, correct = (record.learner, record.item, record.correct) if isinstance(record, AnswerRecord) \
            else record
        if item not in index:
            raise ValueError(f"an answer to item {item!r}, which has no starting parameters")
        row = learners.setdefault(learner, len(learners))
        if (row, index[item]) in seen:
            continue
        seen.add((row, index[item]))
        rows.append(row)
        cols.append(index[item])
        right.append(bool(correct))
    rows_a, cols_a, right_a = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(right)
    counts = np.bincount(cols_a, minlength=len(item_ids)) if len(item_ids) else np.zeros(0, dtype=np.int64)
    free = counts >= min_answers

    a0 = np.array([start[i][0] for i in item_ids], dtype=float)
    b0 = np.array([start[i][1] for i in item_ids], dtype=float)
    a, b = a0.copy(), b0.copy()
    theta = np.array(GRID)
    log_pop = -((theta - population_mean) ** 2) / (2 * population_variance)
    blocks = _blocks(rows_a, cols_a, right_a, len(learners))

    iterations, converged = 0, not free.any()
    while not converged and iterations < max_iterations:
        iterations += 1
        n, r = _expected_counts(blocks, a, b, theta, log_pop, len(item_ids))
        new_a, new_b = _maximize(n, r, a, b, a0, b0, theta)
        new_a, new_b = np.where(free, new_a, a0), np.where(free, new_b, b0)
        change = max(np.max(np.abs(new_a - a), initial=0.0), np.max(np.abs(new_b - b), initial=0.0))
        a, b = new_a, new_b
        converged = bool(change < tolerance)
    items = {item: FittedItem(discrimination=float(a[i]), difficulty=float(b[i]), answers=int(counts[i]),
                              fitted=bool(free[i])) for i, item in enumerate(item_ids)}
    return Calibration(items=items, learners=len(learners), answers=len(rows), iterations=iterations,
                       converged=converged)


def _blocks(rows, cols, right, learner_count):
    """The answers cut by blocks of learners: (first learner, local rows, items, right)."""
    order = np.argsort(rows, kind="stable")
    rows, cols, right = rows[order], cols[order], right[order]
    blocks = []
    for first in range(0, learner_count, BLOCK):
        lo, hi = np.searchsorted(rows, [first, first + BLOCK])
        blocks.append((min(BLOCK, learner_count - first), rows[lo:hi] - first, cols[lo:hi], right[lo:hi]))
    return blocks


def _expected_counts(blocks, a, b, theta, log_pop, item_count):
    """E step: n[i, k] and r[i, k], expected answers and right answers to item i at grid point k."""
    p = _probability(a, b, theta)
    log_p, log_q = np.log(np.clip(p, 1e-300, None)), np.log(np.clip(1 - p, 1e-300, None))
    n = np.zeros((item_count, len(theta)))
    r = np.zeros((item_count, len(theta)))
    for size, rows, cols, right in blocks:
        answered = np.zeros((size, item_count))
        correct = np.zeros((size, item_count))
        answered[rows, cols] = 1.0
        correct[rows[right], cols[right]] = 1.0
        log_post = correct @ log_p + (answered - correct) @ log_q + log_pop
        log_post -= log_post.max(axis=1, keepdims=True)
        post = np.exp(log_post)
        post /= post.sum(axis=1, keepdims=True)
        n += answered.T @ post
        r += correct.T @ post
    return n, r


def _maximize(n, r, a, b, a0, b0, theta, steps: int = 5):
    """M step: a few Fisher-scoring steps per item on (log a, b), with the priors around (a0, b0)."""
    alpha, alpha0 = np.log(a), np.log(a0)
    for _ in range(steps):
        a = np.exp(alpha)
        z = a[:, None] * (theta[None, :] - b[:, None])
        p = 1 / (1 + np.exp(-z))
        e = r - n * p  # d loglik / dz at each grid point
        w = n * p * (1 - p)
        g_alpha = (e * z).sum(axis=1) - (alpha - alpha0) / LOG_A_PRIOR_SD**2
        g_b = -a * e.sum(axis=1) - (b - b0) / B_PRIOR_SD**2
        i_aa = (w * z * z).sum(axis=1) + 1 / LOG_A_PRIOR_SD**2
        i_bb = a * a * w.sum(axis=1) + 1 / B_PRIOR_SD**2
        i_ab = -a * (w * z).sum(axis=1)
        det = i_aa * i_bb - i_ab * i_ab
        d_alpha = np.clip((i_bb * g_alpha - i_ab * g_b) / det, -1, 1)
        d_b = np.clip((i_aa * g_b - i_ab * g_alpha) / det, -1, 1)
        alpha, b = alpha + d_alpha, b + d_b
    return np.exp(alpha), b


def _probability(a, b, theta):
    return 1 / (1 + np.exp(-a[:, None] * (theta[None, :] - b[:, None])))

