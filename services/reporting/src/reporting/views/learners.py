"""An organization's learners as its members read them: the imported list, plus the accounts that took
part in its campaigns without being on it, with the campaigns they joined and whether they may certify.

One query: the two kinds of learner are a UNION ALL, joined to their latest shared profile, then filtered,
counted and paged by the database; the campaigns joined are then counted for the page's learners only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Connection,
    Engine,
    String,
    Uuid,
    and_,
    case,
    cast,
    column,
    exists,
    func,
    null,
    or_,
    select,
    true,
    union_all,
    values,
)
from sqlalchemy.dialects.postgresql import distinct_on

from reporting.adapters import orm
from reporting.domain.exceptions import OrganizationNotFound
from reporting.views.access import check_member
from reporting.views.paging import page_and_total
from reporting.views.participants import LIVE, name_matches

participations, learners, users = orm.participations, orm.learners, orm.users


def _directory(organization_id: UUID):
    """Who the organization's learners are: ``learner_id`` (none for an account without a learner),
    ``user_id``, ``first_name``, ``last_name``, ``division``, ``group``, ``student_number``."""
    imported = (select(learners.c.id.label("learner_id"), learners.c.user_id,
                       func.coalesce(learners.c.first_name, users.c.first_name).label("first_name"),
                       func.coalesce(learners.c.last_name, users.c.last_name).label("last_name"),
                       learners.c.division, learners.c.group_name.label("group"), learners.c.student_number)
                .select_from(learners.outerjoin(users, users.c.id == learners.c.user_id))
                .where(learners.c.organization_id == organization_id, learners.c.disabled.is_(False)))
    has_learner = exists().where(learners.c.organization_id == organization_id,
                                 learners.c.user_id == participations.c.user_id)
    unlisted = (select(participations.c.user_id)
                .where(participations.c.organization_id == organization_id, *LIVE,
                       participations.c.user_id.is_not(None), participations.c.organization_learner_id.is_(None),
                       ~has_learner)
                .distinct().subquery("unlisted"))
    accounts = (select(cast(null(), Uuid).label("learner_id"), unlisted.c.user_id, users.c.first_name,
                       users.c.last_name, cast(null(), String).label("division"), cast(null(), String).label("group"),
                       cast(null(), String).label("student_number"))
                .select_from(unlisted.outerjoin(users, users.c.id == unlisted.c.user_id)))
    return union_all(imported, accounts).subquery("learner")


def _own_participations(organization_id: UUID, rows: Any) -> tuple[Any, ...]:
    """A learner's live participations in the organization: matched to them, or made with their account
    and matched to no one (as ``participant_rows`` decides who a participant is)."""
    return (participations.c.organization_id == organization_id, *LIVE,
            or_(participations.c.organization_learner_id == rows.c.learner_id,
                and_(participations.c.organization_learner_id.is_(None),
                     participations.c.user_id == rows.c.user_id)))


def _activity(organization_id: UUID, rows: Any):
    own = _own_participations(organization_id, rows)
    return select(func.count(participations.c.campaign_id.distinct()).label("campaigns_count"),
                  func.max(participations.c.started_at).label("last_participation_at")).where(*own).lateral("activity")


def _certificability(organization_id: UUID, rows: Any):
    """Whether each learner of ``rows`` may certify, by their latest shared profile (a JSON null is no profile):
    the latest one matched to them, or made with their account and matched to no one, whichever is later.
    Set-based (the latest profile per learner and per account, joined): it serves a filter over every row."""
    with_profile = (participations.c.organization_id == organization_id, *LIVE, participations.c.status == "SHARED",
                    func.jsonb_typeof(participations.c.results["profile"]) == "object")
    columns = (participations.c.shared_at, participations.c.certifiable,
               participations.c.certifiable_competences_count)
    by_learner = (select(participations.c.organization_learner_id, *columns)
                  .where(*with_profile, participations.c.organization_learner_id.is_not(None))
                  .ext(distinct_on(participations.c.organization_learner_id))
                  .order_by(participations.c.organization_learner_id, participations.c.shared_at.desc(),
                            participations.c.id)
                  .subquery("profile_by_learner"))
    by_account = (select(participations.c.user_id, *columns)
                  .where(*with_profile, participations.c.organization_learner_id.is_(None))
                  .ext(distinct_on(participations.c.user_id))
                  .order_by(participations.c.user_id, participations.c.shared_at.desc(), participations.c.id)
                  .subquery("profile_by_account"))
    account_is_later = or_(by_learner.c.shared_at.is_(None), by_account.c.shared_at > by_learner.c.shared_at)

    def latest(name: str) -> Any:
        return case((account_is_later, by_account.c[name]), else_=by_learner.c[name]).label(name)

    joined = (rows.outerjoin(by_learner, by_learner.c.organization_learner_id == rows.c.learner_id)
              .outerjoin(by_account, by_account.c.user_id == rows.c.user_id))
    return joined, latest("certifiable"), latest("certifiable_competences_count")


def _in_name_order(rows: Any) -> tuple[Any, ...]:
    return (func.lower(rows.c.last_name), func.lower(rows.c.first_name), rows.c.learner_id, rows.c.user_id)


def learners_page(engine: Engine, organization_id: UUID, user_id: UUID,
                  args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    with engine.connect() as connection:
        known = connection.execute(select(orm.organizations.c.id).where(
            orm.organizations.c.id == organization_id)).first()
        if known is None:
            raise OrganizationNotFound(f"no organization {organization_id}")
        check_member(connection, organization_id, user_id)
        directory = _directory(organization_id)
        conditions = []
        if args.get("division"):
            conditions.append(directory.c.division.in_(args["division"]))
        if args.get("group"):
            conditions.append(directory.c.group.in_(args["group"]))
        search = (args.get("search") or "").strip()
        if search:
            conditions.append(name_matches(search, directory.c.first_name, directory.c.last_name))
        joined, certifiable, certifiable_competences_count = _certificability(organization_id, directory)
        if args.get("certifiable") is not None:
            conditions.append(certifiable.is_(args["certifiable"]))
        query = select(directory, certifiable, certifiable_competences_count).select_from(joined).where(*conditions)
        page, total = page_and_total(connection, query, _in_name_order(directory), args)
        activity = _activity_of(connection, organization_id, page)
    return [{"learner_id": row.learner_id, "user_id": row.user_id, "first_name": row.first_name,
             "last_name": row.last_name, "division": row.division, "group": row.group,
             "student_number": row.student_number,
             "campaigns_count": activity[row.learner_id, row.user_id].campaigns_count,
             "last_participation_at": activity[row.learner_id, row.user_id].last_participation_at,
             "certifiable": row.certifiable, "certifiable_competences_count": row.certifiable_competences_count}
            for row in page], total


def _activity_of(connection: Connection, organization_id: UUID, page: Sequence[Any]) -> dict[tuple, Any]:
    """The campaigns joined by the page's learners only: one probe per learner of the page."""
    if not page:
        return {}
    listed = values(column("learner_id", Uuid), column("user_id", Uuid), name="listed").data(
        [(row.learner_id, row.user_id) for row in page])
    # a column of nulls only would be text for PostgreSQL
    keys = select(cast(listed.c.learner_id, Uuid).label("learner_id"),
                  cast(listed.c.user_id, Uuid).label("user_id")).subquery("page_learner")
    activity = _activity(organization_id, keys)
    return {(row.learner_id, row.user_id): row for row in connection.execute(
        select(keys.c.learner_id, keys.c.user_id, activity.c.campaigns_count, activity.c.last_participation_at)
        .select_from(keys.join(activity, true())))}
