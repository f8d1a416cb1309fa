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
