"""OAuth 2 clients over HTTP: the token endpoint (client credentials) and the platform admins' register.

The token endpoint speaks RFC 6749, not the platform's common shape: a form-encoded body (section 4.4.2), the
client authenticated by HTTP Basic or by the ``client_id`` and ``client_secret`` fields (2.3.1, never both), the
token in section 5.1's answer, and its refusals in section 5.2's shape, ``{"error", "error_description"}``, 400 or
401 (``invalid_client``, with a ``WWW-Authenticate: Basic`` challenge) as the RFC says, and 429 with
``Retry-After`` when the address failed too often. Off-the-shelf OAuth 2 libraries read exactly that. Only what
happens before the route runs (text that is not UTF-8, a body too large, the database away) keeps the common
shape.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from flask import current_app, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from identity.domain.clients import (
    MAX_PREFIXES,
    NAME_LENGTH,
    SCOPES,
    DisableClient,
    InvalidRequest,
    OAuthClient,
    OAuthError,
    RegisterClient,
    RequestClientToken,
)
from identity.domain.model import SUPER_ADMIN
from identity.service_layer import clients as handlers
from svckit.auth import current_principal, role_required
from svckit.openapi import errors

oauth = Blueprint("oauth", __name__, url_prefix="/api/oauth",
                  description="OAuth 2 for applications (client credentials, RFC 6749 4.4): their access tokens")
oauth_clients = Blueprint("oauth_clients", __name__, url_prefix="/api/admin/oauth-clients",
                          description="The applications registered as OAuth 2 clients (platform admins)")
FORM = "application/x-www-form-urlencoded"
NO_CACHE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # RFC 6749 5.1: tokens are never cached


def _identity():
    return current_app.extensions["identity"]


class ClientTokenRequestSchema(Schema):
    """RFC 6749 4.4.2; checked by the route itself, so that every refusal is in the RFC's shape."""

    class Meta:
        unknown = EXCLUDE

    grant_type = fields.String(metadata={"description": "client_credentials", "example": "client_credentials"})
    scope = fields.String(metadata={"description": "The scopes asked, space-separated; all the client's when "
                                                   "absent", "example": "certification-results"})
    client_id = fields.String(metadata={"description": "With client_secret, when the client does not use HTTP "
                                                       "Basic"})
    client_secret = fields.String()


class ClientTokenSchema(Schema):
    access_token = fields.String(required=True, metadata={"description": "An RS256 JWT, token_use client"})
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds until the token expires"})
    scope = fields.String(required=True, metadata={"description": "The scopes granted, space-separated"})


class OAuthErrorSchema(Schema):
    """RFC 6749 5.2 (``error`` a string); before the route runs, the platform's shape (``error`` an object)."""

    error = fields.Raw(required=True, metadata={"description": "invalid_request, invalid_client, "
                                                               "unsupported_grant_type, invalid_scope"})
    error_description = fields.String()


class NewClientSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=NAME_LENGTH),
                         metadata={"example": "LSU, académie de Lyon"})
    scopes = fields.List(fields.String(validate=validate.OneOf(list(SCOPES))), required=True,
                         validate=validate.Length(min=1, max=len(SCOPES)))
    academy = fields.String(required=True, validate=validate.Length(min=4, max=41), metadata={"example": "ac-lyon"})
    uai_prefixes = fields.List(fields.String(validate=validate.Length(min=1, max=8)), required=True,
                               validate=validate.Length(min=1, max=MAX_PREFIXES),
                               metadata={"description": "The academy's schools: the first digits of their UAIs "
                                                        "(its departments' numbers), up to whole UAIs",
                                         "example": ["001", "042", "069"]})


class ClientSchema(Schema):
    client_id = fields.String()
    name = fields.String()
    scopes = fields.List(fields.String())
    academy = fields.String()
    uai_prefixes = fields.List(fields.String())
    enabled = fields.Boolean()
    created_by = fields.String()
    created_at = fields.DateTime()
    disabled_at = fields.DateTime(allow_none=True)
    disabled_by = fields.String(allow_none=True)


class RegisteredClientSchema(ClientSchema):
    client_secret = fields.String(metadata={"description": "Shown this once: identity keeps only a hash of it"})


def _oauth_error(error: OAuthError, basic: bool):
    answer = jsonify({"error": error.error, "error_description": error.description})
    answer.status_code = error.status
    answer.headers.update(NO_CACHE)
    if error.status == 401:
        answer.headers["WWW-Authenticate"] = 'Basic realm="identity"' + (', error="invalid_client"' if basic else "")
    if error.retry_after is not None:
        answer.headers["Retry-After"] = str(error.retry_after)
    return answer


def _credentials() -> tuple[str | None, str | None, bool]:
    """The client's id and secret, from HTTP Basic (each form-encoded first, RFC 6749 2.3.1) or the form."""
    authorization = request.authorization
    basic = authorization is not None and authorization.type == "basic"
    in_form = "client_id" in request.form or "client_secret" in request.form
    if basic and in_form:
        raise InvalidRequest("The client authenticates one way only: HTTP Basic or the form's fields.")
    if basic:
        return unquote_plus(authorization.username or ""), unquote_plus(authorization.password or ""), True
    return request.form.get("client_id"), request.form.get("client_secret"), False


@oauth.route("/token")
class ClientToken(MethodView):
    # The body is documented, not parsed by flask-smorest: its refusals would be the platform's, not the RFC's.
    @oauth.doc(requestBody={"required": True, "content": {FORM: {"schema": ClientTokenRequestSchema}}})
    @oauth.response(200, ClientTokenSchema)
    @oauth.alt_response(400, schema=OAuthErrorSchema, description="invalid_request, unsupported_grant_type, "
                        "invalid_scope (RFC 6749 5.2)")
    @oauth.alt_response(401, schema=OAuthErrorSchema, description="invalid_client: unknown, wrong secret or "
                        "disabled, one answer")
    @oauth.alt_response(429, schema=OAuthErrorSchema, description="invalid_client: too many failed client "
                        "authentications from this address; see Retry-After")
    def post(self):
        """An access token for an application, by its client credentials (RFC 6749 4.4)"""
        identity, basic = _identity(), False
        try:
            if request.mimetype != FORM:
                raise InvalidRequest(f"The body is {FORM} (RFC 6749 4.4.2).")
            repeated = [name for name in request.form if len(request.form.getlist(name)) > 1]
            if repeated:
                raise InvalidRequest(f"A parameter is sent once: {', '.join(sorted(repeated))}.")
            client_id, client_secret, basic = _credentials()
            issued = handlers.issue_client_token(
                RequestClientToken(request.form.get("grant_type"), request.form.get("scope"), client_id,
                                   client_secret, request.remote_addr or "unknown"),
                identity.uow(), identity.client_secrets, identity.client_issuer,
                identity.settings.tokens.access_ttl_seconds, identity.client_throttle, identity.now)
        except OAuthError as error:
            return _oauth_error(error, basic)
        body = {"access_token": issued.access_token, "token_type": "Bearer", "expires_in": issued.expires_in,
                "scope": " ".join(issued.scopes)}
        return body, 200, NO_CACHE


def _client(client: OAuthClient) -> dict:
    return {"client_id": client.client_id, "name": client.name, "scopes": list(client.scopes),
            "academy": client.academy, "uai_prefixes": list(client.uai_prefixes), "enabled": client.enabled,
            "created_by": client.created_by, "created_at": client.created_at, "disabled_at": client.disabled_at,
            "disabled_by": client.disabled_by}


@oauth_clients.route("")
class OAuthClients(MethodView):
    @role_required(SUPER_ADMIN)
    @oauth_clients.arguments(NewClientSchema)
    @oauth_clients.response(201, RegisteredClientSchema)
    def post(self, data: dict):
        """Register an application: its client id and secret (shown once), its scopes, academy and UAI prefixes"""
        identity = _identity()
        registered = handlers.register_client(RegisterClient(created_by=current_principal().user_id, **data),
                                              identity.uow(), identity.client_secrets, identity.now)
        return {**_client(registered.client), "client_secret": registered.secret}, 201, NO_CACHE

    @role_required(SUPER_ADMIN)
    @oauth_clients.response(200, ClientSchema(many=True))
    def get(self):
        """Every registered application, enabled or not (never a secret)"""
        with _identity().uow() as uow:
            return [_client(client) for client in uow.oauth_clients.all()]


@oauth_clients.route("/<client_id>/disablement")
class Disablement(MethodView):
    @role_required(SUPER_ADMIN)
    @errors(404)
    @oauth_clients.response(200, ClientSchema)
    def post(self, client_id: str):
        """Disable an application: no more tokens (those issued live their 15 minutes); disabling again is a no-op"""
        identity = _identity()
        return _client(handlers.disable_client(DisableClient(client_id, current_principal().user_id),
                                               identity.uow(), identity.now))
