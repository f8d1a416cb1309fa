"""Scoring a certification test: which answers count, the status, and the score.

**What counts.** An item the jury neutralized, or whose live alert the invigilator
validated, is left out of the capacity estimate, as if it had never been asked: the
estimate does not depend on the answers' order (``irt.model``), so a test scored again
after a neutralization is exactly the test without that item.

**The status** (``decide``), from the number of answers the candidate gave (an answer to a
neutralized item counts: the candidate did give it) and why the test stopped early, if it
did:

| answers                       | abort reason   | outcome                                               |
|-------------------------------|----------------|-------------------------------------------------------|
| any (fraud found)             | any            | rejected, ``FRAUD``                                   |
| fewer than the minimum (20)   | technical      | cancelled, ``CANCELLED_DUE_TO_LACK_OF_ANSWERS_FOR_TECHNICAL_REASON`` |
| fewer than the minimum        | other or none  | rejected, ``REJECTED_DUE_TO_LACK_OF_ANSWERS``         |
| minimum or more, test not finished | candidate | validated, capacity *degraded*                        |
| otherwise                     |                | validated                                             |

A technical problem below the minimum is not the candidate's fault: the test is cancelled
(to be taken again), not failed.

**Degradation.** A candidate who leaves after 20 answers must not keep the estimate of a
short, possibly lucky, test. The questions they did not reach are simulated as skips
(wrong answers), each on the item the test would have asked next with no randomness (the
most informative, probability 100 %), so the score is what a candidate who stopped
answering would get.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from irt.model import Item, Response
from irt.scale import Scale
from irt.selection import NoItemLeft, TestRules, next_item

MINIMUM_ANSWERS = 20


class AbortReason(enum.StrEnum):
    CANDIDATE = "candidate"
    TECHNICAL = "technical"


class Status(enum.StrEnum):
    VALIDATED = "validated"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Reason(enum.StrEnum):
    """The coded reason of a status (translated by the faces, kept in the result)."""

    COMPLETE = "COMPLETE"
    DEGRADED_AFTER_ABANDON = "DEGRADED_AFTER_ABANDON"
    REJECTED_DUE_TO_LACK_OF_ANSWERS = "REJECTED_DUE_TO_LACK_OF_ANSWERS"
    CANCELLED_DUE_TO_LACK_OF_ANSWERS_FOR_TECHNICAL_REASON = "CANCELLED_DUE_TO_LACK_OF_ANSWERS_FOR_TECHNICAL_REASON"
    FRAUD = "FRAUD"


@dataclass(frozen=True)
class Decision:
    status: Status
    reason: Reason
    degraded: bool = False  # the missing answers are simulated as skips before scoring

    @property
    def scored(self) -> bool:
        return self.status is Status.VALIDATED


def decide(answers: int, *, length: int, abort_reason: AbortReason | str | None = None,
           minimum: int = MINIMUM_ANSWERS, fraud: bool = False) -> Decision:
    """The status of a test from its number of answers and its abort reason (the table above)."""
    reason = AbortReason(abort_reason) if abort_reason else None
    if fraud:
        return Decision(Status.REJECTED, Reason.FRAUD)
    if answers < minimum:
        if reason is AbortReason.TECHNICAL:
            return Decision(Status.CANCELLED, Reason.CANCELLED_DUE_TO_LACK_OF_ANSWERS_FOR_TECHNICAL_REASON)
        return Decision(Status.REJECTED, Reason.REJECTED_DUE_TO_LACK_OF_ANSWERS)
    if answers < length and reason is AbortReason.CANDIDATE:
        return Decision(Status.VALIDATED, Reason.DEGRADED_AFTER_ABANDON, degraded=True)
    return Decision(Status.VALIDATED, Reason.COMPLETE)


class _Best:
    """A 'random' source that always takes the first of the shortlist (the most informative)."""

    def random(self) -> float:
        return 0.0


def simulate_skips(pool: Iterable[Item], answered: Sequence[Response], rules: TestRules) -> list[Response]:
    """``answered`` followed by skips up to the test's length, each on the best next item.

    Stops early (without error) if the pool runs out: the skips that could be placed count.
    """
    pool = list(pool)
    responses = list(answered)
    best = _Best()
    while not rules.is_complete(len(responses)):
        try:
            item = next_item(pool, responses, rules, best)
        except NoItemLeft:
            break
        responses.append(Response(item, correct=False))
    return responses


@dataclass(frozen=True)
class Result:
    decision: Decision
    scale_version: str
    answers: int  # given by the candidate
    counted: int  # in the estimate: neither neutralized nor under a validated live alert, skips simulated included
    simulated_skips: int
    capacity: float | None = None
    error: float | None = None
    score: int | None = None
    mesh_level: int | None = None
    competence_levels: dict[str, int] = field(default_factory=dict)


def score_test(answered: Sequence[Response], *, pool: Iterable[Item], rules: TestRules, scale: Scale,
               competences: Collection[str], abort_reason: AbortReason | str | None = None,
               excluded: Collection[str] = (), minimum: int = MINIMUM_ANSWERS, fraud: bool = False) -> Result:
    """Score one test: its status, then (when validated) the capacity, score and levels.

    ``answered`` are the candidate's answers in the order asked; ``excluded`` the ids of the
    items neutralized or under a validated live alert; ``pool`` the items of the test's
    bank (for the simulated skips of an abandoned test); ``competences`` the codes that get
    a level on the certificate.
    """
    decision = decide(len(answered), length=rules.length, abort_reason=abort_reason, minimum=minimum, fraud=fraud)
    if not decision.scored:
        return Result(decision, scale.version, answers=len(answered), counted=0, simulated_skips=0)
    responses = list(answered)
    simulated = 0
    if decision.degraded:
        # The simulated questions follow every answer actually asked, neutralized ones included
        # (their tubes are used), and are never neutralized themselves.
        completed = simulate_skips(pool, responses, rules)
        simulated = len(completed) - len(responses)
        responses = completed
    counted = [r for r in responses if r.item.id not in excluded]
    estimate = rules.estimate(counted)
    return Result(decision, scale.version, answers=len(answered), counted=len(counted), simulated_skips=simulated,
                  capacity=estimate.capacity, error=estimate.error, score=scale.score(estimate.capacity),
                  mesh_level=scale.mesh_level(estimate.capacity).mesh_level,
                  competence_levels=scale.competence_levels(estimate.capacity, tuple(competences)))
