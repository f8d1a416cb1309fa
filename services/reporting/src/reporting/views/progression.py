"""Progress between two assessment campaigns of one organization: the learners who sent their results
to both, before (the campaign compared to) and after (this one), per competence and learner by learner."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, func, select, true

from reporting.adapters import orm
from reporting.domain.exceptions import CampaignsNotComparable
from reporting.views.access import readable_campaign
from reporting.views.content import Competence, campaign_competences, competence, competences, rate
from reporting.views.paging import page_and_total
from reporting.views.participants import in_name_order, live_participations, participant_rows
from reporting.views.results import ASSESSMENT, competence_results

participations = orm.participations


def _comparable(after: Any, before: Any) -> None:
    if after.id == before.id:
        raise CampaignsNotComparable("SAME_CAMPAIGN", "a campaign is compared to another one")
    if after.organization_id != before.organization_id:
        raise CampaignsNotComparable("CAMPAIGNS_NOT_IN_SAME_ORGANIZATION",
                                     "both campaigns must belong to the same organization")
    if after.type != ASSESSMENT or before.type != ASSESSMENT:
        raise CampaignsNotComparable("CAMPAIGNS_NOT_ASSESSMENTS", "only assessment campaigns can be compared")


def _sent(campaign_id: UUID, *columns: Any):
    """The live participations of a campaign whose results were sent."""
    return select(participations.c.user_id, *columns).where(*live_participations(campaign_id),
                                                            participations.c.status == "SHARED")


def _pairs(campaign_id: UUID, compare_to: UUID):
    """One row per learner who sent results to both campaigns (one live participation each per campaign):
    the two snapshots, without names (for the averages)."""
    after = _sent(campaign_id, participations.c.results).subquery("after")
    before = _sent(compare_to, participations.c.results).subquery("before")
    return (select(before.c.results.label("results_before"), after.c.results.label("results_after"))
            .select_from(after.join(before, before.c.user_id == after.c.user_id)).subquery("pair"))


def _matched_learners(campaign_id: UUID, compare_to: UUID):
    """The same learners named as in this campaign, with their results in both (for the page)."""
    after = participant_rows(campaign_id).where(participations.c.status == "SHARED").subquery("after")
    before = _sent(compare_to, participations.c.mastery_rate, participations.c.results).subquery("before")
    query = (select(after.c.user_id, after.c.first_name, after.c.last_name, after.c.division, after.c.group,
                    before.c.mastery_rate.label("mastery_before"), after.c.mastery_rate.label("mastery_after"),
                    before.c.results.label("results_before"), after.c.results.label("results_after"))
             .select_from(after.join(before, before.c.user_id == after.c.user_id)))
    return query, in_name_order(after)


def _average_mastery(connection: Connection, pairs: Any, snapshot: Any) -> dict[str, Any]:
    result = competence_results(snapshot)
    return {row.code: row.average for row in connection.execute(
        select(result.c.competence_code.label("code"), func.avg(result.c.mastery_rate).label("average"))
        .select_from(pairs).join(result, true()).group_by(result.c.competence_code))}


def _delta(before: Any, after: Any) -> float | None:
    return None if before is None or after is None else rate(float(after) - float(before))


def progression(engine: Engine, campaign_id: UUID, compare_to: UUID, user_id: UUID, args: dict[str, Any],
                locale: str) -> dict[str, Any]:
    with engine.connect() as connection:
        after = readable_campaign(connection, campaign_id, user_id)
        before = readable_campaign(connection, compare_to, user_id)
        _comparable(after, before)
        known = competences(connection, locale)
        tested = {side: set(connection.execute(select(campaign_competences(id_).subquery().c.code)).scalars())
                  for side, id_ in (("after", campaign_id), ("before", compare_to))}
        pairs = _pairs(campaign_id, compare_to)
        averages = {"before": _average_mastery(connection, pairs, pairs.c.results_before),
                    "after": _average_mastery(connection, pairs, pairs.c.results_after)}
        page, total = page_and_total(connection, *_matched_learners(campaign_id, compare_to), args)
    codes = sorted(tested["before"] | tested["after"])

    def average(side: str, code: str) -> float | None:
        return rate(averages[side].get(code)) if code in tested[side] else None

    items = []
    for code in codes:
        named: Competence = competence(known, code)
        mastery_before, mastery_after = average("before", code), average("after", code)
        items.append({"code": code, "name": named.name, "before": mastery_before, "after": mastery_after,
                      "delta": _delta(mastery_before, mastery_after)})
    return {
        "campaign": {"id": after.id, "name": after.name}, "compare_to": {"id": before.id, "name": before.name},
        "matched_learners_count": total, "competences": items,
        "learners": {"items": [_learner(row, codes) for row in page], "total": total, "page": args["page"],
                     "page_size": args["page_size"]},
    }


def _learner(row: Any, codes: list[str]) -> dict[str, Any]:
    def by_code(snapshot: dict[str, Any] | None) -> dict[str, Any]:
        return {item["competence_code"]: item["mastery_rate"] for item in (snapshot or {}).get("competences") or []}

    before, after = by_code(row.results_before), by_code(row.results_after)
    mastery_before, mastery_after = rate(row.mastery_before), rate(row.mastery_after)
    return {
        "user_id": row.user_id, "first_name": row.first_name, "last_name": row.last_name,
        "division": row.division, "group": row.group, "mastery_before": mastery_before,
        "mastery_after": mastery_after, "delta": _delta(mastery_before, mastery_after),
        "competences": [{"code": code, "before": rate(before.get(code)), "after": rate(after.get(code))}
                        for code in codes],
    }

