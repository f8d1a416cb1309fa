"""How identity reads organizations' events: only the fields it uses."""

from marshmallow import Schema, fields


class OrganizationCreatedSchema(Schema):
    organization_id = fields.UUID(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)


class OrganizationArchivedSchema(Schema):
    organization_id = fields.UUID(required=True)


class MembershipSchema(Schema):
    membership_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    role = fields.String()  # absent from revoked events


class LearnerAccountSchema(Schema):
    """organizations.learner.linked.v1 and organizations.learner.unlinked.v1."""

    learner_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)


class PasswordResetRequestedSchema(Schema):
    """identity's own identity.password_reset.requested.v1."""

    request_id = fields.UUID(required=True)
    email = fields.String(required=True)
    locale = fields.String(allow_none=True, load_default=None)
    face = fields.String(required=True)


class EmailVerificationRequestedSchema(Schema):
    """identity's own identity.email_verification.requested.v1."""

    request_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    locale = fields.String(required=True)
    face = fields.String(required=True)
