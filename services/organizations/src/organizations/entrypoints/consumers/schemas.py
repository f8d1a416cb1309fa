"""How organizations reads the events it consumes: only the fields it uses; unknown fields are ignored."""

from marshmallow import Schema, fields


class UserRegisteredSchema(Schema):
    user_id = fields.UUID(required=True)
    email = fields.String(required=True, allow_none=True)  # None: a pupil without an email address (issue 19)
    username = fields.String(allow_none=True, load_default=None)  # added by issue 19
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    registered_at = fields.AwareDateTime(required=True)


class OrgaTermsAcceptedSchema(Schema):
    user_id = fields.UUID(required=True)
    accepted_at = fields.AwareDateTime(required=True)


class EmailVerifiedSchema(Schema):
    user_id = fields.UUID(required=True)
    email = fields.String(required=True)
    verified_at = fields.AwareDateTime(required=True)


class GarLinkedSchema(Schema):
    user_id = fields.UUID(required=True)
    uai = fields.String(required=True)
    linked_at = fields.AwareDateTime(required=True)


class InvitationIssuedSchema(Schema):
    invitation_id = fields.UUID(required=True)
    issued_at = fields.AwareDateTime(required=True)
