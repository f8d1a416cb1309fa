"""An organization's learners as its members read them: the imported list, plus the accounts that took
part in its campaigns without being on it, with the campaigns they joined, whether they may certify and how
their account signs in.

One query: the two kinds of learner are a UNION ALL, filtered (by their latest shared profile too when
asked), counted and paged by the database; the campaigns joined and the latest profile are then read for
the page's learners only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    String,
    Uuid,
    and_,
    cast,
    column,
    func,
    null,
    or_,
    select,
    true,
    union_all,
    values,
)

from reporting.adapters import orm
from reporting.views.access import check_organization_member
from reporting.views.certification_results import latest_result
from reporting.views.paging import page_and_total
from reporting.views.participants import LIVE, name_matches

participations, learners, users, gar_sign_ins = orm.participations, orm.learners, orm.users, orm.gar_sign_ins

EMAIL, USERNAME, GAR = "EMAIL", "USERNAME", "GAR"


def _directory(organization_id: UUID):
    """Who the organization's learners are: ``learner_id`` (none for an account without a learner),
    ``user_id`` (for a learner, the account linked to it), ``linked_at`` (since when, when known), ``first_name``,
    ``last_name``, ``division``, ``group``, ``student_number``."""
    imported = (select(learners.c.id.label("learner_id"), learners.c.user_id, learners.c.linked_at,
                       func.coalesce(learners.c.first_name, users.c.first_name).label("first_name"),
                       func.coalesce(learners.c.last_name, users.c.last_name).label("last_name"),
                       learners.c.division, learners.c.group_name.label("group"), learners.c.student_number)
                .select_from(learners.outerjoin(users, users.c.id == learners.c.user_id))
                .where(learners.c.organization_id == organization_id, learners.c.disabled.is_(False)))
    unlisted = (select(participations.c.user_id)
                .where(participations.c.organization_id == organization_id, *LIVE,
                       participations.c.user_id.is_not(None), participations.c.learner_id.is_(None))
                .distinct().subquery("unlisted"))
    accounts = (select(cast(null(), Uuid).label("learner_id"), unlisted.c.user_id,
                       cast(null(), DateTime(timezone=True)).label("linked_at"), users.c.first_name,
                       users.c.last_name, cast(null(), String).label("division"), cast(null(), String).label("group"),
                       cast(null(), String).label("student_number"))
                .select_from(unlisted.outerjoin(users, users.c.id == unlisted.c.user_id)))
    return union_all(imported, accounts).subquery("learner")


def _own_participations(organization_id: UUID, rows: Any) -> tuple[Any, ...]:
    """A learner's live participations in the organization: those the projections found them for (matched,
    or made with the account linked to them), else, for an account without a learner, those of the account."""
    return (participations.c.organization_id == organization_id, *LIVE,
            or_(participations.c.learner_id == rows.c.learner_id,
                and_(rows.c.learner_id.is_(None), participations.c.learner_id.is_(None),
                     participations.c.user_id == rows.c.user_id)))


def _latest_profile(organization_id: UUID, rows: Any):
    """Whether each learner of ``rows`` may certify, by their latest shared profile (a JSON null is no
    profile), one probe per row."""
    return (select(participations.c.certifiable, participations.c.certifiable_competences_count)
            .where(*_own_participations(organization_id, rows), participations.c.status == "SHARED",
                   func.jsonb_typeof(participations.c.results["profile"]) == "object")
            .order_by(participations.c.shared_at.desc(), participations.c.id).limit(1).lateral("profile"))


def _activity(organization_id: UUID, rows: Any):
    own = _own_participations(organization_id, rows)
    return select(func.count(participations.c.campaign_id.distinct()).label("campaigns_count"),
                  func.max(participations.c.started_at).label("last_participation_at")).where(*own).lateral("activity")


def _in_name_order(rows: Any) -> tuple[Any, ...]:
    return (func.lower(rows.c.last_name), func.lower(rows.c.first_name), rows.c.learner_id, rows.c.user_id)


def learners_page(engine: Engine, organization_id: UUID, user_id: UUID,
                  args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    with engine.connect() as connection:
        check_organization_member(connection, organization_id, user_id)
        directory = _directory(organization_id)
        conditions = []
        if args.get("division"):
            conditions.append(directory.c.division.in_(args["division"]))
        if args.get("group"):
            conditions.append(directory.c.group.in_(args["group"]))
        search = (args.get("search") or "").strip()
        if search:
            conditions.append(name_matches(search, directory.c.first_name, directory.c.last_name))
        query = select(directory).where(*conditions)
        if args.get("certifiable") is not None:  # a filter on every row: their profiles are read before the page
            profile = _latest_profile(organization_id, directory)
            query = (select(directory).select_from(directory.outerjoin(profile, true()))
                     .where(*conditions, profile.c.certifiable.is_(args["certifiable"])))
        page, total = page_and_total(connection, query, _in_name_order(directory), args)
        details = _details_of(connection, organization_id, page)
    return [{"learner_id": row.learner_id, "user_id": row.user_id, "linked_at": row.linked_at,
             "first_name": row.first_name,
             "last_name": row.last_name, "division": row.division, "group": row.group,
             "student_number": row.student_number, **details[row.learner_id, row.user_id]} for row in page], total


def _details_of(connection: Connection, organization_id: UUID, page: Sequence[Any]) -> dict[tuple, dict]:
    """The campaigns joined, the latest profile, the latest certification result and how the account signs in,
    for the page's learners only: probes per learner."""
    if not page:
        return {}
    listed = values(column("learner_id", Uuid), column("user_id", Uuid), name="listed").data(
        [(row.learner_id, row.user_id) for row in page])
    # a column of nulls only would be text for PostgreSQL
    keys = select(cast(listed.c.learner_id, Uuid).label("learner_id"),
                  cast(listed.c.user_id, Uuid).label("user_id")).subquery("page_learner")
    activity, profile = _activity(organization_id, keys), _latest_profile(organization_id, keys)
    certification = latest_result(organization_id, keys)
    return {(row.learner_id, row.user_id): {
        "campaigns_count": row.campaigns_count, "last_participation_at": row.last_participation_at,
        "certifiable": row.certifiable, "certifiable_competences_count": row.certifiable_competences_count,
        "certification_status": row.certification_status, "certification_score": row.certification_score,
        "certification_date": row.certification_date,
        "sign_in_methods": _sign_in_methods(row), "username": row.username}
        for row in connection.execute(
            select(keys.c.learner_id, keys.c.user_id, activity.c.campaigns_count, activity.c.last_participation_at,
                   profile.c.certifiable, profile.c.certifiable_competences_count,
                   certification.c.certification_status, certification.c.certification_score,
                   certification.c.certification_date, users.c.has_email, users.c.username,
                   gar_sign_ins.c.user_id.is_not(None).label("gar"))
            .select_from(keys.join(activity, true()).outerjoin(profile, true()).outerjoin(certification, true())
                         .outerjoin(users, users.c.id == keys.c.user_id)
                         .outerjoin(gar_sign_ins, gar_sign_ins.c.user_id == keys.c.user_id)))}


def _sign_in_methods(row: Any) -> list[str]:
    """How the account signs in, in the order a school reads them (organizations' account panel gives the same):
    none for a learner without an account, nor for an account identity has announced nothing of yet."""
    return [name for name, present in ((EMAIL, row.has_email), (USERNAME, row.username), (GAR, row.gar)) if present]
