"""Knowledge elements: what a learner showed, skill by skill, kept across campaigns; and the pix score.

A knowledge element is never changed: a newer one on the same skill supersedes it. The
learner's knowledge is the latest element per skill.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from uuid import UUID

from assessment.domain.content import PIX_PER_LEVEL, LearningContent

VALIDATED, INVALIDATED = "VALIDATED", "INVALIDATED"
DIRECT, INFERRED = "DIRECT", "INFERRED"
CERTIFIABLE_COMPETENCES = 5  # level 1 or more in at least this many competences


@dataclass(frozen=True, slots=True)
class KnowledgeElement:
    id: UUID
    user_id: UUID
    assessment_id: UUID
    skill_id: str
    competence_code: str
    status: str
    source: str
    earned_pix: float  # for reading only: scores are summed from the skills' exact pix values
    created_at: datetime

    @property
    def validated(self) -> bool:
        return self.status == VALIDATED


def latest_per_skill(elements: Iterable[KnowledgeElement]) -> dict[str, KnowledgeElement]:
    latest: dict[str, KnowledgeElement] = {}
    for element in elements:
        known = latest.get(element.skill_id)
        if known is None or element.created_at >= known.created_at:
            latest[element.skill_id] = element
    return latest


def known_for_assessment(elements: Iterable[KnowledgeElement], *, improving: bool, started_at: datetime,
                         reset_after: timedelta) -> dict[str, KnowledgeElement]:
    """What an assessment takes as already known: all of it, except, when the learner retries to
    improve, the skills not validated that were settled more than ``reset_after`` before it started
    (they are asked again)."""
    latest = latest_per_skill(elements)
    if not improving:
        return latest
    return {skill: element for skill, element in latest.items()
            if element.validated or element.created_at > started_at - reset_after}


@dataclass(frozen=True)
class CompetenceScore:
    competence_code: str
    area_code: str
    pix: int
    level: int


@dataclass(frozen=True)
class Profile:
    competences: tuple[CompetenceScore, ...]

    @property
    def total_pix(self) -> int:
        return sum(c.pix for c in self.competences)

    @property
    def certifiable(self) -> bool:
        return sum(1 for c in self.competences if c.level >= 1) >= CERTIFIABLE_COMPETENCES


def profile(content: LearningContent, elements: Iterable[KnowledgeElement], max_level: int) -> Profile:
    """The 16 competences with pix and level: 8 pix per level, the level capped at ``max_level``.

    Pix are summed as fractions (a level shared by three skills gives 8/3 each) so three
    validated skills make exactly 8 pix, not 7.999.
    """
    earned: dict[str, Fraction] = {code: Fraction(0) for code in content.competences}
    for element in latest_per_skill(elements).values():
        skill = content.skills.get(element.skill_id)
        if skill is not None and element.validated:  # a skill gone from the release no longer counts
            earned[skill.competence_code] += skill.pix_value
    cap = PIX_PER_LEVEL * max_level
    scores = []
    for code, competence in content.competences.items():
        pix = int(min(earned[code], cap))
        scores.append(CompetenceScore(code, competence.area_code, pix, min(pix // PIX_PER_LEVEL, max_level)))
    return Profile(tuple(scores))
