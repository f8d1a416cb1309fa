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
    national_student_id = fields.String(load_default=None, allow_none=True)  # the INE (school report)
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


class CertificationTestProgressedSchema(Schema):
    course_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    answers_count = fields.Integer(required=True)
    questions_count = fields.Integer(required=True)
    answered_at = fields.AwareDateTime(required=True)


class LiveAlertRaisedSchema(Schema):
    course_id = fields.UUID(required=True)
    alert_id = fields.UUID(required=True)
    challenge_id = fields.String(required=True)
    question_number = fields.Integer(required=True)
    raised_at = fields.AwareDateTime(required=True)


class CertificationItemSchema(TolerantSchema):
    challenge_id = fields.String(required=True)
    skill_id = fields.String(load_default=None, allow_none=True)
    tube_id = fields.String(load_default=None, allow_none=True)
    competence_code = fields.String(load_default=None, allow_none=True)
    difficulty = fields.Float(required=True)
    discrimination = fields.Float(required=True)


class CertificationAnswerSchema(CertificationItemSchema):
    index = fields.Integer(required=True)
    status = fields.String(required=True)  # ok, ko, skipped, timed_out: only ok is right


class CertificationTestCompletedSchema(Schema):
    """Kept as read (JSON) in course_tests.outcome: what scoring and the jury need, nothing else."""

    course_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    configuration_version = fields.Integer(required=True)
    end_reason = fields.String(required=True)
    ended_at = fields.AwareDateTime(required=True)
    answers_count = fields.Integer(required=True)
    answers = fields.List(fields.Nested(CertificationAnswerSchema), required=True)
    capacity = fields.Float(load_default=None, allow_none=True)
    error = fields.Float(load_default=None, allow_none=True)
    skips_if_abandoned = fields.List(fields.Nested(CertificationItemSchema), load_default=list)


class ResultPublishedSchema(Schema):
    course_id = fields.UUID(required=True)
    candidate_id = fields.UUID(required=True)
    status = fields.String(required=True)
