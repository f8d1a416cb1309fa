"""A campaign's activity in figures: how many take part, at which status, day by day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, func, or_, select

from reporting.adapters import orm
from reporting.views.access import readable_campaign
from reporting.views.content import rate
from reporting.views.participants import STATUSES

counts, days = orm.campaign_counts, orm.campaign_days


def _counts(connection: Connection, campaign_id: UUID) -> Any:
    """The campaign's running counts (``orm.campaign_counts``), its slots added up: a few rows at any size. The
    averages divide as PostgreSQL's ``avg`` does (the same numeric division), over the live participations for
    progress and the shared ones with a mastery rate for mastery."""
    total = lambda column: func.coalesce(func.sum(column), 0)  # noqa: E731
    participations, rated = total(counts.c.participations), total(counts.c.rated)
    return connection.execute(select(
        participations.label("participations_count"),
        total(counts.c.started).label("STARTED"), total(counts.c.to_share).label("TO_SHARE"),
        total(counts.c.shared).label("SHARED"),
        (func.sum(counts.c.sum_progress_rate) / func.nullif(participations, 0)).label("average_progress_rate"),
        (func.sum(counts.c.sum_mastery_rate) / func.nullif(rated, 0)).label("average_mastery_rate"),
    ).where(counts.c.campaign_id == campaign_id)).one()


def activity(engine: Engine, campaign_id: UUID, user_id: UUID) -> dict[str, Any]:
    """How many take part, at each status, and how far they are on average."""
    with engine.connect() as connection:
        campaign = readable_campaign(connection, campaign_id, user_id)
        row = _counts(connection, campaign_id)
    return {"campaign_id": campaign.id, "name": campaign.name, "type": campaign.type,
            "participations_count": row.participations_count, "started_count": row.STARTED,
            "to_share_count": row.TO_SHARE, "shared_count": row.SHARED,
            "average_progress_rate": rate(row.average_progress_rate)}


def statistics(engine: Engine, campaign_id: UUID, user_id: UUID) -> dict[str, Any]:
    """Participations by status and, for every day from the first start to the last event, how many
    started and how many sent their results that day (``orm.campaign_days``, kept per day in Paris)."""
    with engine.connect() as connection:
        campaign = readable_campaign(connection, campaign_id, user_id)
        row = _counts(connection, campaign_id)
        active_days = connection.execute(
            select(days.c.day, func.sum(days.c.started).label("started"), func.sum(days.c.shared).label("shared"))
            .where(days.c.campaign_id == campaign_id).group_by(days.c.day)
            .having(or_(func.sum(days.c.started) != 0, func.sum(days.c.shared) != 0))
            .order_by(days.c.day)).all()
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
