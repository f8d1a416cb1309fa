"""Signing in through the GAR, the national manager of access to digital resources (issue 19).

Schools hand out no passwords: a pupil reaches the platform from their school's digital workspace (ENT), and
the GAR signs them in with SAML 2.0; identity is the service provider (adapters/saml.py checks the response:
signature, audience, recipient, validity window). What the GAR asserts about a person, in its own short names:

- ``IDO``: the person's opaque id at the GAR, the same for life, from school to school: an account is linked
  to it once (``GarLink``), and each later arrival with it signs that account in at once;
- ``PRE`` and ``NOM``: first and last names; ``UAI``: the school's national code;
- ``PRO``: the profile. Only pupils (``National_elv``) sign in this way: teachers and every other profile use
  their own accounts (Orga), and are refused with ``GAR_PROFILE_NOT_ALLOWED``.

Rules:

1. Only a pupil's assertion is read further; a refusal creates nothing.
2. Each assertion is used once: its id is kept until it expires (``UsedAssertion``), and an id seen again is
   refused (``SAML_ASSERTION_REPLAYED``), as is one already past its end (``SAML_ASSERTION_EXPIRED``).
3. An ``IDO`` is linked to at most one account, and an account to at most one ``IDO``: linking either again
   is refused (``GAR_ALREADY_LINKED``, ``ACCOUNT_ALREADY_LINKED_TO_GAR``).
4. An arrival with an ``IDO`` not yet linked is answered with a short-lived arrival token (10 minutes) that
   carries what the GAR said; with it and an existing account's credentials, the pupil links the GAR to that
   account (an email or a username, and its password);
5. or creates, with it, an account of their own with no email and no password, whose only sign-in method is
   the GAR (names from the assertion), linked to the ``IDO`` at once; the campaign's matching step then finds
   the pupil in the school's list, as for any account.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from identity.domain.exceptions import (
    GarProfileNotAllowed,
    IncompleteAssertion,
    SamlAssertionExpired,
)

PUPIL = "National_elv"
_UAI = re.compile(r"^[0-9]{7}[A-Z]$")
_IDO = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass(frozen=True)
class GarIdentity:
    """Who the GAR says arrives."""

    ido: str
    first_name: str
    last_name: str
    uai: str
    profile: str

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, Sequence[str]]) -> GarIdentity:
        def one(name: str) -> str:
            values = [value.strip() for value in attributes.get(name) or () if value and value.strip()]
            if not values:
                raise IncompleteAssertion(f"The GAR's assertion has no {name}.")
            return values[0]

        profile = one("PRO")
        if profile != PUPIL:  # rule 1, before anything else is read
            raise GarProfileNotAllowed("Only pupils sign in through the GAR: teachers and staff use their own "
                                       "account, with their email address and password.")
        ido, uai = one("IDO"), one("UAI").upper()
        if not _IDO.match(ido):
            raise IncompleteAssertion("The GAR's assertion has an IDO of an unexpected form.")
        if not _UAI.match(uai):
            raise IncompleteAssertion("The GAR's assertion has a UAI of an unexpected form.")
        return cls(ido=ido, first_name=one("PRE")[:255], last_name=one("NOM")[:255], uai=uai, profile=profile)

    def as_claims(self) -> dict[str, str]:
        return {"ido": self.ido, "first_name": self.first_name, "last_name": self.last_name, "uai": self.uai,
                "profile": self.profile}

    @classmethod
    def from_claims(cls, claims: Mapping[str, str]) -> GarIdentity:
        return cls(**{name: str(claims[name]) for name in ("ido", "first_name", "last_name", "uai", "profile")})


@dataclass(frozen=True)
class VerifiedAssertion:
    """An assertion whose signature, issuer, audience, recipient and validity window the SAML adapter checked."""

    assertion_id: str
    not_on_or_after: datetime
    identity: GarIdentity

    def check_still_valid(self, now: datetime) -> None:  # rule 2: our own clock too, not only the library's
        if now >= self.not_on_or_after:
            raise SamlAssertionExpired("The GAR's assertion has expired; sign in again from the ENT.")


@dataclass
class UsedAssertion:
    """An assertion id already used, kept until the assertion expires (rule 2)."""

    assertion_id: str
    expires_at: datetime


@dataclass
class GarLink:
    """The account a GAR identity signs in (rule 3)."""

    ido: str
    user_id: UUID
    uai: str  # the school it was linked from
    linked_at: datetime
