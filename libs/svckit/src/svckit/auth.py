"""Local verification of access tokens: every service checks the JWT itself.

Access tokens are JWTs signed RS256 by identity, with a ``kid`` naming the key; the public
keys are served as a JWKS (``/.well-known/jwks.json``) and cached here, refreshed when an
unknown ``kid`` shows up (key rotation). Only RS256 is accepted: ``alg: none`` and HMAC
tokens (the classic key-confusion attack) are refused before any key is looked up.

**Verified tokens are remembered** (issue 18): a client sends the same token with every request for its
lifetime, and its RSA check and PyJWT's parsing were a tenth of an answer's CPU. A verifier keeps, per
process, up to ``cache_size`` tokens it verified (least recently used dropped first; the token's text is the
key, so a token that differs by one byte is verified in full), each until its ``exp``. A token found there
still has, on every request: its expiry (``exp`` with the leeway, then dropped), ``nbf``/``iat`` against
the clock, and **its key asked again** of the key source (``key_for(kid)``, a dictionary look-up in the
JWKS client's cache) and compared with the key that verified it: a key withdrawn from the JWKS (rotation,
revocation) stops a remembered token exactly when it would stop a new one. Issuer, audience, algorithm and
``token_use`` are the verifier's own, fixed: checked once, at the full verification. A token that fails is
never remembered.

**Two kinds of token, never mistaken for each other** (issue 19). identity signs a person's access token
(``token_use: access``, ``sub`` the account, ``roles``) and a client's (``token_use: client``: OAuth 2 client
credentials, ``sub`` and ``client_id`` the client, its ``scope``, no roles, no person). Both verify here
(the gateway counts a client's requests per client like an account's), but a route reaches only its own
kind: ``authenticate``, ``auth_required``, ``role_required`` and ``current_principal`` (every user route)
refuse a client's token as they refused it before clients existed (401 ``INVALID_TOKEN``), and
``scope_required`` (the client routes) refuses a person's (403 ``CLIENT_TOKEN_REQUIRED``) and a client
without the scope (403 ``INSUFFICIENT_SCOPE``, RFC 6750).

**A third kind that is no access token**: a GAR arrival (``token_use: gar_arrival``, ``sub`` ``gar:`` and the
pupil's opaque GAR id, the names and school UAI the GAR sent), which identity signs with the same keys so that
organizations can check it when the pupil looks for themself in the school's list before any account exists.
``verify`` (every route, the gateway's filter) refuses it as not an access token; only ``verify_arrival``
reads it, and never remembers it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Protocol

import jwt
from cachetools import LRUCache
from flask import current_app, g, request
from flask_smorest import Blueprint

from svckit.errors import ApiError

ALGORITHM = "RS256"
BEARER = {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
PERSON, CLIENT = "access", "client"  # the token_use of a person's token and of an OAuth 2 client's
# A pupil the GAR signed in whose GAR identity no account holds yet (identity's arrival token): what the GAR said
# of them, for the few minutes of finding themself in their school's list. Never an access token.
GAR_ARRIVAL = "gar_arrival"


@dataclass(frozen=True)
class Principal:
    user_id: str
    roles: frozenset[str]
    claims: dict[str, Any]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_client(self) -> bool:
        """An OAuth 2 client (client credentials), never a person: ``user_id`` is then the client's id."""
        return self.claims.get("token_use") == CLIENT

    @property
    def scopes(self) -> frozenset[str]:
        scope = self.claims.get("scope")
        return frozenset(scope.split()) if self.is_client and isinstance(scope, str) else frozenset()

    @property
    def expires_at(self) -> float | None:
        """The token's expiry (seconds since the epoch), when it says one: a live stream never outlives it."""
        exp = self.claims.get("exp")
        return float(exp) if isinstance(exp, (int, float)) else None


class TokenRejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class KeyUnavailable(Exception):
    """The keys cannot be fetched: a dependency is down, not a bad token."""


class KeySource(Protocol):
    def key_for(self, kid: str) -> Any: ...


class JwksKeySource:
    """Public keys from identity's JWKS URL, cached for five minutes."""

    def __init__(self, url: str, timeout: float = 3.0) -> None:
        self._client = jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=timeout)

    def key_for(self, kid: str) -> Any:
        try:
            return self._client.get_signing_key(kid).key
        except jwt.PyJWKClientConnectionError as error:
            raise KeyUnavailable(str(error)) from error
        except jwt.PyJWKClientError as error:
            raise TokenRejected("INVALID_TOKEN", "The token is signed with an unknown key.") from error


@dataclass(frozen=True)
class _Verified:
    kid: str
    key: Any
    principal: Principal
    expires: float  # exp
    not_before: float  # the latest of nbf and iat


DEFAULT_VERIFIED_CACHE_SIZE = 4096  # about 4 MB a process with tokens of ~1 KB


class TokenVerifier:
    def __init__(self, keys: KeySource, issuer: str, audience: str, leeway: int = 10, *,
                 cache_size: int = DEFAULT_VERIFIED_CACHE_SIZE, clock: Callable[[], float] = time.time) -> None:
        self.keys, self.issuer, self.audience, self.leeway = keys, issuer, audience, leeway
        self.cache_size, self.clock = cache_size, clock
        self._verified: LRUCache[str, _Verified] = LRUCache(max(cache_size, 1))
        self._lock = threading.Lock()

    def verify(self, token: str) -> Principal:
        """The token's principal; a token verified before is checked again for its time and its key only."""
        with self._lock:
            known = self._verified.get(token)  # and made the most recently used
        if known is None:
            return self._verify_in_full(token, (PERSON, CLIENT))
        now = self.clock()
        if now >= known.expires + self.leeway:
            self._forget(token)
            raise TokenRejected("TOKEN_EXPIRED", "The token has expired.")
        if known.not_before > now + self.leeway:  # only a clock set back can bring this
            self._forget(token)
            return self._verify_in_full(token, (PERSON, CLIENT))
        key = self.keys.key_for(known.kid)  # raises as for a new token when the key is gone or unreachable
        if key is not known.key and key != known.key:
            self._forget(token)
            return self._verify_in_full(token, (PERSON, CLIENT))
        return known.principal

    def verify_arrival(self, token: str) -> dict[str, Any]:
        """A GAR arrival's claims (identity's signature, issuer, audience, expiry checked); never remembered."""
        return self._verify_in_full(token, (GAR_ARRIVAL,), remember=False).claims

    def _forget(self, token: str) -> None:
        with self._lock:
            self._verified.pop(token, None)

    def _remember(self, token: str, verified: _Verified) -> None:
        if self.cache_size <= 0:
            return
        with self._lock:
            self._verified[token] = verified  # the least recently used dropped past cache_size

    def _verify_in_full(self, token: str, kinds: tuple[str, ...], *, remember: bool = True) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise TokenRejected("INVALID_TOKEN", "The token is malformed.") from error
        if header.get("alg") != ALGORITHM:
            raise TokenRejected("INVALID_TOKEN", "The token's algorithm is not accepted.")
        kid = header.get("kid")
        if not kid or not isinstance(kid, str):
            raise TokenRejected("INVALID_TOKEN", "The token names no key.")
        key = self.keys.key_for(kid)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenRejected("TOKEN_EXPIRED", "The token has expired.") from error
        except jwt.InvalidTokenError as error:
            raise TokenRejected("INVALID_TOKEN", "The token is invalid.") from error
        kind = claims.get("token_use")
        if kind not in kinds:
            raise TokenRejected("INVALID_TOKEN", "This is not an access token." if GAR_ARRIVAL not in kinds
                                else "This is not an arrival from the GAR.")
        if kind == CLIENT and (claims.get("client_id") != claims["sub"] or "roles" in claims):
            raise TokenRejected("INVALID_TOKEN", "This client token is malformed.")
        if kind == PERSON and "client_id" in claims:
            raise TokenRejected("INVALID_TOKEN", "This access token is malformed.")
        principal = Principal(user_id=str(claims["sub"]), roles=frozenset(claims.get("roles", []) if kind == PERSON
                                                                          else ()), claims=claims)
        try:
            expires = float(claims["exp"])
            not_before = max(float(claims.get("nbf", 0)), float(claims["iat"]))
        except (TypeError, ValueError):  # PyJWT checked them as numbers: kept for safety, never remembered
            return principal
        if remember:
            self._remember(token, _Verified(kid, key, principal, expires, not_before))
        return principal


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def verify_bearer() -> Principal:
    """The request's token verified, a person's or a client's (the gateway's first filter), or a 401 in the
    common shape. Routes use ``authenticate`` (a person) or ``scope_required`` (a client)."""
    if "principal" in g:
        return g.principal
    token = bearer_token()
    challenge = {"WWW-Authenticate": 'Bearer realm="api"'}
    if token is None:
        raise ApiError(401, "MISSING_TOKEN", "Authentication is required.", headers=challenge)
    verifier: TokenVerifier = current_app.extensions["token_verifier"]
    try:
        g.principal = verifier.verify(token)
    except TokenRejected as error:
        raise ApiError(401, error.code, str(error), headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from error
    except KeyUnavailable as error:
        raise ApiError(503, "AUTH_KEYS_UNAVAILABLE", "Tokens cannot be checked right now; try again shortly.") from error
    return g.principal


def authenticate() -> Principal:
    """The request's person, or a 401 in the common shape: a client's token is refused as it always was."""
    principal = verify_bearer()
    if principal.is_client:
        raise ApiError(401, "INVALID_TOKEN", "This token is an application's (client credentials): it does not act "
                       "for a person.", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return principal


def authenticate_client(scope: str) -> Principal:
    """The request's OAuth 2 client holding ``scope``: 401 without a valid token, 403 for a person's token or a
    client without the scope (RFC 6750's ``insufficient_scope``)."""
    principal = verify_bearer()
    if not principal.is_client:
        raise ApiError(403, "CLIENT_TOKEN_REQUIRED", "This route serves applications authenticated as clients "
                       "(OAuth 2 client credentials), not people.")
    if scope not in principal.scopes:
        raise ApiError(403, "INSUFFICIENT_SCOPE", f"This client's token lacks the scope {scope}.",
                       headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
                       details={"scope": scope})
    return principal


def current_principal() -> Principal:
    return authenticate()


def current_client() -> Principal:
    """The request's OAuth 2 client, on a route that ``scope_required`` guards (it checked the scope)."""
    principal = verify_bearer()
    if not principal.is_client:
        raise ApiError(403, "CLIENT_TOKEN_REQUIRED", "This route serves applications, not people.")
    return principal


def auth_required(view: Callable) -> Callable:
    """Refuse the request unless it carries a valid access token; documented in OpenAPI."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        authenticate()
        return view(*args, **kwargs)

    return Blueprint.doc(security=[{"bearerAuth": []}])(wrapper)


def role_required(role: str) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not authenticate().has_role(role):
                raise ApiError(403, "FORBIDDEN", f"This action needs the {role} role.")
            return view(*args, **kwargs)

        return Blueprint.doc(security=[{"bearerAuth": []}])(wrapper)

    return decorator


def scope_required(scope: str) -> Callable[[Callable], Callable]:
    """Only an OAuth 2 client's token with ``scope`` (``authenticate_client``); documented in OpenAPI."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            authenticate_client(scope)
            return view(*args, **kwargs)

        return Blueprint.doc(security=[{"bearerAuth": []}])(wrapper)

    return decorator


def verify_gar_arrival(token: str) -> dict[str, Any]:
    """The claims of identity's GAR arrival token sent in a request's body, or the 400 identity gives a spoilt or
    expired arrival (the token is a field of the body, not the request's authentication)."""
    verifier: TokenVerifier = current_app.extensions["token_verifier"]
    try:
        return verifier.verify_arrival(token)
    except TokenRejected as error:
        raise ApiError(400, "GAR_ARRIVAL_INVALID", "This arrival from the GAR is not valid any more; sign in again "
                       "from the ENT.") from error
    except KeyUnavailable as error:
        raise ApiError(503, "AUTH_KEYS_UNAVAILABLE", "Tokens cannot be checked right now; try again shortly.") from error
