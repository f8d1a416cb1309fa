from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema


class LocaleArgsSchema(Schema):
    locale = fields.String(validate=validate.OneOf(["fr", "en"]),
                           metadata={"description": "fr or en; by default the Accept-Language header's choice"})


class AnswerSchema(Schema):
    challenge_id = fields.String(required=True, validate=validate.Length(min=1, max=60))
    value = fields.Raw(allow_none=True, metadata={
        "description": "single_choice: a proposal number; multiple_choice: a list of numbers; free_answer: a text; "
                       "fields: an object with one text per field key"})
    skipped = fields.Boolean(load_default=False)

    @validates_schema
    def value_unless_skipped(self, data: dict, **_kwargs) -> None:
        if not data.get("skipped") and data.get("value") is None:
            raise ValidationError("an answer has a value, unless it is skipped", "value")


class ProgressSchema(Schema):
    answers_count = fields.Integer()
    assessed_skills_count = fields.Integer()
    target_skills_count = fields.Integer()
    progress_rate = fields.Float()


class AssessmentSchema(Schema):
    id = fields.UUID()
    participation_id = fields.UUID(allow_none=True)
    campaign_id = fields.UUID(allow_none=True)
    state = fields.String(metadata={"description": "STARTED or COMPLETED"})
    created_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    progress = fields.Nested(ProgressSchema)
    checkpoint_due = fields.Boolean(metadata={"description": "after every fifth answer and after the last"})


class CompetenceRefSchema(Schema):
    code = fields.String()
    name = fields.String()


class ProposalSchema(Schema):
    number = fields.Integer()
    text = fields.String()


class FieldSchema(Schema):
    key = fields.String()
    label = fields.String()


class QuestionSchema(Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "single_choice, multiple_choice, free_answer or fields"})
    instruction = fields.String(metadata={"description": "Markdown"})
    timer = fields.Integer(allow_none=True, metadata={"description": "seconds to answer; null when untimed"})
    competence = fields.Nested(CompetenceRefSchema)
    served_at = fields.DateTime(allow_none=True)
    proposals = fields.List(fields.Nested(ProposalSchema))
    fields_ = fields.List(fields.Nested(FieldSchema), data_key="fields", attribute="fields")


class NextChallengeSchema(AssessmentSchema):
    challenge = fields.Nested(QuestionSchema, allow_none=True, metadata={"description": "null when finished"})


class AnswerRecordedSchema(Schema):
    answer_id = fields.UUID()
    assessment = fields.Nested(AssessmentSchema)


class TutorialSchema(Schema):
    title = fields.String()
    url = fields.String()
    duration_minutes = fields.Integer()
    source = fields.String()
    format = fields.String()
    locale = fields.String()


class CheckpointAnswerSchema(Schema):
    index = fields.Integer()
    challenge = fields.Nested(QuestionSchema)
    your_answer = fields.Raw(allow_none=True)
    skipped = fields.Boolean()
    result = fields.String(metadata={"description": "RIGHT, WRONG, SKIPPED or TIMED_OUT"})
    right_answer = fields.Raw()
    explanation = fields.String()
    tutorials = fields.List(fields.Nested(TutorialSchema))


class CheckpointSchema(Schema):
    assessment_id = fields.UUID()
    state = fields.String()
    answers = fields.List(fields.Nested(CheckpointAnswerSchema))


class CompetenceResultSchema(Schema):
    code = fields.String()
    name = fields.String()
    area_code = fields.String()
    area_name = fields.String()
    target_skills_count = fields.Integer()
    validated_skills_count = fields.Integer()
    mastery_rate = fields.Float()


class ResultsSchema(Schema):
    assessment_id = fields.UUID()
    state = fields.String()
    mastery_rate = fields.Float()
    validated_skills_count = fields.Integer()
    target_skills_count = fields.Integer()
    competences = fields.List(fields.Nested(CompetenceResultSchema))


class CompetenceScoreSchema(Schema):
    code = fields.String()
    name = fields.String()
    area_code = fields.String()
    area_name = fields.String()
    pix = fields.Integer()
    level = fields.Integer()


class ProfileSchema(Schema):
    total_pix = fields.Integer()
    certifiable = fields.Boolean(metadata={"description": "level 1 or more in at least 5 competences"})
    max_level = fields.Integer()
    competences = fields.List(fields.Nested(CompetenceScoreSchema))


class ReleaseSchema(Schema):
    version = fields.Integer()
    checksum = fields.String()
    released_at = fields.DateTime()
    released_by = fields.String()
    skill_count = fields.Integer()
    challenge_count = fields.Integer()


class ReleaseListSchema(Schema):
    items = fields.List(fields.Nested(ReleaseSchema))


class LiveAlertSchema(Schema):
    id = fields.UUID()
    challenge_id = fields.String()
    question_number = fields.Integer(metadata={"description": "n of 'question n of 32' when it was signalled"})
    status = fields.String(metadata={"description": "ONGOING (the invigilator decides: no answer meanwhile), "
                                                    "VALIDATED (the question is withdrawn: another is served) or "
                                                    "DISMISSED (the candidate answers it as usual)"})
    raised_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class CertificationTestSchema(Schema):
    course_id = fields.UUID()
    state = fields.String(metadata={"description": "STARTED or ENDED"})
    end_reason = fields.String(allow_none=True, metadata={
        "description": "COMPLETED, ENDED_BY_INVIGILATOR or NO_ITEM_LEFT; null while it runs"})
    answers_count = fields.Integer()
    questions_count = fields.Integer(metadata={"description": "the test's length (32)"})
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    live_alert = fields.Nested(LiveAlertSchema, allow_none=True,
                               metadata={"description": "the test's latest live alert; null when none was raised"})


class CertificationQuestionSchema(QuestionSchema):
    timer = fields.Integer(allow_none=True, metadata={
        "description": "seconds to answer, lengthened by the candidate's extra time; null when untimed"})


class CertificationNextChallengeSchema(CertificationTestSchema):
    question_number = fields.Integer(allow_none=True, metadata={
        "description": "n of 'question n of 32'; null when the test is over"})
    challenge = fields.Nested(CertificationQuestionSchema, allow_none=True,
                              metadata={"description": "null when the test is over"})


class CertificationAnswerRecordedSchema(Schema):
    index = fields.Integer(metadata={"description": "which question of the test it answered (1 for the first)"})
    challenge_id = fields.String()
    test = fields.Nested(CertificationTestSchema)
