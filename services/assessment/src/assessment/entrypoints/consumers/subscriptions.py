"""What assessment consumes: event type -> handler; each handler has its own queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from assessment.domain import commands
from assessment.domain.content import LearningContent
from assessment.domain.model import Rules
from assessment.entrypoints.consumers.schemas import (
    CampaignChangedSchema,
    CourseEndedByInvigilatorSchema,
    CourseStartedSchema,
    ImprovementStartedSchema,
    LiveAlertDecidedSchema,
    ParticipationStartedSchema,
)
from assessment.service_layer import certification, handlers
from assessment.service_layer.certification import ItemParameters
from assessment.service_layer.unit_of_work import AssessmentUnitOfWork
from msgkit import Envelope, Subscription
from svckit.consumers import idempotent_subscription

CAMPAIGN_EVENTS = ("campaigns.campaign.created.v1", "campaigns.campaign.archived.v1",
                   "campaigns.campaign.unarchived.v1")


def subscriptions(uow_factory: Callable[[], AssessmentUnitOfWork], content: Callable[[], LearningContent],
                  rules: Rules, new_id: Callable[[], UUID],
                  item_parameters: Callable[[], ItemParameters]) -> list[Subscription]:
    def on_campaign_changed(data: dict[str, Any], envelope: Envelope, uow: AssessmentUnitOfWork) -> None:
        handlers.on_campaign_changed(data, envelope.event_type, envelope.aggregate_version, uow)

    def on_participation_started(data: dict[str, Any], envelope: Envelope, uow: AssessmentUnitOfWork) -> None:
        handlers.on_participation_started(commands.StartCampaignAssessment(
            participation_id=data["participation_id"], campaign_id=data["campaign_id"], user_id=data["user_id"],
            started_at=data["started_at"], improving=data["is_improvement"], campaign_type=data["campaign_type"],
            participation_version=envelope.aggregate_version), uow, content, rules, new_id)

    def on_improvement_started(data: dict[str, Any], envelope: Envelope, uow: AssessmentUnitOfWork) -> None:
        """Improving before sharing: a new assessment of the same participation, every skill not validated
        asked again."""
        handlers.on_participation_started(commands.StartCampaignAssessment(
            participation_id=data["participation_id"], campaign_id=data["campaign_id"], user_id=data["user_id"],
            started_at=data["started_at"], improving=True, participation_version=envelope.aggregate_version,
            reset_all_not_validated=True), uow, content, rules, new_id)

    def on_course_started(data: dict[str, Any], envelope: Envelope, uow: AssessmentUnitOfWork) -> None:
        certification.on_course_started(commands.StartCertificationTest(
            course_id=data["course_id"], user_id=data["user_id"], configuration_version=data["configuration_version"],
            extra_time_percentage=data["extra_time_percentage"], started_at=data["started_at"]),
            uow, content, item_parameters)

    def on_course_ended_by_invigilator(data: dict[str, Any], envelope: Envelope, uow: AssessmentUnitOfWork) -> None:
        certification.on_course_ended_by_invigilator(commands.EndCertificationTest(
            course_id=data["course_id"], ended_at=data["ended_at"]), uow)

    def on_live_alert_decided(data: dict[str, Any], envelope: Envelope, uow: AssessmentUnitOfWork) -> None:
        certification.on_live_alert_decided(commands.DecideLiveAlert(
            course_id=data["course_id"], alert_id=data["alert_id"], decision=data["decision"],
            decided_by=data["decided_by"], decided_at=data["decided_at"]), uow)

    return [
        # One queue for a campaign's three facts keeps them in order (a stale one is dropped anyway).
        idempotent_subscription("on_campaign_changed", CAMPAIGN_EVENTS, CampaignChangedSchema(), uow_factory,
                                on_campaign_changed),
        idempotent_subscription("on_participation_started", ("campaigns.participation.started.v1",),
                                ParticipationStartedSchema(), uow_factory, on_participation_started),
        idempotent_subscription("on_improvement_started", ("campaigns.participation.improvement_started.v1",),
                                ImprovementStartedSchema(), uow_factory, on_improvement_started),
        # Two queues: a course's start and its end may be handled in either order (the end waits as pending).
        idempotent_subscription("on_course_started", ("certification.course.started.v1",), CourseStartedSchema(),
                                uow_factory, on_course_started),
        idempotent_subscription("on_course_ended_by_invigilator", ("certification.course.ended_by_invigilator.v1",),
                                CourseEndedByInvigilatorSchema(), uow_factory, on_course_ended_by_invigilator),
        idempotent_subscription("on_live_alert_decided", ("certification.live_alert.decided.v1",),
                                LiveAlertDecidedSchema(), uow_factory, on_live_alert_decided),
    ]
