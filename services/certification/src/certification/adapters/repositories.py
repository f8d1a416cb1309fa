"""certification's repositories on PostgreSQL (SQLAlchemy Core). Each aggregate row carries its version:
a save whose version moved since the load raises ``ConcurrentUpdate`` (409), nothing written."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from certification.adapters import orm
from certification.domain.candidates import Candidate, Course, Identity
from certification.domain.centers import Center, Invitation, Window
from certification.domain.finalization import CandidateReport, IssueReport
from certification.domain.live_alerts import LiveAlert
from certification.domain.results import CourseResult, ResultRecord
from certification.domain.sessions import Session, SessionDetails
from certification.service_layer.ports import (
    AbstractCandidates,
    AbstractCenters,
    AbstractFailures,
    AbstractInvigilators,
    AbstractLiveAlerts,
    AbstractReplicas,
    AbstractResults,
    AbstractSessions,
    AbstractWindows,
)
from svckit.replicas import upsert_if_newer
from svckit.uow import ConcurrentUpdate, unique_violation

Track = Callable[[Any], Any]


class _Versioned:
    """Remembers the version each aggregate had when loaded, for the optimistic check of ``save``."""

    def __init__(self, session: DbSession, track: Track) -> None:
        self.session, self.track = session, track
        self.loaded: dict[UUID, int] = {}

    def _loaded(self, aggregate: Any) -> Any:
        self.loaded[aggregate.id] = aggregate.version
        return self.track(aggregate)

    def _execute(self, statement: Any) -> Any:
        """Written at once: a unique index another transaction just filled (a pupil enrolled, a verification code
        drawn) raises ``UniqueViolation`` here; the transaction is spoilt then, and the unit of work rolls it back."""
        try:
            return self.session.execute(statement)
        except IntegrityError as error:
            violation = unique_violation(error)
            if violation is None:
                raise
            raise violation from error

    def _insert(self, table: Any, aggregate: Any, values: dict[str, Any]) -> None:
        self._execute(insert(table).values(id=aggregate.id, version=aggregate.version, **values))
        self.loaded[aggregate.id] = aggregate.version
        self.track(aggregate)

    def _update(self, table: Any, aggregate: Any, values: dict[str, Any]) -> None:
        result = self._execute(update(table).where(table.c.id == aggregate.id,
                                                   table.c.version == self.loaded[aggregate.id])
                               .values(version=aggregate.version, **values))
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"{table.name} {aggregate.id} changed since it was read")
        self.loaded[aggregate.id] = aggregate.version


class SqlAlchemyCenters(_Versioned, AbstractCenters):
    def add(self, center: Center) -> None:
        self._insert(orm.centers, center, self._columns(center))
        self._write_parts(center)

    @staticmethod
    def _columns(center: Center) -> dict[str, Any]:
        return {"type": center.type, "name": center.name, "external_id": center.external_id,
                "organization_id": center.organization_id, "school_kind": center.school_kind,
                "archived": center.archived, "created_at": center.created_at}

    def _write_parts(self, center: Center) -> None:
        for user_id, role in center.members.items():
            self.session.execute(pg_insert(orm.center_members).values(center_id=center.id, user_id=user_id, role=role)
                                 .on_conflict_do_nothing())
        for invitation in center.invitations:
            values = {"center_id": center.id, "email": invitation.email, "role": invitation.role,
                      "code": invitation.code, "locale": invitation.locale, "status": invitation.status,
                      "created_at": invitation.created_at, "accepted_by": invitation.accepted_by}
            statement = pg_insert(orm.center_invitations).values(id=invitation.id, **values)
            self.session.execute(statement.on_conflict_do_update(
                index_elements=[orm.center_invitations.c.id],
                set_={"status": statement.excluded.status, "accepted_by": statement.excluded.accepted_by}))

    def get(self, center_id: UUID) -> Center | None:
        row = self.session.execute(select(orm.centers).where(orm.centers.c.id == center_id)).first()
        if row is None:
            return None
        members = {r.user_id: r.role for r in self.session.execute(
            select(orm.center_members).where(orm.center_members.c.center_id == center_id))}
        invitations = [Invitation(r.id, r.email, r.role, r.code, r.locale, r.status, r.created_at, r.accepted_by)
                       for r in self.session.execute(select(orm.center_invitations).where(
                           orm.center_invitations.c.center_id == center_id))]
        return self._loaded(Center(row.id, row.type, row.name, row.external_id, row.organization_id, row.school_kind,
                                   row.archived, row.created_at, members, invitations, row.version))

    def by_invitation(self, invitation_id: UUID) -> Center | None:
        center_id = self.session.scalar(select(orm.center_invitations.c.center_id).where(
            orm.center_invitations.c.id == invitation_id))
        return self.get(center_id) if center_id is not None else None

    def save(self, center: Center) -> None:
        self._update(orm.centers, center, self._columns(center))
        self._write_parts(center)


class SqlAlchemyWindows(AbstractWindows):
    def __init__(self, session: DbSession) -> None:
        self.session = session

    def add(self, window: Window) -> None:
        self.session.execute(insert(orm.windows).values(
            id=window.id, school_kind=window.school_kind, starts_on=window.starts_on, ends_on=window.ends_on,
            opened_by=window.opened_by, opened_at=window.opened_at))

    def all(self, lock: bool = False) -> list[Window]:
        if lock:  # until the transaction ends: the windows change one at a time
            self.session.execute(text("LOCK TABLE windows IN SHARE ROW EXCLUSIVE MODE"))
        return [Window(r.id, r.school_kind, r.starts_on, r.ends_on, r.opened_by, r.opened_at)
                for r in self.session.execute(select(orm.windows).order_by(orm.windows.c.starts_on))]


class SqlAlchemySessions(_Versioned, AbstractSessions):
    def next_number(self) -> int:
        return int(self.session.scalar(select(orm.session_numbers.next_value())))

    @staticmethod
    def _columns(session: Session) -> dict[str, Any]:
        d = session.details
        return {"center_id": session.center_id, "number": session.number, "address": d.address, "room": d.room,
                "date": d.date, "time": d.time, "examiner": d.examiner, "description": d.description,
                "access_code": session.access_code, "invigilator_password": session.invigilator_password,
                "status": session.status, "created_by": session.created_by, "created_at": session.created_at,
                "finalized_at": session.finalized_at, "finalized_by": session.finalized_by,
                "global_comment": session.global_comment, "has_incident": session.has_incident,
                "has_joining_issue": session.has_joining_issue, "assigned_to": session.assigned_to,
                "jury_comment": session.jury_comment, "published_at": session.published_at}

    def add(self, session: Session) -> None:
        self._insert(orm.sessions, session, self._columns(session))

    def _load(self, *conditions: Any) -> Session | None:
        row = self.session.execute(select(orm.sessions).where(*conditions)).first()
        if row is None:
            return None
        details = SessionDetails(row.address, row.room, row.date, row.time, row.examiner, row.description)
        return self._loaded(Session(row.id, row.center_id, row.number, details, row.access_code,
                                    row.invigilator_password, row.status, row.created_by, row.created_at,
                                    row.first_started_at, row.finalized_at, row.finalized_by, row.global_comment,
                                    row.has_incident, row.has_joining_issue, row.assigned_to, row.jury_comment,
                                    row.published_at, row.version))

    def get(self, session_id: UUID) -> Session | None:
        return self._load(orm.sessions.c.id == session_id)

    def by_number(self, number: int) -> Session | None:
        if not 0 < number < 2**62:
            return None
        return self._load(orm.sessions.c.number == number)

    def save(self, session: Session) -> None:
        self._update(orm.sessions, session, self._columns(session))

    def record_first_start(self, session_id: UUID, at: datetime) -> None:
        self.session.execute(update(orm.sessions).where(orm.sessions.c.id == session_id)
                             .values(first_started_at=func.coalesce(orm.sessions.c.first_started_at, at)))


class SqlAlchemyCandidates(_Versioned, AbstractCandidates):
    @staticmethod
    def _columns(candidate: Candidate) -> dict[str, Any]:
        i, course = candidate.identity, candidate.course
        return {"session_id": candidate.session_id, "center_id": candidate.center_id, "first_name": i.first_name,
                "last_name": i.last_name, "birthdate": i.birthdate, "sex": i.sex, "birthplace": i.birthplace,
                "result_email": i.result_email, "external_id": i.external_id,
                "extra_time_percentage": candidate.extra_time_percentage,
                "organization_learner_id": candidate.organization_learner_id, "user_id": candidate.user_id,
                "reconciled_at": candidate.reconciled_at, "authorized_until": candidate.authorized_until,
                "course_id": course.id if course else None,
                "verification_code": course.verification_code if course else None,
                "started_at": course.started_at if course else None,
                "ended_by_invigilator_at": course.ended_by_invigilator_at if course else None,
                "created_at": candidate.created_at}

    def _candidate(self, row: Any) -> Candidate:
        identity = Identity(row.first_name, row.last_name, row.birthdate, row.sex, row.birthplace, row.result_email,
                            row.external_id)
        course = Course(row.course_id, row.verification_code, row.started_at, row.ended_by_invigilator_at) \
            if row.course_id else None
        return self._loaded(Candidate(row.id, row.session_id, row.center_id, identity, row.extra_time_percentage,
                                      row.organization_learner_id, row.created_at, row.user_id, row.reconciled_at,
                                      row.authorized_until, course, row.version))

    def add(self, candidate: Candidate) -> None:
        self._insert(orm.candidates, candidate, self._columns(candidate))

    def get(self, candidate_id: UUID) -> Candidate | None:
        row = self.session.execute(select(orm.candidates).where(orm.candidates.c.id == candidate_id)).first()
        return self._candidate(row) if row else None

    def of_session(self, session_id: UUID) -> list[Candidate]:
        return [self._candidate(row) for row in self.session.execute(
            select(orm.candidates).where(orm.candidates.c.session_id == session_id).order_by(orm.candidates.c.id))]

    def by_course(self, course_id: UUID) -> Candidate | None:
        row = self.session.execute(select(orm.candidates).where(orm.candidates.c.course_id == course_id)).first()
        return self._candidate(row) if row else None

    def save(self, candidate: Candidate) -> None:
        self._update(orm.candidates, candidate, self._columns(candidate))

    def remove(self, candidate: Candidate) -> None:
        result = self.session.execute(delete(orm.candidates).where(orm.candidates.c.id == candidate.id,
                                                                   orm.candidates.c.version == candidate.version))
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"candidate {candidate.id} changed since it was read")


class SqlAlchemyReplicas(AbstractReplicas):
    def __init__(self, session: DbSession) -> None:
        self.session = session

    def save_organization(self, organization_id: UUID, version: int, **values: Any) -> None:
        upsert_if_newer(self.session, orm.known_organizations, "id", {"id": organization_id, "version": version,
                                                                      **values})

    def archive_organization(self, organization_id: UUID, version: int) -> None:
        table = orm.known_organizations
        self.session.execute(update(table).where(table.c.id == organization_id, table.c.version < version)
                             .values(archived=True, version=version))

    def save_membership(self, membership_id: UUID, version: int, **values: Any) -> None:
        upsert_if_newer(self.session, orm.memberships, "membership_id", {"membership_id": membership_id,
                                                                         "version": version, **values})

    def is_organization_admin(self, organization_id: UUID, user_id: UUID) -> bool:
        m, o = orm.memberships, orm.known_organizations
        return self.session.scalar(select(func.count()).select_from(m.join(o, o.c.id == m.c.organization_id)).where(
            m.c.organization_id == organization_id, m.c.user_id == user_id, m.c.active.is_(True),
            m.c.role == "ADMIN", o.c.archived.is_(False))) > 0

    def save_learner(self, learner_id: UUID, version: int, **values: Any) -> None:
        upsert_if_newer(self.session, orm.school_learners, "id", {"id": learner_id, "version": version, **values})

    def save_learner_account(self, learner_id: UUID, version: int, user_id: UUID | None) -> None:
        upsert_if_newer(self.session, orm.learner_accounts, "learner_id", {"learner_id": learner_id,
                                                                           "version": version, "user_id": user_id})

    def learners_of_division(self, organization_id: UUID, division: str) -> list[dict[str, Any]]:
        s, a = orm.school_learners, orm.learner_accounts
        rows = self.session.execute(
            select(s.c.id, s.c.first_name, s.c.last_name, s.c.birthdate, a.c.user_id)
            .select_from(s.outerjoin(a, a.c.learner_id == s.c.id))
            .where(s.c.organization_id == organization_id, s.c.division == division, s.c.disabled.is_(False))
            .order_by(s.c.last_name, s.c.first_name, s.c.id))
        return [dict(row._mapping) for row in rows]

    def learner_account(self, learner_id: UUID) -> UUID | None:
        return self.session.scalar(select(orm.learner_accounts.c.user_id).where(
            orm.learner_accounts.c.learner_id == learner_id))

    def divisions_of(self, learner_ids: Iterable[UUID]) -> dict[UUID, str | None]:
        ids = list(learner_ids)
        if not ids:
            return {}
        table = orm.school_learners
        return {row.id: row.division for row in self.session.execute(
            select(table.c.id, table.c.division).where(table.c.id.in_(ids)))}

    def save_profile(self, user_id: UUID, profile: dict[str, Any], as_of: datetime) -> None:
        table = orm.learner_profiles
        statement = pg_insert(table).values(user_id=user_id, profile=profile, as_of=as_of)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.user_id], set_={"profile": statement.excluded.profile,
                                                   "as_of": statement.excluded.as_of},
            where=table.c.as_of < statement.excluded.as_of))

    def profiles_of(self, user_ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]:
        ids = list(user_ids)
        if not ids:
            return {}
        table = orm.learner_profiles
        return {row.user_id: row.profile for row in self.session.execute(
            select(table.c.user_id, table.c.profile).where(table.c.user_id.in_(ids)))}

    def save_verified_email(self, user_id: UUID, email: str, verified_at: datetime) -> None:
        table = orm.verified_emails
        statement = pg_insert(table).values(user_id=user_id, email=email.strip().lower(), verified_at=verified_at)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.user_id], set_={"email": statement.excluded.email,
                                                   "verified_at": statement.excluded.verified_at},
            where=table.c.verified_at < statement.excluded.verified_at))

    def verified_email(self, user_id: UUID) -> str | None:
        return self.session.scalar(select(orm.verified_emails.c.email).where(orm.verified_emails.c.user_id == user_id))


_JOINING_ACCOUNT = 17_001  # advisory lock namespace


class SqlAlchemyFailures(AbstractFailures):
    def __init__(self, session: DbSession) -> None:
        self.session = session

    def serialize_account(self, user_id: UUID) -> None:
        # Until the transaction ends. Two accounts may share a hash: they then wait for each other, no more.
        self.session.execute(text("SELECT pg_advisory_xact_lock(:namespace, hashtext(:user_id))"),
                             {"namespace": _JOINING_ACCOUNT, "user_id": str(user_id)})

    def nth_latest(self, n: int, since: datetime, user_id: UUID) -> datetime | None:
        table = orm.joining_failures
        return self.session.scalar(select(table.c.failed_at).where(table.c.user_id == user_id, table.c.failed_at > since)
                                   .order_by(table.c.failed_at.desc()).offset(n - 1).limit(1))

    def record(self, user_id: UUID, reason: str, at: datetime, forget_before: datetime) -> None:
        table = orm.joining_failures
        self.session.execute(insert(table).values(user_id=user_id, reason=reason, failed_at=at))
        self.session.execute(delete(table).where(table.c.user_id == user_id, table.c.failed_at < forget_before))


class SqlAlchemyInvigilators(AbstractInvigilators):
    def __init__(self, session: DbSession) -> None:
        self.session = session

    def grant(self, session_id: UUID, user_id: UUID, at: datetime) -> None:
        self.session.execute(pg_insert(orm.invigilators).values(session_id=session_id, user_id=user_id, granted_at=at)
                             .on_conflict_do_nothing())

    def may_invigilate(self, session_id: UUID, user_id: UUID) -> bool:
        table = orm.invigilators
        return self.session.scalar(select(func.count()).select_from(table).where(
            table.c.session_id == session_id, table.c.user_id == user_id)) > 0


def _report_json(report: IssueReport) -> dict[str, Any]:
    return {"category": report.category, "subcategory": report.subcategory, "description": report.description,
            "question_number": report.question_number, "resolved": report.resolved, "resolution": report.resolution}


class SqlAlchemyResults(AbstractResults):
    def __init__(self, session: DbSession) -> None:
        self.session = session

    def record_attestation_downloads(self, center_id: UUID, course_ids: Sequence[UUID], by: UUID,
                                     at: datetime) -> None:
        if course_ids:
            self.session.execute(pg_insert(orm.attestation_downloads).values(
                [{"course_id": course_id, "center_id": center_id, "downloaded_by": by, "downloaded_at": at}
                 for course_id in course_ids]).on_conflict_do_nothing(index_elements=["course_id"]))

    def save_progress(self, course_id: UUID, user_id: UUID, version: int, answers_count: int, questions_count: int,
                      answered_at: datetime) -> None:
        table = orm.course_tests
        statement = pg_insert(table).values(course_id=course_id, user_id=user_id, version=version,
                                            answers_count=answers_count, questions_count=questions_count,
                                            answered_at=answered_at)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.course_id],
            set_={"answers_count": statement.excluded.answers_count, "answered_at": statement.excluded.answered_at,
                  "questions_count": statement.excluded.questions_count, "version": statement.excluded.version},
            where=table.c.version < statement.excluded.version))

    def session_of_course(self, course_id: UUID) -> UUID | None:
        return self.session.scalar(select(orm.candidates.c.session_id).where(orm.candidates.c.course_id == course_id))

    def progress_of(self, course_ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]:
        ids = list(course_ids)
        if not ids:
            return {}
        table = orm.course_tests
        return {row.course_id: {"answers_count": row.answers_count, "questions_count": row.questions_count,
                                "test_status": row.end_reason or "IN_PROGRESS"}
                for row in self.session.execute(select(table.c.course_id, table.c.answers_count,
                                                       table.c.questions_count, table.c.end_reason)
                                                .where(table.c.course_id.in_(ids)))}

    def save_outcome(self, course_id: UUID, user_id: UUID, version: int, outcome: dict[str, Any]) -> None:
        table = orm.course_tests
        values = {"answers_count": outcome["answers_count"], "end_reason": outcome["end_reason"],
                  "ended_at": outcome["ended_at"], "outcome": outcome, "version": version}
        statement = pg_insert(table).values(course_id=course_id, user_id=user_id, questions_count=outcome.get(
            "questions_count") or 32, answered_at=outcome["ended_at"], **values)
        # The outcome is the test's last version; a progress arriving after it (lower version) changes nothing.
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.course_id], set_={name: statement.excluded[name] for name in values},
            where=table.c.outcome.is_(None)))

    def outcomes_of(self, course_ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]:
        ids = list(course_ids)
        if not ids:
            return {}
        table = orm.course_tests
        return {row.course_id: row.outcome for row in self.session.execute(
            select(table.c.course_id, table.c.outcome).where(table.c.course_id.in_(ids), table.c.outcome.is_not(None)))}

    def save_report(self, candidate_id: UUID, report: CandidateReport) -> None:
        table = orm.candidate_reports
        values = {"has_seen_end_screen": report.has_seen_end_screen, "abort_reason": report.abort_reason,
                  "comment": report.comment, "issue_reports": [_report_json(r) for r in report.issue_reports]}
        statement = pg_insert(table).values(candidate_id=candidate_id, **values)
        self.session.execute(statement.on_conflict_do_update(index_elements=[table.c.candidate_id], set_=values))

    def reports_of(self, candidate_ids: Iterable[UUID]) -> dict[UUID, CandidateReport]:
        ids = list(candidate_ids)
        if not ids:
            return {}
        table = orm.candidate_reports
        return {row.candidate_id: CandidateReport(row.has_seen_end_screen, row.abort_reason, row.comment,
                                                  [IssueReport(**r) for r in row.issue_reports])
                for row in self.session.execute(select(table).where(table.c.candidate_id.in_(ids)))}

    def save_result(self, record: ResultRecord) -> None:
        table = orm.course_results
        r = record.result
        values = {"candidate_id": record.candidate_id, "session_id": record.session_id, "status": r.status,
                  "reason": r.reason, "scale_version": r.scale_version, "score": r.score, "mesh_level": r.mesh_level,
                  "competence_levels": r.competence_levels, "capacity": r.capacity, "error": r.error,
                  "answers": r.answers, "counted": r.counted, "simulated_skips": r.simulated_skips,
                  "neutralized": sorted(record.neutralized), "scored_at": record.scored_at,
                  "published_at": record.published_at, "version": record.version}
        if record.version == 1:
            self.session.execute(insert(table).values(course_id=record.course_id, **values))
            return
        result = self.session.execute(update(table).where(table.c.course_id == record.course_id,
                                                          table.c.version == record.version - 1).values(**values))
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"result of course {record.course_id} changed since it was read")

    @staticmethod
    def _record(row: Any) -> ResultRecord:
        result = CourseResult(row.status, row.reason, row.scale_version, row.answers, row.counted, row.simulated_skips,
                              row.capacity, row.error, row.score, row.mesh_level, dict(row.competence_levels))
        return ResultRecord(row.course_id, row.candidate_id, row.session_id, result, list(row.neutralized),
                            row.scored_at, row.published_at, row.version)

    def of_session(self, session_id: UUID) -> list[ResultRecord]:
        table = orm.course_results
        return [self._record(row) for row in self.session.execute(
            select(table).where(table.c.session_id == session_id).order_by(table.c.course_id))]

    def of_course(self, course_id: UUID) -> ResultRecord | None:
        table = orm.course_results
        row = self.session.execute(select(table).where(table.c.course_id == course_id)).first()
        return self._record(row) if row else None


class SqlAlchemyLiveAlerts(_Versioned, AbstractLiveAlerts):
    def _alert(self, row: Any) -> LiveAlert:
        return self._loaded(LiveAlert(row.id, row.course_id, row.candidate_id, row.session_id, row.challenge_id,
                                      row.question_number, row.raised_at, row.status, row.decided_at,
                                      row.decided_by, row.version))

    def record(self, alert: LiveAlert) -> bool:
        table = orm.live_alerts
        result = self.session.execute(pg_insert(table).values(
            id=alert.id, course_id=alert.course_id, candidate_id=alert.candidate_id, session_id=alert.session_id,
            challenge_id=alert.challenge_id, question_number=alert.question_number, status=alert.status,
            raised_at=alert.raised_at, version=alert.version).on_conflict_do_nothing(index_elements=["id"]))
        return result.rowcount == 1

    def ongoing_of(self, candidate_id: UUID) -> LiveAlert | None:
        table = orm.live_alerts
        row = self.session.execute(select(table).where(table.c.candidate_id == candidate_id,
                                                       table.c.status == "ONGOING")
                                   .order_by(table.c.raised_at.desc()).limit(1).with_for_update()).first()
        return self._alert(row) if row else None

    def save(self, alert: LiveAlert) -> None:
        self._update(orm.live_alerts, alert, {"status": alert.status, "decided_at": alert.decided_at,
                                              "decided_by": alert.decided_by})

    def ongoing_of_session(self, session_id: UUID) -> dict[UUID, LiveAlert]:
        table = orm.live_alerts
        rows = self.session.execute(select(table).where(table.c.session_id == session_id, table.c.status == "ONGOING")
                                    .order_by(table.c.raised_at))
        return {alert.candidate_id: alert for alert in (self._alert(row) for row in rows)}

    def validated_of(self, candidate_ids: Iterable[UUID]) -> dict[UUID, list[LiveAlert]]:
        ids = list(candidate_ids)
        if not ids:
            return {}
        table = orm.live_alerts
        found: dict[UUID, list[LiveAlert]] = {}
        for row in self.session.execute(select(table).where(table.c.candidate_id.in_(ids),
                                                            table.c.status == "VALIDATED")
                                        .order_by(table.c.raised_at)):
            found.setdefault(row.candidate_id, []).append(self._alert(row))
        return found
