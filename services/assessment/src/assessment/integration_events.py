"""Domain events -> the published contract (``contracts/events/assessment/``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from assessment.domain import certification as c
from assessment.domain import events as e
from assessment.domain.releases import ContentReleased
from svckit.uow import IntegrationEvent

CONTENT_AGGREGATE_ID = "learning-content"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _id(value: Any) -> str | None:
    return str(value) if value is not None else None


def _rate(value: float) -> float:
    return round(value, 4)


def _progress(progress: e.Progress) -> dict[str, Any]:
    return {"answers_count": progress.answers, "assessed_skills_count": progress.assessed_skills,
            "target_skills_count": progress.target_skills, "progress_rate": _rate(progress.rate)}


def _who(event: e.AnswerRecorded | e.AssessmentCompleted) -> dict[str, Any]:
    return {"assessment_id": str(event.assessment_id), "participation_id": _id(event.participation_id),
            "campaign_id": _id(event.campaign_id), "user_id": str(event.user_id)}


def _item(item: Any) -> dict[str, Any]:
    return {"challenge_id": item.id, "skill_id": item.skill, "tube_id": item.tube, "competence_code": item.competence,
            "difficulty": item.difficulty, "discrimination": item.discrimination}


def _certification(event: c.CertificationTestProgressed | c.CertificationTestCompleted) -> IntegrationEvent:
    if isinstance(event, c.CertificationTestProgressed):
        return IntegrationEvent("assessment.certification_test.progressed.v1", str(event.course_id), event.version, {
            "course_id": str(event.course_id), "user_id": str(event.user_id), "answers_count": event.answers_count,
            "questions_count": event.length, "answered_at": _iso(event.answered_at)})
    return IntegrationEvent("assessment.certification_test.completed.v1", str(event.course_id), event.version, {
        "course_id": str(event.course_id), "user_id": str(event.user_id),
        "configuration_version": event.configuration_version, "content_version": event.content_version,
        "started_at": _iso(event.started_at), "ended_at": _iso(event.ended_at), "end_reason": event.end_reason,
        "answers_count": len(event.answers),
        "answers": [{"index": answer.index, **_item(item), "status": answer.status,
                     "answered_at": _iso(answer.answered_at), "elapsed_ms": answer.elapsed_ms}
                    for answer, item in event.answers],
        "capacity": round(event.estimate.capacity, 6), "error": round(event.estimate.error, 6),
        "skips_if_abandoned": [_item(item) for item in event.skips_if_abandoned]})


def to_integration(event: Any) -> IntegrationEvent | None:
    if isinstance(event, c.CertificationTestProgressed | c.CertificationTestCompleted):
        return _certification(event)
    if isinstance(event, c.LiveAlertRaised):
        return IntegrationEvent("assessment.certification_test.live_alert_raised.v1", str(event.course_id),
                                event.version, {
                                    "course_id": str(event.course_id), "alert_id": str(event.alert_id),
                                    "challenge_id": event.challenge_id, "question_number": event.question_number,
                                    "raised_at": _iso(event.raised_at)})
    if isinstance(event, ContentReleased):
        return IntegrationEvent("assessment.content.released.v1", CONTENT_AGGREGATE_ID, event.version, {
            **event.structure, "checksum": event.checksum, "released_at": _iso(event.released_at)})
    if isinstance(event, e.AnswerRecorded):
        return IntegrationEvent("assessment.answer.recorded.v1", str(event.assessment_id), event.version, {
            **_who(event), "answer_id": str(event.answer_id), "challenge_id": event.challenge_id,
            "skill_id": event.skill_id, "result": event.result, "answered_at": _iso(event.answered_at),
            **_progress(event.progress)})
    if isinstance(event, e.AssessmentCompleted):
        results, profile = event.results, event.profile
        return IntegrationEvent("assessment.assessment.completed.v1", str(event.assessment_id), event.version, {
            **_who(event), "completed_at": _iso(event.completed_at), **_progress(event.progress),
            "validated_skills_count": results.validated_skills, "mastery_rate": _rate(results.mastery_rate),
            "competences": [{"competence_code": c.competence_code, "area_code": c.area_code,
                             "target_skills_count": c.target_skills, "validated_skills_count": c.validated_skills,
                             "tested_skills_count": c.tested_skills, "mastery_rate": _rate(c.mastery_rate)}
                            for c in results.competences],
            "profile": {"total_pix": profile.total_pix, "certifiable": profile.certifiable,
                        "competences": [{"competence_code": c.competence_code, "area_code": c.area_code,
                                         "pix": c.pix, "level": c.level} for c in profile.competences]}})
    return None
