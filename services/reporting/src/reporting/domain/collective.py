"""A campaign's collective results as running totals: what each shared participation adds to them.

Collective results are averages over a campaign's shared participations. Rather than read every
participation on each request, reporting keeps, per campaign, the totals those averages divide:
a participation's rows of shared results are added when it is shared and live, and taken away when
it stops being either (a retry supersedes it, it is deleted). Since what is taken away is computed
from the very rows that were added, the totals always equal the sum over the rows present.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

COMPETENCE, AREA, PROFILE = "COMPETENCE", "AREA", "PROFILE"
CERTIFIABLE_LEVEL, CERTIFIABLE_COMPETENCES = 1, 5
AREA_MASTERY = Decimal("0.000001")  # an area's mastery, rounded the same way when added and when taken away


@dataclass
class Totals:
    participants: int = 0
    sum_mastery: Decimal = Decimal(0)
    sum_validated: int = 0
    sum_tested: int = 0
    sum_pix: int = 0
    sum_level: int = 0
    certifiable: int = 0

    def add(self, other: Totals, sign: int = 1) -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + sign * getattr(other, field.name))

    def is_zero(self) -> bool:
        return all(not getattr(self, field.name) for field in fields(self))


Key = tuple[Any, str, str]  # (campaign id, COMPETENCE / AREA / PROFILE, competence or area code, or "")


def contributions(rows: Iterable[Any]) -> dict[Key, Totals]:
    """What shared-result rows (one per participation and competence: ``participation_id``, ``campaign_id``,
    ``competence_code``, ``area_code``, and ``mastery_rate``, ``validated_skills_count``,
    ``tested_skills_count``, ``target_skills_count`` for an assessment or ``pix``, ``level`` for a profile)
    add to their campaigns' totals."""
    totals: dict[Key, Totals] = defaultdict(Totals)
    areas: dict[tuple[Any, Any, str], list[int]] = defaultdict(lambda: [0, 0])  # validated, target
    profiles: dict[tuple[Any, Any], list[int]] = defaultdict(lambda: [0, 0])  # pix, competences certifiable
    for row in rows:
        profile = row.pix is not None
        totals[row.campaign_id, COMPETENCE, row.competence_code].add(Totals(
            participants=1, sum_mastery=Decimal(row.mastery_rate or 0), sum_validated=row.validated_skills_count or 0,
            sum_tested=row.tested_skills_count or 0, sum_pix=row.pix or 0, sum_level=row.level or 0))
        if profile:
            mine = profiles[row.campaign_id, row.participation_id]
            mine[0] += row.pix
            mine[1] += (row.level or 0) >= CERTIFIABLE_LEVEL
        else:
            area = areas[row.campaign_id, row.participation_id, row.area_code]
            area[0] += row.validated_skills_count or 0
            area[1] += row.target_skills_count or 0
    for (campaign_id, _participation, area_code), (validated, target) in areas.items():
        if target:  # an area without target skills is not tested: it has no mastery to average
            mastery = (Decimal(validated) / Decimal(target)).quantize(AREA_MASTERY, rounding=ROUND_HALF_UP)
            totals[campaign_id, AREA, area_code].add(Totals(participants=1, sum_mastery=mastery,
                                                            sum_validated=validated))
    for (campaign_id, _participation), (pix, certifiable_competences) in profiles.items():
        totals[campaign_id, PROFILE, ""].add(Totals(
            participants=1, sum_pix=pix, certifiable=int(certifiable_competences >= CERTIFIABLE_COMPETENCES)))
    return dict(totals)


def changes(removed: Iterable[Any], added: Iterable[Any]) -> dict[Key, Totals]:
    """What to add to the totals when ``removed`` rows are replaced by ``added`` ones (zeros left out), in
    the order of their keys: two transactions then lock the same totals in the same order."""
    delta = contributions(added)
    for key, totals in contributions(removed).items():
        delta.setdefault(key, Totals()).add(totals, sign=-1)
    return {key: totals for key, totals in sorted(delta.items(), key=lambda item: (str(item[0][0]), *item[0][1:]))
            if not totals.is_zero()}
