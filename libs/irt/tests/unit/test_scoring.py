"""irt.scoring: the status table, the degradation of an abandoned test, and what is counted."""

from __future__ import annotations

import random

import pytest

from irt.model import Item, Response
from irt.scale import load_scale
from irt.scoring import AbortReason, Reason, Status, decide, score_test, simulate_skips
from irt.selection import TestRules, next_item

COMPETENCES = [f"{a}.{n}" for a in range(1, 6) for n in range(1, 5)][:16]
POOL = [Item(id=f"{c}-t{t}-{k}", difficulty=-2.0 + k, discrimination=1.5, tube=f"{c}-t{t}", competence=c)
        for c in COMPETENCES for t in range(4) for k in range(5)]
RULES = TestRules()
SCALE = load_scale("v1")


def take_test(count: int, truth: float = 1.0, seed: int = 4) -> list[Response]:
    rng, responses = random.Random(seed), []
    while len(responses) < count:
        item = next_item(POOL, responses, RULES, rng)
        responses.append(Response(item, rng.random() < item.probability(truth)))
    return responses


@pytest.mark.parametrize(("answers", "abort", "fraud", "status", "reason", "degraded"), [
    (32, None, False, Status.VALIDATED, Reason.COMPLETE, False),
    (32, "candidate", False, Status.VALIDATED, Reason.COMPLETE, False),
    (25, None, False, Status.VALIDATED, Reason.COMPLETE, False),
    (25, "technical", False, Status.VALIDATED, Reason.COMPLETE, False),
    (20, "candidate", False, Status.VALIDATED, Reason.DEGRADED_AFTER_ABANDON, True),
    (31, AbortReason.CANDIDATE, False, Status.VALIDATED, Reason.DEGRADED_AFTER_ABANDON, True),
    (19, "candidate", False, Status.REJECTED, Reason.REJECTED_DUE_TO_LACK_OF_ANSWERS, False),
    (19, None, False, Status.REJECTED, Reason.REJECTED_DUE_TO_LACK_OF_ANSWERS, False),
    (0, None, False, Status.REJECTED, Reason.REJECTED_DUE_TO_LACK_OF_ANSWERS, False),
    (19, "technical", False, Status.CANCELLED, Reason.CANCELLED_DUE_TO_LACK_OF_ANSWERS_FOR_TECHNICAL_REASON, False),
    (32, None, True, Status.REJECTED, Reason.FRAUD, False),
])
def test_the_status_table(answers, abort, fraud, status, reason, degraded):
    decision = decide(answers, length=32, abort_reason=abort, fraud=fraud)
    assert (decision.status, decision.reason, decision.degraded) == (status, reason, degraded)


def test_an_unknown_abort_reason_is_refused():
    with pytest.raises(ValueError, match="'tired'"):
        decide(25, length=32, abort_reason="tired")


def test_a_complete_test_gets_its_capacity_score_and_levels():
    responses = take_test(32)
    result = score_test(responses, pool=POOL, rules=RULES, scale=SCALE, competences=COMPETENCES)
    estimate = RULES.estimate(responses)
    assert result.decision.status is Status.VALIDATED and result.scale_version == "v1"
    assert (result.answers, result.counted, result.simulated_skips) == (32, 32, 0)
    assert result.capacity == estimate.capacity and result.error == estimate.error
    assert result.score == SCALE.score(estimate.capacity)
    assert result.mesh_level == SCALE.mesh_level(estimate.capacity).mesh_level
    assert set(result.competence_levels) == set(COMPETENCES)


def test_a_rejected_test_gets_no_score():
    result = score_test(take_test(12), pool=POOL, rules=RULES, scale=SCALE, competences=COMPETENCES,
                        abort_reason="candidate")
    assert result.decision.status is Status.REJECTED
    assert (result.score, result.capacity, result.competence_levels) == (None, None, {})


def test_a_test_abandoned_after_20_answers_is_completed_with_skips_on_the_best_items():
    responses = take_test(22)
    completed = simulate_skips(POOL, responses, RULES)
    assert len(completed) == 32 and completed[:22] == responses
    assert all(not r.correct for r in completed[22:])
    assert len({r.item.tube for r in completed}) == 32  # the simulated questions follow the test's rules
    result = score_test(responses, pool=POOL, rules=RULES, scale=SCALE, competences=COMPETENCES,
                        abort_reason="candidate")
    assert result.decision.reason is Reason.DEGRADED_AFTER_ABANDON
    assert (result.answers, result.counted, result.simulated_skips) == (22, 32, 10)
    assert result.capacity == pytest.approx(RULES.estimate(completed).capacity)
    assert result.capacity < RULES.estimate(responses).capacity


def test_the_simulated_skips_are_the_same_at_every_scoring():
    responses = take_test(21)
    assert simulate_skips(POOL, responses, RULES) == simulate_skips(POOL, responses, RULES)


def test_neutralized_items_are_left_out_and_scoring_again_equals_a_test_without_them():
    responses = take_test(32)
    neutralized = {responses[3].item.id, responses[10].item.id}
    result = score_test(responses, pool=POOL, rules=RULES, scale=SCALE, competences=COMPETENCES,
                        excluded=neutralized)
    without = [r for r in responses if r.item.id not in neutralized]
    assert result.answers == 32 and result.counted == 30
    assert result.capacity == pytest.approx(RULES.estimate(without).capacity)
    assert result.capacity != pytest.approx(RULES.estimate(responses).capacity)


def test_answers_to_neutralized_items_count_towards_the_minimum():
    responses = take_test(20)
    result = score_test(responses, pool=POOL, rules=RULES, scale=SCALE, competences=COMPETENCES,
                        excluded={r.item.id for r in responses[:5]})
    assert result.decision.status is Status.VALIDATED and result.counted == 15
