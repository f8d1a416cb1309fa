"""certification's use cases: each opens a unit of work, loads aggregates, calls the domain, commits.

Every handler takes its command and the ``Dependencies`` bootstrap binds once (service_layer/
messagebus.py): the routes only build commands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from certification.domain import codes
from certification.domain import commands as c
from certification.domain import exceptions as e
from certification.domain import limits as reasons
from certification.domain.candidates import (
    ALREADY_ENROLLED,
    Candidate,
    Identity,
    find_enrolment,
    ineligibility,
    require_no_duplicate,
)
from certification.domain.centers import Center, Window, require_inside_window
from certification.domain.limits import JoiningLimits
from certification.domain.sessions import EDITABLE, Session, SessionDetails
from certification.service_layer.unit_of_work import CertificationUnitOfWork
from svckit.uow import UniqueViolation

# The version of the test's configuration (32 questions, the IRT rules, the scoring scale) a course
# started now is sat under; assessment maps it to the configuration (certification.course.started.v1).
TEST_CONFIGURATION_VERSION = 1
CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class Dependencies:
    uow: Callable[[], CertificationUnitOfWork]
    now: Callable[[], datetime]
    new_id: Callable[[], UUID]
    limits: JoiningLimits = JoiningLimits()
    verification_code: Callable[[], str] = codes.verification_code
    access_code: Callable[[], str] = codes.access_code
    invigilator_password: Callable[[], str] = codes.invigilator_password
    configuration_version: int = TEST_CONFIGURATION_VERSION


# --- centres and windows ------------------------------------------------------------------------

def _require_platform_admin(actor: c.Actor) -> None:
    if not actor.platform_admin:
        raise e.Forbidden("PLATFORM_ADMIN_REQUIRED", "Only a platform admin may do this.")


def get_center(uow: CertificationUnitOfWork, center_id: UUID) -> Center:
    center = uow.centers.get(center_id)
    if center is None:
        raise e.NotFound("CENTER_NOT_FOUND", "This certification centre does not exist.")
    return center


def is_member(uow: CertificationUnitOfWork, center: Center, user_id: UUID) -> bool:
    """A school's members are its organization's active admins; other centres keep their own."""
    if center.is_school:
        return center.organization_id is not None and uow.replicas.is_organization_admin(center.organization_id,
                                                                                         user_id)
    return user_id in center.members


def require_member(uow: CertificationUnitOfWork, center: Center, actor: c.Actor) -> None:
    if not is_member(uow, center, actor.user_id):
        raise e.Forbidden("NOT_A_CENTER_MEMBER", "Only the centre's members may do this.")


def create_center(cmd: c.CreateCenter, d: Dependencies) -> UUID:
    _require_platform_admin(cmd.actor)
    with d.uow() as uow:
        center = Center.create(d.new_id(), d.new_id(), type=cmd.type, name=cmd.name, external_id=cmd.external_id,
                               admin_email=cmd.admin_email, locale=cmd.locale, now=d.now())
        uow.centers.add(center)
        uow.commit()
        return center.id


def set_school_kind(cmd: c.SetSchoolKind, d: Dependencies) -> None:
    _require_platform_admin(cmd.actor)
    with d.uow() as uow:
        center = get_center(uow, cmd.center_id)
        center.set_school_kind(cmd.school_kind)
        uow.centers.save(center)
        uow.commit()


def accept_invitation(cmd: c.AcceptInvitation, d: Dependencies) -> UUID:
    with d.uow() as uow:
        center = uow.centers.by_invitation(cmd.invitation_id)
        if center is None:
            raise e.NotFound("INVITATION_NOT_FOUND", "This invitation does not exist.")
        center.accept_invitation(cmd.invitation_id, cmd.code, user_id=cmd.actor.user_id,
                                 user_email=cmd.actor.email or "",
                                 verified_email=uow.replicas.verified_email(cmd.actor.user_id), now=d.now())
        uow.centers.save(center)
        uow.commit()
        return center.id


def open_window(cmd: c.OpenWindow, d: Dependencies) -> UUID:
    _require_platform_admin(cmd.actor)
    with d.uow() as uow:
        # Locked: two admins opening overlapping windows at once would both pass the check.
        window = Window.open(d.new_id(), cmd.school_kind, cmd.starts_on, cmd.ends_on, by=cmd.actor.user_id,
                             now=d.now(), others=uow.windows.all(lock=True))
        uow.windows.add(window)
        uow.commit()
        return window.id


# --- sessions -----------------------------------------------------------------------------------

def get_session(uow: CertificationUnitOfWork, session_id: UUID) -> Session:
    session = uow.sessions.get(session_id)
    if session is None:
        raise e.NotFound("SESSION_NOT_FOUND", "This session does not exist.")
    return session


def managed_session(uow: CertificationUnitOfWork, session_id: UUID, actor: c.Actor) -> tuple[Session, Center]:
    session = get_session(uow, session_id)
    center = get_center(uow, session.center_id)
    require_member(uow, center, actor)
    return session, center


def schedule_session(cmd: c.ScheduleSession, d: Dependencies) -> UUID:
    details = SessionDetails.checked(**{name: cmd.details.get(name) for name in EDITABLE})
    with d.uow() as uow:
        center = get_center(uow, cmd.center_id)
        require_member(uow, center, cmd.actor)
        center.require_schedulable()
        require_inside_window(center, details.date, uow.windows.all())
        session = Session.schedule(d.new_id(), center.id, uow.sessions.next_number(), details,
                                   access_code=d.access_code(), invigilator_password=d.invigilator_password(),
                                   by=cmd.actor.user_id, now=d.now())
        uow.sessions.add(session)
        uow.commit()
        return session.id


def edit_session(cmd: c.EditSession, d: Dependencies) -> None:
    with d.uow() as uow:
        session, center = managed_session(uow, cmd.session_id, cmd.actor)
        current = {name: getattr(session.details, name) for name in EDITABLE}
        details = SessionDetails.checked(**{**current, **cmd.changes})
        if details.date != session.details.date:
            require_inside_window(center, details.date, uow.windows.all())
        session.edit(details, d.now())
        uow.sessions.save(session)
        uow.commit()


# --- candidates ---------------------------------------------------------------------------------

def _identity(fields: dict[str, Any]) -> Identity:
    return Identity.checked(**{name: fields.get(name) for name in (
        "first_name", "last_name", "birthdate", "sex", "birthplace", "result_email", "external_id")})


def _open_for_candidates(uow: CertificationUnitOfWork, session_id: UUID, actor: c.Actor,
                         now: datetime) -> tuple[Session, Center]:
    session, center = managed_session(uow, session_id, actor)
    session.require_candidates_changeable(now)
    return session, center


def _require_typed_candidates(center: Center) -> None:
    if center.is_school:
        raise e.RuleBroken("SCHOOL_ENROLS_ITS_STUDENTS", "A school enrols its pupils from its list, class by class.")


def enrol_candidate(cmd: c.EnrolCandidate, d: Dependencies) -> UUID:
    identity = _identity(cmd.candidate)
    with d.uow() as uow:
        session, center = _open_for_candidates(uow, cmd.session_id, cmd.actor, d.now())
        _require_typed_candidates(center)
        require_no_duplicate(uow.candidates.of_session(session.id), identity)
        candidate = Candidate.enrol(d.new_id(), session, identity,
                                    extra_time_percentage=cmd.candidate.get("extra_time_percentage"),
                                    organization_learner_id=None, now=d.now())
        uow.candidates.add(candidate)
        uow.commit()
        return candidate.id


def import_candidates(cmd: c.ImportCandidates, d: Dependencies) -> list[UUID]:
    """All the file's candidates, or none: a refused file lists every line's error."""
    with d.uow() as uow:
        session, center = _open_for_candidates(uow, cmd.session_id, cmd.actor, d.now())
        _require_typed_candidates(center)
        enrolled = uow.candidates.of_session(session.id)
        errors: list[dict[str, Any]] = []
        new: list[Candidate] = []
        for line, fields in cmd.rows:
            try:
                for value in fields.values():
                    if isinstance(value, e.CertificationError):
                        raise value  # the file's reader could not read it
                identity = _identity(fields)
                require_no_duplicate([*enrolled, *new], identity, line)
                new.append(Candidate.enrol(d.new_id(), session, identity,
                                           extra_time_percentage=fields.get("extra_time_percentage"),
                                           organization_learner_id=None, now=d.now()))
            except e.CertificationError as error:
                errors.append({"line": line, "code": error.error_code, "message": str(error),
                               "field": error.details.get("field")})
        if not cmd.rows:
            raise e.Invalid("CANDIDATES_FILE_EMPTY", "The file has no candidate.")
        if errors:
            raise e.Invalid("CANDIDATES_FILE_INVALID", f"{len(errors)} line(s) of the file are refused; nobody was "
                            "enrolled.", errors=errors)
        for candidate in new:
            uow.candidates.add(candidate)
        uow.commit()
        return [candidate.id for candidate in new]


def enrol_students(cmd: c.EnrolStudents, d: Dependencies) -> c.Outcome:
    """A school enrols a class: its eligible pupils; the others are listed with the reason."""
    with d.uow() as uow:
        session, center = _open_for_candidates(uow, cmd.session_id, cmd.actor, d.now())
        if not center.is_school or center.organization_id is None:
            raise e.RuleBroken("NOT_A_SCHOOL", "Only a school enrols pupils from its list.")
        learners = uow.replicas.learners_of_division(center.organization_id, cmd.division)
        if not learners:
            raise e.NotFound("DIVISION_NOT_FOUND", "This class has no pupil in the school's list.",
                             division=cmd.division)
        already = {candidate.organization_learner_id for candidate in uow.candidates.of_session(session.id)}
        profiles = uow.replicas.profiles_of(learner["user_id"] for learner in learners if learner["user_id"])
        outcome = c.Outcome()
        for learner in learners:
            reason = ALREADY_ENROLLED if learner["id"] in already else ineligibility(
                learner["user_id"], profiles.get(learner["user_id"]))
            if reason is not None:
                outcome.not_enrolled.append({"learner_id": learner["id"], "first_name": learner["first_name"],
                                             "last_name": learner["last_name"], "reason": reason})
                continue
            identity = Identity.checked(first_name=learner["first_name"], last_name=learner["last_name"],
                                        birthdate=learner["birthdate"], school_pupil=True)
            candidate = Candidate.enrol(d.new_id(), session, identity, extra_time_percentage=0,
                                        organization_learner_id=learner["id"], now=d.now())
            uow.candidates.add(candidate)
            outcome.enrolled.append(candidate.id)
        uow.commit()
        return outcome


def _managed_candidate(uow: CertificationUnitOfWork, candidate_id: UUID, actor: c.Actor,
                       now: datetime) -> Candidate:
    candidate = uow.candidates.get(candidate_id)
    if candidate is None:
        raise e.NotFound("CANDIDATE_NOT_FOUND", "This candidate does not exist.")
    _open_for_candidates(uow, candidate.session_id, actor, now)
    return candidate


def change_candidate(cmd: c.ChangeCandidate, d: Dependencies) -> None:
    with d.uow() as uow:
        candidate = _managed_candidate(uow, cmd.candidate_id, cmd.actor, d.now())
        candidate.set_extra_time(cmd.extra_time_percentage)
        uow.candidates.save(candidate)
        uow.commit()


def remove_candidate(cmd: c.RemoveCandidate, d: Dependencies) -> None:
    with d.uow() as uow:
        candidate = _managed_candidate(uow, cmd.candidate_id, cmd.actor, d.now())
        candidate.require_removable()
        uow.candidates.remove(candidate)
        uow.commit()


# --- joining, invigilating, starting ---------------------------------------------------------------

def _refuse_if_throttled(uow: CertificationUnitOfWork, d: Dependencies, user_id: UUID, moment: datetime) -> None:
    waits = [wait for limit in d.limits.per_account
             if (wait := limit.retry_after(uow.failures.nth_latest(limit.failures, moment - limit.window, user_id),
                                           moment)) is not None]
    if waits:
        raise e.Throttled(max(waits))


def _fail(uow: CertificationUnitOfWork, d: Dependencies, user_id: UUID, reason: str, moment: datetime,
          error: Exception) -> Exception:
    """Count the failure (committed, though the use case is refused: nothing else was saved) and hand back the
    refusal to raise."""
    uow.failures.record(user_id, reason, moment, forget_before=moment - d.limits.horizon)
    uow.commit()
    return error


def join_session(cmd: c.JoinSession, d: Dependencies) -> UUID:
    """The candidate finds their enrolment and links it to their account; returns the candidate's id."""
    moment, user_id = d.now(), cmd.actor.user_id
    with d.uow() as uow:
        uow.failures.serialize_account(user_id)
        _refuse_if_throttled(uow, d, user_id, moment)
        session = uow.sessions.by_number(cmd.session_number)
        if session is None:
            raise _fail(uow, d, user_id, reasons.UNKNOWN_SESSION, moment,
                        e.NotFound("SESSION_NOT_FOUND", "No session has this number."))
        if not session.joinable:
            raise e.RuleBroken("SESSION_NOT_ACCESSIBLE", "This session is finalized.", status=session.status)
        candidates = uow.candidates.of_session(session.id)
        try:
            candidate = find_enrolment(candidates, cmd.first_name, cmd.last_name, cmd.birthdate)
            if any(other.user_id == user_id and other.id != candidate.id for other in candidates):
                raise e.Conflict("USER_ALREADY_LINKED_TO_CANDIDATE", "Your account already joined this session as "
                                 "another candidate.")
            if candidate.organization_learner_id is not None and \
                    uow.replicas.learner_account(candidate.organization_learner_id) != user_id:
                raise e.Forbidden("MATCHING_RECONCILED_STUDENT_NOT_FOUND", "This pupil's enrolment belongs to the "
                                  "account the school linked to the pupil; log in with it.")
            candidate.link_to(user_id, moment)
        except (e.NotFound, e.Conflict, e.Forbidden) as refusal:
            raise _fail(uow, d, user_id, reasons.NO_MATCH, moment, refusal) from None
        reason = ineligibility(user_id, uow.replicas.profiles_of([user_id]).get(user_id))
        if reason is not None:
            raise e.Forbidden("USER_NOT_CERTIFIABLE", "You cannot be certified yet: level 1 or more in at least 5 "
                              "competences is needed.", reason=reason)
        uow.candidates.save(candidate)
        uow.commit()
        return candidate.id


def open_invigilation(cmd: c.OpenInvigilation, d: Dependencies) -> UUID:
    """Anyone with an account and the session's invigilator password invigilates it; returns the session id."""
    moment, user_id = d.now(), cmd.actor.user_id
    with d.uow() as uow:
        uow.failures.serialize_account(user_id)
        _refuse_if_throttled(uow, d, user_id, moment)
        session = uow.sessions.by_number(cmd.session_number)
        if session is None or not codes.same_secret(session.invigilator_password, cmd.invigilator_password or ""):
            raise _fail(uow, d, user_id, reasons.WRONG_INVIGILATOR_PASSWORD, moment,
                        e.Forbidden("INVIGILATION_REFUSED", "The session number or the invigilator password is "
                                    "wrong."))
        session.require_open()
        uow.invigilators.grant(session.id, user_id, moment)
        uow.commit()
        return session.id


def _invigilated_candidate(uow: CertificationUnitOfWork, candidate_id: UUID, actor: c.Actor) -> Candidate:
    candidate = uow.candidates.get(candidate_id)
    if candidate is None:
        raise e.NotFound("CANDIDATE_NOT_FOUND", "This candidate does not exist.")
    if not uow.invigilators.may_invigilate(candidate.session_id, actor.user_id):
        raise e.Forbidden("NOT_AN_INVIGILATOR", "Open the session with its invigilator password first.")
    get_session(uow, candidate.session_id).require_open()
    return candidate


def authorize_candidate(cmd: c.AuthorizeCandidate, d: Dependencies) -> None:
    with d.uow() as uow:
        candidate = _invigilated_candidate(uow, cmd.candidate_id, cmd.actor)
        candidate.authorize(d.now())
        uow.candidates.save(candidate)
        uow.commit()


def end_course(cmd: c.EndCourse, d: Dependencies) -> None:
    with d.uow() as uow:
        candidate = _invigilated_candidate(uow, cmd.candidate_id, cmd.actor)
        candidate.end_by_invigilator(cmd.actor.user_id, d.now())
        uow.candidates.save(candidate)
        uow.commit()


def start_course(cmd: c.StartCourse, d: Dependencies) -> tuple[UUID, bool]:
    """The candidate types the access code: their course starts, or resumes. Returns (course id, started now)."""
    for _ in range(CODE_ATTEMPTS):
        try:
            return _start_course(cmd, d)
        except UniqueViolation as violation:
            if violation.constraint != "uq_candidates_verification_code":
                raise
    raise e.Unavailable("CODE_UNAVAILABLE", "No free verification code was drawn; try again.")


def _start_course(cmd: c.StartCourse, d: Dependencies) -> tuple[UUID, bool]:
    moment, user_id = d.now(), cmd.actor.user_id
    with d.uow() as uow:
        uow.failures.serialize_account(user_id)
        _refuse_if_throttled(uow, d, user_id, moment)
        candidate = uow.candidates.get(cmd.candidate_id)
        if candidate is None or candidate.user_id != user_id:
            raise e.NotFound("CANDIDATE_NOT_FOUND", "You have not joined this session as this candidate.")
        session = get_session(uow, candidate.session_id)
        try:
            started = candidate.start(session, cmd.access_code, user_id=user_id, course_id=d.new_id(),
                                      verification_code=d.verification_code(),
                                      configuration_version=d.configuration_version, now=moment)
        except e.RuleBroken as refusal:
            if refusal.error_code != "ACCESS_CODE_INVALID":
                raise
            raise _fail(uow, d, user_id, reasons.WRONG_ACCESS_CODE, moment, refusal) from None
        uow.candidates.save(candidate)
        if started:
            uow.sessions.record_first_start(session.id, moment)
        uow.commit()
        assert candidate.course is not None
        return candidate.course.id, started


HANDLERS: dict[type, Callable[[Any, Dependencies], Any]] = {
    c.CreateCenter: create_center,
    c.SetSchoolKind: set_school_kind,
    c.AcceptInvitation: accept_invitation,
    c.OpenWindow: open_window,
    c.ScheduleSession: schedule_session,
    c.EditSession: edit_session,
    c.EnrolCandidate: enrol_candidate,
    c.ImportCandidates: import_candidates,
    c.EnrolStudents: enrol_students,
    c.ChangeCandidate: change_candidate,
    c.RemoveCandidate: remove_candidate,
    c.JoinSession: join_session,
    c.OpenInvigilation: open_invigilation,
    c.AuthorizeCandidate: authorize_candidate,
    c.StartCourse: start_course,
    c.EndCourse: end_course,
}
