"""A campaign's activity in figures: how many take part, at which status, day by day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Date, Engine, cast, func, literal, select, union_all

from reporting.adapters import orm
from reporting.domain.export import TIME_ZONE
from reporting.views.access import readable_campaign
from reporting.views.content import rate
from reporting.views.participants import STATUSES, live_participations

participations = orm.participations


def _counts(campaign_id: UUID):
    status = participations.c.status
    return select(
        func.count().label("participations_count"),
        *(func.count().filter(status == name).label(name) for name in STATUSES),
        func.avg(participations.c.progress_rate).label("average_progress_rate"),
        func.avg(participations.c.mastery_rate).filter(status == "SHARED").label("average_mastery_rate"),
    ).where(*live_participations(campaign_id))


def activity(engine: Engine, campaign_id: UUID, user_id: UUID) -> dict[str, Any]:
    """How many take part, at each status, and how far they are on average."""
    with engine.connect() as connection:
        campaign = readable_campaign(connection, campaign_id, user_id)
        row = connection.execute(_counts(campaign_id)).one()
    return {"campaign_id": campaign.id, "name": campaign.name, "type": campaign.type,
            "participations_count": row.participations_count, "started_count": row.STARTED,
            "to_share_count": row.TO_SHARE, "shared_count": row.SHARED,
            "average_progress_rate": rate(row.average_progress_rate)}


def _day(moment: Any) -> Any:
    """The day of a moment as French schools count them."""
    return cast(func.timezone(TIME_ZONE, moment), Date)


def statistics(engine: Engine, campaign_id: UUID, user_id: UUID) -> dict[str, Any]:
    """Participations by status and, for every day from the first start to the last event, how many
    started and how many sent their results that day."""
    live = live_participations(campaign_id)
    events = union_all(
        select(_day(participations.c.started_at).label("day"), literal(1).label("started"),
               literal(0).label("shared")).where(*live),
        select(_day(participations.c.shared_at), literal(0), literal(1))
        .where(*live, participations.c.shared_at.is_not(None)),
    ).subquery("event")
    with engine.connect() as connection:
        campaign = readable_campaign(connection, campaign_id, user_id)
        row = connection.execute(_counts(campaign_id)).one()
        active_days = connection.execute(
            select(events.c.day, func.sum(events.c.started).label("started"),
                   func.sum(events.c.shared).label("shared"))
            .group_by(events.c.day).order_by(events.c.day)).all()
    return {
        "campaign_id": campaign.id,
        "participations_by_status": {name: row._mapping[name] for name in STATUSES},
        "participations_by_day": _every_day({day.day: day for day in active_days}),
        "average_mastery_rate": rate(row.average_mastery_rate),
        "average_progress_rate": rate(row.average_progress_rate),
    }


def _every_day(active: dict[date, Any]) -> list[dict[str, Any]]:
    """The active days, with the quiet days between them at zero."""
    if not active:
        return []
    first, last = min(active), max(active)
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        counts = active.get(day)
        days.append({"date": day, "started": int(counts.started) if counts else 0,
                     "shared": int(counts.shared) if counts else 0})
    return days
