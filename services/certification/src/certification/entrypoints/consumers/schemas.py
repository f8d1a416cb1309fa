"""How certification reads the events it consumes: only the fields it uses; unknown fields are ignored."""

from marshmallow import Schema, fields

from svckit.consumers import TolerantSchema


class OrganizationCreatedSchema(Schema):
    organization_id = fields.UUID(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    external_id = fields.String(load_default=None, allow_none=True)
    created_at = fields.AwareDateTime(required=True)


class OrganizationArchivedSchema(Schema):
    organization_id = fields.UUID(required=True)


class MembershipChangedSchema(Schema):
    membership_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    role = fields.String(load_default=None)  # revoked names none


class ImportedLearnerSchema(TolerantSchema):
    learner_id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    birthdate = fields.Date(required=True)
    division = fields.String(load_default=None, allow_none=True)
    user_id = fields.UUID(load_default=None, allow_none=True)
    disabled = fields.Boolean(required=True)


class LearnersImportedSchema(Schema):
    organization_id = fields.UUID(required=True)
    learners = fields.List(fields.Nested(ImportedLearnerSchema), required=True)


class LearnerLinkedSchema(Schema):
    learner_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)


class LearnerUnlinkedSchema(Schema):
    learner_id = fields.UUID(required=True)


class ProfileCompetenceSchema(TolerantSchema):
    competence_code = fields.String(required=True)
    level = fields.Integer(required=True)


class ProfileSchema(TolerantSchema):
    competences = fields.List(fields.Nested(ProfileCompetenceSchema), required=True)


class AssessmentCompletedSchema(Schema):
    user_id = fields.UUID(required=True)
    completed_at = fields.AwareDateTime(required=True)
    profile = fields.Nested(ProfileSchema, load_default=None, allow_none=True)


class EmailVerifiedSchema(Schema):
    user_id = fields.UUID(required=True)
    email = fields.String(required=True)
    verified_at = fields.AwareDateTime(required=True)


class InvitationIssuedSchema(Schema):
    invitation_id = fields.UUID(required=True)
    issued_at = fields.AwareDateTime(required=True)
