"""Live alerts (domain/live_alerts.py): recorded from assessment's event, decided by the invigilator.

Both change what the invigilator sees: each tells the unit of work which session's page to refresh
(``touch_session``) once it commits.
"""

from __future__ import annotations

from typing import Any

from certification.domain import commands as c
from certification.domain import exceptions as e
from certification.domain.live_alerts import LiveAlert
from certification.service_layer.dependencies import Dependencies
from certification.service_layer.taking import invigilated_candidate
from certification.service_layer.unit_of_work import CertificationUnitOfWork
from msgkit import Envelope


class CourseUnknown(LookupError):
    """An alert on a course certification never started: nothing to show it on (dead-lettered, to look into)."""


def on_live_alert_raised(data: dict[str, Any], envelope: Envelope, uow: CertificationUnitOfWork) -> None:
    """The alert recorded on the course's candidate, for the invigilator's page; heard twice, recorded once."""
    candidate = uow.candidates.by_course(data["course_id"])
    if candidate is None:
        raise CourseUnknown(f"no candidate has course {data['course_id']}")
    alert = LiveAlert(data["alert_id"], data["course_id"], candidate.id, candidate.session_id, data["challenge_id"],
                      data["question_number"], data["raised_at"])
    if uow.live_alerts.record(alert):
        uow.touch_session(candidate.session_id)


def _decide(cmd: c.ValidateLiveAlert | c.DismissLiveAlert, d: Dependencies, validate: bool) -> None:
    with d.uow() as uow:
        candidate = invigilated_candidate(uow, cmd.candidate_id, cmd.actor)
        alert = uow.live_alerts.ongoing_of(candidate.id)
        if alert is None:
            raise e.NotFound("LIVE_ALERT_NOT_FOUND", "This candidate has no problem signalled awaiting a decision.")
        (alert.validate if validate else alert.dismiss)(cmd.actor.user_id, d.now())
        uow.live_alerts.save(alert)
        uow.touch_session(candidate.session_id)
        uow.commit()


def validate_live_alert(cmd: c.ValidateLiveAlert, d: Dependencies) -> None:
    """The question is broken: assessment withdraws it and serves the candidate another."""
    _decide(cmd, d, validate=True)


def dismiss_live_alert(cmd: c.DismissLiveAlert, d: Dependencies) -> None:
    """Nothing wrong with the question: the candidate answers it."""
    _decide(cmd, d, validate=False)
