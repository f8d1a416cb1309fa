"""irt.selection: the rules of the next question, in order, and the randomness among the best."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from irt.model import Item, Response
from irt.selection import NoItemLeft, TestComplete, TestRules, candidates, most_informative, next_item, pick

COMPETENCES = [f"{area}.{n}" for area, n in [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3), (2, 4), (3, 1), (3, 2),
                                             (3, 3), (3, 4), (4, 1), (4, 2), (4, 3), (5, 1), (5, 2)]]


def bank(tubes_per_competence: int = 3, items_per_tube: int = 4) -> list[Item]:
    """16 competences, their tubes, items of difficulty -2..1 along each tube."""
    return [Item(id=f"{c}-t{t}-{k}", difficulty=-2.0 + k, discrimination=1.5, tube=f"{c}-t{t}", competence=c)
            for c in COMPETENCES for t in range(tubes_per_competence) for k in range(items_per_tube)]


def answered(*items: Item, correct: bool = True) -> list[Response]:
    return [Response(item, correct) for item in items]


def by_id(pool: list[Item], id: str) -> Item:
    return next(item for item in pool if item.id == id)


def test_an_answered_tube_is_not_asked_again():
    pool = bank()
    first = by_id(pool, "1.1-t0-0")
    assert all(item.tube != first.tube for item in candidates(pool, answered(first), TestRules()))


def test_without_the_tube_rule_only_the_answered_item_itself_is_left_out():
    pool = bank()
    first = by_id(pool, "1.1-t0-0")
    rules = TestRules(one_question_per_tube=False, passage_by_all_competences=False, spacing=0)
    left = candidates(pool, answered(first), rules)
    assert first not in left and by_id(pool, "1.1-t0-1") in left


def test_competences_not_yet_visited_come_first_until_all_are():
    pool = bank()
    visited = [by_id(pool, f"{c}-t0-1") for c in COMPETENCES[:10]]
    left = candidates(pool, answered(*visited), TestRules(spacing=0))
    assert {item.competence for item in left} == set(COMPETENCES[10:])
    every = [by_id(pool, f"{c}-t0-1") for c in COMPETENCES]
    assert {item.competence for item in candidates(pool, answered(*every), TestRules(spacing=0))} == set(COMPETENCES)


def test_the_competences_of_the_last_two_answers_are_skipped():
    pool = bank()
    every = [by_id(pool, f"{c}-t0-1") for c in COMPETENCES] + [by_id(pool, "1.1-t1-1"), by_id(pool, "1.2-t1-1")]
    left = candidates(pool, answered(*every), TestRules())
    assert left and not {item.competence for item in left} & {"1.1", "1.2"}
    assert "1.1" in {item.competence for item in candidates(pool, answered(*every), TestRules(spacing=1))}


def test_the_spacing_rule_is_dropped_when_it_would_leave_nothing():
    pool = [Item("a", 0.0, 1.5, "t1", "1.1"), Item("b", 0.0, 1.5, "t2", "1.1")]
    assert candidates(pool, answered(pool[0]), TestRules()) == [pool[1]]


def test_the_five_most_informative_at_the_capacity_are_kept_best_first():
    pool = [Item(str(b), float(b), 1.5) for b in range(-4, 5)]
    assert [item.id for item in most_informative(pool, 0.9, 5)] == ["1", "0", "2", "-1", "3"]


def test_the_first_is_picked_51_percent_of_the_time_then_51_percent_of_the_rest():
    ranked = [Item(str(k), 0.0, 1.5) for k in range(5)]
    rng = random.Random(5)
    counts = Counter(pick(ranked, 0.51, rng).id for _ in range(20_000))
    expected = [0.51, 0.49 * 0.51, 0.49**2 * 0.51, 0.49**3 * 0.51, 0.49**4]
    for k, share in enumerate(expected):
        assert counts[str(k)] / 20_000 == pytest.approx(share, abs=0.012)


def test_a_seeded_source_gives_the_same_test_and_two_seeds_give_different_ones():
    pool = bank()

    def sequence(seed: int) -> list[str]:
        rng, responses = random.Random(seed), []
        while len(responses) < 32:
            item = next_item(pool, responses, TestRules(), rng)
            responses.append(Response(item, item.difficulty <= 0.0))
        return [r.item.id for r in responses]

    assert sequence(1) == sequence(1)
    assert sequence(1) != sequence(2)


def test_a_32_question_test_visits_every_competence_and_never_a_tube_twice():
    pool, rng, responses = bank(), random.Random(3), []
    while len(responses) < 32:
        item = next_item(pool, responses, TestRules(), rng)
        responses.append(Response(item, rng.random() < 0.5))
    assert {r.item.competence for r in responses[:16]} == set(COMPETENCES)
    assert len({r.item.tube for r in responses}) == 32
    for before, after in zip(responses, responses[1:], strict=False):
        assert before.item.competence != after.item.competence


def test_the_next_question_follows_the_capacity():
    pool = bank()
    strong = next_item(pool, answered(*[by_id(pool, f"{c}-t0-3") for c in COMPETENCES[:6]]), TestRules(),
                       random.Random(0))
    weak = next_item(pool, answered(*[by_id(pool, f"{c}-t0-0") for c in COMPETENCES[:6]], correct=False),
                     TestRules(), random.Random(0))
    assert strong.difficulty > weak.difficulty


def test_a_complete_test_has_no_next_question():
    pool = bank()
    done = answered(*[by_id(pool, f"{c}-t0-1") for c in COMPETENCES])
    with pytest.raises(TestComplete) as raised:
        next_item(pool, done, TestRules(length=16), random.Random(0))
    assert raised.value.code == "TEST_COMPLETE"


def test_an_empty_pool_is_a_clear_error():
    pool = [Item("a", 0.0, 1.5, "t1", "1.1")]
    with pytest.raises(NoItemLeft, match="no item left after 1 answers") as raised:
        next_item(pool, answered(pool[0]), TestRules(), random.Random(0))
    assert raised.value.code == "NO_ITEM_LEFT"
