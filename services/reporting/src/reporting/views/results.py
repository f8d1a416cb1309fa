"""Results as the organization received them: one participant's, and the campaign's on average.

Only shared results count. Collective figures divide the campaign's running totals, which the projections
keep with each participation's shared results (``domain/collective.py``): a few rows read, whatever the size.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, func, select

from reporting.adapters import orm
from reporting.domain import collective
from reporting.domain.exceptions import ParticipationNotFound
from reporting.views.access import readable_campaign
from reporting.views.content import Competence, campaign_competences, competence, competences, rate
from reporting.views.participants import live_participations, participants_where

participations, totals = orm.participations, orm.collective_totals

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


def _shared_count(connection: Connection, campaign_id: UUID) -> int:
    return connection.execute(select(func.count()).where(*live_participations(campaign_id),
                                                         participations.c.status == "SHARED")).scalar_one()


def _totals(connection: Connection, campaign_id: UUID) -> dict[tuple[str, str], Any]:
    """The campaign's running totals (``domain/collective.py``), by kind and code: a few rows, whatever the
    campaign's size."""
    return {(row.kind, row.code): row for row in connection.execute(
        select(totals).where(totals.c.campaign_id == campaign_id, totals.c.participants > 0))}


def _average(total: Any, name: str, digits: int = 4) -> float | None:
    return rate(getattr(total, name) / total.participants, digits) if total is not None else None


def _collective_assessment(connection: Connection, campaign_id: UUID,
                           known: dict[str, Competence]) -> dict[str, Any]:
    sums = _totals(connection, campaign_id)
    targets = connection.execute(campaign_competences(campaign_id).order_by("code")).all()
    items, areas = [], {}
    for target in targets:
        named, total = competence(known, target.code), sums.get((collective.COMPETENCE, target.code))
        items.append({"code": target.code, "name": named.name, "area_code": named.area_code,
                      "area_name": named.area_name, "target_skills_count": target.target_skills_count,
                      "average_mastery_rate": _average(total, "sum_mastery"),
                      "average_validated_skills_count": _average(total, "sum_validated", 2),
                      "average_tested_skills_count": _average(total, "sum_tested", 2)})
        area = areas.setdefault(named.area_code, {"code": named.area_code, "name": named.area_name,
                                                  "target_skills_count": 0})
        area["target_skills_count"] += target.target_skills_count
    for code, area in areas.items():
        total = sums.get((collective.AREA, code))
        area.update(average_mastery_rate=_average(total, "sum_mastery"),
                    average_validated_skills_count=_average(total, "sum_validated", 2))
    return {"shared_participations_count": _shared_count(connection, campaign_id), "competences": items,
            "areas": list(areas.values())}


def _collective_profiles(connection: Connection, campaign_id: UUID,
                         known: dict[str, Competence]) -> dict[str, Any]:
    """Averages over the shared profiles; a competence absent from a profile counts as 0."""
    sums = _totals(connection, campaign_id)
    profiles = sums.get((collective.PROFILE, ""))
    count = profiles.participants if profiles is not None else 0
    items = []
    for code in sorted(set(known) | {code for kind, code in sums if kind == collective.COMPETENCE}):
        named, total = competence(known, code), sums.get((collective.COMPETENCE, code))
        items.append({"code": code, "name": named.name, "area_code": named.area_code, "area_name": named.area_name,
                      "average_level": rate((total.sum_level if total else 0) / count, 2) if count else None,
                      "average_pix": rate((total.sum_pix if total else 0) / count, 2) if count else None})
    return {"shared_participations_count": _shared_count(connection, campaign_id),
            "average_total_pix": _average(profiles, "sum_pix", 2),
            "certifiable_count": profiles.certifiable if profiles is not None else 0, "competences": items}
