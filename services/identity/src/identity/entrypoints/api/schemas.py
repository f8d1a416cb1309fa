from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from identity.domain.recovery import FACES, LEARNER


def _face():
    return fields.String(load_default=LEARNER, validate=validate.OneOf(FACES), metadata={
        "description": "The web face the mail's link leads to: the learners' test or Orga."})


class UsernameFromSchema(Schema):
    first_name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    birthdate = fields.Date(required=True, metadata={"description": "Only its day and month are used (and kept "
                                                                    "nowhere but in the username)."})


def _one_of(data: dict, names: tuple[str, str]) -> None:
    given = [name for name in names if data.get(name) is not None]
    if len(given) != 1:
        message = f"Give either {names[0]} or {names[1]}."
        raise ValidationError({name: [message] for name in names})


class RegisterUserSchema(Schema):
    first_name = fields.String(validate=validate.Length(min=1, max=255), metadata={
        "description": "Required with an email (with username_from, the names are there)."})
    last_name = fields.String(validate=validate.Length(min=1, max=255))
    email = fields.String(validate=validate.Length(min=3, max=254), metadata={
        "description": "The account's address; or, for a pupil without one, username_from."})
    username_from = fields.Nested(UsernameFromSchema, metadata={
        "description": "A pupil without an email address: the username is made of these (first name, last name, "
                       "day and month of birth, made unique) and answered in the account's `username`."})
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))
    accepted_terms = fields.Boolean(required=True, metadata={"description": "The terms of use were accepted."})
    locale = fields.String(load_default="fr", validate=validate.OneOf(["fr", "en"]))
    face = _face()

    @validates_schema(skip_on_field_errors=False)  # every missing field said at once
    def _email_or_username(self, data: dict, **_kwargs) -> None:
        _one_of(data, ("email", "username_from"))
        if data.get("email") is not None:
            missing = {name: ["Missing data for required field."] for name in ("first_name", "last_name")
                       if not data.get(name)}
            if missing:
                raise ValidationError(missing)


class MembershipSchema(Schema):
    organization_id = fields.UUID()
    organization_name = fields.String()
    organization_type = fields.String()
    organization_archived = fields.Boolean()
    role = fields.String()


class UserSchema(Schema):
    id = fields.UUID()
    first_name = fields.String()
    last_name = fields.String()
    email = fields.String(allow_none=True, metadata={"description": "null: a pupil without an email address."})
    username = fields.String(allow_none=True, metadata={"description": "What a pupil without an email address "
                                                                       "signs in with; null otherwise."})
    sign_in_methods = fields.List(fields.String(validate=validate.OneOf(["EMAIL", "USERNAME", "GAR"])), metadata={
        "description": "How the account signs in: its email, its username, the GAR (several at once)."})
    locale = fields.String()
    roles = fields.List(fields.String())
    email_verified = fields.Boolean(metadata={"description": "The address was proven by a link mailed to it "
                                                             "(Orga needs it to grant a membership)."})
    orga_terms_accepted = fields.Boolean()
    orga_terms_accepted_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    memberships = fields.List(fields.Nested(MembershipSchema))


class CredentialsSchema(Schema):
    email = fields.String(validate=validate.Length(min=1, max=254))
    username = fields.String(validate=validate.Length(min=1, max=254), metadata={
        "description": "Instead of email: a pupil's username. Unknown ones are answered as unknown emails."})
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))

    @validates_schema
    def _email_or_username(self, data: dict, **_kwargs) -> None:
        _one_of(data, ("email", "username"))


class RefreshTokenSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TokensSchema(Schema):
    access_token = fields.String()
    token_type = fields.String(dump_default="Bearer")
    expires_in = fields.Integer(metadata={"description": "Seconds until the access token expires."})
    refresh_token = fields.String()
    user_id = fields.UUID()


class JwksSchema(Schema):
    keys = fields.List(fields.Dict())


class PasswordResetRequestSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    face = _face()
    locale = fields.String(validate=validate.OneOf(["fr", "en"]),
                           metadata={"description": "The mail's language (by default, the account's)."})


class PasswordResetSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))


class TemporaryPasswordSchema(Schema):
    password = fields.String(required=True, metadata={"description": "Shown once: identity keeps only its hash"})
    username = fields.String(allow_none=True, metadata={"description": "What the pupil signs in with, if any"})
    email = fields.String(allow_none=True, metadata={"description": "What the pupil signs in with, if any"})


class PasswordChangeSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200),
                          metadata={"description": "details.password_change_token of a log-in's "
                                                   "PASSWORD_CHANGE_REQUIRED"})
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))


class EmailVerificationRequestSchema(Schema):
    face = _face()


class EmailVerificationSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class VerifiedEmailSchema(Schema):
    email = fields.String()
    email_verified = fields.Boolean()


# -- the GAR ------------------------------------------------------------------------------------------

RELAY = r"^/(?![/\\])[^\s\\]*$"  # a path of the learners' face: never another site (no //host, no scheme)


class SamlLoginQuerySchema(Schema):
    relay = fields.String(load_default="/", validate=[validate.Length(max=512), validate.Regexp(RELAY)], metadata={
        "description": "Where on the learners' face to go once signed in (a path: /campagnes/ABCDEF123)."})


class SamlResponseFormSchema(Schema):
    SAMLResponse = fields.String(required=True, validate=validate.Length(min=1, max=200_000),
                                 metadata={"description": "The IdP's answer, base64 (HTTP-POST binding)."})
    RelayState = fields.String(load_default="/", validate=validate.Length(max=1024),
                               metadata={"description": "The relay sent with the request (a path); another is "
                                                        "ignored."})


class GarLinkSchema(Schema):
    arrival_token = fields.String(required=True, validate=validate.Length(min=1, max=4096), metadata={
        "description": "The arrival token the ACS gave a pupil whose GAR identity is not linked yet."})
    email = fields.String(validate=validate.Length(min=1, max=254))
    username = fields.String(validate=validate.Length(min=1, max=254), metadata={"description": "Instead of email."})
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))

    @validates_schema
    def _email_or_username(self, data: dict, **_kwargs) -> None:
        _one_of(data, ("email", "username"))


class GarAccountSchema(Schema):
    arrival_token = fields.String(required=True, validate=validate.Length(min=1, max=4096), metadata={
        "description": "The arrival token the ACS gave a pupil whose GAR identity is not linked yet."})
    accepted_terms = fields.Boolean(required=True, metadata={"description": "The terms of use were accepted."})
    locale = fields.String(load_default="fr", validate=validate.OneOf(["fr", "en"]))
