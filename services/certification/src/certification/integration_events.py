"""Domain events -> the events certification publishes (contracts/events/certification/)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from certification.domain import events as ev
from certification.domain.results import MAX_SCORE
from svckit.uow import IntegrationEvent

# A course is its own aggregate for consumers: started is its version 1, ended its version 2.
COURSE_STARTED_VERSION, COURSE_ENDED_VERSION = 1, 2


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def to_integration(event: Any) -> IntegrationEvent | None:
    if isinstance(event, ev.CenterCreated):
        return IntegrationEvent("certification.center.created.v1", str(event.center_id), event.version, {
            "center_id": str(event.center_id), "type": event.type, "name": event.name,
            "external_id": event.external_id,
            "organization_id": str(event.organization_id) if event.organization_id else None,
            "created_at": _iso(event.created_at)})
    if isinstance(event, ev.InvitationIssued):
        return IntegrationEvent("certification.invitation.issued.v1", str(event.center_id), event.version, {
            "invitation_id": str(event.invitation_id), "center_id": str(event.center_id), "email": event.email,
            "role": event.role, "locale": event.locale, "issued_at": _iso(event.issued_at)})
    if isinstance(event, ev.SessionScheduled):
        return IntegrationEvent("certification.session.scheduled.v1", str(event.session_id), event.version, {
            "session_id": str(event.session_id), "center_id": str(event.center_id), "number": event.number,
            "date": event.date.isoformat(), "time": event.time, "created_by": str(event.created_by),
            "created_at": _iso(event.created_at)})
    if isinstance(event, ev.CourseStarted):
        return IntegrationEvent("certification.course.started.v1", str(event.course_id), COURSE_STARTED_VERSION, {
            "course_id": str(event.course_id), "candidate_id": str(event.candidate_id),
            "user_id": str(event.user_id), "session_id": str(event.session_id), "center_id": str(event.center_id),
            "extra_time_percentage": event.extra_time_percentage, "verification_code": event.verification_code,
            "configuration_version": event.configuration_version, "started_at": _iso(event.started_at)})
    if isinstance(event, ev.CourseEndedByInvigilator):
        return IntegrationEvent("certification.course.ended_by_invigilator.v1", str(event.course_id),
                                COURSE_ENDED_VERSION, {
                                    "course_id": str(event.course_id), "candidate_id": str(event.candidate_id),
                                    "user_id": str(event.user_id), "session_id": str(event.session_id),
                                    "center_id": str(event.center_id), "ended_by": str(event.ended_by),
                                    "ended_at": _iso(event.ended_at)})
    if isinstance(event, ev.LiveAlertDecided):
        return IntegrationEvent("certification.live_alert.decided.v1", str(event.alert_id), event.version, {
            "course_id": str(event.course_id), "alert_id": str(event.alert_id),
            "candidate_id": str(event.candidate_id), "session_id": str(event.session_id),
            "decision": event.decision, "decided_by": str(event.decided_by), "decided_at": _iso(event.decided_at)})
    if isinstance(event, ev.ResultPublished):
        return IntegrationEvent("certification.results.published.v1", str(event.course_id), event.version, {
            "course_id": str(event.course_id), "candidate_id": str(event.candidate_id),
            "session_id": str(event.session_id), "session_number": event.session_number,
            "certification_date": event.session_date.isoformat(), "center_id": str(event.center_id),
            "center_name": event.center_name, "center_type": event.center_type,
            "organization_id": str(event.organization_id) if event.organization_id else None, "uai": event.uai,
            "user_id": str(event.user_id) if event.user_id else None,
            "organization_learner_id": str(event.organization_learner_id) if event.organization_learner_id
            else None, "division": event.division, "first_name": event.first_name, "last_name": event.last_name,
            "birthdate": event.birthdate.isoformat(), "external_id": event.external_id,
            "verification_code": event.verification_code, "status": event.status, "reason": event.reason,
            "score": event.score, "max_score": MAX_SCORE, "mesh_level": event.mesh_level,
            "competence_levels": [{"competence_code": code, "level": level}
                                  for code, level in sorted(event.competence_levels.items())],
            "scale_version": event.scale_version, "published_at": _iso(event.published_at)})
    return None  # MemberJoined: nobody outside needs it yet
