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
