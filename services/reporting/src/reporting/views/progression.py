"""Progress between two assessment campaigns of one organization: the learners who sent their results
to both, before (the campaign compared to) and after (this one), per competence and learner by learner."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, func, literal, select, union_all

from reporting.adapters import orm
from reporting.domain.exceptions import CampaignsNotComparable
from reporting.views.access import readable_campaign
from reporting.views.content import Competence, campaign_competences, competence, competences, rate
from reporting.views.paging import page_and_total
from reporting.views.participants import in_name_order, live_participations, participant_rows
from reporting.views.results import ASSESSMENT

participations, shared_results = orm.participations, orm.shared_results


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


def _average_mastery(connection: Connection, campaign_id: UUID, compare_to: UUID) -> dict[str, dict[str, Any]]:
    """Per campaign (``before``, ``after``) and competence, the average mastery of the learners who sent results
    to both (one live participation each per campaign): one statement, the pairs matched once."""
    after = _sent(campaign_id, participations.c.id).subquery("after")
    before = _sent(compare_to, participations.c.id).subquery("before")
    pairs = (select(before.c.id.label("before"), after.c.id.label("after"))
             .select_from(after.join(before, before.c.user_id == after.c.user_id)).cte("pair"))
    sides = [select(literal(side).label("side"), shared_results.c.competence_code.label("code"),
                    shared_results.c.mastery_rate)
             .select_from(pairs.join(shared_results, shared_results.c.participation_id == pairs.c[side]))
             for side in ("before", "after")]
    results = union_all(*sides).subquery("result")
    averages: dict[str, dict[str, Any]] = {"before": {}, "after": {}}
    for row in connection.execute(select(results.c.side, results.c.code, func.avg(results.c.mastery_rate))
                                  .group_by(results.c.side, results.c.code)):
        averages[row.side][row.code] = row[2]
    return averages


def _matched_learners(campaign_id: UUID, compare_to: UUID):
    """The same learners named as in this campaign, with their two participations (for the page; the
    snapshots are read for the page's rows only)."""
    after = participant_rows(campaign_id).where(participations.c.status == "SHARED").subquery("after")
    before = _sent(compare_to, participations.c.id, participations.c.mastery_rate).subquery("before")
    query = (select(after.c.participation_id.label("after_id"), before.c.id.label("before_id"), after.c.user_id,
                    after.c.first_name, after.c.last_name, after.c.division, after.c.group,
                    before.c.mastery_rate.label("mastery_before"), after.c.mastery_rate.label("mastery_after"))
             .select_from(after.join(before, before.c.user_id == after.c.user_id)))
    return query, in_name_order(after)


def _snapshots(connection: Connection, page: Sequence[Any]) -> dict[UUID, dict[str, Any] | None]:
    ids = [row.after_id for row in page] + [row.before_id for row in page]
    if not ids:
        return {}
    return {row.id: row.results for row in connection.execute(
        select(participations.c.id, participations.c.results).where(participations.c.id.in_(ids)))}


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
        averages = _average_mastery(connection, campaign_id, compare_to)
        page, total = page_and_total(connection, *_matched_learners(campaign_id, compare_to), args)
        snapshots = _snapshots(connection, page)
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
        "learners": {"items": [_learner(row, snapshots, codes) for row in page], "total": total,
                     "page": args["page"],
                     "page_size": args["page_size"]},
    }


def _learner(row: Any, snapshots: dict[UUID, dict[str, Any] | None], codes: list[str]) -> dict[str, Any]:
    def by_code(snapshot: dict[str, Any] | None) -> dict[str, Any]:
        return {item["competence_code"]: item["mastery_rate"] for item in (snapshot or {}).get("competences") or []}

    before, after = by_code(snapshots.get(row.before_id)), by_code(snapshots.get(row.after_id))
    mastery_before, mastery_after = rate(row.mastery_before), rate(row.mastery_after)
    return {
        "user_id": row.user_id, "first_name": row.first_name, "last_name": row.last_name,
        "division": row.division, "group": row.group, "mastery_before": mastery_before,
        "mastery_after": mastery_after, "delta": _delta(mastery_before, mastery_after),
        "competences": [{"code": code, "before": rate(before.get(code)), "after": rate(after.get(code))}
                        for code in codes],
    }

