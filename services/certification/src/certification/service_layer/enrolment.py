"""Use cases of sessions and their candidates: scheduling, editing, enrolling (a class, one by one, a file)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from certification.domain import commands as c
from certification.domain import exceptions as e
from certification.domain.candidates import ALREADY_ENROLLED, Candidate, Identity, ineligibility, require_no_duplicate
from certification.domain.centers import Center, require_inside_window
from certification.domain.sessions import EDITABLE, Session, SessionDetails
from certification.service_layer.access import get_center, managed_session, require_member
from certification.service_layer.dependencies import Dependencies
from certification.service_layer.unit_of_work import CertificationUnitOfWork

MAX_LINE_ERRORS = 100  # reported of a refused file; error_count says how many there were


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
        uow.touch_session(session.id)  # the invigilator's page shows the room, date, time, examiner
        uow.commit()


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
        uow.touch_session(session.id)
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
                field = error.details.get("field")
                # a value the file's reader refused is in its error, as typed
                value = error.details.get("value", fields.get(field) if field else None)
                errors.append({"line": line, "code": error.error_code, "message": str(error), "field": field,
                               "value": value if isinstance(value, str) else None})
        if not cmd.rows:
            raise e.RuleBroken("CANDIDATES_FILE_EMPTY", "The file has no candidate.")
        if errors:
            # As organizations' imports: all or nothing, a 422 with the lines' errors (the first 100, and how many).
            raise e.RuleBroken("CANDIDATES_FILE_INVALID", f"{len(errors)} line(s) of the file are refused; nobody "
                               "was enrolled.", errors=errors[:MAX_LINE_ERRORS], error_count=len(errors))
        for candidate in new:
            uow.candidates.add(candidate)
        uow.touch_session(session.id)
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
        if outcome.enrolled:
            uow.touch_session(session.id)
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
        uow.touch_session(candidate.session_id)
        uow.commit()


def remove_candidate(cmd: c.RemoveCandidate, d: Dependencies) -> None:
    with d.uow() as uow:
        candidate = _managed_candidate(uow, cmd.candidate_id, cmd.actor, d.now())
        candidate.require_removable()
        uow.candidates.remove(candidate)
        uow.touch_session(candidate.session_id)
        uow.commit()
