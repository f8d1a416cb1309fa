from __future__ import annotations

import html
import re
from urllib.parse import urlencode
from uuid import UUID

from flask import Response, current_app, redirect, request
from flask.views import MethodView
from flask_smorest import Blueprint

from identity import views
from identity.domain import commands
from identity.domain.exceptions import IdentityError, UserNotFound
from identity.entrypoints.api.errors import ERRORS
from identity.entrypoints.api.schemas import (
    RELAY,
    CredentialsSchema,
    EmailVerificationRequestSchema,
    EmailVerificationSchema,
    GarAccountSchema,
    GarLinkSchema,
    JwksSchema,
    PasswordChangeSchema,
    PasswordResetRequestSchema,
    PasswordResetSchema,
    RefreshTokenSchema,
    RegisterUserSchema,
    SamlLoginQuerySchema,
    SamlResponseFormSchema,
    TemporaryPasswordSchema,
    TokensSchema,
    UserSchema,
    VerifiedEmailSchema,
)
from identity.service_layer import handlers
from svckit.auth import auth_required, current_principal
from svckit.openapi import errors

users = Blueprint("users", __name__, url_prefix="/api", description="Accounts")
recovery = Blueprint("recovery", __name__, url_prefix="/api",
                     description="Password reset and email verification, by links mailed to the account's address")
tokens = Blueprint("tokens", __name__, url_prefix="/api/token", description="Log in, refresh, log out")
keys = Blueprint("keys", __name__, description="Public keys that verify access tokens")
temporary_passwords = Blueprint(
    "temporary_passwords", __name__, url_prefix="/api",
    description="Temporary passwords a school's admins give pupils (domain/temporary_passwords.py), and the new "
                "password chosen at the next log-in")
saml = Blueprint("saml", __name__, url_prefix="/api/saml",
                 description="Signing in through the GAR: identity as a SAML 2.0 service provider (domain/gar.py)")


def _identity():
    return current_app.extensions["identity"]


def _me() -> dict:
    user = views.current_user(_identity().engine, UUID(current_principal().user_id))
    if user is None:
        raise UserNotFound("This account no longer exists.")
    return user


@users.route("/users")
class Users(MethodView):
    @errors(409)  # EMAIL_ALREADY_TAKEN, USERNAME_UNAVAILABLE
    @users.arguments(RegisterUserSchema)
    @users.response(201, UserSchema)
    def post(self, data: dict):
        """Sign up: with an email, or (a pupil without one) with a username made of names and birth date"""
        identity = _identity()
        made_of = data.pop("username_from", None)
        if made_of is not None:
            user_id = handlers.register_pupil_with_username(
                commands.RegisterPupilWithUsername(made_of["first_name"], made_of["last_name"], made_of["birthdate"],
                                                   data["password"], data["accepted_terms"], data["locale"]),
                identity.uow(), identity.hasher, identity.now)
        else:
            user_id = handlers.register_user(commands.RegisterUser(**data), identity.uow(), identity.hasher,
                                             identity.now)
        return views.current_user(identity.engine, user_id), 201, {"Location": "/api/users/me"}


def _login(data: dict) -> str:
    # A username holds no @ (domain/usernames.py, rule 3): one typed in the email field is read as a username.
    return data["email"] if data.get("email") is not None else data["username"]


@users.route("/users/me")
class Me(MethodView):
    @auth_required
    @errors(404)  # the account no longer exists
    @users.response(200, UserSchema)
    def get(self):
        """The logged-in user"""
        return _me()


@users.route("/users/me/orga-terms-acceptance")
class OrgaTermsAcceptance(MethodView):
    @auth_required
    @errors(404)
    @users.response(200, UserSchema)
    def post(self):
        """Accept the terms of use of the Orga dashboard (accepting again changes nothing)"""
        identity = _identity()
        handlers.accept_orga_terms(commands.AcceptOrgaTerms(UUID(current_principal().user_id)), identity.uow(),
                                   identity.now)
        return _me()


def _tokens_response(issued: handlers.IssuedTokens):
    body = {"access_token": issued.access_token, "token_type": "Bearer", "expires_in": issued.expires_in,
            "refresh_token": issued.refresh_token, "user_id": issued.user_id}
    # Tokens must never sit in a cache on the way.
    return body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}


@users.route("/users/me/email-verification-requests")
class EmailVerificationRequests(MethodView):
    @auth_required
    @errors(404, 409, 429)  # USER_NOT_FOUND (the account no longer exists); EMAIL_ALREADY_VERIFIED,
    # ACCOUNT_WITHOUT_EMAIL; TOO_MANY_VERIFICATION_MAILS
    @users.arguments(EmailVerificationRequestSchema)
    @users.response(202)
    def post(self, data: dict):
        """Mail the account a new link that verifies its address (once a minute, 5 an hour)"""
        identity = _identity()
        handlers.request_email_verification(
            commands.RequestEmailVerification(UUID(current_principal().user_id), request.remote_addr or "unknown",
                                              data["face"]), identity.uow(), identity.settings.recovery, identity.now)
        return Response(status=202)  # nothing to say: the mail goes later


@recovery.route("/email-verifications")
class EmailVerifications(MethodView):
    @recovery.arguments(EmailVerificationSchema)
    @recovery.response(200, VerifiedEmailSchema)
    def post(self, data: dict):
        """Follow a verification link: the address it was mailed to is verified"""
        identity = _identity()
        email = handlers.verify_email(commands.VerifyEmail(data["token"]), identity.uow(), identity.now)
        return {"email": email, "email_verified": True}


@recovery.route("/password-reset-requests")
class PasswordResetRequests(MethodView):
    @errors(429)  # TOO_MANY_RESET_REQUESTS from one address
    @recovery.arguments(PasswordResetRequestSchema)
    @recovery.response(202)
    def post(self, data: dict):
        """Ask for a reset link by mail: the same answer whether an account has this address or not"""
        identity = _identity()
        handlers.request_password_reset(
            commands.RequestPasswordReset(data["email"], request.remote_addr or "unknown", data["face"],
                                          data.get("locale")), identity.uow(), identity.settings.recovery,
            identity.now)
        return Response(status=202)  # nothing to say: the mail goes later


@recovery.route("/password-resets")
class PasswordResets(MethodView):
    @recovery.arguments(PasswordResetSchema)
    @recovery.response(204)
    def post(self, data: dict):
        """Set a new password with a reset link: the link is spent and every session of the account ends"""
        identity = _identity()
        handlers.reset_password(commands.ResetPassword(data["token"], data["password"]), identity.uow(),
                                identity.hasher, identity.now)


@tokens.route("")
class Token(MethodView):
    @errors(401, 403, 429)  # INVALID_CREDENTIALS; PASSWORD_CHANGE_REQUIRED (a temporary password: details hold the
    # token of POST /api/password/expired); TOO_MANY_LOGIN_ATTEMPTS
    @tokens.arguments(CredentialsSchema)
    @tokens.response(200, TokensSchema)
    def post(self, data: dict):
        """Log in with an email (or a pupil's username) and a password"""
        identity = _identity()
        issued = handlers.log_in(commands.LogIn(_login(data), data["password"], request.remote_addr or "unknown"),
                                 identity.uow(), identity.hasher, identity.issuer, identity.settings.tokens,
                                 identity.settings.throttle, identity.now, identity.settings.recovery)
        return _tokens_response(issued)


@tokens.route("/refresh")
class Refresh(MethodView):
    @errors(401)  # INVALID_REFRESH_TOKEN
    @tokens.arguments(RefreshTokenSchema)
    @tokens.response(200, TokensSchema)
    def post(self, data: dict):
        """Trade a refresh token for new tokens (the old refresh token is spent)"""
        identity = _identity()
        issued = handlers.refresh_tokens(commands.RefreshTokens(data["refresh_token"]), identity.uow(), identity.issuer,
                                         identity.settings.tokens, identity.now)
        return _tokens_response(issued)


@tokens.route("/revoke")
class Revoke(MethodView):
    @tokens.arguments(RefreshTokenSchema)
    @tokens.response(204)
    def post(self, data: dict):
        """Log out: the refresh token and its whole session stop working"""
        identity = _identity()
        handlers.revoke_refresh_token(commands.RevokeRefreshToken(data["refresh_token"]), identity.uow(), identity.now)


@temporary_passwords.route("/organizations/<uuid:organization_id>/learners/<uuid:learner_id>/temporary-password")
class TemporaryPassword(MethodView):
    @auth_required
    @errors(403, 404, 409, 422)  # ADMIN_ROLE_REQUIRED, TEMPORARY_PASSWORD_FOR_ONESELF,
    # TEMPORARY_PASSWORD_FOR_PLATFORM_ADMIN; USER_NOT_FOUND; LEARNER_NOT_LINKED, ACCOUNT_WITHOUT_LOGIN;
    # LEARNER_LIST_NOT_MANAGED
    @temporary_passwords.response(201, TemporaryPasswordSchema)
    def post(self, organization_id: UUID, learner_id: UUID):
        """Give the account linked to a learner a temporary password, to change at its next log-in (an admin of a
        school). Answered once: a request sent again gives another password, and only the last one works (identity
        keeps no answer for an Idempotency-Key here: it would keep the password)."""
        identity = _identity()
        given = handlers.give_temporary_password(
            commands.GiveTemporaryPassword(organization_id, learner_id, UUID(current_principal().user_id)),
            identity.uow(), identity.hasher, identity.now)
        return ({"password": given.password, "username": given.username, "email": given.email}, 201,
                {"Cache-Control": "no-store", "Pragma": "no-cache"})


@temporary_passwords.route("/password/expired")
class ExpiredPassword(MethodView):
    @errors(400, 422)  # INVALID_PASSWORD_CHANGE_TOKEN; PASSWORD_TOO_WEAK, PASSWORD_UNCHANGED
    @temporary_passwords.arguments(PasswordChangeSchema)
    @temporary_passwords.response(200, TokensSchema)
    def post(self, data: dict):
        """Replace a temporary password, with the token its log-in answered, and sign in"""
        identity = _identity()
        issued = handlers.change_temporary_password(
            commands.ChangeTemporaryPassword(data["token"], data["password"]), identity.uow(), identity.hasher,
            identity.issuer, identity.settings.tokens, identity.now)
        return _tokens_response(issued)


@keys.route("/.well-known/jwks.json")
class Jwks(MethodView):
    @keys.response(200, JwksSchema)
    def get(self):
        """The public keys (JWKS) that verify access tokens"""
        return _identity().keys.jwks(), 200, {"Cache-Control": "public, max-age=300"}


@saml.route("/metadata")
class SamlMetadata(MethodView):
    @saml.response(200, content_type="application/samlmetadata+xml",
                   description="identity's SAML metadata: its entity id and its assertion consumer service")
    def get(self):
        """The service provider's metadata, for the GAR"""
        return Response(_identity().saml.metadata(), mimetype="application/samlmetadata+xml")


@saml.route("/login")
class SamlLogin(MethodView):
    @errors(503)  # SAML_UNAVAILABLE
    @saml.arguments(SamlLoginQuerySchema, location="query")
    @saml.response(302, description="To the GAR's sign-in, with an authentication request for identity")
    def get(self, query: dict):
        """Sign in through the GAR (started here rather than from the ENT)"""
        return redirect(_identity().saml.login_url(query["relay"]), 302)


_RELAY = re.compile(RELAY)


def _relay(value: str) -> str:
    return value if len(value) <= 512 and _RELAY.match(value) else "/"


_REFUSAL_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Connexion par le GAR impossible</title></head>
<body><main><h1>Connexion par le GAR impossible</h1><p>{message}</p><p><a href="{home}">Retour à l'accueil</a></p>
<p><small>Code : {code}</small></p></main></body></html>
"""
_REFUSALS_IN_FRENCH = {
    "GAR_PROFILE_NOT_ALLOWED": "Seuls les élèves se connectent par le GAR : enseignants et personnels utilisent leur "
                               "propre compte, avec leur adresse e-mail et leur mot de passe.",
    "SAML_ASSERTION_REPLAYED": "Cette réponse du GAR a déjà servi : reconnectez-vous depuis votre ENT.",
    "SAML_ASSERTION_EXPIRED": "Cette réponse du GAR a expiré : reconnectez-vous depuis votre ENT.",
    "SAML_UNAVAILABLE": "Le GAR ne peut pas être joint pour le moment : réessayez dans un instant.",
}


def _refusal(error: IdentityError) -> Response | None:
    """A person's browser gets a page saying why (and the code); an API client gets the common error shape."""
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) != "text/html":
        return None
    status, code = next(((status, code) for kind, (status, code) in ERRORS.items() if isinstance(error, kind)),
                        (400, "SAML_RESPONSE_INVALID"))
    message = _REFUSALS_IN_FRENCH.get(code, "La réponse du GAR ne peut pas être acceptée : reconnectez-vous depuis "
                                            "votre ENT.")
    page = _REFUSAL_PAGE.format(message=html.escape(message), code=code,
                                home=html.escape(_identity().settings.learner_url + "/"))
    return Response(page, status=status, mimetype="text/html")


@saml.route("/acs")
class SamlAssertionConsumer(MethodView):
    @errors(400, 403, 409, 503)  # SAML_RESPONSE_INVALID, SAML_ASSERTION_EXPIRED, GAR_ASSERTION_INCOMPLETE;
    # GAR_PROFILE_NOT_ALLOWED (a teacher); SAML_ASSERTION_REPLAYED; SAML_UNAVAILABLE
    @saml.arguments(SamlResponseFormSchema, location="form")
    @saml.response(303, description="To the learners' face (/connexion/gar), the outcome in the fragment: the "
                                    "tokens of the account linked to this GAR identity, or an arrival token to link "
                                    "one; and the relay as target")
    def post(self, form: dict):
        """The assertion consumer service: the GAR's answer, posted by the browser (HTTP-POST binding)"""
        identity = _identity()
        try:
            verified = identity.saml.verify(form["SAMLResponse"])
            arrival = handlers.sign_in_with_gar(verified, identity.uow(), identity.issuer, identity.settings.tokens,
                                                identity.arrivals, identity.now)
        except IdentityError as error:
            page = _refusal(error)
            if page is None:
                raise
            return page
        target = _relay(form["RelayState"])
        if arrival.tokens is not None:
            outcome = {"access_token": arrival.tokens.access_token, "refresh_token": arrival.tokens.refresh_token,
                       "expires_in": arrival.tokens.expires_in, "user_id": str(arrival.tokens.user_id)}
        else:
            outcome = {"arrival_token": arrival.arrival_token, "first_name": arrival.identity.first_name,
                       "last_name": arrival.identity.last_name}
        location = f"{identity.settings.learner_url}/connexion/gar#{urlencode({**outcome, 'target': target})}"
        return Response(status=303, headers={"Location": location, "Cache-Control": "no-store",
                                             "Referrer-Policy": "no-referrer"})


@saml.route("/links")
class GarLinks(MethodView):
    @errors(400, 401, 403, 409, 429)  # GAR_ARRIVAL_INVALID; INVALID_CREDENTIALS; PASSWORD_CHANGE_REQUIRED (a
    # temporary password: nothing linked); GAR_ALREADY_LINKED, ACCOUNT_ALREADY_LINKED_TO_GAR; TOO_MANY_LOGIN_ATTEMPTS
    @saml.arguments(GarLinkSchema)
    @saml.response(200, TokensSchema)
    def post(self, data: dict):
        """Link the GAR identity of an arrival to an existing account (its email or username, and password), and sign
        it in"""
        identity = _identity()
        issued = handlers.link_gar(commands.LinkGar(data["arrival_token"], _login(data), data["password"],
                                                    request.remote_addr or "unknown"),
                                   identity.uow(), identity.hasher, identity.issuer, identity.settings.tokens,
                                   identity.settings.throttle, identity.arrivals, identity.now,
                                   identity.settings.recovery)
        return _tokens_response(issued)


@saml.route("/accounts")
class GarAccounts(MethodView):
    @errors(400, 409, 422)  # GAR_ARRIVAL_INVALID (altered or expired: sign in again from the ENT);
    # GAR_ALREADY_LINKED; TERMS_NOT_ACCEPTED
    @saml.arguments(GarAccountSchema)
    @saml.response(201, TokensSchema)
    def post(self, data: dict):
        """Create the arrival's own account, whose only sign-in method is the GAR (no email, no password; names from
        the GAR), linked to its GAR identity, and sign it in"""
        identity = _identity()
        issued = handlers.create_gar_account(
            commands.CreateGarAccount(data["arrival_token"], data["accepted_terms"], data["locale"]), identity.uow(),
            identity.issuer, identity.settings.tokens, identity.arrivals, identity.now)
        body, _, headers = _tokens_response(issued)
        return body, 201, headers
