"""The choice of the next question of an adaptive certification test.

From the items still available, the rules below narrow the candidates, in this order:

1. **One question per tube**: a tube (a topic) already asked is not asked again, so the
   test covers many topics instead of drilling one.
2. **Passage by all competences**: while some competence has not been asked yet, only
   the competences not yet asked are candidates; once every competence of the pool has
   been visited, all are candidates again.
3. **Spacing**: no item of the competence of any of the last ``spacing`` answers (two by
   default), so that two questions in a row do not test the same thing; when that would
   leave nothing, the rule is dropped for this question.
4. **Information**: the ``shortlist`` (five) most informative items at the current
   capacity estimate, most informative first.
5. **Randomness among the best**: the first with probability ``pick_probability`` (51 %),
   else the same draw on the rest (the second with 51 % of what is left, ...), the last
   taking what remains. Two neighbours taking the test at the same time therefore rarely
   see the same sequence, while the test stays close to the most informative path.

The test ends after ``length`` answers (32). Asking for another question then raises
``TestComplete``; an empty pool before that raises ``NoItemLeft``.

The random source is anything with a ``random()`` method returning a float in [0, 1): a
service uses ``secrets.SystemRandom()`` (or a ``random.Random`` seeded per test when it
must replay a draw), tests a seeded ``random.Random``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from irt.model import DEFAULT_PRIOR_VARIANCE, Estimate, Item, Response, estimate


class RandomSource(Protocol):
    def random(self) -> float: ...


class IrtError(Exception):
    """Base of the library's errors; ``code`` is stable, for the services' error tables."""

    code = "IRT_ERROR"


class NoItemLeft(IrtError):
    code = "NO_ITEM_LEFT"


class TestComplete(IrtError):
    code = "TEST_COMPLETE"
    __test__ = False  # not a pytest test class, whatever its name


@dataclass(frozen=True)
class TestRules:
    """The configuration of a certification test (the defaults are the production-like ones)."""

    __test__ = False

    length: int = 32
    # The prior's mean. 0, the middle of the scale: the prior stays where it is for the whole test
    # (the estimate is one posterior over every answer, not re-centred after each), so starting low
    # (the reference's fixture uses -3) would pull every strong candidate's final estimate down.
    initial_capacity: float = 0.0
    prior_variance: float = DEFAULT_PRIOR_VARIANCE
    one_question_per_tube: bool = True
    passage_by_all_competences: bool = True
    spacing: int = 2  # no item of the competences of the last `spacing` answers
    shortlist: int = 5
    pick_probability: float = 0.51

    def estimate(self, responses: Iterable[Response]) -> Estimate:
        return estimate(responses, prior_mean=self.initial_capacity, prior_variance=self.prior_variance)

    def is_complete(self, answered: int) -> bool:
        return answered >= self.length


def candidates(pool: Iterable[Item], answered: Sequence[Response], rules: TestRules) -> list[Item]:
    """The items rules 1 to 3 leave, in the pool's order (never an item already answered)."""
    seen_items = {r.item.id for r in answered}
    items = [item for item in pool if item.id not in seen_items]
    if rules.one_question_per_tube:
        seen_tubes = {r.item.tube for r in answered}
        items = [item for item in items if item.tube not in seen_tubes]
    if rules.passage_by_all_competences:
        seen_competences = {r.item.competence for r in answered}
        unvisited = [item for item in items if item.competence not in seen_competences]
        items = unvisited or items
    if rules.spacing > 0 and answered:
        recent = {r.item.competence for r in answered[-rules.spacing:]}
        spaced = [item for item in items if item.competence not in recent]
        items = spaced or items
    return items


def most_informative(items: Iterable[Item], capacity: float, count: int) -> list[Item]:
    """The ``count`` items of highest information at ``capacity``, best first (ties by id, for replays)."""
    ranked = sorted(items, key=lambda item: (-item.information(capacity), item.id))
    return ranked[:count]


def pick(ranked: Sequence[Item], probability: float, rng: RandomSource) -> Item:
    """The first with ``probability``, else the same draw on the rest; the last one takes what remains."""
    for item in ranked[:-1]:
        if rng.random() < probability:
            return item
    return ranked[-1]


def next_item(pool: Iterable[Item], answered: Sequence[Response], rules: TestRules, rng: RandomSource,
              *, capacity: float | None = None) -> Item:
    """The next question after ``answered`` (in the order they were asked).

    ``pool`` is every item the candidate may still be given: the caller leaves out what its
    own rules exclude (the siblings of an item whose live alert was validated, items not
    accessible when an adjustment is needed). ``capacity`` spares the estimate when the
    caller keeps the current one.
    """
    if rules.is_complete(len(answered)):
        raise TestComplete(f"the test is complete after {rules.length} answers")
    items = candidates(pool, answered, rules)
    if not items:
        raise NoItemLeft(f"no item left after {len(answered)} answers: the pool is too small for the test's rules")
    if capacity is None:
        capacity = rules.estimate(answered).capacity
    return pick(most_informative(items, capacity, rules.shortlist), rules.pick_probability, rng)
