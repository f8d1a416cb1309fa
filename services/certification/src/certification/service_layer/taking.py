"""Use cases of the test's day: a candidate joins and starts, an invigilator opens the session, authorizes
and ends; failed attempts are counted per account (domain/limits.py)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from certification.domain import codes
from certification.domain import commands as c
from certification.domain import exceptions as e
from certification.domain import limits as reasons
from certification.domain.candidates import Candidate, find_enrolment, ineligibility
from certification.service_layer.access import get_session
from certification.service_layer.dependencies import Dependencies
from certification.service_layer.unit_of_work import CertificationUnitOfWork
from svckit.uow import UniqueViolation

CODE_ATTEMPTS = 5  # verification codes drawn before giving up (24^8 codes: a clash is already rare)


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
        uow.touch_session(session.id)
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


def invigilated_candidate(uow: CertificationUnitOfWork, candidate_id: UUID, actor: c.Actor) -> Candidate:
    candidate = uow.candidates.get(candidate_id)
    if candidate is None:
        raise e.NotFound("CANDIDATE_NOT_FOUND", "This candidate does not exist.")
    if not uow.invigilators.may_invigilate(candidate.session_id, actor.user_id):
        raise e.Forbidden("NOT_AN_INVIGILATOR", "Open the session with its invigilator password first.")
    get_session(uow, candidate.session_id).require_open()
    return candidate


def authorize_candidate(cmd: c.AuthorizeCandidate, d: Dependencies) -> None:
    with d.uow() as uow:
        candidate = invigilated_candidate(uow, cmd.candidate_id, cmd.actor)
        candidate.authorize(d.now())
        uow.candidates.save(candidate)
        uow.touch_session(candidate.session_id)
        uow.commit()


def end_course(cmd: c.EndCourse, d: Dependencies) -> None:
    with d.uow() as uow:
        candidate = invigilated_candidate(uow, cmd.candidate_id, cmd.actor)
        candidate.end_by_invigilator(cmd.actor.user_id, d.now())
        uow.candidates.save(candidate)
        uow.touch_session(candidate.session_id)
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
        uow.touch_session(session.id)  # started, or resumed (the authorization is used up)
        uow.commit()
        assert candidate.course is not None
        return candidate.course.id, started
