"""Results as the organization received them: one participant's, and the campaign's on average.

Only shared results count. Collective figures are computed by the database over ``shared_results`` (one
row per shared participation and competence, kept by the projections), never by loading every participation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, Numeric, cast, func, select

from reporting.adapters import orm
from reporting.domain.exceptions import ParticipationNotFound
from reporting.views.access import readable_campaign
from reporting.views.content import Competence, campaign_competences, competence, competences, rate
from reporting.views.participants import live_participations, participants_where

participations, shared_results = orm.participations, orm.shared_results

ASSESSMENT, PROFILES_COLLECTION = "ASSESSMENT", "PROFILES_COLLECTION"


# --- one participant -----------------------------------------------------------------------

def participant_results(engine: Engine, campaign_id: UUID, participation_id: UUID, user_id: UUID,
                        locale: str) -> dict[str, Any]:
    """A participant's follow-up and, once shared, their results. An earlier attempt replaced by a retry
    can still be read by its id; a deleted participation cannot."""
    with engine.connect() as connection:
        campaign = readable_campaign(connection, campaign_id, user_id)
        row = connection.execute(participants_where(
            participations.c.id == participation_id, participations.c.campaign_id == campaign_id,
            participations.c.deleted_at.is_(None), participations.c.started_at.is_not(None))).first()
        if row is None:
            raise ParticipationNotFound(f"no participation {participation_id} in campaign {campaign_id}")
        known = competences(connection, locale)
    shown = None
    if row.status == "SHARED":
        snapshot = row.results or {}
        shown = (_profile_results(row, snapshot.get("profile"), known) if campaign.type == PROFILES_COLLECTION
                 else _assessment_results(row, snapshot.get("competences") or [], known))
    return {
        "participation_id": row.participation_id, "campaign_type": campaign.type, "first_name": row.first_name,
        "last_name": row.last_name, "participant_external_id": row.participant_external_id,
        "division": row.division, "group": row.group, "status": row.status,
        "progress_rate": rate(row.progress_rate), "started_at": row.started_at, "shared_at": row.shared_at,
        "results": shown,
    }


def _assessment_results(row: Any, snapshot: list[dict[str, Any]], known: dict[str, Competence]) -> dict[str, Any]:
    items = []
    for result in sorted(snapshot, key=lambda result: result["competence_code"]):
        named = competence(known, result["competence_code"], result.get("area_code"))
        items.append({
            "code": named.code, "name": named.name, "area_code": named.area_code, "area_name": named.area_name,
            "target_skills_count": result["target_skills_count"],
            "validated_skills_count": result["validated_skills_count"],
            "tested_skills_count": result["tested_skills_count"], "mastery_rate": rate(result["mastery_rate"]),
        })
    return {
        "mastery_rate": rate(row.mastery_rate), "validated_skills_count": row.validated_skills_count,
        "target_skills_count": row.target_skills_count,
        "tested_skills_count": sum(item["tested_skills_count"] for item in items),
        "competences": items, "areas": list(_areas(items)),
    }


def _areas(items: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """Competences summed by area, in the order of their first competence."""
    by_area: dict[str, dict[str, Any]] = {}
    for item in items:
        area = by_area.setdefault(item["area_code"], {"code": item["area_code"], "name": item["area_name"],
                                                      "target_skills_count": 0, "validated_skills_count": 0})
        area["target_skills_count"] += item["target_skills_count"]
        area["validated_skills_count"] += item["validated_skills_count"]
    for area in by_area.values():
        target = area["target_skills_count"]
        yield {**area, "mastery_rate": rate(area["validated_skills_count"] / target) if target else 0.0}


def _profile_results(row: Any, profile: dict[str, Any] | None, known: dict[str, Competence]) -> dict[str, Any]:
    """The whole profile: every competence of the content, at 0 when the profile has nothing in it."""
    profile = profile or {}
    reached = {item["competence_code"]: item for item in profile.get("competences", [])}
    codes = sorted(set(known) | set(reached))
    items = []
    for code in codes:
        named = competence(known, code, reached.get(code, {}).get("area_code"))
        items.append({"code": code, "name": named.name, "area_code": named.area_code, "area_name": named.area_name,
                      "pix": reached.get(code, {}).get("pix", 0), "level": reached.get(code, {}).get("level", 0)})
    return {"total_pix": row.total_pix, "certifiable": row.certifiable,
            "certifiable_competences_count": row.certifiable_competences_count, "competences": items}


# --- the campaign on average ---------------------------------------------------------------

def collective_results(engine: Engine, campaign_id: UUID, user_id: UUID, locale: str) -> dict[str, Any]:
    """Averages over the live shared participations, per competence and per area (assessment), or per
    competence of the profiles (profiles collection); averages are none while nothing is shared."""
    with engine.connect() as connection:
        campaign = readable_campaign(connection, campaign_id, user_id)
        known = competences(connection, locale)
        if campaign.type == PROFILES_COLLECTION:
            return {"campaign_id": campaign.id, "campaign_type": campaign.type,
                    **_collective_profiles(connection, campaign_id, known)}
        return {"campaign_id": campaign.id, "campaign_type": campaign.type,
                **_collective_assessment(connection, campaign_id, known)}


def _shared(campaign_id: UUID):
    return (*live_participations(campaign_id), participations.c.status == "SHARED")


def _collective_assessment(connection: Connection, campaign_id: UUID,
                           known: dict[str, Competence]) -> dict[str, Any]:
    shared_count = connection.execute(select(func.count()).where(*_shared(campaign_id))).scalar_one()
    # one row per live shared participation and competence of its snapshot, kept by the projections
    per_result = select(shared_results).where(shared_results.c.campaign_id == campaign_id).subquery("per_result")
    targets = campaign_competences(campaign_id).subquery("target")
    averages = (select(per_result.c.competence_code.label("code"),
                       func.avg(per_result.c.mastery_rate).label("average_mastery_rate"),
                       func.avg(per_result.c.validated_skills_count).label("average_validated_skills_count"),
                       func.avg(per_result.c.tested_skills_count).label("average_tested_skills_count"))
                .group_by(per_result.c.competence_code).subquery("averages"))
    rows = connection.execute(
        select(targets.c.code, targets.c.target_skills_count, averages.c.average_mastery_rate,
               averages.c.average_validated_skills_count, averages.c.average_tested_skills_count)
        .select_from(targets.outerjoin(averages, averages.c.code == targets.c.code))
        .order_by(targets.c.code)).all()
    items = []
    for row in rows:
        named = competence(known, row.code)
        items.append({"code": row.code, "name": named.name, "area_code": named.area_code,
                      "area_name": named.area_name, "target_skills_count": row.target_skills_count,
                      "average_mastery_rate": rate(row.average_mastery_rate),
                      "average_validated_skills_count": rate(row.average_validated_skills_count, 2),
                      "average_tested_skills_count": rate(row.average_tested_skills_count, 2)})
    return {"shared_participations_count": shared_count, "competences": items,
            "areas": _collective_areas(connection, per_result, items)}


def _collective_areas(connection: Connection, per_result: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per area: each participant's validated skills over their target skills in it, averaged."""
    area_of = {item["code"]: item["area_code"] for item in items}
    by_participant = (select(per_result.c.area_code,
                             cast(func.sum(per_result.c.validated_skills_count), Numeric).label("validated"),
                             func.sum(per_result.c.target_skills_count).label("target"))
                      .group_by(per_result.c.participation_id, per_result.c.area_code).subquery("by_participant"))
    averages = {row.area_code: row for row in connection.execute(
        select(by_participant.c.area_code,
               func.avg(by_participant.c.validated / func.nullif(by_participant.c.target, 0))
               .label("average_mastery_rate"),
               func.avg(by_participant.c.validated).label("average_validated_skills_count"))
        .group_by(by_participant.c.area_code))}
    areas: dict[str, dict[str, Any]] = {}
    for item in items:
        code = area_of[item["code"]]
        area = areas.setdefault(code, {"code": code, "name": item["area_name"], "target_skills_count": 0})
        area["target_skills_count"] += item["target_skills_count"]
    return [{**area, "average_mastery_rate": rate(getattr(averages.get(code), "average_mastery_rate", None)),
             "average_validated_skills_count": rate(getattr(averages.get(code), "average_validated_skills_count",
                                                            None), 2)}
            for code, area in areas.items()]


def _collective_profiles(connection: Connection, campaign_id: UUID,
                         known: dict[str, Competence]) -> dict[str, Any]:
    """Averages over the shared profiles; a competence absent from a profile counts as 0."""
    # a JSON null is no profile: jsonb_typeof is "null" for it, and null for no snapshot at all
    with_profile = (*_shared(campaign_id), func.jsonb_typeof(participations.c.results["profile"]) == "object")
    summary = connection.execute(select(
        func.count().label("profiles_count"), func.avg(participations.c.total_pix).label("average_total_pix"),
        func.count().filter(participations.c.certifiable.is_(True)).label("certifiable_count"),
    ).where(*with_profile)).one()
    shared_count = connection.execute(select(func.count()).where(*_shared(campaign_id))).scalar_one()
    reached = shared_results
    sums = {row.code: row for row in connection.execute(
        select(reached.c.competence_code.label("code"), func.sum(reached.c.pix).label("pix"),
               func.sum(reached.c.level).label("level"))
        .where(reached.c.campaign_id == campaign_id).group_by(reached.c.competence_code))}
    count = summary.profiles_count
    items = []
    for code in sorted(set(known) | set(sums)):
        named = competence(known, code)
        totals = sums.get(code)
        items.append({"code": code, "name": named.name, "area_code": named.area_code, "area_name": named.area_name,
                      "average_level": rate((totals.level if totals else 0) / count, 2) if count else None,
                      "average_pix": rate((totals.pix if totals else 0) / count, 2) if count else None})
    return {"shared_participations_count": shared_count, "average_total_pix": rate(summary.average_total_pix, 2),
            "certifiable_count": summary.certifiable_count, "competences": items}
