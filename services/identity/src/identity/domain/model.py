"""The account aggregate."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from identity.domain.events import EmailVerified, GarLinked, OrgaTermsAccepted, RoleGranted, UserRegistered
from identity.domain.exceptions import (
    InvalidEmail,
    InvalidName,
    NoEmailAddress,
    TermsNotAccepted,
    UnknownRole,
    WeakPassword,
)
from identity.domain.passwords import password_violations

SUPER_ADMIN = "SUPER_ADMIN"  # platform admin: creates organizations, loads content
ROLES = frozenset({SUPER_ADMIN})
LOCALES = ("fr", "en")

# How an account signs in (several at once: an email account may be linked to the GAR too).
EMAIL, USERNAME, GAR = "EMAIL", "USERNAME", "GAR"

# Deliberately loose (the address is proven by the mails it receives, not by a regex):
# one @, no spaces, a dot in the domain.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
NAME_MAX = 255


def normalize_email(email: str) -> str:
    normalized = unicodedata.normalize("NFC", email.strip()).lower()
    if len(normalized) > 254 or not _EMAIL.match(normalized):
        raise InvalidEmail(f"{email!r} is not a valid email address.")
    return normalized


def clean_name(value: str, field_name: str) -> str:
    cleaned = " ".join(unicodedata.normalize("NFC", value).split())
    if not cleaned:
        raise InvalidName(f"The {field_name} is required.")
    if len(cleaned) > NAME_MAX:
        raise InvalidName(f"The {field_name} has more than {NAME_MAX} characters.")
    return cleaned


def check_password(password: str, *, email: str | None, first_name: str, last_name: str) -> None:
    broken = password_violations(password, email=email or "", first_name=first_name, last_name=last_name)
    if broken:
        raise WeakPassword(broken)


@dataclass(eq=False)
class User:
    id: UUID
    email: str | None  # None: a pupil without an email address (a username, or the GAR only)
    first_name: str
    last_name: str
    password_hash: str | None  # None: an account whose only sign-in method is the GAR
    locale: str
    terms_accepted_at: datetime
    created_at: datetime
    roles: list[str] = field(default_factory=list)
    orga_terms_accepted_at: datetime | None = None
    email_verified_at: datetime | None = None  # the address was proven (a link mailed to it was followed)
    username: str | None = None  # domain/usernames.py
    must_change_password: bool = False  # a temporary password (domain/temporary_passwords.py)
    version: int = 1
    events: list[Any] = field(default_factory=list, repr=False)

    @classmethod
    def register(cls, *, id: UUID, email: str, first_name: str, last_name: str, password_hash: str,
                 accepted_terms: bool, locale: str, now: datetime) -> User:
        """A new account; the password was checked against the policy and hashed by the caller."""
        return cls._new(id=id, email=normalize_email(email), username=None, first_name=first_name,
                        last_name=last_name, password_hash=password_hash, accepted_terms=accepted_terms,
                        locale=locale, now=now)

    @classmethod
    def register_with_username(cls, *, id: UUID, username: str, first_name: str, last_name: str,
                               password_hash: str, accepted_terms: bool, locale: str, now: datetime) -> User:
        """A pupil without an email address: a username made unique by the caller (domain/usernames.py)."""
        return cls._new(id=id, email=None, username=username, first_name=first_name, last_name=last_name,
                        password_hash=password_hash, accepted_terms=accepted_terms, locale=locale, now=now)

    @classmethod
    def register_through_gar(cls, *, id: UUID, first_name: str, last_name: str, accepted_terms: bool,
                             locale: str, now: datetime) -> User:
        """A pupil arriving from the GAR: no email, no password; the caller links the GAR identity."""
        return cls._new(id=id, email=None, username=None, first_name=first_name, last_name=last_name,
                        password_hash=None, accepted_terms=accepted_terms, locale=locale, now=now)

    @classmethod
    def _new(cls, *, id: UUID, email: str | None, username: str | None, first_name: str, last_name: str,
             password_hash: str | None, accepted_terms: bool, locale: str, now: datetime) -> User:
        if not accepted_terms:
            raise TermsNotAccepted("The terms of use must be accepted.")
        user = cls(
            id=id,
            email=email,
            username=username,
            first_name=clean_name(first_name, "first name"),
            last_name=clean_name(last_name, "last name"),
            password_hash=password_hash,
            locale=locale if locale in LOCALES else LOCALES[0],
            terms_accepted_at=now,
            created_at=now,
        )
        user.events.append(UserRegistered(user.id, user.email, user.first_name, user.last_name, user.locale, now, 1,
                                          user.username))
        return user

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    @property
    def has_accepted_orga_terms(self) -> bool:
        return self.orga_terms_accepted_at is not None

    def accept_orga_terms(self, now: datetime) -> None:
        if self.has_accepted_orga_terms:
            return  # accepting again changes nothing and announces nothing
        self.orga_terms_accepted_at = now
        self.version += 1
        self.events.append(OrgaTermsAccepted(self.id, now, self.version))

    def record_gar_link(self, uai: str, now: datetime) -> None:
        """A GAR identity now signs this account in (the link itself is a GarLink): announced, so that a school sees
        how its pupils sign in and a pupil finding themself in a list is told which account is theirs."""
        self.version += 1
        self.events.append(GarLinked(self.id, uai, now, self.version))

    def grant_role(self, role: str) -> None:
        if role not in ROLES:
            raise UnknownRole(f"{role} is not a platform role.")
        if role in self.roles:
            return
        self.roles = sorted({*self.roles, role})
        self.version += 1
        self.events.append(RoleGranted(self.id, role, self.version))

    def change_password_hash(self, password_hash: str) -> None:
        """After a login found the hash made with outdated parameters (no event: nothing others need)."""
        self.password_hash = password_hash

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def verify_email(self, now: datetime) -> None:
        """The account's address is proven; announced once (organizations grants memberships on it)."""
        if self.email is None:
            raise NoEmailAddress("This account has no email address to verify.")
        if self.email_verified:
            return
        self.email_verified_at = now
        self.version += 1
        self.events.append(EmailVerified(self.id, self.email, now, self.version))

    def reset_password(self, password_hash: str, now: datetime) -> None:
        """A new password set from a link mailed to the account's address, which that proves too."""
        self.password_hash = password_hash
        self.must_change_password = False
        self.verify_email(now)

    def give_temporary_password(self, password_hash: str) -> None:
        """An organization's admin gave one (domain/temporary_passwords.py): to change at the next log-in."""
        self.password_hash = password_hash
        self.must_change_password = True

    def replace_temporary_password(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.must_change_password = False
