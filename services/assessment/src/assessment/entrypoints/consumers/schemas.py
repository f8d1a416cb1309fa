"""assessment's reading of the events it consumes: only the fields it uses; unknown ones ignored."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class CampaignChangedSchema(Schema):
    """campaigns.campaign.created / archived / unarchived: the fields the target replica needs."""

    campaign_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    type = fields.String()  # on created only
    target_skill_ids = fields.List(fields.String(), load_default=list)


class ParticipationStartedSchema(Schema):
    participation_id = fields.UUID(required=True)
    campaign_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    started_at = fields.AwareDateTime(required=True)
    campaign_type = fields.String(load_default=None)
    is_improvement = fields.Boolean(load_default=False)


class ImprovementStartedSchema(Schema):
    participation_id = fields.UUID(required=True)
    campaign_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    started_at = fields.AwareDateTime(required=True)


class CourseStartedSchema(Schema):
    """certification.course.started: who takes the test, with which extra time, under which rules."""

    course_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    extra_time_percentage = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    configuration_version = fields.Integer(required=True, strict=True)
    started_at = fields.AwareDateTime(required=True)


class CourseEndedByInvigilatorSchema(Schema):
    course_id = fields.UUID(required=True)
    ended_at = fields.AwareDateTime(required=True)


class LiveAlertDecidedSchema(Schema):
    """certification.live_alert.decided: the invigilator validated or dismissed a candidate's alert."""

    course_id = fields.UUID(required=True)
    alert_id = fields.UUID(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(("VALIDATED", "DISMISSED")))
    decided_by = fields.UUID(load_default=None, allow_none=True)
    decided_at = fields.AwareDateTime(required=True)
