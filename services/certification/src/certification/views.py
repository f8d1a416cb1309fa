"""Reads for the API: they query the tables directly (no aggregate is loaded to answer a list), after the
same access checks as the use cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, func, select, union

from certification.adapters import orm
from certification.domain import commands as c
from certification.domain import exceptions as e
from certification.domain.candidates import ALREADY_ENROLLED, ineligibility
from certification.domain.centers import Center
from certification.service_layer import access
from certification.service_layer.unit_of_work import CertificationUnitOfWork
from svckit.pagination import offset


def _center_dict(center: Center) -> dict[str, Any]:
    return {"id": center.id, "type": center.type, "name": center.name, "external_id": center.external_id,
            "organization_id": center.organization_id, "school_kind": center.school_kind,
            "archived": center.archived, "created_at": center.created_at,
            "members": [{"user_id": user_id, "role": role} for user_id, role in sorted(center.members.items(),
                                                                                        key=lambda m: str(m[0]))],
            "pending_invitations": [{"id": i.id, "email": i.email, "role": i.role, "created_at": i.created_at}
                                    for i in center.invitations if i.status == "PENDING"]}


def center(uow: CertificationUnitOfWork, center_id: UUID, actor: c.Actor) -> dict[str, Any]:
    with uow:
        found = access.get_center(uow, center_id)
        if not actor.platform_admin:
            access.require_member(uow, found, actor)
        return _center_dict(found)


def my_centers(engine: Engine, user_id: UUID) -> list[dict[str, Any]]:
    ct, m, mb, o = orm.centers, orm.center_members, orm.memberships, orm.known_organizations
    ids = union(
        select(m.c.center_id.label("id")).where(m.c.user_id == user_id),
        select(ct.c.id).select_from(ct.join(mb, mb.c.organization_id == ct.c.organization_id)
                                    .join(o, o.c.id == ct.c.organization_id))
        .where(mb.c.user_id == user_id, mb.c.active.is_(True), mb.c.role == "ADMIN", o.c.archived.is_(False)),
    ).subquery()
    with engine.connect() as connection:
        rows = connection.execute(select(ct).where(ct.c.id.in_(select(ids.c.id))).order_by(ct.c.name, ct.c.id))
        return [{**row._mapping, "members": [], "pending_invitations": []} for row in rows]


def centers_page(engine: Engine, actor: c.Actor, args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Every centre, for platform admins: by type, schools whose kind is still unset, or a part of the name or
    the UAI; by name."""
    access.require_platform_admin(actor)
    ct = orm.centers
    conditions = []
    if args.get("type"):
        conditions.append(ct.c.type == args["type"])
    if args.get("kind_unset"):
        conditions.append(ct.c.type == "SCO")
        conditions.append(ct.c.school_kind.is_(None))
    if args.get("name"):
        pattern = "%" + args["name"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(ct.c.name.ilike(pattern, escape="\\") | ct.c.external_id.ilike(pattern, escape="\\"))
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(ct).where(*conditions))
        rows = connection.execute(select(ct).where(*conditions).order_by(ct.c.name, ct.c.id)
                                  .limit(args["page_size"]).offset(offset(args)))
        return [{**row._mapping, "members": [], "pending_invitations": []} for row in rows], total


def windows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(
            select(orm.windows).order_by(orm.windows.c.starts_on, orm.windows.c.school_kind))]


_SESSION_COLUMNS = (orm.sessions.c.id, orm.sessions.c.center_id, orm.sessions.c.number, orm.sessions.c.address,
                    orm.sessions.c.room, orm.sessions.c.date, orm.sessions.c.time, orm.sessions.c.examiner,
                    orm.sessions.c.description, orm.sessions.c.access_code, orm.sessions.c.invigilator_password,
                    orm.sessions.c.status, orm.sessions.c.created_by, orm.sessions.c.created_at,
                    orm.sessions.c.first_started_at)


def _counts():
    cd = orm.candidates
    return (select(func.count()).where(cd.c.session_id == orm.sessions.c.id).scalar_subquery()
            .label("candidates_count"),
            select(func.count(cd.c.course_id)).where(cd.c.session_id == orm.sessions.c.id).scalar_subquery()
            .label("started_count"))


def sessions_page(uow: CertificationUnitOfWork, engine: Engine, center_id: UUID, actor: c.Actor,
                  args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    with uow:
        access.require_member(uow, access.get_center(uow, center_id), actor)
    s = orm.sessions
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(s).where(s.c.center_id == center_id))
        rows = connection.execute(select(*_SESSION_COLUMNS, *_counts()).where(s.c.center_id == center_id)
                                  .order_by(s.c.date.desc(), s.c.time.desc(), s.c.number.desc())
                                  .limit(args["page_size"]).offset(offset(args)))
        return [dict(row._mapping) for row in rows], total


def session(uow: CertificationUnitOfWork, engine: Engine, session_id: UUID, actor: c.Actor) -> dict[str, Any]:
    with uow:
        access.managed_session(uow, session_id, actor)
    with engine.connect() as connection:
        row = connection.execute(select(*_SESSION_COLUMNS, *_counts()).where(orm.sessions.c.id == session_id)).first()
        return dict(row._mapping)


def _candidate_row(row: Any) -> dict[str, Any]:
    return {"id": row.id, "session_id": row.session_id, "first_name": row.first_name, "last_name": row.last_name,
            "birthdate": row.birthdate, "sex": row.sex, "birthplace": row.birthplace,
            "result_email": row.result_email, "external_id": row.external_id,
            "extra_time_percentage": row.extra_time_percentage,
            "organization_learner_id": row.organization_learner_id, "joined": row.user_id is not None,
            "started_at": row.started_at}


def candidates(uow: CertificationUnitOfWork, engine: Engine, session_id: UUID, actor: c.Actor) -> list[dict[str, Any]]:
    with uow:
        access.managed_session(uow, session_id, actor)
    cd = orm.candidates
    with engine.connect() as connection:
        return [_candidate_row(row) for row in connection.execute(
            select(cd).where(cd.c.session_id == session_id).order_by(cd.c.last_name, cd.c.first_name, cd.c.id))]


def candidate(engine: Engine, candidate_id: UUID) -> dict[str, Any]:
    with engine.connect() as connection:
        row = connection.execute(select(orm.candidates).where(orm.candidates.c.id == candidate_id)).first()
        if row is None:
            raise e.NotFound("CANDIDATE_NOT_FOUND", "This candidate does not exist.")
        return _candidate_row(row)


def students(uow: CertificationUnitOfWork, session_id: UUID, actor: c.Actor, division: str) -> list[dict[str, Any]]:
    """A class of the school, each pupil with whether they may be enrolled, and why not."""
    with uow:
        session_, center_ = access.managed_session(uow, session_id, actor)
        if not center_.is_school or center_.organization_id is None:
            raise e.RuleBroken("NOT_A_SCHOOL", "Only a school enrols pupils from its list.")
        learners = uow.replicas.learners_of_division(center_.organization_id, division)
        enrolled = {cd.organization_learner_id for cd in uow.candidates.of_session(session_.id)}
        profiles = uow.replicas.profiles_of(learner["user_id"] for learner in learners if learner["user_id"])
        return [{"learner_id": learner["id"], "first_name": learner["first_name"],
                 "last_name": learner["last_name"], "birthdate": learner["birthdate"], "division": division,
                 "reason": ALREADY_ENROLLED if learner["id"] in enrolled else ineligibility(
                     learner["user_id"], profiles.get(learner["user_id"]))} for learner in learners]


def divisions(uow: CertificationUnitOfWork, engine: Engine, session_id: UUID, actor: c.Actor) -> list[str]:
    with uow:
        _session, center_ = access.managed_session(uow, session_id, actor)
        organization_id = center_.organization_id
    if organization_id is None:
        return []
    sl = orm.school_learners
    with engine.connect() as connection:
        return list(connection.scalars(select(sl.c.division).distinct().where(
            sl.c.organization_id == organization_id, sl.c.disabled.is_(False), sl.c.division.is_not(None))
            .order_by(sl.c.division)))


def invigilation(uow: CertificationUnitOfWork, session_id: UUID, actor: c.Actor, now: datetime) -> dict[str, Any]:
    """What the invigilator sees: each candidate and where they are."""
    with uow:
        found = access.get_session(uow, session_id)
        if not uow.invigilators.may_invigilate(session_id, actor.user_id):
            raise e.Forbidden("NOT_AN_INVIGILATOR", "Open the session with its invigilator password first.")
        d = found.details
        return {"id": found.id, "number": found.number, "address": d.address, "room": d.room, "date": d.date,
                "time": d.time, "examiner": d.examiner, "status": found.status, "candidates": [
                    {"id": cd.id, "first_name": cd.identity.first_name, "last_name": cd.identity.last_name,
                     "birthdate": cd.identity.birthdate, "extra_time_percentage": cd.extra_time_percentage,
                     "status": cd.status(now), "authorized_until": cd.authorized_until,
                     "started_at": cd.course.started_at if cd.course else None}
                    for cd in sorted(uow.candidates.of_session(session_id),
                                     key=lambda cd: (cd.identity.last_name, cd.identity.first_name, str(cd.id)))]}


def my_enrolment(engine: Engine, candidate_id: UUID, user_id: UUID, now: datetime) -> dict[str, Any]:
    cd, s = orm.candidates, orm.sessions
    with engine.connect() as connection:
        row = connection.execute(select(cd, s.c.number.label("session_number"), s.c.status.label("session_status"))
                                 .select_from(cd.join(s, s.c.id == cd.c.session_id))
                                 .where(cd.c.id == candidate_id, cd.c.user_id == user_id)).first()
    if row is None:
        raise e.NotFound("CANDIDATE_NOT_FOUND", "You have not joined a session as this candidate.")
    status = ("ENDED_BY_INVIGILATOR" if row.ended_by_invigilator_at else "STARTED") if row.course_id else (
        "AUTHORIZED" if row.authorized_until and now < row.authorized_until else "JOINED")
    return {"id": row.id, "session_id": row.session_id, "session_number": row.session_number,
            "first_name": row.first_name, "last_name": row.last_name, "birthdate": row.birthdate,
            "extra_time_percentage": row.extra_time_percentage, "status": status, "course_id": row.course_id,
            "verification_code": row.verification_code, "started_at": row.started_at}
