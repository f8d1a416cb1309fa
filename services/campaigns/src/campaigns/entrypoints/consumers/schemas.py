"""campaigns' reading of the events it consumes: only the fields it uses; unknown ones ignored."""

from __future__ import annotations

from marshmallow import Schema, fields

from svckit.consumers import TolerantSchema


class OrganizationCreatedSchema(Schema):
    organization_id = fields.UUID(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    manages_students = fields.Boolean(required=True)


class OrganizationArchivedSchema(Schema):
    organization_id = fields.UUID(required=True)


class OrganizationFeaturesChangedSchema(Schema):
    organization_id = fields.UUID(required=True)
    multiple_sendings_for_assessments = fields.Boolean(required=True)


class MembershipChangedSchema(Schema):
    membership_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    role = fields.String()  # absent from revoked


class _Tube(TolerantSchema):
    tube_id = fields.String(required=True)
    max_level = fields.Integer(required=True)


class _Profile(TolerantSchema):
    id = fields.String(required=True)
    name = fields.Dict(required=True)
    description = fields.Dict(required=True)
    tubes = fields.List(fields.Nested(_Tube), required=True)


class _Skill(TolerantSchema):
    id = fields.String(required=True)
    tube_id = fields.String(required=True)
    level = fields.Integer(required=True)


class ContentReleasedSchema(Schema):
    version = fields.Integer(required=True)
    skills = fields.List(fields.Nested(_Skill), required=True)
    target_profiles = fields.List(fields.Nested(_Profile), required=True)


class OrgaTermsAcceptedSchema(Schema):
    user_id = fields.UUID(required=True)
    accepted_at = fields.AwareDateTime(required=True)


class _ImportedLearner(TolerantSchema):
    learner_id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    user_id = fields.UUID(allow_none=True, load_default=None)
    disabled = fields.Boolean(required=True)


class LearnersImportedSchema(Schema):
    organization_id = fields.UUID(required=True)
    learners = fields.List(fields.Nested(_ImportedLearner), required=True)


class LearnerLinkedSchema(Schema):
    learner_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)


class LearnerUnlinkedSchema(Schema):
    learner_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)


class AssessmentCompletedSchema(Schema):
    """The results summary is kept as assessment sent it: it becomes the participation's snapshot."""

    participation_id = fields.UUID(allow_none=True, load_default=None)
    user_id = fields.UUID(required=True)
    completed_at = fields.AwareDateTime(required=True)
    mastery_rate = fields.Float(required=True)
    validated_skills_count = fields.Integer(required=True)
    target_skills_count = fields.Integer(required=True)
    competences = fields.List(fields.Dict(), required=True)
    profile = fields.Dict(required=True)
