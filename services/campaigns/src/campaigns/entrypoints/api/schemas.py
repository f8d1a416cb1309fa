from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaigns.domain.model import EXTERNAL_ID_TYPES, TYPES
from svckit.pagination import PageArgsSchema, page_schema


class CreateCampaignSchema(Schema):
    # Lengths and required fields are the domain's rules, answered with their own codes.
    type = fields.String(load_default=None, metadata={"description": " or ".join(TYPES)})
    name = fields.String(load_default=None)
    title = fields.String(load_default=None, allow_none=True, metadata={"description": "shown to learners, 50 max"})
    landing_text = fields.String(load_default=None, allow_none=True, metadata={"description": "Markdown, 5,000 max"})
    external_id_label = fields.String(load_default=None, allow_none=True,
                                      metadata={"description": "e.g. Numéro étudiant; none: no external id asked"})
    external_id_type = fields.String(load_default=None, allow_none=True,
                                     metadata={"description": " or ".join(EXTERNAL_ID_TYPES)})
    multiple_sendings = fields.Boolean(load_default=False)
    target_profile_id = fields.String(load_default=None, allow_none=True)
    owner_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "a member; the creator by "
                                                                                         "default"})


class EditCampaignSchema(Schema):
    multiple_sendings = fields.Boolean(metadata={"description": "only until someone has joined"})
    name = fields.String()
    title = fields.String(allow_none=True)
    landing_text = fields.String(allow_none=True)
    owner_id = fields.UUID()


class CampaignSchema(Schema):
    id = fields.UUID()
    organization_id = fields.UUID()
    code = fields.String()
    direct_link = fields.String(metadata={"description": "the path learners open: /campagnes/<code>"})
    type = fields.String()
    name = fields.String()
    title = fields.String(allow_none=True)
    landing_text = fields.String(allow_none=True)
    external_id_label = fields.String(allow_none=True)
    external_id_type = fields.String(allow_none=True)
    multiple_sendings = fields.Boolean()
    target_profile_id = fields.String(allow_none=True)
    target_skills_count = fields.Integer()
    owner_id = fields.UUID()
    creator_id = fields.UUID()
    created_at = fields.DateTime()
    archived = fields.Boolean()
    archived_at = fields.DateTime(allow_none=True)
    can_manage = fields.Boolean(metadata={"description": "the caller is an admin or the owner"})
    participations_count = fields.Integer(metadata={"description": "learners taking part (one each)"})
    shared_participations_count = fields.Integer(metadata={"description": "of them, those whose results were sent"})


class CampaignFilterSchema(PageArgsSchema):
    name = fields.String(metadata={"description": "part of the name, or the exact code"})
    owner_id = fields.UUID()
    mine = fields.Boolean(load_default=False)
    archived = fields.Boolean(load_default=False)
    sort = fields.String(load_default="created_at", validate=validate.OneOf(["created_at", "name"]))


CampaignPageSchema = page_schema(CampaignSchema, "CampaignPage")


class TargetProfileArgsSchema(Schema):
    organization_id = fields.UUID(required=True)
    locale = fields.String(load_default="fr", validate=validate.OneOf(["fr", "en"]))


class TargetProfileSchema(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String()
    category = fields.String(metadata={"description": "COMPETENCE (one competence) or TARGET_PROFILE"})
    skills_count = fields.Integer()
    tubes_count = fields.Integer()


class TargetProfileListSchema(Schema):
    items = fields.List(fields.Nested(TargetProfileSchema))


class LandingSchema(Schema):
    code = fields.String()
    type = fields.String()
    title = fields.String(allow_none=True)
    organization_id = fields.UUID(metadata={"description": "where a learner of a school's list matches "
                                                          "themselves (POST /api/organizations/{id}/learners/"
                                                          "reconciliation) before joining"})
    organization_name = fields.String(allow_none=True)
    organization_type = fields.String(allow_none=True)
    landing_html = fields.String(allow_none=True, metadata={"description": "the landing text, rendered to safe HTML"})
    external_id_label = fields.String(allow_none=True)
    external_id_type = fields.String(allow_none=True)
    matches_learners = fields.Boolean(metadata={"description": "the learner will be matched to the organization's "
                                                               "list (name and birth date)"})
    archived = fields.Boolean()
    multiple_sendings = fields.Boolean()


class JoinSchema(Schema):
    campaign_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    participant_external_id = fields.String(load_default=None, allow_none=True)


class ParticipationSchema(Schema):
    id = fields.UUID()
    campaign_id = fields.UUID()
    campaign_code = fields.String()
    campaign_title = fields.String(allow_none=True)
    campaign_type = fields.String()
    campaign_archived = fields.Boolean()
    organization_name = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "STARTED, TO_SHARE (finished, not sent) or SHARED"})
    participant_external_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    shared_at = fields.DateTime(allow_none=True)
    results = fields.Dict(allow_none=True, metadata={"description": "the results to send, or as sent"})


class ParticipationListSchema(Schema):
    items = fields.List(fields.Nested(ParticipationSchema))


class _Text(Schema):
    fr = fields.String(required=True, validate=validate.Length(min=1, max=255))
    en = fields.String(required=True, validate=validate.Length(min=1, max=255))


class _LongText(Schema):
    fr = fields.String(required=True, validate=validate.Length(max=2000))
    en = fields.String(required=True, validate=validate.Length(max=2000))


class _ProfileTube(Schema):
    tube_id = fields.String(required=True)
    max_level = fields.Integer(required=True, validate=validate.Range(min=1, max=8))


class CreateTargetProfileSchema(Schema):
    name = fields.Nested(_Text, required=True)
    description = fields.Nested(_LongText, load_default=lambda: {"fr": "", "en": ""})
    tubes = fields.List(fields.Nested(_ProfileTube), required=True)
    public = fields.Boolean(load_default=False)
    organization_ids = fields.List(fields.UUID(), load_default=list)


class CreatedTargetProfileSchema(Schema):
    id = fields.String()
