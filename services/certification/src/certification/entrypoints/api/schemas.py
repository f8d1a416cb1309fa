from __future__ import annotations

from marshmallow import Schema, fields, validate

from certification.domain.candidates import MAX_EXTRA_TIME
from certification.domain.centers import LOCALES, SCHOOL_KINDS, TYPES
from svckit.pagination import PageArgsSchema, page_schema

# Lengths and required fields are the domain's rules, answered with their own codes (SESSION_ROOM_REQUIRED...).
_TEXT = {"load_default": None, "allow_none": True}


class CreateCenterSchema(Schema):
    type = fields.String(required=True, metadata={"description": "PRO or SUP (a school is a centre by itself)"})
    name = fields.String(required=True)
    external_id = fields.String(**_TEXT)
    admin_email = fields.String(required=True, metadata={"description": "the first admin, invited by mail"})
    locale = fields.String(load_default="fr", validate=validate.OneOf(LOCALES))


class SchoolKindSchema(Schema):
    school_kind = fields.String(required=True, metadata={"description": " or ".join(SCHOOL_KINDS)})


class MemberSchema(Schema):
    user_id = fields.UUID()
    role = fields.String()


class PendingInvitationSchema(Schema):
    id = fields.UUID()
    email = fields.String()
    role = fields.String()
    created_at = fields.DateTime()


class CenterSchema(Schema):
    id = fields.UUID()
    type = fields.String(metadata={"description": "SCO (a school), PRO or SUP"})
    name = fields.String()
    external_id = fields.String(allow_none=True, metadata={"description": "a school's UAI"})
    organization_id = fields.UUID(allow_none=True, metadata={"description": "a school's organization"})
    school_kind = fields.String(allow_none=True, metadata={"description": "COLLEGE or LYCEE, set by a platform "
                                                                          "admin; none for other centres"})
    archived = fields.Boolean()
    created_at = fields.DateTime()
    members = fields.List(fields.Nested(MemberSchema), metadata={"description": "PRO/SUP centres' own members (a "
                                                                                "school's are its Orga admins)"})
    pending_invitations = fields.List(fields.Nested(PendingInvitationSchema))


class CenterListSchema(Schema):
    items = fields.List(fields.Nested(CenterSchema))


CenterPageSchema = page_schema(CenterSchema, "CenterPage")


class CenterFilterSchema(PageArgsSchema):
    type = fields.String(validate=validate.OneOf(TYPES))
    kind_unset = fields.Boolean(load_default=False, metadata={"description": "schools whose kind is not set yet"})
    name = fields.String(validate=validate.Length(max=255), metadata={"description": "part of the name or UAI"})


class AcceptInvitationSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(max=100))


class AcceptedSchema(Schema):
    center_id = fields.UUID()


class OpenWindowSchema(Schema):
    school_kind = fields.String(required=True, metadata={"description": " or ".join(SCHOOL_KINDS)})
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True, metadata={"description": "included"})


class WindowSchema(Schema):
    id = fields.UUID()
    school_kind = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    opened_by = fields.UUID()
    opened_at = fields.DateTime()


class WindowListSchema(Schema):
    items = fields.List(fields.Nested(WindowSchema))


class SessionInputSchema(Schema):
    address = fields.String(**_TEXT)
    room = fields.String(**_TEXT)
    date = fields.Date(**_TEXT, metadata={"description": "YYYY-MM-DD, the centre's day (France)"})
    time = fields.String(**_TEXT, metadata={"description": "HH:MM, the centre's time (France)"})
    examiner = fields.String(**_TEXT)
    description = fields.String(**_TEXT)


class EditSessionSchema(Schema):
    address = fields.String()
    room = fields.String()
    date = fields.Date()
    time = fields.String()
    examiner = fields.String()
    description = fields.String(allow_none=True)


class SessionSchema(Schema):
    id = fields.UUID()
    center_id = fields.UUID()
    number = fields.Integer(metadata={"description": "what candidates and invigilators type"})
    address = fields.String()
    room = fields.String()
    date = fields.Date()
    time = fields.String()
    examiner = fields.String()
    description = fields.String(allow_none=True)
    access_code = fields.String(metadata={"description": "given to the candidates in the room"})
    invigilator_password = fields.String(metadata={"description": "given to the invigilator"})
    status = fields.String(metadata={"description": "CREATED, FINALIZED, IN_PROCESS or PUBLISHED"})
    created_by = fields.UUID()
    created_at = fields.DateTime()
    first_started_at = fields.DateTime(allow_none=True)
    candidates_count = fields.Integer()
    started_count = fields.Integer()
    finalized_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime(allow_none=True)


SessionPageSchema = page_schema(SessionSchema, "SessionPage")


class CandidateInputSchema(Schema):
    first_name = fields.String(**_TEXT)
    last_name = fields.String(**_TEXT)
    birthdate = fields.Date(**_TEXT)
    sex = fields.String(**_TEXT, metadata={"description": "M or F"})
    birthplace = fields.String(**_TEXT)
    result_email = fields.String(**_TEXT, metadata={"description": "where the results are mailed (optional)"})
    external_id = fields.String(**_TEXT)
    extra_time_percentage = fields.Integer(load_default=0, allow_none=True,
                                           metadata={"description": f"0 to {MAX_EXTRA_TIME}"})


class ChangeCandidateSchema(Schema):
    extra_time_percentage = fields.Integer(required=True, allow_none=True)


class CandidateSchema(Schema):
    id = fields.UUID()
    session_id = fields.UUID()
    first_name = fields.String()
    last_name = fields.String()
    birthdate = fields.Date()
    sex = fields.String(allow_none=True)
    birthplace = fields.String(allow_none=True)
    result_email = fields.String(allow_none=True)
    external_id = fields.String(allow_none=True)
    extra_time_percentage = fields.Integer()
    organization_learner_id = fields.UUID(allow_none=True, metadata={"description": "a pupil of the school's list"})
    joined = fields.Boolean(metadata={"description": "the candidate joined with their account"})
    started_at = fields.DateTime(allow_none=True)
    answers_count = fields.Integer(allow_none=True, metadata={"description": "answers given so far (question n of "
                                                                         "questions_count), as assessment reported"})
    questions_count = fields.Integer(allow_none=True)
    test_status = fields.String(allow_none=True, metadata={
        "description": "none: not started; IN_PROGRESS; or how the test ended: COMPLETED, ENDED_BY_INVIGILATOR, "
                       "NO_ITEM_LEFT"})


class CandidateListSchema(Schema):
    items = fields.List(fields.Nested(CandidateSchema))


class CandidateFileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class DivisionArgsSchema(Schema):
    division = fields.String(required=True, validate=validate.Length(min=1, max=255))


class ResultDivisionSchema(Schema):
    division = fields.String()
    results_count = fields.Integer(metadata={"description": "published results of the class's pupils"})
    attestations_count = fields.Integer(metadata={"description": "of which validated: an attestation each"})


class ResultDivisionListSchema(Schema):
    items = fields.List(fields.Nested(ResultDivisionSchema))


class UndownloadedAttestationSchema(Schema):
    course_id = fields.UUID()
    learner_id = fields.UUID(metadata={"description": "the pupil in organizations' list"})
    first_name = fields.String()
    last_name = fields.String()
    division = fields.String()
    certification_date = fields.Date()


class UndownloadedAttestationListSchema(Schema):
    items = fields.List(fields.Nested(UndownloadedAttestationSchema))


class StudentSchema(Schema):
    learner_id = fields.UUID()
    first_name = fields.String()
    last_name = fields.String()
    birthdate = fields.Date()
    division = fields.String()
    reason = fields.String(allow_none=True, metadata={"description": "none: eligible; else NO_ACCOUNT, NO_PROFILE, "
                                                                     "NOT_ENOUGH_COMPETENCES or ALREADY_ENROLLED"})


class StudentListSchema(Schema):
    items = fields.List(fields.Nested(StudentSchema))


class DivisionListSchema(Schema):
    items = fields.List(fields.String())


class NotEnrolledSchema(Schema):
    learner_id = fields.UUID()
    first_name = fields.String()
    last_name = fields.String()
    reason = fields.String()


class EnrolmentOutcomeSchema(Schema):
    enrolled = fields.List(fields.UUID())
    not_enrolled = fields.List(fields.Nested(NotEnrolledSchema))


class ImportOutcomeSchema(Schema):
    enrolled = fields.List(fields.UUID())


_SESSION_NUMBER = {"required": True, "validate": validate.Range(min=1, max=2**62)}


class JoinSchema(Schema):
    session_number = fields.Integer(**_SESSION_NUMBER)
    first_name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    birthdate = fields.Date(required=True)


class MyEnrolmentSchema(Schema):
    id = fields.UUID()
    session_id = fields.UUID()
    session_number = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    birthdate = fields.Date()
    extra_time_percentage = fields.Integer()
    status = fields.String(metadata={"description": "JOINED, AUTHORIZED, STARTED or ENDED_BY_INVIGILATOR"})
    course_id = fields.UUID(allow_none=True)
    verification_code = fields.String(allow_none=True)
    started_at = fields.DateTime(allow_none=True)
    resume_authorized = fields.Boolean(metadata={
        "description": "the test started and the invigilator authorized the candidate to resume it (15 minutes)"})


class StartSchema(Schema):
    candidate_id = fields.UUID(required=True)
    access_code = fields.String(required=True, validate=validate.Length(max=20))


class InvigilateSchema(Schema):
    session_number = fields.Integer(**_SESSION_NUMBER)
    invigilator_password = fields.String(required=True, validate=validate.Length(max=50))


class OngoingLiveAlertSchema(Schema):
    id = fields.UUID()
    question_number = fields.Integer(metadata={"description": "n of 'question n of 32' when it was signalled"})
    challenge_id = fields.String()
    raised_at = fields.DateTime()


class InvigilatedCandidateSchema(Schema):
    id = fields.UUID()
    first_name = fields.String()
    last_name = fields.String()
    birthdate = fields.Date()
    extra_time_percentage = fields.Integer()
    status = fields.String(metadata={"description": "NOT_ARRIVED, JOINED, AUTHORIZED, STARTED or "
                                                    "ENDED_BY_INVIGILATOR"})
    authorized_until = fields.DateTime(allow_none=True)
    started_at = fields.DateTime(allow_none=True)
    answers_count = fields.Integer(allow_none=True, metadata={"description": "answers given so far (question n of "
                                                                         "questions_count), as assessment reported"})
    questions_count = fields.Integer(allow_none=True)
    test_status = fields.String(allow_none=True, metadata={
        "description": "none: not started; IN_PROGRESS; or how the test ended: COMPLETED, ENDED_BY_INVIGILATOR, "
                       "NO_ITEM_LEFT"})
    live_alert = fields.Nested(OngoingLiveAlertSchema, allow_none=True, metadata={
        "description": "a problem the candidate signalled with a question, awaiting the invigilator's decision "
                       "(validation: another question; dismissal: the same one); null when none"})


class InvigilationSchema(Schema):
    id = fields.UUID()
    number = fields.Integer()
    address = fields.String()
    room = fields.String()
    date = fields.Date()
    time = fields.String()
    examiner = fields.String()
    status = fields.String()
    candidates = fields.List(fields.Nested(InvigilatedCandidateSchema))



# -- finalization, review, publication, certificates ------------------------------------------------------

class IssueReportInputSchema(Schema):
    category = fields.String(required=True, validate=validate.Length(max=60),
                             metadata={"description": "a category of GET /api/certification-issue-report-categories"})
    subcategory = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    question_number = fields.Integer(load_default=None, allow_none=True, strict=True,
                                     metadata={"description": "IN_CHALLENGE: the question's number, 1 to 500"})


class CandidateReportInputSchema(Schema):
    candidate_id = fields.UUID(required=True)
    has_seen_end_screen = fields.Boolean(load_default=False)
    abort_reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20),
                                 metadata={"description": "candidate or technical: required when the test was not "
                                                          "finished"})
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    issue_reports = fields.List(fields.Nested(IssueReportInputSchema), load_default=list,
                                validate=validate.Length(max=50))


class FinalizeSchema(Schema):
    reports = fields.List(fields.Nested(CandidateReportInputSchema), load_default=list,
                          validate=validate.Length(max=1000))
    global_comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    has_incident = fields.Boolean(load_default=False)
    has_joining_issue = fields.Boolean(load_default=False)


class FinalizedSchema(Schema):
    session = fields.Nested(SessionSchema)
    abort_reasons_dropped = fields.List(fields.UUID(), metadata={
        "description": "candidates who finished the test: the abort reason given for them was dropped"})


class IssueSubcategorySchema(Schema):
    subcategory = fields.String()
    code = fields.String()
    label_fr = fields.String()
    label_en = fields.String()
    deprecated = fields.Boolean()


class IssueCategorySchema(Schema):
    category = fields.String()
    code = fields.String()
    label_fr = fields.String()
    label_en = fields.String()
    description_required = fields.Boolean()
    deprecated = fields.Boolean()
    subcategories = fields.List(fields.Nested(IssueSubcategorySchema))


class IssueCatalogueSchema(Schema):
    categories = fields.List(fields.Nested(IssueCategorySchema))


class IssueReportSchema(Schema):
    category = fields.String()
    subcategory = fields.String(allow_none=True)
    code = fields.String()
    description = fields.String(allow_none=True)
    question_number = fields.Integer(allow_none=True)
    impactful = fields.Boolean()
    resolved = fields.Boolean()
    resolution = fields.String(allow_none=True, metadata={
        "description": "NEUTRALIZED, NOT_NEUTRALIZED_RIGHT_ANSWER, or none while a jury must look"})


class CompetenceLevelSchema(Schema):
    competence_code = fields.String()
    level = fields.Integer()


class ResultSchema(Schema):
    status = fields.String(metadata={"description": "validated, rejected or cancelled"})
    reason = fields.String(metadata={"description": "COMPLETE, DEGRADED_AFTER_ABANDON, REJECTED_DUE_TO_LACK_OF_ANSWERS, "
                                                    "CANCELLED_DUE_TO_LACK_OF_ANSWERS_FOR_TECHNICAL_REASON"})
    score = fields.Integer(allow_none=True)
    max_score = fields.Integer()
    mesh_level = fields.Integer(allow_none=True, metadata={"description": "the global level, 0 to 7"})
    competence_levels = fields.List(fields.Nested(CompetenceLevelSchema))
    scale_version = fields.String()
    capacity = fields.Float(allow_none=True)
    error = fields.Float(allow_none=True)
    answers = fields.Integer()
    counted = fields.Integer()
    simulated_skips = fields.Integer()


class AnswerSchema(Schema):
    index = fields.Integer()
    challenge_id = fields.String()
    competence_code = fields.String(allow_none=True)
    status = fields.String()
    neutralized = fields.Boolean()


class ValidatedLiveAlertSchema(Schema):
    question_number = fields.Integer()
    challenge_id = fields.String()
    raised_at = fields.DateTime()
    decided_at = fields.DateTime()
    decided_by = fields.UUID()


class JuryCandidateSchema(Schema):
    candidate_id = fields.UUID()
    course_id = fields.UUID()
    first_name = fields.String()
    last_name = fields.String()
    birthdate = fields.Date()
    verification_code = fields.String()
    end_reason = fields.String(allow_none=True, metadata={"description": "none while the test runs"})
    has_seen_end_screen = fields.Boolean()
    abort_reason = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    issue_reports = fields.List(fields.Nested(IssueReportSchema))
    answers = fields.List(fields.Nested(AnswerSchema))
    validated_live_alerts = fields.List(fields.Nested(ValidatedLiveAlertSchema), metadata={
        "description": "questions the invigilator withdrew on the candidate's alert: replaced, never scored"})
    result = fields.Nested(ResultSchema, allow_none=True, metadata={"description": "none before finalization"})


class JurySessionSchema(Schema):
    session = fields.Nested(SessionSchema)
    center_name = fields.String()
    global_comment = fields.String(allow_none=True)
    has_incident = fields.Boolean(allow_none=True)
    has_joining_issue = fields.Boolean(allow_none=True)
    jury_comment = fields.String(allow_none=True)
    assigned_to = fields.UUID(allow_none=True)
    publishable = fields.Boolean(metadata={"description": "no global comment and no impactful report unresolved"})
    candidates = fields.List(fields.Nested(JuryCandidateSchema))


class JurySessionFilterSchema(PageArgsSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(["FINALIZED", "IN_PROCESS", "PUBLISHED"]))


class NeutralizationSchema(Schema):
    challenge_id = fields.String(required=True, validate=validate.Length(min=1, max=255))
    neutralized = fields.Boolean(required=True, metadata={"description": "false: de-neutralize"})


class JuryCommentSchema(Schema):
    comment = fields.String(required=True, allow_none=True, validate=validate.Length(max=5000))


class CertificateSchema(Schema):
    id = fields.UUID(metadata={"description": "the course's id"})
    first_name = fields.String()
    last_name = fields.String()
    birthdate = fields.Date()
    birthplace = fields.String(allow_none=True)
    certification_center = fields.String()
    certification_date = fields.Date()
    delivered_at = fields.DateTime(metadata={"description": "when the results were published"})
    status = fields.String()
    score = fields.Integer(allow_none=True)
    max_score = fields.Integer()
    mesh_level = fields.Integer(allow_none=True, metadata={"description": "none below level 1 (not shown)"})
    competence_levels = fields.List(fields.Nested(CompetenceLevelSchema))
    verification_code = fields.String()
    scale_version = fields.String()


class CertificateListSchema(Schema):
    items = fields.List(fields.Nested(CertificateSchema))


class VerificationSchema(Schema):
    verification_code = fields.String(required=True, validate=validate.Length(min=1, max=20),
                                      metadata={"description": "P- and 8 characters, as printed on the certificate"})
