"""What a caller asks identity to do."""

from __future__ import annotations

from dataclasses import dataclass
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
class LogIn:
    email: str
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
    email: str
    password: str
    address: str
