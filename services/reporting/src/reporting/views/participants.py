"""Who a campaign's participants are, and the page of them a teacher reads.

``participant_rows`` is the one definition of a participant: the follow-up pages, the individual
results, the progression and the CSV export all read participants through it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Engine, Select, case, or_, select

from reporting.adapters import orm
from reporting.views.access import readable_campaign
from reporting.views.content import rate
from reporting.views.paging import page_and_total

participations = orm.participations

STATUSES = ("STARTED", "TO_SHARE", "SHARED")

# One live participation per learner and campaign: deletions and earlier attempts (retries) left out, and
# a participation whose start is not known yet (only assessment's or a share's event arrived) not counted.
LIVE = (participations.c.deleted_at.is_(None), ~participations.c.superseded,
        participations.c.started_at.is_not(None))


def live_participations(campaign_id: UUID) -> tuple[Any, ...]:
    """The conditions on ``orm.participations`` for the live participations of a campaign (partial index)."""
    return (participations.c.campaign_id == campaign_id, *LIVE)


def _when_shared(column):
    """Results are the organization's only once sent."""
    return case((participations.c.status == "SHARED", column)).label(column.name)


def participants_where(*conditions: Any) -> Select:
    """Participations matching ``conditions`` (on ``orm.participations``) with who the participant is.

    Columns: ``participation_id, campaign_id, organization_id, campaign_type, user_id, learner_id,
    first_name, last_name, participant_external_id, division, group, student_number, status,
    progress_rate, started_at, shared_at, is_improvement`` and, null unless shared, ``mastery_rate,
    validated_skills_count, target_skills_count, total_pix, certifiable, certifiable_competences_count,
    results``. Who the participant is (the learner matched or linked to the account, else the account) is
    kept on the participation by the projections (``adapters/read_models.py``: ``REFRESH_PARTICIPANTS``)."""
    return (select(
        participations.c.id.label("participation_id"), participations.c.campaign_id,
        participations.c.organization_id, participations.c.campaign_type, participations.c.user_id,
        participations.c.learner_id, participations.c.first_name, participations.c.last_name,
        participations.c.participant_external_id, participations.c.division,
        participations.c.group_name.label("group"), participations.c.student_number,
        participations.c.status, participations.c.progress_rate,
        participations.c.started_at, participations.c.shared_at, participations.c.is_improvement,
        participations.c.sort_last_name, participations.c.sort_first_name,
        *(_when_shared(participations.c[name]) for name in (
            "mastery_rate", "validated_skills_count", "target_skills_count", "total_pix", "certifiable",
            "certifiable_competences_count", "results")))
        .where(*conditions))


def participant_rows(campaign_id: UUID) -> Select:
    """The live participations of a campaign with the participant's columns (see ``participants_where``).
    Filter and sort it as a subquery: ``rows = participant_rows(id).subquery()``, ``in_name_order(rows)``."""
    return participants_where(*live_participations(campaign_id))


def in_name_order(rows: Any) -> tuple[Any, ...]:
    """Participants as a teacher looks for them: by last name, first name (case aside), then a stable order
    (the order of the index ``ix_participations_campaign_names``: a page is a range of it)."""
    return (rows.c.sort_last_name, rows.c.sort_first_name, rows.c.participation_id)


def name_matches(search: str, first_name: Any, last_name: Any, *others: Any) -> Any:
    """Case-insensitive part of the first name, the last name, "first last", or any of ``others``; the
    user's ``%`` and ``_`` are taken literally."""
    return or_(*(column.icontains(search, autoescape=True)
                 for column in (first_name, last_name, first_name + " " + last_name, *others)))


def _filters(args: dict[str, Any]) -> list[Any]:
    """The page's filters, on columns of the names index (``ix_participations_campaign_names``)."""
    conditions = []
    if args.get("status"):
        conditions.append(participations.c.status.in_(args["status"]))
    if args.get("division"):
        conditions.append(participations.c.division.in_(args["division"]))
    if args.get("group"):
        conditions.append(participations.c.group_name.in_(args["group"]))
    search = (args.get("search") or "").strip()
    if search:
        conditions.append(name_matches(search, participations.c.sort_first_name, participations.c.sort_last_name,
                                       participations.c.participant_external_id))
    return conditions


def participant_item(row: Any) -> dict[str, Any]:
    return {
        "participation_id": row.participation_id, "first_name": row.first_name, "last_name": row.last_name,
        "participant_external_id": row.participant_external_id, "division": row.division, "group": row.group,
        "student_number": row.student_number, "status": row.status, "progress_rate": rate(row.progress_rate),
        "started_at": row.started_at, "shared_at": row.shared_at, "mastery_rate": rate(row.mastery_rate),
        "validated_skills_count": row.validated_skills_count, "total_pix": row.total_pix,
        "certifiable": row.certifiable,
    }


def participants_page(engine: Engine, campaign_id: UUID, user_id: UUID,
                      args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """One page of the campaign's participants, filtered, in name order, and how many match: the page's ids
    and the count are read from the names index alone, then the page's rows by their ids."""
    table = participations
    ids = select(table.c.id.label("participation_id"), table.c.sort_last_name, table.c.sort_first_name).where(
        *live_participations(campaign_id), *_filters(args))
    with engine.connect() as connection:
        readable_campaign(connection, campaign_id, user_id)
        page, total = page_and_total(connection, ids, (table.c.sort_last_name, table.c.sort_first_name, table.c.id),
                                     args)
        rows = {row.participation_id: row for row in connection.execute(
            participants_where(table.c.id.in_([row.participation_id for row in page])))}
    return [participant_item(rows[row.participation_id]) for row in page], total


def participant_filters(engine: Engine, campaign_id: UUID, user_id: UUID) -> dict[str, list[str]]:
    """The classes and groups present among the live participants (the filters' choices), in one pass."""
    rows = participant_rows(campaign_id).subquery("participant")
    with engine.connect() as connection:
        readable_campaign(connection, campaign_id, user_id)
        pairs = connection.execute(select(rows.c.division, rows.c.group).distinct()).all()
    return {"divisions": sorted({pair.division for pair in pairs if pair.division is not None}),
            "groups": sorted({pair.group for pair in pairs if pair.group is not None})}
