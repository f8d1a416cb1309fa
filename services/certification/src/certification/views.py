"""Reads for the API: they query the tables directly (no aggregate is loaded to answer a list), after the
same access checks as the use cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, func, select, text, union
from sqlalchemy.dialects.postgresql import distinct_on

from certification.adapters import orm
from certification.domain import commands as c
from certification.domain import exceptions as e
from certification.domain import school_report as school_report_rules
from certification.domain.attestations import VALIDATED, attestable
from certification.domain.candidates import ALREADY_ENROLLED, ineligibility, invigilation_status
from certification.domain.centers import Center
from certification.domain.finalization import CandidateReport, IssueReport, publishable
from certification.domain.results import MAX_SCORE, ResultRecord
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
                    orm.sessions.c.first_started_at, orm.sessions.c.finalized_at, orm.sessions.c.published_at)


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


def _progress(connection: Any, course_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    """Each started course's progress, as assessment reported it: question n of 32, and how the test ended."""
    ct = orm.course_tests
    ids = [i for i in course_ids if i is not None]
    if not ids:
        return {}
    return {row.course_id: {"answers_count": row.answers_count, "questions_count": row.questions_count,
                            "test_status": row.end_reason or "IN_PROGRESS"}
            for row in connection.execute(select(ct.c.course_id, ct.c.answers_count, ct.c.questions_count,
                                                 ct.c.end_reason).where(ct.c.course_id.in_(ids)))}


def _with_progress(item: dict[str, Any], course_id: UUID | None, progress: dict[UUID, dict[str, Any]]) -> dict:
    found = progress.get(course_id) if course_id else None
    if found is None:
        found = {"answers_count": 0 if course_id else None, "questions_count": None,
                 "test_status": "IN_PROGRESS" if course_id else None}
    return {**item, **found}


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
        rows = connection.execute(select(cd).where(cd.c.session_id == session_id)
                                  .order_by(cd.c.last_name, cd.c.first_name, cd.c.id)).all()
        progress = _progress(connection, [row.course_id for row in rows])
        return [_with_progress(_candidate_row(row), row.course_id, progress) for row in rows]


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


def invigilation(engine: Engine, session_id: UUID, actor: c.Actor, now: datetime) -> dict[str, Any]:
    """What the invigilator sees: each candidate and where they are.

    The live page renders it again at every change of the session (an answer of any candidate), so it is two
    statements on one connection, no aggregate loaded: the session with the actor's right to invigilate it,
    then its candidates with their test's progress and ongoing alert."""
    s, cd, t, a, i = orm.sessions, orm.candidates, orm.course_tests, orm.live_alerts, orm.invigilators
    may_invigilate = select(i.c.session_id).where(i.c.session_id == s.c.id, i.c.user_id == actor.user_id).exists()
    # The latest ongoing alert of each candidate (an alert is decided before another is raised, but a page must
    # never show a candidate twice).
    alerts = (select(a.c.candidate_id, a.c.id, a.c.question_number, a.c.challenge_id, a.c.raised_at)
              .where(a.c.session_id == session_id, a.c.status == "ONGOING")
              .ext(distinct_on(a.c.candidate_id)).order_by(a.c.candidate_id, a.c.raised_at.desc()).subquery())
    with engine.connect() as connection:
        found = connection.execute(select(s.c.id, s.c.number, s.c.address, s.c.room, s.c.date, s.c.time,
                                          s.c.examiner, s.c.status, may_invigilate.label("may_invigilate"))
                                   .where(s.c.id == session_id)).first()
        if found is None:
            raise e.NotFound("SESSION_NOT_FOUND", "This session does not exist.")
        if not found.may_invigilate:
            raise e.Forbidden("NOT_AN_INVIGILATOR", "Open the session with its invigilator password first.")
        rows = connection.execute(
            select(cd.c.id, cd.c.first_name, cd.c.last_name, cd.c.birthdate, cd.c.extra_time_percentage,
                   cd.c.user_id, cd.c.authorized_until, cd.c.course_id, cd.c.started_at, cd.c.ended_by_invigilator_at,
                   t.c.answers_count, t.c.questions_count, t.c.end_reason, alerts.c.id.label("alert_id"),
                   alerts.c.question_number, alerts.c.challenge_id, alerts.c.raised_at)
            .select_from(cd.outerjoin(t, t.c.course_id == cd.c.course_id)
                         .outerjoin(alerts, alerts.c.candidate_id == cd.c.id))
            .where(cd.c.session_id == session_id)).all()
    return {"id": found.id, "number": found.number, "address": found.address, "room": found.room,
            "date": found.date, "time": found.time, "examiner": found.examiner, "status": found.status,
            "candidates": [_invigilated(row, now) for row in sorted(
                rows, key=lambda row: (row.last_name, row.first_name, str(row.id)))]}


def _invigilated(row: Any, now: datetime) -> dict[str, Any]:
    started = row.course_id is not None
    progress = {row.course_id: {"answers_count": row.answers_count, "questions_count": row.questions_count,
                                "test_status": row.end_reason or "IN_PROGRESS"}} if row.answers_count is not None else {}
    return _with_progress({
        "id": row.id, "first_name": row.first_name, "last_name": row.last_name, "birthdate": row.birthdate,
        "extra_time_percentage": row.extra_time_percentage,
        "status": invigilation_status(started, row.ended_by_invigilator_at, row.authorized_until,
                                      row.user_id is not None, now),
        "authorized_until": row.authorized_until, "started_at": row.started_at if started else None,
        "live_alert": None if row.alert_id is None else {
            "id": row.alert_id, "question_number": row.question_number, "challenge_id": row.challenge_id,
            "raised_at": row.raised_at}}, row.course_id, progress)


def invigilation_changes_in(view: dict[str, Any], now: datetime) -> float | None:
    """Seconds until the invigilator's view changes by time alone: the first authorization that expires turns
    its candidate from AUTHORIZED back to JOINED (None: no such candidate)."""
    ends = [cd["authorized_until"] for cd in view["candidates"]
            if cd["status"] == "AUTHORIZED" and cd["authorized_until"] is not None]
    return max((min(ends) - now).total_seconds(), 0.0) if ends else None


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
            "verification_code": row.verification_code, "started_at": row.started_at,
            "resume_authorized": bool(status == "STARTED" and row.authorized_until and now < row.authorized_until)}


# -- finalization, the jury, certificates ------------------------------------------------------------------

def _competences(levels: dict[str, int]) -> list[dict[str, Any]]:
    return [{"competence_code": code, "level": level} for code, level in sorted(levels.items())]


def _result(record: ResultRecord) -> dict[str, Any]:
    return {**record.result.as_dict(), "competence_levels": _competences(record.result.competence_levels),
            "max_score": MAX_SCORE}


def _report(report: IssueReport) -> dict[str, Any]:
    return {"category": report.category, "subcategory": report.subcategory, "code": report.code,
            "description": report.description, "question_number": report.question_number,
            "impactful": report.impactful, "resolved": report.resolved, "resolution": report.resolution}


def jury_sessions_page(engine: Engine, actor: c.Actor, args: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Sessions finalized by their centre (or in review, or published), for platform admins, oldest first."""
    access.require_platform_admin(actor)
    s = orm.sessions
    conditions = [s.c.status == args["status"]] if args.get("status") else [s.c.status != "CREATED"]
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(s).where(*conditions))
        rows = connection.execute(select(*_SESSION_COLUMNS, *_counts()).where(*conditions)
                                  .order_by(s.c.finalized_at, s.c.number).limit(args["page_size"])
                                  .offset(offset(args)))
        return [dict(row._mapping) for row in rows], total


def jury_session(uow: CertificationUnitOfWork, engine: Engine, session_id: UUID, actor: c.Actor) -> dict[str, Any]:
    """What a platform admin reviews: the centre's reports, each candidate's answers and result."""
    access.require_platform_admin(actor)
    with uow:
        found = access.get_session(uow, session_id)
        center_ = access.get_center(uow, found.center_id)
        started = [cd for cd in uow.candidates.of_session(session_id) if cd.course is not None]
        results = {r.candidate_id: r for r in uow.results.of_session(session_id)}
        reports = uow.results.reports_of(cd.id for cd in started)
        outcomes = uow.results.outcomes_of(cd.course.id for cd in started if cd.course)
        withdrawn = uow.live_alerts.validated_of(cd.id for cd in started)
    with engine.connect() as connection:
        row = connection.execute(select(*_SESSION_COLUMNS, *_counts()).where(orm.sessions.c.id == session_id)).first()
    every_report = [r for report in reports.values() for r in report.issue_reports]
    items = []
    for cd in sorted(started, key=lambda cd: (cd.identity.last_name, cd.identity.first_name, str(cd.id))):
        assert cd.course is not None
        record, report = results.get(cd.id), reports.get(cd.id) or CandidateReport()
        outcome = outcomes.get(cd.course.id) or {}
        neutralized = set(record.neutralized) if record else set()
        items.append({"candidate_id": cd.id, "course_id": cd.course.id, "first_name": cd.identity.first_name,
                      "last_name": cd.identity.last_name, "birthdate": cd.identity.birthdate,
                      "verification_code": cd.course.verification_code, "end_reason": outcome.get("end_reason"),
                      "has_seen_end_screen": report.has_seen_end_screen, "abort_reason": report.abort_reason,
                      "comment": report.comment, "issue_reports": [_report(r) for r in report.issue_reports],
                      "answers": [{"index": a["index"], "challenge_id": a["challenge_id"],
                                   "competence_code": a.get("competence_code"), "status": a["status"],
                                   "neutralized": a["challenge_id"] in neutralized}
                                  for a in outcome.get("answers") or ()],
                      "validated_live_alerts": [{"question_number": a.question_number,
                                                 "challenge_id": a.challenge_id, "raised_at": a.raised_at,
                                                 "decided_at": a.decided_at, "decided_by": a.decided_by}
                                                for a in withdrawn.get(cd.id, ())],
                      "result": _result(record) if record else None})
    return {"session": dict(row._mapping), "center_name": center_.name, "global_comment": found.global_comment,
            "has_incident": found.has_incident, "has_joining_issue": found.has_joining_issue,
            "jury_comment": found.jury_comment, "assigned_to": found.assigned_to,
            "publishable": publishable(found.global_comment, every_report), "candidates": items}


def _certificate_query():
    cd, r, s, ct = orm.candidates, orm.course_results, orm.sessions, orm.centers
    return (select(r, cd.c.first_name, cd.c.last_name, cd.c.birthdate, cd.c.birthplace, cd.c.verification_code,
                   cd.c.user_id, s.c.date.label("certification_date"), ct.c.name.label("center_name"))
            .select_from(r.join(cd, cd.c.id == r.c.candidate_id).join(s, s.c.id == r.c.session_id)
                         .join(ct, ct.c.id == s.c.center_id))
            .where(r.c.published_at.is_not(None), s.c.status == "PUBLISHED"))


def _certificate(row: Any) -> dict[str, Any]:
    """Only what the certificate shows: no global level below level 1, no competence of a test not validated."""
    validated = row.status == "validated"
    return {"id": row.course_id, "first_name": row.first_name, "last_name": row.last_name,
            "birthdate": row.birthdate, "birthplace": row.birthplace, "certification_center": row.center_name,
            "certification_date": row.certification_date, "delivered_at": row.published_at, "status": row.status,
            "score": row.score if validated else None, "max_score": MAX_SCORE,
            "mesh_level": row.mesh_level if validated and row.mesh_level else None,
            "competence_levels": _competences(row.competence_levels) if validated else [],
            "verification_code": row.verification_code, "scale_version": row.scale_version}


def my_certificates(engine: Engine, user_id: UUID) -> list[dict[str, Any]]:
    """The account's published results, latest first (a rejected or cancelled one shows its status only)."""
    with engine.connect() as connection:
        rows = connection.execute(_certificate_query().where(orm.candidates.c.user_id == user_id)
                                  .order_by(orm.course_results.c.published_at.desc()))
        return [_certificate(row) for row in rows]


def my_certificate(engine: Engine, course_id: UUID, user_id: UUID) -> dict[str, Any]:
    with engine.connect() as connection:
        row = connection.execute(_certificate_query().where(orm.course_results.c.course_id == course_id,
                                                            orm.candidates.c.user_id == user_id)).first()
    if row is None:
        raise e.NotFound("CERTIFICATE_NOT_FOUND", "You have no published certificate of this id.")
    return _certificate(row)


def certificate_by_code(engine: Engine, code: str) -> dict[str, Any]:
    """Anyone with the verification code reads the certificate: only a validated, published one exists for them."""
    code = (code or "").strip().upper()
    with engine.connect() as connection:
        row = connection.execute(_certificate_query().where(orm.candidates.c.verification_code == code,
                                                            orm.course_results.c.status == "validated")).first()
    if row is None:
        raise e.NotFound("CERTIFICATE_NOT_FOUND", "No published certificate has this verification code.")
    return _certificate(row)


# -- attestations and a school's results per class ------------------------------------------------------------

def attestation(engine: Engine, course_id: UUID, user_id: UUID) -> dict[str, Any]:
    """The certificate an attestation is made of: the account's own, published and validated."""
    certificate = my_certificate(engine, course_id, user_id)
    if not attestable(certificate):
        raise e.Conflict("CERTIFICATE_NOT_VALIDATED", "This certification was rejected or cancelled: it gives no "
                         "certificate, so no attestation.", status=certificate["status"])
    return certificate


def _school(uow: CertificationUnitOfWork, center_id: UUID, actor: c.Actor) -> UUID:
    """The school's organization, after the checks of every centre route (a member of another centre: 403)."""
    with uow:
        found = access.get_center(uow, center_id)
        access.require_member(uow, found, actor)
        if not found.is_school or found.organization_id is None:
            raise e.RuleBroken("NOT_A_SCHOOL", "Only a school has classes.")
        return found.organization_id


def _of_the_school(query: Any, center_id: UUID, organization_id: UUID) -> Any:
    """Results of the school's own sessions, of pupils still in its list (a pupil's class is the list's, as
    organizations last imported it; a pupil who left is no longer in a class, as for the LSU)."""
    cd, s, sl = orm.candidates, orm.sessions, orm.school_learners
    return (query.join(sl, sl.c.id == cd.c.organization_learner_id)
            .where(s.c.center_id == center_id, sl.c.organization_id == organization_id, sl.c.disabled.is_(False)))


def class_results(uow: CertificationUnitOfWork, engine: Engine, center_id: UUID, actor: c.Actor, division: str,
                  *, attestations_only: bool = False) -> list[dict[str, Any]]:
    """The published results of a school's class, by name (then date): each as its certificate's view shows it,
    with the external id and the session's number for the CSV. ``attestations_only``: the validated ones."""
    organization_id = _school(uow, center_id, actor)
    cd, r, s, sl = orm.candidates, orm.course_results, orm.sessions, orm.school_learners
    query = _certificate_query().add_columns(cd.c.external_id, s.c.number.label("session_number"))
    query = _of_the_school(query, center_id, organization_id).where(sl.c.division == division)
    if attestations_only:
        query = query.where(r.c.status == VALIDATED)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(cd.c.last_name, cd.c.first_name, s.c.date, r.c.course_id))
        found = [{**_certificate(row), "external_id": row.external_id, "session_number": row.session_number}
                 for row in rows]
    if not found and attestations_only:
        raise e.NotFound("NO_ATTESTATION_IN_DIVISION", "No pupil of this class has a published, validated "
                         "certification: there is no attestation to download.", division=division)
    if not found:
        raise e.NotFound("NO_RESULT_IN_DIVISION", "No pupil of this class has a published certification result.",
                         division=division)
    return found


def undownloaded_attestations(uow: CertificationUnitOfWork, engine: Engine, center_id: UUID, actor: c.Actor
                              ) -> list[dict[str, Any]]:
    """The school's pupils (still in its list) with a validated, published certification whose attestation the
    school never downloaded, by class then name: what a new year's import would take off the class PDFs."""
    organization_id = _school(uow, center_id, actor)
    cd, r, s, sl, d = orm.candidates, orm.course_results, orm.sessions, orm.school_learners, orm.attestation_downloads
    query = (select(r.c.course_id, cd.c.organization_learner_id.label("learner_id"), cd.c.first_name,
                    cd.c.last_name, sl.c.division, s.c.date.label("certification_date"))
             .select_from(r.join(cd, cd.c.id == r.c.candidate_id).join(s, s.c.id == r.c.session_id)
                          .outerjoin(d, d.c.course_id == r.c.course_id))
             .where(r.c.published_at.is_not(None), s.c.status == "PUBLISHED", r.c.status == VALIDATED,
                    d.c.course_id.is_(None)))
    with engine.connect() as connection:
        rows = connection.execute(_of_the_school(query, center_id, organization_id)
                                  .order_by(sl.c.division, cd.c.last_name, cd.c.first_name, s.c.date))
        return [dict(row._mapping) for row in rows]


def result_divisions(uow: CertificationUnitOfWork, engine: Engine, center_id: UUID, actor: c.Actor
                     ) -> list[dict[str, Any]]:
    """The school's classes that have published results: how many, and how many give an attestation."""
    organization_id = _school(uow, center_id, actor)
    cd, r, s, sl = orm.candidates, orm.course_results, orm.sessions, orm.school_learners
    query = (select(sl.c.division, func.count().label("results_count"),
                    func.count().filter(r.c.status == VALIDATED).label("attestations_count"))
             .select_from(r.join(cd, cd.c.id == r.c.candidate_id).join(s, s.c.id == r.c.session_id))
             .where(r.c.published_at.is_not(None), s.c.status == "PUBLISHED", sl.c.division.is_not(None)))
    with engine.connect() as connection:
        rows = connection.execute(_of_the_school(query, center_id, organization_id)
                                  .group_by(sl.c.division).order_by(sl.c.division))
        return [dict(row._mapping) for row in rows]


# -- the school report (LSU/LSL): a school's results by UAI, for an application of its academy ---------------------

def school_report(engine: Engine, uai: str, uai_prefixes: list[Any]) -> dict[str, Any]:
    """domain/school_report.py states the rules: the academy's schools only (else the 404 of an unknown UAI), the
    latest published, not cancelled certification of each pupil still in the school's list."""
    uai = school_report_rules.normalized_uai(uai)
    ct, o = orm.centers, orm.known_organizations
    with engine.connect() as connection:
        school = None
        if school_report_rules.opens(uai_prefixes, uai):
            school = connection.execute(
                select(ct.c.id, ct.c.name, ct.c.organization_id, ct.c.school_kind)
                .select_from(ct.join(o, o.c.id == ct.c.organization_id))
                .where(ct.c.type == "SCO", func.upper(ct.c.external_id) == uai, ct.c.archived.is_(False),
                       o.c.archived.is_(False))).first()
        if school is None:
            raise e.NotFound("SCHOOL_NOT_FOUND", "No school of your academy has this UAI.", uai=uai)
        r, s, sl = orm.course_results, orm.sessions, orm.school_learners
        query = _certificate_query().add_columns(sl.c.national_student_id, sl.c.division)
        query = (_of_the_school(query, school.id, school.organization_id)
                 .where(r.c.status != "cancelled")
                 .ext(distinct_on(sl.c.id)).order_by(sl.c.id, s.c.date.desc(), r.c.published_at.desc()))  # latest
        rows = connection.execute(select(query.subquery()).order_by(text("last_name"), text("first_name"),
                                                                    text("course_id"))).all()
    return {"uai": uai, "school": school.name, "school_kind": school.school_kind,
            "certifications": [school_report_rules.certificate(row._mapping) for row in rows],
            "competences": school_report_rules.competences()}
