"""identity's use cases: each opens a unit of work, works through the domain, commits."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from identity.domain import commands
from identity.domain.exceptions import (
    EmailAlreadyTaken,
    InvalidCredentials,
    InvalidEmail,
    InvalidRefreshToken,
    TooManyAttempts,
    UserNotFound,
)
from identity.domain.login_throttle import LoginThrottle, seconds_to_wait
from identity.domain.model import SUPER_ADMIN, User, check_password, clean_name, normalize_email
from identity.domain.sessions import RefreshToken
from identity.service_layer.ports import AccessTokenIssuer, PasswordHasher, TokenPolicy
from identity.service_layer.unit_of_work import IdentityUnitOfWork
from svckit.uow import UniqueViolation

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class IssuedTokens:
    user_id: UUID
    access_token: str
    expires_in: int
    refresh_token: str


def hash_refresh_token(token: str) -> str:
    # A plain SHA-256 is enough: the token is 256 random bits, not a guessable password.
    return hashlib.sha256(token.encode()).hexdigest()


def register_user(cmd: commands.RegisterUser, uow: IdentityUnitOfWork, hasher: PasswordHasher, now: Clock) -> UUID:
    email = normalize_email(cmd.email)
    first_name, last_name = clean_name(cmd.first_name, "first name"), clean_name(cmd.last_name, "last name")
    check_password(cmd.password, email=email, first_name=first_name, last_name=last_name)
    with uow:
        taken = uow.users.get_by_email(email) is not None
    if taken:
        raise EmailAlreadyTaken("An account already uses this email address.")
    password_hash = hasher.hash(cmd.password)  # the slow part, with no transaction open
    with uow:
        user = User.register(id=uuid.uuid4(), email=email, first_name=first_name, last_name=last_name,
                             password_hash=password_hash, accepted_terms=cmd.accepted_terms, locale=cmd.locale,
                             now=now())
        uow.users.add(user)
        try:
            uow.commit()
        except UniqueViolation as error:  # the same email signed up meanwhile
            raise EmailAlreadyTaken("An account already uses this email address.") from error
        return user.id


class _TimingShield:
    """A hash to verify against when the account does not exist, so that a login for an
    unknown email takes as long as one with a wrong password (no account enumeration)."""

    _hash: str | None = None

    @classmethod
    def verify(cls, hasher: PasswordHasher, password: str) -> None:
        if cls._hash is None:
            cls._hash = hasher.hash(secrets.token_urlsafe(16))
        hasher.verify(cls._hash, password)


def _issue(uow: IdentityUnitOfWork, user: User, issuer: AccessTokenIssuer, policy: TokenPolicy, moment: datetime,
           family_id: UUID | None = None) -> IssuedTokens:
    refresh_token = secrets.token_urlsafe(32)
    uow.refresh_tokens.add(RefreshToken(
        id=uuid.uuid4(), user_id=user.id, family_id=family_id or uuid.uuid4(),
        token_hash=hash_refresh_token(refresh_token), created_at=moment,
        expires_at=moment + timedelta(seconds=policy.refresh_ttl_seconds),
    ))
    return IssuedTokens(user.id, issuer.issue(user, moment), policy.access_ttl_seconds, refresh_token)


def _login_email(typed: str) -> str:
    try:
        return normalize_email(typed)
    except InvalidEmail:  # counted all the same: a typo is not a way around the throttle
        return typed.strip().lower()[:254]


def log_in(cmd: commands.LogIn, uow: IdentityUnitOfWork, hasher: PasswordHasher, issuer: AccessTokenIssuer,
           token_policy: TokenPolicy, throttle: LoginThrottle, now: Clock) -> IssuedTokens:
    """Three steps, so that no transaction (nor pooled connection) waits for argon2id (~200 ms):

    1. a short transaction asks the throttle whether this address may try this account now, and
       writes the attempt down as a failure before the password is checked (a success takes it
       back): attempts racing each other are all counted;
    2. the password is checked (or, for an unknown email, a stand-in hash, so both take as long),
       and hashed again when its hash was made with outdated parameters;
    3. on success, a short transaction forgets this address's failures and issues the tokens.
    """
    moment = now()
    email = _login_email(cmd.email)
    with uow:
        wait = seconds_to_wait(uow.login_failures.history(email, cmd.address, moment - throttle.memory), throttle,
                               moment)
        if wait:
            raise TooManyAttempts(wait)
        uow.login_failures.record(email, cmd.address, moment)
        uow.login_failures.prune(moment - throttle.memory)
        user = uow.users.get_by_email(email)
        user_id, checked_hash = (user.id, user.password_hash) if user is not None else (None, None)
        uow.commit()
    if user_id is None:
        _TimingShield.verify(hasher, cmd.password)
        raise InvalidCredentials("The email or the password is wrong.")
    if not hasher.verify(checked_hash, cmd.password):
        raise InvalidCredentials("The email or the password is wrong.")
    new_hash = hasher.hash(cmd.password) if hasher.needs_rehash(checked_hash) else None
    with uow:
        user = uow.users.get(user_id)
        if user is None or user.password_hash != checked_hash:  # the password changed meanwhile (a reset)
            raise InvalidCredentials("The email or the password is wrong.")
        if new_hash is not None:
            user.change_password_hash(new_hash)
        uow.login_failures.forget(email, cmd.address)
        tokens = _issue(uow, user, issuer, token_policy, moment)
        uow.commit()
        return tokens


def refresh_tokens(cmd: commands.RefreshTokens, uow: IdentityUnitOfWork, issuer: AccessTokenIssuer,
                   token_policy: TokenPolicy, now: Clock) -> IssuedTokens:
    moment = now()
    with uow:
        token = uow.refresh_tokens.get_by_hash(hash_refresh_token(cmd.refresh_token))
        if token is None:
            raise InvalidRefreshToken("The refresh token is invalid.")
        if token.is_replayed():
            # A spent token came back: assume theft and log the whole family out.
            uow.refresh_tokens.revoke_family(token.family_id, moment)
            uow.commit()
            raise InvalidRefreshToken("The refresh token was already used; the session is closed.")
        if not token.is_usable(moment):
            raise InvalidRefreshToken("The refresh token has expired or was revoked.")
        user = uow.users.get(token.user_id)
        if user is None:
            raise InvalidRefreshToken("The refresh token is invalid.")
        token.spend(moment)
        tokens = _issue(uow, user, issuer, token_policy, moment, family_id=token.family_id)
        uow.commit()
        return tokens


def revoke_refresh_token(cmd: commands.RevokeRefreshToken, uow: IdentityUnitOfWork, now: Clock) -> None:
    """Log out: the session's whole family of refresh tokens stops working. Unknown tokens are ignored (RFC 7009)."""
    with uow:
        token = uow.refresh_tokens.get_by_hash(hash_refresh_token(cmd.refresh_token))
        if token is not None:
            uow.refresh_tokens.revoke_family(token.family_id, now())
            uow.commit()


def accept_orga_terms(cmd: commands.AcceptOrgaTerms, uow: IdentityUnitOfWork, now: Clock) -> None:
    with uow:
        user = uow.users.get(cmd.user_id)
        if user is None:
            raise UserNotFound("This account no longer exists.")
        user.accept_orga_terms(now())
        uow.commit()


def create_platform_admin(cmd: commands.CreatePlatformAdmin, uow: IdentityUnitOfWork, hasher: PasswordHasher,
                          now: Clock) -> tuple[UUID, bool]:
    """Grant SUPER_ADMIN to the account with this email, creating it if needed; (id, created)."""
    email = normalize_email(cmd.email)
    with uow:
        exists = uow.users.get_by_email(email) is not None
    password_hash = None
    if not exists:  # the new account's hash, made before the transaction
        check_password(cmd.password, email=email, first_name=cmd.first_name, last_name=cmd.last_name)
        password_hash = hasher.hash(cmd.password)
    with uow:
        user = uow.users.get_by_email(email)
        created = user is None
        if user is None:
            if password_hash is None:
                raise UserNotFound("The account disappeared meanwhile; run the command again.")
            user = User.register(id=uuid.uuid4(), email=email, first_name=cmd.first_name, last_name=cmd.last_name,
                                 password_hash=password_hash, accepted_terms=True, locale="fr", now=now())
            uow.users.add(user)
        user.grant_role(SUPER_ADMIN)
        uow.commit()
        return user.id, created
