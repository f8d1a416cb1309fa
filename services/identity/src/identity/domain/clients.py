"""Applications that call the platform as themselves: OAuth 2 clients (client credentials, RFC 6749 section 4.4).

The school report's applications (LSU for collèges, LSL for lycées) read a school's certification results by its
UAI. They act for no person: each is a client of identity, registered by a platform admin (or by ops with
``identity create-client``), with

- a ``client_id`` and a secret drawn by identity (256 bits), the secret shown once at creation and kept only as
  an HMAC-SHA256 under a key of identity's (adapters/client_secrets.py says why not argon2);
- its scopes, from the list below (a client asks for some or all of them at each token);
- its academy (``ac-lyon``) and the rule that tells the academy's schools: UAI prefixes. A UAI opens with the
  department's number (``069`` Rhône, ``0691234A``), and an academy is a set of departments (Lyon: Ain ``001``,
  Loire ``042``, Rhône ``069``): the prefixes say it without a national table, and a longer prefix, up to a
  whole UAI, narrows a client to some schools. The token carries them; certification reads only a UAI they
  open (its rule, not identity's);
- enabled until a platform admin disables it: a disabled client gets no token (a token issued before lives its
  15 minutes: tokens are checked locally, nobody asks identity).

Its token is a JWT like a person's, signed by the same keys, but of its own kind (``token_use: client``,
``sub`` and ``client_id`` the client, ``scope``, ``academy``, ``uai_prefixes``; no roles, no email):
svckit refuses it on every route of a person and a person's on every route of a client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from identity.domain.exceptions import IdentityError

CERTIFICATION_RESULTS = "certification-results"
# Each scope a client may hold, and what it opens.
SCOPES = {
    CERTIFICATION_RESULTS: "read the published certification results of the academy's schools, by UAI (the school "
                           "report: LSU and LSL)",
}
ACADEMY = re.compile(r"ac-[a-z][a-z0-9-]{1,38}")
UAI_PREFIX = re.compile(r"[0-9]{1,7}|[0-9]{7}[A-Z]")  # a department's number, up to a whole UAI
MAX_PREFIXES = 50
NAME_LENGTH = 100


class InvalidClient(IdentityError):
    """A client's registration breaks a rule (400, the common shape)."""

    def __init__(self, message: str, field_name: str) -> None:
        super().__init__(message)
        self.details = {"fields": {field_name: [message]}}


class ClientNotFound(IdentityError):
    pass


class OAuthError(IdentityError):
    """A refusal of the token endpoint, in RFC 6749's shape (section 5.2): ``{"error", "error_description"}``."""

    status = 400
    error = "invalid_request"

    def __init__(self, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.description, self.retry_after = description, retry_after


class InvalidRequest(OAuthError):
    pass


class ClientAuthenticationFailed(OAuthError):
    """Unknown client, wrong secret, a disabled client: the same answer, so none tells the others apart."""

    status, error = 401, "invalid_client"


class ClientAuthenticationThrottled(OAuthError):
    status, error = 429, "invalid_client"


class UnsupportedGrantType(OAuthError):
    error = "unsupported_grant_type"


class InvalidScope(OAuthError):
    error = "invalid_scope"


def _scopes(scopes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InvalidClient(f"Scopes are among: {', '.join(SCOPES)}" + (f" (not {', '.join(unknown)})"
                                                                        if unknown else ""), "scopes")
    return tuple(sorted(set(scopes)))


def _prefixes(prefixes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    cleaned = sorted({prefix.strip().upper() for prefix in prefixes})
    if not cleaned or len(cleaned) > MAX_PREFIXES or not all(UAI_PREFIX.fullmatch(p) for p in cleaned):
        raise InvalidClient(f"1 to {MAX_PREFIXES} UAI prefixes: each the first digits of a UAI (a department's "
                            "number, 069), up to a whole UAI (0691234A).", "uai_prefixes")
    return tuple(cleaned)


@dataclass
class OAuthClient:
    client_id: str
    name: str
    secret_hash: str
    scopes: tuple[str, ...]
    academy: str
    uai_prefixes: tuple[str, ...]
    created_by: str  # a platform admin's account id, or "cli:<who ran it>"
    created_at: datetime
    disabled_at: datetime | None = None
    disabled_by: str | None = None

    @classmethod
    def register(cls, client_id: str, name: str, secret_hash: str, scopes: list[str], academy: str,
                 uai_prefixes: list[str], *, created_by: str, now: datetime) -> OAuthClient:
        name = " ".join(name.split())
        if not name or len(name) > NAME_LENGTH:
            raise InvalidClient(f"A name of 1 to {NAME_LENGTH} characters says whose application it is.", "name")
        academy = academy.strip().lower()
        if not ACADEMY.fullmatch(academy):
            raise InvalidClient("An academy's code: ac- and its name in lower case (ac-lyon).", "academy")
        return cls(client_id, name, secret_hash, _scopes(scopes), academy, _prefixes(uai_prefixes), created_by,
                   now)

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None

    def disable(self, by: str, now: datetime) -> None:
        """Disabling again changes nothing (the first admin and moment stay)."""
        if self.enabled:
            self.disabled_at, self.disabled_by = now, by

    def granted(self, requested: str | None) -> tuple[str, ...]:
        """The scopes of a token: those asked (RFC 6749 3.3, space-separated), all the client's when none is."""
        if requested is None or not requested.strip():
            return self.scopes
        asked = set(requested.split())
        if not asked <= set(self.scopes):
            raise InvalidScope(f"This client may ask for: {' '.join(self.scopes)}.")
        return tuple(sorted(asked))


@dataclass(frozen=True)
class ClientAuthThrottle:
    """Failed client authentications, counted per address (an IPv4 address, an IPv6 /64): from the 10th within
    15 minutes the address waits until the oldest of them is 15 minutes old, and no secret is checked meanwhile.

    A secret of 256 bits is not guessed, whatever the pace: the throttle keeps a misconfigured or hostile caller
    from spending identity's database and CPU, and makes a burst of failures visible (one row each). It is per
    address, not per client id: a guesser names any client id, and an application with its right secret is
    never held back by someone else's failures from elsewhere. 10 in 15 minutes leaves an application with a
    mistyped secret room to be fixed; the gateway counts the token endpoint with log-ins in front of it.
    """

    failures: int = 10
    period: timedelta = timedelta(minutes=15)

    def wait(self, recent_failures: list[datetime], now: datetime) -> timedelta | None:
        """How long the address waits, given its failures (any order), or None."""
        within = sorted(moment for moment in recent_failures if moment > now - self.period)
        if len(within) < self.failures:
            return None
        return within[-self.failures] + self.period - now


@dataclass
class IssuedClientToken:
    access_token: str
    expires_in: int
    scopes: tuple[str, ...] = field(default_factory=tuple)


# -- commands ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegisterClient:
    name: str
    scopes: list[str]
    academy: str
    uai_prefixes: list[str]
    created_by: str


@dataclass(frozen=True)
class DisableClient:
    client_id: str
    disabled_by: str


@dataclass(frozen=True)
class RequestClientToken:
    """What the token endpoint received: the grant, the scope asked, the client's credentials and the address."""

    grant_type: str | None
    scope: str | None
    client_id: str | None
    client_secret: str | None
    address: str
