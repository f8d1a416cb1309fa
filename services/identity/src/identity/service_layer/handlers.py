"""identity's use cases: each opens a unit of work, works through the domain, commits."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from identity.domain import commands, temporary_passwords
from identity.domain.exceptions import (
    AccountAlreadyLinkedToGar,
    EmailAlreadyTaken,
    EmailAlreadyVerified,
    GarAlreadyLinked,
    InvalidCredentials,
    InvalidEmail,
    InvalidPasswordChangeToken,
    InvalidRefreshToken,
    InvalidResetLink,
    InvalidVerificationLink,
    LearnerNotLinked,
    NoEmailAddress,
    PasswordChangeRequired,
    PasswordUnchanged,
    SamlAssertionReplayed,
    TooManyAttempts,
    TooManyResetRequests,
    TooManyVerificationMails,
    UsernameUnavailable,
    UserNotFound,
)
from identity.domain.gar import GarIdentity, GarLink, VerifiedAssertion
from identity.domain.login_throttle import LoginThrottle, seconds_to_wait
from identity.domain.model import SUPER_ADMIN, User, check_password, clean_name, normalize_email
from identity.domain.recovery import (
    EMAIL_VERIFICATION,
    PASSWORD_CHANGE,
    PASSWORD_RESET,
    AccountToken,
    MailRequest,
    RecoveryPolicy,
    reset_requests_wait,
    verification_mail_wait,
)
from identity.domain.sessions import RefreshToken
from identity.domain.temporary_passwords import TemporaryPasswordGiven
from identity.domain.usernames import first_free, looks_like_email, normalize_username, username_base
from identity.service_layer.mails import AccountLinks, password_reset_mail, verification_mail
from identity.service_layer.ports import AccessTokenIssuer, ArrivalTokens, PasswordHasher, TokenPolicy
from identity.service_layer.unit_of_work import IdentityUnitOfWork
from msgkit import Envelope
from svckit.mail import Mailer
from svckit.net import client_bucket
from svckit.uow import UniqueViolation

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class IssuedTokens:
    user_id: UUID
    access_token: str
    expires_in: int
    refresh_token: str


def hash_token(token: str) -> str:
    # Refresh tokens and the links' tokens: a plain SHA-256 is enough, each is 256 random bits, not a
    # guessable password.
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
        uow.mail_requests.add(MailRequest.email_verification(id=uuid.uuid4(), user_id=user.id, email=user.email,
                                                             locale=user.locale, face=cmd.face, address=None,
                                                             now=user.created_at))
        try:
            uow.commit()
        except UniqueViolation as error:  # the same email signed up meanwhile
            raise EmailAlreadyTaken("An account already uses this email address.") from error
        return user.id


# Two pupils of one name and birthday signing up at once may be given the same username: the loser tries again
# with the next one, this many times.
USERNAME_ATTEMPTS = 5


def register_pupil_with_username(cmd: commands.RegisterPupilWithUsername, uow: IdentityUnitOfWork,
                                 hasher: PasswordHasher, now: Clock) -> UUID:
    """An account with a username instead of an email (domain/usernames.py): no mail to verify, none sent."""
    first_name, last_name = clean_name(cmd.first_name, "first name"), clean_name(cmd.last_name, "last name")
    base = username_base(first_name, last_name, cmd.birthdate)
    check_password(cmd.password, email=None, first_name=first_name, last_name=last_name)
    password_hash = hasher.hash(cmd.password)  # the slow part, with no transaction open
    for _ in range(USERNAME_ATTEMPTS):
        with uow:
            username = first_free(base, uow.users.usernames_from(base))
            user = User.register_with_username(id=uuid.uuid4(), username=username, first_name=first_name,
                                               last_name=last_name, password_hash=password_hash,
                                               accepted_terms=cmd.accepted_terms, locale=cmd.locale, now=now())
            uow.users.add(user)
            try:
                uow.commit()
            except UniqueViolation:  # taken meanwhile (rule 2): the next free one
                continue
            return user.id
    raise UsernameUnavailable("No username could be given now; try again.")


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
        token_hash=hash_token(refresh_token), created_at=moment,
        expires_at=moment + timedelta(seconds=policy.refresh_ttl_seconds),
    ))
    return IssuedTokens(user.id, issuer.issue(user, moment), policy.access_ttl_seconds, refresh_token)


def _login_key(typed: str) -> str:
    """The account a log-in is for: an email when it holds an @, else a username (domain/usernames.py, rule 3).
    The throttle counts failures under it, known account or not."""
    if not looks_like_email(typed):
        return normalize_username(typed)[:254]
    try:
        return normalize_email(typed)
    except InvalidEmail:  # counted all the same: a typo is not a way around the throttle
        return typed.strip().lower()[:254]


@dataclass(frozen=True)
class _CheckedPassword:
    user_id: UUID
    checked_hash: str
    new_hash: str | None  # the password hashed again with today's parameters, when its hash was outdated
    key: str  # the email or username typed, as the throttle counts it
    client: str


def _check_password(login: str, password: str, address: str, uow: IdentityUnitOfWork, hasher: PasswordHasher,
                    throttle: LoginThrottle, moment: datetime) -> _CheckedPassword:
    """Steps 1 and 2 of a log-in (``log_in``); InvalidCredentials or TooManyAttempts."""
    key, client = _login_key(login), client_bucket(address)  # an IPv6 /64 is one client
    with uow:
        wait = seconds_to_wait(uow.login_failures.history(key, client, moment - throttle.memory), throttle, moment)
        if wait:
            raise TooManyAttempts(wait)
        uow.login_failures.record(key, client, moment)
        uow.login_failures.prune(moment - throttle.memory)
        user = uow.users.get_by_email(key) if looks_like_email(key) else uow.users.get_by_username(key)
        # An account without a password (the GAR's only) is answered as an unknown one.
        user_id, checked_hash = (user.id, user.password_hash) if user is not None else (None, None)
        uow.commit()
    if user_id is None or checked_hash is None:
        _TimingShield.verify(hasher, password)
        raise InvalidCredentials("The email or the password is wrong.")
    if not hasher.verify(checked_hash, password):
        raise InvalidCredentials("The email or the password is wrong.")
    new_hash = hasher.hash(password) if hasher.needs_rehash(checked_hash) else None
    return _CheckedPassword(user_id, checked_hash, new_hash, key, client)


def _checked_user(uow: IdentityUnitOfWork, checked: _CheckedPassword) -> User:
    """Step 3's start, in its transaction: the account whose password was checked, its hash renewed if due."""
    user = uow.users.get(checked.user_id)
    if user is None or user.password_hash != checked.checked_hash:  # the password changed meanwhile (a reset)
        raise InvalidCredentials("The email or the password is wrong.")
    if checked.new_hash is not None:
        user.change_password_hash(checked.new_hash)
    uow.login_failures.forget(checked.key, checked.client)
    return user


def log_in(cmd: commands.LogIn, uow: IdentityUnitOfWork, hasher: PasswordHasher, issuer: AccessTokenIssuer,
           token_policy: TokenPolicy, throttle: LoginThrottle, now: Clock,
           recovery: RecoveryPolicy | None = None) -> IssuedTokens:
    """Three steps, so that no transaction (nor pooled connection) waits for argon2id (~200 ms):

    1. a short transaction asks the throttle whether this address may try this account now, and
       writes the attempt down as a failure before the password is checked (a success takes it
       back): attempts racing each other are all counted;
    2. the password is checked (or, for an unknown email, a stand-in hash, so both take as long),
       and hashed again when its hash was made with outdated parameters;
    3. on success, a short transaction forgets this address's failures and issues the tokens; or, when the
       password is a temporary one, a token that only sets a new one (PasswordChangeRequired).
    """
    moment = now()
    checked = _check_password(cmd.login, cmd.password, cmd.address, uow, hasher, throttle, moment)
    with uow:
        user = _checked_user(uow, checked)
        _refuse_a_temporary_password(uow, user, recovery, moment)
        tokens = _issue(uow, user, issuer, token_policy, moment)
        uow.commit()
        return tokens


def _refuse_a_temporary_password(uow: IdentityUnitOfWork, user: User, recovery: RecoveryPolicy | None,
                                 moment: datetime) -> None:
    """domain/temporary_passwords.py, rule 6: a temporary password opens no session (a log-in, a GAR link), only
    a token that sets the pupil's own (committed, then PasswordChangeRequired)."""
    if not user.must_change_password:
        return
    recovery = recovery or RecoveryPolicy()
    token = secrets.token_urlsafe(32)
    uow.account_tokens.add(AccountToken.password_change(id=uuid.uuid4(), user_id=user.id, email=user.email,
                                                        token_hash=hash_token(token), policy=recovery, now=moment))
    uow.commit()
    raise PasswordChangeRequired(token, int(recovery.password_change_lifetime.total_seconds()))


# -- temporary passwords given by a school's admins (domain/temporary_passwords.py) ---------------------


@dataclass(frozen=True)
class GivenPassword:
    """Answered once to the admin, so that they tell the pupil how to sign in."""

    password: str
    username: str | None
    email: str | None


def _account_to_give(uow: IdentityUnitOfWork, cmd: commands.GiveTemporaryPassword) -> User:
    context = uow.memberships.giving_context(cmd.organization_id, cmd.learner_id, cmd.given_by)
    user = uow.users.get(context.linked_user_id) if context.linked_user_id is not None else None
    return temporary_passwords.check_may_give(context, cmd.given_by, user)


def give_temporary_password(cmd: commands.GiveTemporaryPassword, uow: IdentityUnitOfWork, hasher: PasswordHasher,
                            now: Clock) -> GivenPassword:
    """Rules 1 to 5; the hash is made with no transaction open, and the rules checked again after it."""
    with uow:
        user = _account_to_give(uow, cmd)
        user_id, password = user.id, temporary_passwords.draw(user)
    password_hash = hasher.hash(password)
    moment = now()
    with uow:
        user = _account_to_give(uow, cmd)
        if user.id != user_id:  # the learner was linked to another account meanwhile
            raise LearnerNotLinked("The learner's account changed meanwhile; try again.")
        user.give_temporary_password(password_hash)
        uow.account_tokens.spend_all(user.id, PASSWORD_CHANGE, moment)  # an earlier temporary password's change
        uow.refresh_tokens.revoke_all(user.id, moment)
        uow.temporary_passwords.add(TemporaryPasswordGiven(
            id=uuid.uuid4(), user_id=user.id, organization_id=cmd.organization_id, learner_id=cmd.learner_id,
            given_by=cmd.given_by, given_at=moment))
        given = GivenPassword(password, user.username, user.email)
        uow.commit()
        return given


def change_temporary_password(cmd: commands.ChangeTemporaryPassword, uow: IdentityUnitOfWork, hasher: PasswordHasher,
                              issuer: AccessTokenIssuer, token_policy: TokenPolicy, now: Clock) -> IssuedTokens:
    """Rule 6: the new password, with the token a log-in with the temporary one answered; spent, and signed in."""
    refused = InvalidPasswordChangeToken("This step is no longer valid; log in again with the temporary password.")
    with uow:
        token = _usable_token(uow, cmd.token, PASSWORD_CHANGE, now())
        user = uow.users.get(token.user_id) if token is not None else None
        if user is None or not user.must_change_password or user.password_hash is None:
            raise refused
        email, first_name, last_name, temporary_hash = user.email, user.first_name, user.last_name, user.password_hash
    check_password(cmd.password, email=email, first_name=first_name, last_name=last_name)
    if hasher.verify(temporary_hash, cmd.password):
        raise PasswordUnchanged("The new password must differ from the temporary one.")
    password_hash = hasher.hash(cmd.password)
    moment = now()
    with uow:
        token = _usable_token(uow, cmd.token, PASSWORD_CHANGE, moment, lock=True)
        user = uow.users.get(token.user_id) if token is not None else None
        # Sent twice at once (the other one won), or another temporary password given meanwhile.
        if user is None or not user.must_change_password or user.password_hash != temporary_hash:
            raise refused
        user.replace_temporary_password(password_hash)
        uow.account_tokens.spend_all(user.id, PASSWORD_CHANGE, moment)
        tokens = _issue(uow, user, issuer, token_policy, moment)
        uow.commit()
        return tokens


# -- signing in through the GAR (domain/gar.py) -------------------------------------------------------

# An assertion id is kept this long after the assertion's end: longer than the clock skew the SAML checks
# accept, so that no assertion can be used again while it would still pass them.
REPLAY_MEMORY_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class GarArrival:
    """A pupil arriving from the GAR: signed in (``tokens``) when their GAR identity is linked to an account,
    else an ``arrival_token`` to link it (rule 4)."""

    identity: GarIdentity
    tokens: IssuedTokens | None = None
    arrival_token: str | None = None


def sign_in_with_gar(assertion: VerifiedAssertion, uow: IdentityUnitOfWork, issuer: AccessTokenIssuer,
                     token_policy: TokenPolicy, arrivals: ArrivalTokens, now: Clock) -> GarArrival:
    """An assertion the SAML adapter checked (and a pupil's: GarIdentity refuses other profiles): used once."""
    moment = now()
    assertion.check_still_valid(moment)
    with uow:
        if not uow.used_assertions.use(assertion.assertion_id, assertion.not_on_or_after + REPLAY_MEMORY_MARGIN):
            raise SamlAssertionReplayed("This answer of the GAR was already used; sign in again from the ENT.")
        uow.used_assertions.prune(moment)
        link = uow.gar_links.get(assertion.identity.ido)
        user = uow.users.get(link.user_id) if link is not None else None
        if user is None:
            uow.commit()  # the assertion is spent all the same
            return GarArrival(assertion.identity, arrival_token=arrivals.issue(assertion.identity, moment))
        tokens = _issue(uow, user, issuer, token_policy, moment)
        uow.commit()
        return GarArrival(assertion.identity, tokens=tokens)


def link_gar(cmd: commands.LinkGar, uow: IdentityUnitOfWork, hasher: PasswordHasher, issuer: AccessTokenIssuer,
             token_policy: TokenPolicy, throttle: LoginThrottle, arrivals: ArrivalTokens, now: Clock,
             recovery: RecoveryPolicy | None = None) -> IssuedTokens:
    """Link an arrival's GAR identity to an existing account, proven by its credentials as at a log-in (the same
    throttle), and sign it in. Linking the same two again only signs in; any other pairing is refused (rule 3).
    A temporary password links nothing: the pupil chooses their own first, as at a log-in."""
    moment = now()
    identity = arrivals.read(cmd.arrival_token, moment)  # before any password is checked
    checked = _check_password(cmd.login, cmd.password, cmd.address, uow, hasher, throttle, moment)
    with uow:
        user = _checked_user(uow, checked)
        _refuse_a_temporary_password(uow, user, recovery, moment)
        link = uow.gar_links.get(identity.ido)
        if link is not None and link.user_id != user.id:
            raise GarAlreadyLinked("This GAR identity already signs in another account.")
        if link is None:
            if uow.gar_links.of_user(user.id) is not None:
                raise AccountAlreadyLinkedToGar("This account is already linked to another GAR identity.")
            uow.gar_links.add(GarLink(ido=identity.ido, user_id=user.id, uai=identity.uai, linked_at=moment))
            user.record_gar_link(identity.uai, moment)
        tokens = _issue(uow, user, issuer, token_policy, moment)
        try:
            uow.commit()
        except UniqueViolation as error:  # linked meanwhile, by another arrival
            raise GarAlreadyLinked("This GAR identity or this account was linked meanwhile.") from error
        return tokens


def create_gar_account(cmd: commands.CreateGarAccount, uow: IdentityUnitOfWork, issuer: AccessTokenIssuer,
                       token_policy: TokenPolicy, arrivals: ArrivalTokens, now: Clock) -> IssuedTokens:
    """An account of the arrival's own, whose sign-in method is the GAR (no email, no password; names from the
    assertion), linked to its GAR identity and signed in (domain/gar.py, rule 5)."""
    moment = now()
    identity = arrivals.read(cmd.arrival_token, moment)
    with uow:
        if uow.gar_links.get(identity.ido) is not None:
            raise GarAlreadyLinked("This GAR identity already signs in an account; sign in again from the ENT.")
        user = User.register_through_gar(id=uuid.uuid4(), first_name=identity.first_name,
                                         last_name=identity.last_name, accepted_terms=cmd.accepted_terms,
                                         locale=cmd.locale, now=moment)
        uow.users.add(user)
        uow.gar_links.add(GarLink(ido=identity.ido, user_id=user.id, uai=identity.uai, linked_at=moment))
        user.record_gar_link(identity.uai, moment)
        tokens = _issue(uow, user, issuer, token_policy, moment)
        try:
            uow.commit()
        except UniqueViolation as error:  # the same arrival created or linked one meanwhile
            raise GarAlreadyLinked("This GAR identity was linked meanwhile.") from error
        return tokens


def refresh_tokens(cmd: commands.RefreshTokens, uow: IdentityUnitOfWork, issuer: AccessTokenIssuer,
                   token_policy: TokenPolicy, now: Clock) -> IssuedTokens:
    moment = now()
    with uow:
        token = uow.refresh_tokens.get_by_hash(hash_token(cmd.refresh_token))
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
        token = uow.refresh_tokens.get_by_hash(hash_token(cmd.refresh_token))
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


# -- getting back into an account, proving an address (domain/recovery.py) ----------------------


def request_password_reset(cmd: commands.RequestPasswordReset, uow: IdentityUnitOfWork, policy: RecoveryPolicy,
                           now: Clock) -> None:
    """The same answer, and the same work, whether the address has an account or not: the request is
    written down and announced; the consumer looks the account up (rules 1 and 2)."""
    moment = now()
    email, client = normalize_email(cmd.email), client_bucket(cmd.address)  # an IPv6 /64 is one client
    with uow:
        wait = reset_requests_wait(uow.mail_requests.recent(PASSWORD_RESET, moment - policy.reset_requests_window,
                                                            address=client), policy, moment)
        if wait:
            raise TooManyResetRequests(wait)
        uow.mail_requests.add(MailRequest.password_reset(id=uuid.uuid4(), email=email, address=client,
                                                         face=cmd.face, locale=cmd.locale, now=moment))
        uow.mail_requests.prune(moment - policy.memory)
        uow.commit()


def _usable_token(uow: IdentityUnitOfWork, token: str, purpose: str, moment: datetime, *,
                  lock: bool = False) -> AccountToken | None:
    found = uow.account_tokens.get_by_hash(hash_token(token), lock=lock)
    return found if found is not None and found.purpose == purpose and found.is_usable(moment) else None


def reset_password(cmd: commands.ResetPassword, uow: IdentityUnitOfWork, hasher: PasswordHasher, now: Clock) -> None:
    """A new password from a reset link (rule 4); the new hash is made with no transaction open."""
    with uow:
        token = _usable_token(uow, cmd.token, PASSWORD_RESET, now())
        user = uow.users.get(token.user_id) if token is not None else None
        if user is None or user.email != token.email:
            raise InvalidResetLink("This link is not valid any more; ask for a new one.")
        email, first_name, last_name = user.email, user.first_name, user.last_name
    check_password(cmd.password, email=email, first_name=first_name, last_name=last_name)
    password_hash = hasher.hash(cmd.password)
    moment = now()
    with uow:
        token = _usable_token(uow, cmd.token, PASSWORD_RESET, moment, lock=True)
        if token is None:  # followed twice at once: the other one won
            raise InvalidResetLink("This link is not valid any more; ask for a new one.")
        user = uow.users.get(token.user_id)
        user.reset_password(password_hash, moment)
        uow.account_tokens.spend_all(user.id, PASSWORD_RESET, moment)
        uow.refresh_tokens.revoke_all(user.id, moment)
        uow.login_failures.forget(user.email)
        uow.commit()


def request_email_verification(cmd: commands.RequestEmailVerification, uow: IdentityUnitOfWork,
                               policy: RecoveryPolicy, now: Clock) -> None:
    moment = now()
    with uow:
        user = uow.users.get(cmd.user_id)
        if user is None:
            raise UserNotFound("This account no longer exists.")
        if user.email is None:
            raise NoEmailAddress("This account has no email address: a pupil's username or GAR account.")
        if user.email_verified:
            raise EmailAlreadyVerified("This account's email address is already verified.")
        mailed = uow.mail_requests.recent(EMAIL_VERIFICATION, moment - timedelta(hours=1), email=user.email)
        wait = verification_mail_wait(mailed, policy, moment)
        if wait:
            raise TooManyVerificationMails(wait)
        uow.mail_requests.add(MailRequest.email_verification(id=uuid.uuid4(), user_id=user.id, email=user.email,
                                                             locale=user.locale, face=cmd.face,
                                                             address=client_bucket(cmd.address), now=moment))
        uow.commit()


def verify_email(cmd: commands.VerifyEmail, uow: IdentityUnitOfWork, now: Clock) -> str:
    """Follow a verification link (rule 7); returns the address verified."""
    moment = now()
    with uow:
        token = uow.account_tokens.get_by_hash(hash_token(cmd.token), lock=True)
        user = uow.users.get(token.user_id) if token is not None and token.purpose == EMAIL_VERIFICATION else None
        if user is None or user.email != token.email:
            raise InvalidVerificationLink("This link is not valid any more; ask for a new one.")
        if user.email_verified:
            return user.email  # followed again: nothing to do
        if not token.is_usable(moment):
            raise InvalidVerificationLink("This link is not valid any more; ask for a new one.")
        user.verify_email(moment)
        token.spend(moment)
        uow.commit()
        return user.email


def mark_email_verified(cmd: commands.MarkEmailVerified, uow: IdentityUnitOfWork, now: Clock) -> None:
    with uow:
        user = uow.users.get_by_email(normalize_email(cmd.email))
        if user is None:
            raise UserNotFound("No account has this email address.")
        user.verify_email(now())
        uow.commit()


def on_account_mail_requested(data: dict[str, Any], envelope: Envelope, uow: IdentityUnitOfWork, *,
                              mailer: Mailer, links: AccountLinks, policy: RecoveryPolicy, now: Clock) -> None:
    """Make the link and mail it. Sent before the inbox row commits: a crash in between sends a second
    mail (whose link works) and leaves the first link unknown; never zero mails."""
    moment = now()
    if envelope.event_type == "identity.password_reset.requested.v1":
        user = uow.users.get_by_email(data["email"])
        request = uow.mail_requests.get(data["request_id"])
        if user is None or request is None:
            return  # no account has this address: nothing is mailed, and the requester was told nothing
        lately = uow.mail_requests.recent(PASSWORD_RESET, moment - policy.reset_mails_window, email=user.email)
        if not request.mail_reset_to(user.id, lately.mailed, policy):
            return
        purpose, locale = PASSWORD_RESET, data.get("locale") or user.locale
    else:
        user = uow.users.get(data["user_id"])
        if user is None or user.email is None or user.email_verified:
            return  # no such account any more, or nothing left to verify
        purpose, locale = EMAIL_VERIFICATION, data["locale"]
    token = secrets.token_urlsafe(32)
    uow.account_tokens.add(AccountToken.mailed(id=uuid.uuid4(), user_id=user.id, purpose=purpose, email=user.email,
                                               token_hash=hash_token(token), policy=policy, now=moment))
    if purpose == PASSWORD_RESET:
        mail = password_reset_mail(to=user.email, first_name=user.first_name, locale=locale,
                                   link=links.password_reset(data["face"], token))
    else:
        mail = verification_mail(to=user.email, first_name=user.first_name, locale=locale,
                                 link=links.email_verification(data["face"], token))
    mailer.send(mail)
