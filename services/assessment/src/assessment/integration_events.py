"""Domain events -> the published contract (``contracts/events/assessment/``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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


def to_integration(event: Any) -> IntegrationEvent | None:
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
