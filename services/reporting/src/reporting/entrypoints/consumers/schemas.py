"""reporting's reading of the events it consumes: only the fields it uses; unknown ones ignored."""

from __future__ import annotations

from marshmallow import Schema, fields

from svckit.consumers import TolerantSchema


class OrganizationCreatedSchema(Schema):
    organization_id = fields.UUID(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    external_id = fields.String(allow_none=True, load_default=None)
    manages_students = fields.Boolean(required=True)


class OrganizationArchivedSchema(Schema):
    organization_id = fields.UUID(required=True)


class MembershipChangedSchema(Schema):
    membership_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    role = fields.String()  # absent from revoked


class OrgaTermsAcceptedSchema(Schema):
    user_id = fields.UUID(required=True)
    accepted_at = fields.AwareDateTime(required=True)


class UserRegisteredSchema(Schema):
    """The names, and how the account signs in: whether it has an email address (the address itself is not kept)
    and its username (absent from the oldest events)."""

    user_id = fields.UUID(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    email = fields.String(allow_none=True, load_default=None)
    username = fields.String(allow_none=True, load_default=None)


class GarLinkedSchema(Schema):
    user_id = fields.UUID(required=True)
    linked_at = fields.AwareDateTime(required=True)


class _ImportedLearner(TolerantSchema):
    learner_id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    first_name = fields.String(allow_none=True, load_default=None)
    last_name = fields.String(allow_none=True, load_default=None)
    preferred_last_name = fields.String(allow_none=True, load_default=None)
    birthdate = fields.Date(allow_none=True, load_default=None)
    student_number = fields.String(allow_none=True, load_default=None)
    division = fields.String(allow_none=True, load_default=None)
    group = fields.String(allow_none=True, load_default=None)
    user_id = fields.UUID(allow_none=True, load_default=None)
    disabled = fields.Boolean(required=True)


class LearnersImportedSchema(Schema):
    organization_id = fields.UUID(required=True)
    learners = fields.List(fields.Nested(_ImportedLearner), required=True)


class LearnerLinkedSchema(Schema):
    learner_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    linked_at = fields.AwareDateTime(required=True)


class LearnerUnlinkedSchema(Schema):
    learner_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)


class _Named(TolerantSchema):
    code = fields.String(required=True)
    name = fields.Dict(required=True)


class _Competence(_Named):
    area_code = fields.String(required=True)


class _Skill(TolerantSchema):
    id = fields.String(required=True)
    competence_code = fields.String(required=True)


class _TargetProfile(TolerantSchema):
    id = fields.String(required=True)
    name = fields.Dict(required=True)


class ContentReleasedSchema(Schema):
    version = fields.Integer(required=True)
    areas = fields.List(fields.Nested(_Named), required=True)
    competences = fields.List(fields.Nested(_Competence), required=True)
    skills = fields.List(fields.Nested(_Skill), required=True)
    target_profiles = fields.List(fields.Nested(_TargetProfile), required=True)


class _CampaignEvent(Schema):
    campaign_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)


class CampaignDetailsSchema(_CampaignEvent):
    name = fields.String(required=True)
    title = fields.String(allow_none=True, load_default=None)
    owner_id = fields.UUID(required=True)
    multiple_sendings = fields.Boolean(load_default=False)


class CampaignCreatedSchema(CampaignDetailsSchema):
    type = fields.String(required=True)
    code = fields.String(required=True)
    target_profile_id = fields.String(allow_none=True, load_default=None)
    target_profile_name = fields.Dict(allow_none=True, load_default=None)  # optional: added after v1's first release
    target_skill_ids = fields.List(fields.String(), required=True)
    created_at = fields.AwareDateTime(required=True)
    external_id_label = fields.String(allow_none=True, load_default=None)


class CampaignArchivedSchema(_CampaignEvent):
    archived_at = fields.AwareDateTime(required=True)


class CampaignUnarchivedSchema(_CampaignEvent):
    pass


class _ParticipationEvent(Schema):
    participation_id = fields.UUID(required=True)
    campaign_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)


class ParticipationStartedSchema(_ParticipationEvent):
    user_id = fields.UUID(required=True)
    campaign_type = fields.String(required=True)
    participant_external_id = fields.String(allow_none=True, load_default=None)
    organization_learner_id = fields.UUID(allow_none=True, load_default=None)
    is_improvement = fields.Boolean(load_default=False)
    started_at = fields.AwareDateTime(required=True)


class ImprovementStartedSchema(_ParticipationEvent):
    started_at = fields.AwareDateTime(required=True)


class ResultsSharedSchema(_ParticipationEvent):
    """The results snapshot is kept as shared: the exports and results read it whole."""

    shared_at = fields.AwareDateTime(required=True)
    results = fields.Dict(required=True)


class ParticipationDeletedSchema(_ParticipationEvent):
    deleted_at = fields.AwareDateTime(required=True)


class AnswerRecordedSchema(Schema):
    participation_id = fields.UUID(allow_none=True, load_default=None)
    campaign_id = fields.UUID(allow_none=True, load_default=None)
    answered_at = fields.AwareDateTime(required=True)
    progress_rate = fields.Float(required=True)


class AssessmentCompletedSchema(Schema):
    participation_id = fields.UUID(allow_none=True, load_default=None)
    campaign_id = fields.UUID(allow_none=True, load_default=None)
    completed_at = fields.AwareDateTime(required=True)


class _CompetenceLevel(TolerantSchema):
    competence_code = fields.String(required=True)
    level = fields.Integer(required=True)


class CertificationResultPublishedSchema(Schema):
    """A candidate's published result: who (as enrolled, and the school's learner when one), where, and the
    result. The centre's name and type, the UAI, the external id and the scale are not shown by reporting yet."""

    course_id = fields.UUID(required=True)
    candidate_id = fields.UUID(required=True)
    session_id = fields.UUID(required=True)
    session_number = fields.Integer(required=True)
    certification_date = fields.Date(required=True)
    center_id = fields.UUID(required=True)
    organization_id = fields.UUID(allow_none=True, load_default=None)
    user_id = fields.UUID(allow_none=True, load_default=None)
    organization_learner_id = fields.UUID(allow_none=True, load_default=None)
    division = fields.String(allow_none=True, load_default=None)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    birthdate = fields.Date(required=True)
    verification_code = fields.String(required=True)
    status = fields.String(required=True)
    reason = fields.String(required=True)
    score = fields.Integer(allow_none=True, load_default=None)
    max_score = fields.Integer(required=True)
    mesh_level = fields.Integer(allow_none=True, load_default=None)
    competence_levels = fields.List(fields.Nested(_CompetenceLevel), required=True)
    published_at = fields.AwareDateTime(required=True)


SCHEMAS: dict[str, type[Schema]] = {
    "on_organization_created": OrganizationCreatedSchema,
    "on_organization_archived": OrganizationArchivedSchema,
    "on_membership_changed": MembershipChangedSchema,
    "on_orga_terms_accepted": OrgaTermsAcceptedSchema,
    "on_user_registered": UserRegisteredSchema,
    "on_gar_linked": GarLinkedSchema,
    "on_learners_imported": LearnersImportedSchema,
    "on_learner_linked": LearnerLinkedSchema,
    "on_learner_unlinked": LearnerUnlinkedSchema,
    "on_content_released": ContentReleasedSchema,
    "on_campaign_created": CampaignCreatedSchema,
    "on_campaign_updated": CampaignDetailsSchema,
    "on_campaign_archived": CampaignArchivedSchema,
    "on_campaign_unarchived": CampaignUnarchivedSchema,
    "on_participation_started": ParticipationStartedSchema,
    "on_improvement_started": ImprovementStartedSchema,
    "on_results_shared": ResultsSharedSchema,
    "on_participation_deleted": ParticipationDeletedSchema,
    "on_answer_recorded": AnswerRecordedSchema,
    "on_assessment_completed": AssessmentCompletedSchema,
    "on_certification_result_published": CertificationResultPublishedSchema,
}
