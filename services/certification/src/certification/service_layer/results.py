"""After the test: what assessment reports of each test, the centre's finalization with the automatic jury and
the scoring, a platform admin's review (neutralizations, comment) and the publication."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from certification.domain import commands as c
from certification.domain import events as ev
from certification.domain import exceptions as e
from certification.domain.candidates import Candidate
from certification.domain.finalization import CandidateReport, auto_jury, checked_global_comment
from certification.domain.results import ResultRecord, score_outcome
from certification.service_layer import access
from certification.service_layer.dependencies import Dependencies
from certification.service_layer.unit_of_work import CertificationUnitOfWork
from msgkit import Envelope

FINISHED = ("COMPLETED", "NO_ITEM_LEFT")  # end reasons of a test the candidate did not leave early


# -- assessment's events ------------------------------------------------------------------------------

def on_test_progressed(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork) -> None:
    """Question n of 32, for the invigilator's page; an older progress (redelivered late) changes nothing."""
    uow.results.save_progress(data["course_id"], data["user_id"], envelope.aggregate_version, data["answers_count"],
                              data["questions_count"], data["answered_at"])
    _touch_session_of(uow, data["course_id"])


def on_test_completed(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork) -> None:
    """The test's outcome (what scoring reads of it) for the scoring at finalization and every rescoring."""
    outcome = {**data, "course_id": str(data["course_id"]), "user_id": str(data["user_id"]),
               "ended_at": data["ended_at"].isoformat()}
    uow.results.save_outcome(data["course_id"], data["user_id"], envelope.aggregate_version, outcome)
    _touch_session_of(uow, data["course_id"])


def _touch_session_of(uow: CertificationUnitOfWork, course_id: UUID) -> None:
    session_id = uow.results.session_of_course(course_id)
    if session_id is not None:
        uow.touch_session(session_id)


# -- finalization by the centre -------------------------------------------------------------------------

def _score(previous: ResultRecord | None, candidate: Candidate, outcome: dict[str, Any], report: CandidateReport,
           neutralized: set[str], d: Dependencies) -> ResultRecord:
    """The course scored as the jury stands; a rescoring keeps the scale the result was first scored with."""
    assert candidate.course is not None
    scale_version = previous.result.scale_version if previous else None
    kwargs = {"scale_version": scale_version} if scale_version else {}
    result = score_outcome(outcome, neutralized=neutralized, abort_reason=report.abort_reason, **kwargs)
    return ResultRecord(candidate.course.id, candidate.id, candidate.session_id, result, sorted(neutralized), d.now(),
                        version=previous.version + 1 if previous else 1)


def finalize_session(cmd: c.FinalizeSession, d: Dependencies) -> dict[str, Any]:
    """Record the centre's report, run the automatic jury and score every candidate who started; FINALIZED.

    Returns the candidates whose abort reason was dropped (they finished the test)."""
    with d.uow() as uow:
        session, _center = access.managed_session(uow, cmd.session_id, cmd.actor)
        if session.status != "CREATED":
            raise e.Conflict("SESSION_ALREADY_FINALIZED", "This session is already finalized.", status=session.status)
        started = [cd for cd in uow.candidates.of_session(session.id) if cd.course is not None]
        if not started:
            raise e.RuleBroken("SESSION_WITHOUT_STARTED_CERTIFICATION", "No candidate started: there is nothing to "
                               "finalize.")
        outcomes = uow.results.outcomes_of(cd.course.id for cd in started if cd.course)
        running = [cd for cd in started if cd.course and cd.course.id not in outcomes]
        if running:
            raise e.RuleBroken("CANDIDATE_STILL_IN_PROGRESS", "A candidate's test is still running: wait for its end, "
                               "or end it from the invigilator's page, then finalize.",
                               candidate_ids=[str(cd.id) for cd in running])
        given = {raw["candidate_id"]: raw for raw in cmd.reports}
        if len(given) != len(cmd.reports):
            raise e.Invalid("CANDIDATE_REPORT_DUPLICATED", "Each candidate has one report.", field="reports")
        unknown = set(given) - {cd.id for cd in started}
        if unknown:
            raise e.Invalid("CANDIDATE_REPORT_UNKNOWN", "A report names no candidate of this session who started.",
                            field="reports", candidate_ids=sorted(str(i) for i in unknown))
        global_comment = checked_global_comment(cmd.global_comment)
        # The session's row first: a second finalization at the same time waits here, then finds it changed (409).
        session.finalize(cmd.actor.user_id, d.now(), global_comment=global_comment, has_incident=cmd.has_incident,
                         has_joining_issue=cmd.has_joining_issue)
        uow.sessions.save(session)
        dropped = []
        for candidate in started:
            assert candidate.course is not None
            outcome = outcomes[candidate.course.id]
            raw = given.get(candidate.id, {})
            try:
                report, was_dropped = CandidateReport.checked(
                    finished=outcome["end_reason"] in FINISHED, has_seen_end_screen=raw.get("has_seen_end_screen",
                                                                                            False),
                    abort_reason=raw.get("abort_reason"), comment=raw.get("comment"),
                    issue_reports=raw.get("issue_reports") or ())
            except e.CertificationError as refusal:
                refusal.details["candidate_id"] = str(candidate.id)
                raise
            if was_dropped:
                dropped.append(candidate.id)
            neutralized = auto_jury(report.issue_reports, outcome.get("answers") or [])
            uow.results.save_report(candidate.id, report)
            uow.results.save_result(_score(None, candidate, outcome, report, neutralized, d))
        uow.touch_session(session.id)  # FINALIZED
        uow.commit()
        return {"abort_reasons_dropped": dropped}


# -- review and publication by a platform admin ------------------------------------------------------------

def take_session_for_review(cmd: c.TakeSessionForReview, d: Dependencies) -> None:
    access.require_platform_admin(cmd.actor)
    with d.uow() as uow:
        session = access.get_session(uow, cmd.session_id)
        session.take_for_review(cmd.actor.user_id)
        uow.sessions.save(session)
        uow.touch_session(session.id)  # IN_PROCESS
        uow.commit()


def comment_session(cmd: c.CommentSession, d: Dependencies) -> None:
    access.require_platform_admin(cmd.actor)
    with d.uow() as uow:
        session = access.get_session(uow, cmd.session_id)
        session.comment_as_jury(cmd.actor.user_id, cmd.comment)
        uow.sessions.save(session)
        uow.commit()


def neutralize_challenge(cmd: c.NeutralizeChallenge, d: Dependencies) -> None:
    """Neutralize (or de-neutralize) one question of one course and score the course again."""
    access.require_platform_admin(cmd.actor)
    with d.uow() as uow:
        record = uow.results.of_course(cmd.course_id)
        if record is None or record.session_id != cmd.session_id:
            raise e.NotFound("RESULT_NOT_FOUND", "This course has no result: its session is not finalized.")
        session = access.get_session(uow, record.session_id)
        session.take_for_review(cmd.actor.user_id)  # refuses a published session
        outcome = uow.results.outcomes_of([cmd.course_id])[cmd.course_id]
        if cmd.challenge_id not in {a["challenge_id"] for a in outcome.get("answers") or ()}:
            raise e.NotFound("CHALLENGE_NOT_ASKED", "This question was not asked in this course.",
                             challenge_id=cmd.challenge_id)
        neutralized = set(record.neutralized)
        if cmd.neutralized:
            neutralized.add(cmd.challenge_id)
        else:
            neutralized.discard(cmd.challenge_id)
        candidate = uow.candidates.get(record.candidate_id)
        assert candidate is not None
        report = uow.results.reports_of([candidate.id]).get(candidate.id) or CandidateReport()
        if neutralized != set(record.neutralized):
            uow.results.save_result(_score(record, candidate, outcome, report, neutralized, d))
        uow.sessions.save(session)
        uow.commit()


def publish_session(cmd: c.PublishSession, d: Dependencies) -> None:
    """PUBLISHED: each candidate's result is published (one event per candidate) and mailed by our consumer."""
    access.require_platform_admin(cmd.actor)
    with d.uow() as uow:
        session = access.get_session(uow, cmd.session_id)
        now = d.now()
        session.publish(cmd.actor.user_id, now)
        center = access.get_center(uow, session.center_id)
        candidates = {cd.id: cd for cd in uow.candidates.of_session(session.id)}
        divisions = uow.replicas.divisions_of([cd.organization_learner_id for cd in candidates.values()
                                               if cd.organization_learner_id])
        for record in uow.results.of_session(session.id):
            candidate = candidates[record.candidate_id]
            assert candidate.course is not None
            record.published_at = now
            record.version += 1
            uow.results.save_result(record)
            r, i = record.result, candidate.identity
            session.events.append(ev.ResultPublished(
                record.course_id, record.version, candidate.id, session.id, session.number, session.details.date,
                center.id, center.name, center.type, center.organization_id,
                center.external_id if center.is_school else None, candidate.user_id,
                candidate.organization_learner_id, divisions.get(candidate.organization_learner_id)
                if candidate.organization_learner_id else None, i.first_name, i.last_name, i.birthdate,
                i.external_id, candidate.course.verification_code, r.status, r.reason, r.score, r.mesh_level,
                dict(r.competence_levels), r.scale_version, now))
        uow.sessions.save(session)
        uow.touch_session(session.id)  # PUBLISHED
        uow.commit()


# -- what the school saved ---------------------------------------------------------------------------------------

def record_attestation_downloads(command: c.RecordAttestationDownloads, deps: Dependencies) -> None:
    """The first download of each attestation, by whom and when; its own short transaction, after the view that
    read the class (and checked the admin)."""
    with deps.uow() as uow:
        uow.results.record_attestation_downloads(command.center_id, command.course_ids, command.actor.user_id,
                                                 deps.now())
        uow.commit()
