"""A candidate's result: the test's outcome (as assessment reported it) scored with ``irt``.

**What is scored.** The answers of ``assessment.certification_test.completed.v1`` in the order asked,
each with its item as frozen in the test's pool; neutralized questions (by the automatic jury or a
platform admin) are left out of the estimate. The abort reason comes from the centre's finalization.
A test the candidate abandoned after the minimum (20 answers) has its missing questions counted as
skips: those the test would have asked next, which assessment sent with the outcome
(``skips_if_abandoned``), so certification never needs assessment's item pool.

**The status** is ``irt.decide``'s table: validated (complete, or degraded after an abandon),
rejected (fewer than 20 answers, or fraud), cancelled (fewer than 20 answers after a technical
problem: to sit again, not a failure). A validated result has a score from 0 to 895, a global level
and a level from 0 to 7 for each of the 16 competences, with the version of the scale
(``irt/scales/v1.json``) it was scored with: a rescoring after a neutralization uses that same
version, so a published result never moves because a new scale was shipped.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from irt import Item, Response, TestRules, load_scale, score_test
from irt.scale import DEFAULT_VERSION

MAX_SCORE = 895  # the highest score of the scale (7 levels x 16 competences x 8 pix, minus one)
# The 16 competences of the framework: each gets a level on the certificate.
COMPETENCES = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3",
               "5.1", "5.2")
# The test's rules per configuration version (certification.course.started.v1); version 1 is irt's defaults.
CONFIGURATIONS = {1: TestRules()}


@dataclass(frozen=True)
class CourseResult:
    status: str  # validated, rejected, cancelled
    reason: str  # irt.Reason: COMPLETE, DEGRADED_AFTER_ABANDON, REJECTED_DUE_TO_LACK_OF_ANSWERS ...
    scale_version: str
    answers: int
    counted: int
    simulated_skips: int
    capacity: float | None = None
    error: float | None = None
    score: int | None = None
    mesh_level: int | None = None
    competence_levels: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, "scale_version": self.scale_version,
                "answers": self.answers, "counted": self.counted, "simulated_skips": self.simulated_skips,
                "capacity": self.capacity, "error": self.error, "score": self.score, "mesh_level": self.mesh_level,
                "competence_levels": dict(self.competence_levels)}


def _item(raw: Mapping[str, Any]) -> Item:
    return Item(id=raw["challenge_id"], difficulty=float(raw["difficulty"]),
                discrimination=float(raw["discrimination"]), tube=raw.get("tube_id") or "",
                competence=raw.get("competence_code") or "", skill=raw.get("skill_id") or "")


def score_outcome(outcome: Mapping[str, Any], *, neutralized: Collection[str] = (), abort_reason: str | None = None,
                  fraud: bool = False, scale_version: str = DEFAULT_VERSION) -> CourseResult:
    """Score one test's outcome (the completed event's payload) as the jury stands."""
    rules = CONFIGURATIONS.get(int(outcome.get("configuration_version") or 1))
    if rules is None:
        raise ValueError(f"test configuration {outcome.get('configuration_version')} is unknown here")
    answers: Sequence[Mapping[str, Any]] = sorted(outcome.get("answers") or (), key=lambda a: int(a["index"]))
    responses = [Response(_item(a), correct=a["status"] == "ok") for a in answers]
    pool = [_item(raw) for raw in outcome.get("skips_if_abandoned") or ()]
    result = score_test(responses, pool=pool, rules=rules, scale=load_scale(scale_version), competences=COMPETENCES,
                        abort_reason=abort_reason, excluded=frozenset(neutralized), fraud=fraud)
    return CourseResult(status=str(result.decision.status), reason=str(result.decision.reason),
                        scale_version=result.scale_version, answers=result.answers, counted=result.counted,
                        simulated_skips=result.simulated_skips,
                        capacity=round(result.capacity, 6) if result.capacity is not None else None,
                        error=round(result.error, 6) if result.error is not None else None, score=result.score,
                        mesh_level=result.mesh_level, competence_levels=dict(result.competence_levels))


@dataclass
class ResultRecord:
    """A course's result as kept: the scoring, what the jury neutralized, whether it is published."""

    course_id: UUID
    candidate_id: UUID
    session_id: UUID
    result: CourseResult
    neutralized: list[str]
    scored_at: datetime
    published_at: datetime | None = None
    version: int = 1
