"""What a caller asks identity to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID


@dataclass(frozen=True)
class RegisterUser:
    first_name: str
    last_name: str
    email: str
    password: str
    accepted_terms: bool
    locale: str = "fr"
    face: str = "learner"  # where the verification mail's link leads (domain/recovery.py)


@dataclass(frozen=True)
class RegisterPupilWithUsername:
    """A pupil without an email address: the username is made of the names and the birth date
    (domain/usernames.py), which is not kept."""

    first_name: str
    last_name: str
    birthdate: date
    password: str
    accepted_terms: bool
    locale: str = "fr"


@dataclass(frozen=True)
class LogIn:
    login: str  # an email, or a username (domain/usernames.py, rule 3)
    password: str
    address: str


@dataclass(frozen=True)
class RefreshTokens:
    refresh_token: str


@dataclass(frozen=True)
class RevokeRefreshToken:
    refresh_token: str


@dataclass(frozen=True)
class AcceptOrgaTerms:
    user_id: UUID


@dataclass(frozen=True)
class CreatePlatformAdmin:
    email: str
    first_name: str
    last_name: str
    password: str


@dataclass(frozen=True)
class RequestPasswordReset:
    email: str
    address: str
    face: str = "learner"
    locale: str | None = None  # the mail's language; the account's when not given


@dataclass(frozen=True)
class ResetPassword:
    token: str
    password: str


@dataclass(frozen=True)
class RequestEmailVerification:
    user_id: UUID
    address: str
    face: str = "learner"


@dataclass(frozen=True)
class VerifyEmail:
    token: str


@dataclass(frozen=True)
class MarkEmailVerified:
    """An operator's (or the demo data's) word that an address is the account holder's."""

    email: str


@dataclass(frozen=True)
class LinkGar:
    """Link the GAR identity of an arrival token to the account with these credentials (domain/gar.py, rule 4)."""

    arrival_token: str
    login: str  # an email or a username, as at a log-in
    password: str
    address: str


@dataclass(frozen=True)
class CreateGarAccount:
    """An account whose sign-in method is the GAR, for the GAR identity of an arrival token (domain/gar.py, rule 5)."""

    arrival_token: str
    accepted_terms: bool
    locale: str = "fr"


@dataclass(frozen=True)
class GiveTemporaryPassword:
    """An organization's admin gives the account linked to a learner a temporary password
    (domain/temporary_passwords.py)."""

    organization_id: UUID
    learner_id: UUID
    given_by: UUID


@dataclass(frozen=True)
class ChangeTemporaryPassword:
    """The new password of an account that logged in with a temporary one, with the token that log-in answered."""

    token: str
    password: str
