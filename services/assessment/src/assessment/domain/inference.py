"""What the answers say of a learner: a probabilistic model of their level in each tube (issue 20).

The model, in words:

- In each tube the learner knows the skills up to some level and none above (a tube is a
  ladder). What the engine wants to know is, per tube, how many of the target's skills of the
  tube the learner knows: ``k``, from 0 to the number of target skills of the tube.
- Levels are tied by an overall ability ``theta`` (0 to 6 by halves, uniform before any
  answer): a tube's level is ``theta`` give or take ``SPREAD`` (a discrete normal), with a
  share of the prior spread evenly over all levels. Learners are tied closely (a share of
  0.1) or loosely (0.8): the answers tell which, so that a learner strong in one tube and
  weak in another is believed when the answers say so (``TIES``).
- An answer is noisy. A known skill is answered wrong with the learner's slip rate; an
  unknown skill is answered right with the guess rate of the question (a choice question can
  be guessed, a typed answer hardly). Learners are of two kinds, careful and hasty, with
  their own rates; the answers tell which the learner is, so a careful learner's answers
  count for more and a hasty learner's contradictions call for another question.
- Everything is exact Bayes on small grids: the kind (2) x the tie (2) x the ability (13)
  x ``k`` (at most 9 per tube). The tubes are independent given the kind and the ability, so a tube's
  posterior is the product of its own answers' likelihood and what the other tubes say of
  the kind and the ability.

Nothing here depends on a framework or a database; the candidate engine (bayes.py) asks the model
which skills are settled and how long each tube's search is still expected to be.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

ABILITIES = tuple(x / 2 for x in range(13))  # 0 .. 6
SPREAD = 0.8  # sd of a tube's level around the ability
MAX_LEVEL = 8
GUESS_FREE = 0.02  # an unknown skill answered right on a typed answer


@dataclass(frozen=True)
class Kind:
    """A kind of learner: how often they slip on what they know and guess a choice question."""

    share: float
    slip: float
    guess: float


KINDS = (Kind(share=0.5, slip=0.005, guess=0.01), Kind(share=0.5, slip=0.15, guess=0.30))
# Learners whose tubes follow their ability closely, and others: (share, the prior's share spread evenly).
TIES = ((0.5, 0.1), (0.5, 0.8))


@dataclass(frozen=True, slots=True)
class Evidence:
    """One thing known of a skill: an answer in this test, or a status from an earlier test (``earlier``)."""

    skill_id: str
    right: bool
    guessable: bool = False  # a choice question
    earlier: bool = False


@lru_cache(maxsize=4096)
def _level_prior(levels: tuple[int, ...]) -> np.ndarray:
    """For a tube whose target skills have these levels (easiest first): P(k | tie, ability) for k = 0..n, k
    being how many of them the learner knows; an array (ties, abilities, n + 1)."""
    bounds = (0, *levels, MAX_LEVEL + 1)
    n = len(levels)
    per_level = np.exp(-((np.arange(MAX_LEVEL + 1)[None, :] - np.array(ABILITIES)[:, None]) ** 2) / (2 * SPREAD ** 2))
    per_level /= per_level.sum(axis=1, keepdims=True)
    tied = np.stack([per_level[:, bounds[k]:bounds[k + 1]].sum(axis=1) for k in range(n + 1)], axis=1)
    prior = np.stack([(1 - untied) * tied + untied / (n + 1) for _, untied in TIES])
    prior.flags.writeable = False
    return prior


@lru_cache(maxsize=16384)
def _likelihood(tube: Tube) -> np.ndarray:
    """P(the tube's evidence | kind, k): an array (kinds, n + 1). Kept: the next request finds most tubes as
    they were."""
    n = len(tube.levels)
    counts = np.arange(n + 1)
    likelihood = np.ones((len(KINDS), n + 1))
    for evidence in tube.evidence:
        known = counts >= tube.index(evidence.skill_id)
        for row, kind in enumerate(KINDS):
            guess = kind.guess if evidence.guessable else GUESS_FREE
            slip = kind.slip
            if evidence.earlier:  # an earlier status already came from several answers
                slip, guess = slip / 5, guess / 5
            if_known, if_unknown = (1 - slip, guess) if evidence.right else (slip, 1 - guess)
            likelihood[row] *= np.where(known, if_known, if_unknown)
    likelihood.flags.writeable = False
    return likelihood


@dataclass(frozen=True)
class Tube:
    """A tube as the model sees it: its target skills, easiest first, and the evidence on them."""

    skill_ids: tuple[str, ...]
    levels: tuple[int, ...]
    evidence: tuple[Evidence, ...]

    def index(self, skill_id: str) -> int:
        return self.skill_ids.index(skill_id) + 1


def posteriors(tubes: Mapping[str, Tube]) -> dict[str, list[float]]:
    """tube id -> P(k) for k = 0..n, given all the evidence of all the tubes."""
    # P(kind, tie, ability | the evidence so far), an array (kinds, ties, abilities)
    weights = (np.array([kind.share for kind in KINDS])[:, None, None] * np.array([share for share, _ in TIES])[None, :, None]
               * np.full(len(ABILITIES), 1 / len(ABILITIES))[None, None, :])
    shapes: dict[str, np.ndarray] = {}  # tube -> P(k | kind, tie, ability, the tube's evidence)
    for tube_id, tube in tubes.items():
        if not tube.evidence:
            continue
        joint = _level_prior(tube.levels)[None, :, :, :] * _likelihood(tube)[:, None, None, :]
        sums = joint.sum(axis=3)
        weights = weights * sums
        weights /= weights.sum()
        shapes[tube_id] = joint / np.where(sums > 0, sums, 1.0)[:, :, :, None]
    per_tie_ability = weights.sum(axis=0)
    result = {}
    for tube_id, tube in tubes.items():
        shape = shapes.get(tube_id)
        if shape is None:  # no evidence in the tube: its prior, under what the other tubes say
            mass = (per_tie_ability[:, :, None] * _level_prior(tube.levels)).sum(axis=(0, 1))
        else:
            mass = (weights[:, :, :, None] * shape).sum(axis=(0, 1, 2))
        result[tube_id] = (mass / mass.sum()).tolist()
    return result


def p_known(distribution: Sequence[float], index: int) -> float:
    """P(the index-th skill of the tube is known) = P(k >= index)."""
    return sum(distribution[index:])


def tubes_of(content, targets: Iterable[str], evidence: Iterable[Evidence]) -> dict[str, Tube]:
    """The target's tubes, each with its target skills (easiest first) and the evidence on them."""
    skills: dict[str, list] = {}
    for skill_id in targets:
        skill = content.skills.get(skill_id)
        if skill is not None:
            skills.setdefault(skill.tube_id, []).append(skill)
    by_tube: dict[str, list[Evidence]] = {}
    for item in evidence:
        skill = content.skills.get(item.skill_id)
        if skill is not None and skill.tube_id in skills:
            by_tube.setdefault(skill.tube_id, []).append(item)
    tubes = {}
    for tube_id, members in skills.items():
        members.sort(key=lambda s: s.level)
        ids = tuple(s.id for s in members)
        tubes[tube_id] = Tube(ids, tuple(s.level for s in members),
                              tuple(e for e in by_tube.get(tube_id, ()) if e.skill_id in ids))
    return tubes
