"""An organization's certification results as its members read them: one row per certificate of its pupils,
as certification published it (names and class as at publication), by last name, with the organization's
learner when reporting knows them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, Uuid, and_, cast, column, or_, select, true, values

from reporting.adapters import orm
from reporting.views.access import check_organization_member
from reporting.views.paging import page_and_total

results, learners = orm.certification_results, orm.learners

COLUMNS = ("course_id", "first_name", "last_name", "division", "status", "score", "mesh_level",
           "certification_date", "verification_code", "session_number")


def results_page(engine: Engine, organization_id: UUID, user_id: UUID,
                 args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    with engine.connect() as connection:
        check_organization_member(connection, organization_id, user_id)
        conditions = [results.c.organization_id == organization_id]
        if args.get("division"):
            conditions.append(results.c.division.in_(args["division"]))
        query = select(*(results.c[name] for name in COLUMNS), results.c.organization_learner_id,
                       results.c.user_id).where(*conditions)
        page, total = page_and_total(connection, query, (results.c.sort_last_name, results.c.sort_first_name,
                                                         results.c.course_id), args)
        learner_of = _learners_of(connection, organization_id, page)
    return [{**{name: row._mapping[name] for name in COLUMNS}, "learner_id": learner_of.get(row.course_id)}
            for row in page], total


def _learners_of(connection: Connection, organization_id: UUID, page: Any) -> dict[UUID, UUID]:
    """The organization's learner of each result of the page: the one certification named, else the one linked
    to the candidate's account (one not disabled first). None when reporting knows neither."""
    if not page:
        return {}
    listed = values(column("course_id", Uuid), column("learner_id", Uuid), column("user_id", Uuid),
                    name="listed").data([(row.course_id, row.organization_learner_id, row.user_id) for row in page])
    keys = select(cast(listed.c.course_id, Uuid).label("course_id"),
                  cast(listed.c.learner_id, Uuid).label("learner_id"),
                  cast(listed.c.user_id, Uuid).label("user_id")).subquery("page_result")
    named = (learners.c.id == keys.c.learner_id).is_(True)
    found = (select(learners.c.id)
             .where(learners.c.organization_id == organization_id,
                    or_(learners.c.id == keys.c.learner_id,
                        and_(keys.c.user_id.is_not(None), learners.c.user_id == keys.c.user_id)))
             .order_by(named.desc(), learners.c.disabled, learners.c.id).limit(1).lateral("found"))
    return {row.course_id: row.id for row in connection.execute(
        select(keys.c.course_id, found.c.id).select_from(keys.join(found, true())))}


def latest_result(organization_id: UUID, rows: Any):
    """Each learner of ``rows``' latest certification result in the organization (by the session's day, then
    the publication), one probe per row: the results that name the learner, and those that name no learner and
    that the account linked to it (or the account itself, for one not on the list) took."""
    return (select(results.c.status.label("certification_status"), results.c.score.label("certification_score"),
                   results.c.certification_date)
            .where(results.c.organization_id == organization_id,
                   or_(results.c.organization_learner_id == rows.c.learner_id,
                       and_(results.c.organization_learner_id.is_(None), rows.c.user_id.is_not(None),
                            results.c.user_id == rows.c.user_id)))
            .order_by(results.c.certification_date.desc(), results.c.published_at.desc(), results.c.course_id)
            .limit(1).lateral("certification"))
