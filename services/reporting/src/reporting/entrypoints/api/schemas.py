"""What the read API takes (query arguments, checked: a bad one is a 400) and answers."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from svckit.pagination import PageArgsSchema, page_schema

STATUSES = ("STARTED", "TO_SHARE", "SHARED")
LOCALES = ("fr", "en")

# --- arguments -----------------------------------------------------------------------------


class LocaleArgsSchema(Schema):
    locale = fields.String(validate=validate.OneOf(LOCALES),
                           metadata={"description": "fr or en; by default the Accept-Language header's choice, "
                                                    "else fr"})


class ParticipantFilterSchema(PageArgsSchema):
    status = fields.List(fields.String(validate=validate.OneOf(STATUSES)),
                         metadata={"description": "repeatable: STARTED, TO_SHARE, SHARED"})
    division = fields.List(fields.String(), metadata={"description": "repeatable: classes"})
    group = fields.List(fields.String(), metadata={"description": "repeatable: groups"})
    search = fields.String(validate=validate.Length(max=255),
                           metadata={"description": "part of the first name, last name, \"first last\" or external "
                                                    "id, case aside"})


class ProgressionArgsSchema(PageArgsSchema, LocaleArgsSchema):
    compare_to = fields.UUID(required=True, metadata={"description": "the earlier campaign (before)"})


class LearnerFilterSchema(PageArgsSchema):
    search = fields.String(validate=validate.Length(max=255),
                           metadata={"description": "part of the first name, last name or \"first last\""})
    division = fields.List(fields.String(), metadata={"description": "repeatable: classes"})
    group = fields.List(fields.String(), metadata={"description": "repeatable: groups"})
    certifiable = fields.Boolean(metadata={"description": "true: certifiable by their latest shared profile; "
                                                          "false: not certifiable by it (those without a shared "
                                                          "profile match neither)"})


# --- a campaign's follow-up ------------------------------------------------------------------


class ActivitySchema(Schema):
    campaign_id = fields.UUID()
    name = fields.String(allow_none=True)
    type = fields.String(metadata={"description": "ASSESSMENT or PROFILES_COLLECTION"})
    participations_count = fields.Integer(metadata={"description": "learners taking part (one each)"})
    started_count = fields.Integer()
    to_share_count = fields.Integer()
    shared_count = fields.Integer()
    average_progress_rate = fields.Float(allow_none=True, metadata={"description": "0 to 1; none without "
                                                                                   "participants"})


class ParticipantSchema(Schema):
    participation_id = fields.UUID()
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    participant_external_id = fields.String(allow_none=True)
    division = fields.String(allow_none=True, metadata={"description": "class"})
    group = fields.String(allow_none=True)
    student_number = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "STARTED, TO_SHARE (finished, not sent) or SHARED"})
    progress_rate = fields.Float(metadata={"description": "0 to 1"})
    started_at = fields.DateTime()
    shared_at = fields.DateTime(allow_none=True)
    mastery_rate = fields.Float(allow_none=True, metadata={"description": "0 to 1; none until shared"})
    validated_skills_count = fields.Integer(allow_none=True, metadata={"description": "none until shared"})
    total_pix = fields.Integer(allow_none=True, metadata={"description": "none until shared"})
    certifiable = fields.Boolean(allow_none=True, metadata={"description": "none until shared"})


ParticipantPageSchema = page_schema(ParticipantSchema, "ParticipantPage")


class ParticipantFiltersSchema(Schema):
    divisions = fields.List(fields.String(), metadata={"description": "classes among the participants"})
    groups = fields.List(fields.String(), metadata={"description": "groups among the participants"})


# --- results: one participant's ------------------------------------------------------------


class CompetenceResultSchema(Schema):
    code = fields.String()
    name = fields.String()
    area_code = fields.String()
    area_name = fields.String()
    target_skills_count = fields.Integer(metadata={"description": "assessment"})
    validated_skills_count = fields.Integer(metadata={"description": "assessment"})
    tested_skills_count = fields.Integer(metadata={"description": "assessment"})
    mastery_rate = fields.Float(metadata={"description": "assessment; 0 to 1"})
    pix = fields.Integer(metadata={"description": "profiles collection"})
    level = fields.Integer(metadata={"description": "profiles collection"})


class AreaResultSchema(Schema):
    code = fields.String()
    name = fields.String()
    target_skills_count = fields.Integer()
    validated_skills_count = fields.Integer()
    mastery_rate = fields.Float()


class ResultsSchema(Schema):
    """An assessment's results (mastery, skills, areas) or a profile (pix, certifiable); each has its fields."""

    mastery_rate = fields.Float(allow_none=True, metadata={"description": "assessment"})
    validated_skills_count = fields.Integer(allow_none=True, metadata={"description": "assessment"})
    target_skills_count = fields.Integer(allow_none=True, metadata={"description": "assessment"})
    tested_skills_count = fields.Integer(metadata={"description": "assessment"})
    areas = fields.List(fields.Nested(AreaResultSchema), metadata={"description": "assessment"})
    total_pix = fields.Integer(allow_none=True, metadata={"description": "profiles collection"})
    certifiable = fields.Boolean(allow_none=True, metadata={"description": "profiles collection"})
    certifiable_competences_count = fields.Integer(allow_none=True,
                                                   metadata={"description": "profiles collection"})
    competences = fields.List(fields.Nested(CompetenceResultSchema),
                              metadata={"description": "in code order; a profile has every competence"})


class ParticipantResultsSchema(Schema):
    participation_id = fields.UUID()
    campaign_type = fields.String()
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    participant_external_id = fields.String(allow_none=True)
    division = fields.String(allow_none=True)
    group = fields.String(allow_none=True)
    status = fields.String()
    progress_rate = fields.Float()
    started_at = fields.DateTime()
    shared_at = fields.DateTime(allow_none=True)
    results = fields.Nested(ResultsSchema, allow_none=True, metadata={"description": "none until shared"})


# --- results: the campaign's ----------------------------------------------------------------


class CollectiveCompetenceSchema(Schema):
    code = fields.String()
    name = fields.String()
    area_code = fields.String()
    area_name = fields.String()
    target_skills_count = fields.Integer(metadata={"description": "assessment: the campaign's target skills in it"})
    average_mastery_rate = fields.Float(allow_none=True, metadata={"description": "assessment"})
    average_validated_skills_count = fields.Float(allow_none=True, metadata={"description": "assessment"})
    average_tested_skills_count = fields.Float(allow_none=True, metadata={"description": "assessment"})
    average_level = fields.Float(allow_none=True, metadata={"description": "profiles collection"})
    average_pix = fields.Float(allow_none=True, metadata={"description": "profiles collection"})


class CollectiveAreaSchema(Schema):
    code = fields.String()
    name = fields.String()
    target_skills_count = fields.Integer()
    average_mastery_rate = fields.Float(allow_none=True)
    average_validated_skills_count = fields.Float(allow_none=True)


class CollectiveResultsSchema(Schema):
    """Averages over the shared results (none while nothing is shared)."""

    campaign_id = fields.UUID()
    campaign_type = fields.String()
    shared_participations_count = fields.Integer()
    competences = fields.List(fields.Nested(CollectiveCompetenceSchema))
    areas = fields.List(fields.Nested(CollectiveAreaSchema), metadata={"description": "assessment"})
    average_total_pix = fields.Float(allow_none=True, metadata={"description": "profiles collection"})
    certifiable_count = fields.Integer(metadata={"description": "profiles collection"})


# --- statistics ------------------------------------------------------------------------------


class ByStatusSchema(Schema):
    STARTED = fields.Integer()
    TO_SHARE = fields.Integer()
    SHARED = fields.Integer()


class DaySchema(Schema):
    date = fields.Date(metadata={"description": "a day in Europe/Paris"})
    started = fields.Integer()
    shared = fields.Integer()


class StatisticsSchema(Schema):
    campaign_id = fields.UUID()
    participations_by_status = fields.Nested(ByStatusSchema)
    participations_by_day = fields.List(fields.Nested(DaySchema), metadata={
        "description": "every day from the first start to the last event, quiet days at 0"})
    average_mastery_rate = fields.Float(allow_none=True, metadata={"description": "of the shared results"})
    average_progress_rate = fields.Float(allow_none=True)


# --- progression -----------------------------------------------------------------------------


class CampaignRefSchema(Schema):
    id = fields.UUID()
    name = fields.String(allow_none=True)


class CompetenceProgressSchema(Schema):
    code = fields.String()
    name = fields.String()
    before = fields.Float(allow_none=True, metadata={"description": "average mastery in compare_to over the "
                                                                    "matched learners; none if not tested there"})
    after = fields.Float(allow_none=True, metadata={"description": "the same in this campaign"})
    delta = fields.Float(allow_none=True)


class LearnerCompetenceProgressSchema(Schema):
    code = fields.String()
    before = fields.Float(allow_none=True)
    after = fields.Float(allow_none=True)


class LearnerProgressSchema(Schema):
    user_id = fields.UUID()
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    division = fields.String(allow_none=True)
    group = fields.String(allow_none=True)
    mastery_before = fields.Float(allow_none=True)
    mastery_after = fields.Float(allow_none=True)
    delta = fields.Float(allow_none=True)
    competences = fields.List(fields.Nested(LearnerCompetenceProgressSchema))


class ProgressionSchema(Schema):
    campaign = fields.Nested(CampaignRefSchema)
    compare_to = fields.Nested(CampaignRefSchema)
    matched_learners_count = fields.Integer(metadata={"description": "learners who sent results to both"})
    competences = fields.List(fields.Nested(CompetenceProgressSchema))
    learners = fields.Nested(page_schema(LearnerProgressSchema, "LearnerProgressPage"))


# --- an organization's learners ----------------------------------------------------------------


class LearnerSchema(Schema):
    learner_id = fields.UUID(allow_none=True, metadata={"description": "none for an account not on the list"})
    user_id = fields.UUID(allow_none=True, metadata={"description": "for a learner of the list, the account linked "
                                                                    "to it (none: not linked)"})
    linked_at = fields.DateTime(allow_none=True, metadata={"description": "since when that account is linked (none "
                                                                          "while not known)"})
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    division = fields.String(allow_none=True)
    group = fields.String(allow_none=True)
    student_number = fields.String(allow_none=True)
    campaigns_count = fields.Integer(metadata={"description": "campaigns joined"})
    last_participation_at = fields.DateTime(allow_none=True)
    certifiable = fields.Boolean(allow_none=True, metadata={"description": "by the latest shared profile; none "
                                                                           "without one"})
    certifiable_competences_count = fields.Integer(allow_none=True)
    certification_status = fields.String(allow_none=True, metadata={
        "description": "the latest certification result's: validated, rejected or cancelled; none without one"})
    certification_score = fields.Integer(allow_none=True, metadata={"description": "its score (validated only)"})
    certification_date = fields.Date(allow_none=True, metadata={"description": "its session's day"})
    sign_in_methods = fields.List(
        fields.String(validate=validate.OneOf(("EMAIL", "USERNAME", "GAR"))),
        metadata={"description": "how the account signs in, in this order: an email address, a username, the ENT "
                                 "through the GAR (several at once are possible); empty without an account"})
    username = fields.String(allow_none=True, metadata={"description": "the account's username, when it has one"})


LearnerPageSchema = page_schema(LearnerSchema, "LearnerPage")


# --- an organization's certification results ----------------------------------------------------


class CertificationResultFilterSchema(PageArgsSchema):
    division = fields.List(fields.String(), metadata={"description": "repeatable: classes (as at publication)"})


class CertificationResultSchema(Schema):
    course_id = fields.UUID(metadata={"description": "the certificate"})
    learner_id = fields.UUID(allow_none=True, metadata={"description": "the organization's learner (none: not "
                                                                       "known)"})
    first_name = fields.String(metadata={"description": "as enrolled"})
    last_name = fields.String()
    division = fields.String(allow_none=True, metadata={"description": "class, as at publication"})
    status = fields.String(metadata={"description": "validated, rejected or cancelled (to sit again)"})
    score = fields.Integer(allow_none=True, metadata={"description": "0 to 895; validated only"})
    mesh_level = fields.Integer(allow_none=True, metadata={"description": "the global level, 0 to 7; validated "
                                                                         "only"})
    certification_date = fields.Date(metadata={"description": "the session's day"})
    verification_code = fields.String(metadata={"description": "checks the certificate publicly"})
    session_number = fields.Integer()


CertificationResultPageSchema = page_schema(CertificationResultSchema, "CertificationResultPage")
