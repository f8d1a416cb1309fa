from __future__ import annotations

from marshmallow import Schema, fields, validate

from organizations.domain.learners import ADD_UPDATE, MODES
from organizations.domain.model import MEMBER, ROLES, TYPES
from svckit.pagination import PageArgsSchema, page_schema


class CreateOrganizationSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    external_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64),
                                metadata={"description": "For a school (SCO), its UAI, e.g. 0751234A."})
    manages_students = fields.Boolean(load_default=False)
    admin_email = fields.String(required=True, validate=validate.Length(min=3, max=254),
                                metadata={"description": "Receives an invitation as ADMIN."})
    locale = fields.String(load_default="fr", validate=validate.OneOf(["fr", "en"]))


class OrganizationSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    type = fields.String()
    external_id = fields.String(allow_none=True)
    manages_students = fields.Boolean()
    archived = fields.Boolean()
    archived_at = fields.DateTime(allow_none=True)
    multiple_sendings_for_assessments = fields.Boolean(
        metadata={"description": "its assessment campaigns may take results several times"})
    created_at = fields.DateTime()
    members_count = fields.Integer()
    my_role = fields.String(allow_none=True)


class OrganizationFeaturesSchema(Schema):
    multiple_sendings_for_assessments = fields.Boolean(required=True)


class OrganizationFilterSchema(PageArgsSchema):
    name = fields.String()
    type = fields.String(validate=validate.OneOf(TYPES))
    external_id = fields.String()


OrganizationPageSchema = page_schema(OrganizationSchema, "OrganizationPage")


class MemberSchema(Schema):
    user_id = fields.UUID()
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    role = fields.String()
    joined_at = fields.DateTime()


MemberPageSchema = page_schema(MemberSchema, "MemberPage")


class ChangeRoleSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class InviteSchema(Schema):
    emails = fields.List(fields.String(validate=validate.Length(min=3, max=254)), required=True,
                         validate=validate.Length(min=1, max=100))
    role = fields.String(load_default=MEMBER, validate=validate.OneOf(ROLES))
    locale = fields.String(load_default="fr", validate=validate.OneOf(["fr", "en"]))


class InvitationSchema(Schema):
    id = fields.UUID()
    email = fields.String()
    role = fields.String()
    status = fields.String()
    created_at = fields.DateTime()
    last_sent_at = fields.DateTime()
    sent_count = fields.Integer()


class InvitationOutcomeSchema(Schema):
    email = fields.String()
    outcome = fields.String(metadata={"description": "SENT, RESENT, THROTTLED (sent less than 5 minutes ago) "
                                                     "or ALREADY_MEMBER"})
    invitation = fields.Nested(InvitationSchema, allow_none=True)


class InvitationResultsSchema(Schema):
    results = fields.List(fields.Nested(InvitationOutcomeSchema))


class InvitationListSchema(Schema):
    items = fields.List(fields.Nested(InvitationSchema))


class CodeArgsSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=20))


class InvitationSummarySchema(Schema):
    id = fields.UUID()
    organization_id = fields.UUID()
    organization_name = fields.String()
    email = fields.String()
    role = fields.String()
    status = fields.String()


class AcceptedSchema(Schema):
    organization_id = fields.UUID()


class ImportFormSchema(Schema):
    mode = fields.String(load_default=ADD_UPDATE, validate=validate.OneOf(MODES),
                         metadata={"description": "Universities: ADD_UPDATE keeps learners absent from the file, "
                                                  "REPLACE disables them. A school's file is always its whole list."})


class ImportFileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class NotCarriedOverSchema(Schema):
    code = fields.String(metadata={"description": "SEVERAL_ACCOUNTS_FOR_INE, ACCOUNT_LINKED_TO_ANOTHER_LEARNER, "
                                                  "ACCOUNT_OF_SEVERAL_PUPILS_OF_THE_IMPORT or "
                                                  "ACCOUNT_UNLINKED_BY_AN_ADMIN"})
    message = fields.String()
    learner_id = fields.UUID()
    position = fields.Integer(metadata={"description": "the pupil's rank in the file (its line in a CSV)"})
    national_student_id = fields.String()
    first_name = fields.String()
    last_name = fields.String()


class PreviewLearnerSchema(Schema):
    learner_id = fields.UUID()
    first_name = fields.String()
    last_name = fields.String()
    division = fields.String(allow_none=True)


class ImportPreviewSchema(Schema):
    error_code = fields.String(allow_none=True, metadata={
        "description": "set when the file cannot be imported: the import itself gives the report"})
    created_count = fields.Integer()
    updated_count = fields.Integer()
    disabled_count = fields.Integer()
    disabled = fields.List(fields.Nested(PreviewLearnerSchema), metadata={
        "description": "who the import would take off the list, by name"})


class ImportSchema(Schema):
    id = fields.UUID()
    created_at = fields.DateTime()
    created_by = fields.UUID()
    filename = fields.String()
    mode = fields.String()
    status = fields.String()
    format = fields.String(allow_none=True)
    encoding = fields.String(allow_none=True)
    created_count = fields.Integer()
    updated_count = fields.Integer()
    disabled_count = fields.Integer()
    enabled_count = fields.Integer()
    unchanged_count = fields.Integer()
    skipped_count = fields.Integer(metadata={"description": "Learners of the file left aside: left the school, no "
                                                            "class, no INE yet"})
    unregistered_count = fields.Integer(metadata={"description": "Of the skipped: pupils of a SIECLE export without an "
                                                                 "ID_NATIONAL (not registered yet)"})
    carried_over_count = fields.Integer(metadata={"description": "Pupils linked to the account their INE has in "
                                                                 "another school"})
    not_carried_over = fields.List(fields.Nested(NotCarriedOverSchema), metadata={
        "description": "Pupils whose INE has an account in another school that was not linked here, and why"})
    error_count = fields.Integer(metadata={"description": "All line errors; `errors` lists the first 1,000"})
    error_code = fields.String(allow_none=True)
    errors = fields.List(fields.Dict())


ImportPageSchema = page_schema(ImportSchema, "ImportPage")


class ReconciliationSchema(Schema):
    first_name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    birthdate = fields.Date(required=True)


class GarMatchRequestSchema(Schema):
    arrival_token = fields.String(required=True, validate=validate.Length(min=1, max=8192),
                                  metadata={"description": "identity's arrival token from the GAR's sign-in"})
    birthdate = fields.Date(required=True)


class GarMatchSchema(Schema):
    organization_id = fields.UUID()
    learner_id = fields.UUID()
    first_name = fields.String()
    last_name = fields.String()
    division = fields.String(allow_none=True)


class ReconciledSchema(Schema):
    learner_id = fields.UUID()
    organization_id = fields.UUID()


class AccountRefSchema(Schema):
    id = fields.UUID()
    first_name = fields.String(allow_none=True, metadata={"description": "none until the account is known here"})
    last_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)


class AccountLinkPeriodSchema(Schema):
    account = fields.Nested(AccountRefSchema, metadata={"description": "the account that was linked"})
    linked_at = fields.DateTime(allow_none=True, metadata={"description": "none: linked before links had a history"})
    link_method = fields.String(metadata={"description": "RECONCILIATION: the learner found themself in the list; "
                                                         "IMPORT: an import carried over the account the pupil's INE "
                                                         "has in another school"})
    linked_by = fields.Nested(AccountRefSchema, allow_none=True, metadata={
        "description": "who linked it: the learner reconciling, or the admin who imported"})
    import_id = fields.UUID(allow_none=True, metadata={"description": "the import that carried the link over"})
    unlinked_at = fields.DateTime(allow_none=True, metadata={"description": "none while the link holds"})
    unlinked_by = fields.Nested(AccountRefSchema, allow_none=True, metadata={"description": "who unlinked it"})
    unlink_method = fields.String(allow_none=True, metadata={"description": "ADMIN: an admin of the organization"})


class LearnerAccountLinkSchema(Schema):
    learner_id = fields.UUID()
    first_name = fields.String()
    last_name = fields.String()
    linked = fields.Boolean()
    account = fields.Nested(AccountRefSchema, allow_none=True, metadata={"description": "the account linked now"})
    linked_at = fields.DateTime(allow_none=True)
    history = fields.List(fields.Nested(AccountLinkPeriodSchema), metadata={"description": "every link, newest "
                                                                                             "first"})
    sign_in_methods = fields.List(fields.String(validate=validate.OneOf(["EMAIL", "USERNAME", "GAR"])),
                                  metadata={"description": "how the account linked now signs in (none when "
                                                           "identity has not announced it yet)"})
    username = fields.String(allow_none=True, metadata={"description": "what the pupil signs in with, if a username"})
