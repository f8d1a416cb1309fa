"""Short-lived access tokens: JWT, RS256, ``kid`` in the header."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import jwt

from identity.adapters.keys import ALGORITHM, SigningKeyStore
from identity.domain.clients import OAuthClient
from identity.domain.model import User
from identity.service_layer.ports import AccessTokenIssuer, ClientTokenIssuer
from svckit.auth import CLIENT


class JwtAccessTokenIssuer(AccessTokenIssuer):
    def __init__(self, keys: SigningKeyStore, *, issuer: str, audience: str, ttl_seconds: int) -> None:
        self.keys, self.issuer, self.audience, self.ttl = keys, issuer, audience, ttl_seconds

    def issue(self, user: User, now: datetime) -> str:
        kid, private_key = self.keys.signing_key()
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(user.id),
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=self.ttl),
            "jti": str(uuid.uuid4()),
            "token_use": "access",
            "roles": list(user.roles),
            # The address the account is known by: services match invitations against it.
            "email": user.email,
        }
        return jwt.encode(claims, private_key, algorithm=ALGORITHM, headers={"kid": kid})


class JwtClientTokenIssuer(ClientTokenIssuer):
    """A client's access token: the same keys, issuer and audience as a person's, of its own kind (svckit.auth)."""

    def __init__(self, keys: SigningKeyStore, *, issuer: str, audience: str, ttl_seconds: int) -> None:
        self.keys, self.issuer, self.audience, self.ttl = keys, issuer, audience, ttl_seconds

    def issue_for_client(self, client: OAuthClient, scopes: tuple[str, ...], now: datetime) -> str:
        kid, private_key = self.keys.signing_key()
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": client.client_id,
            "client_id": client.client_id,
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=self.ttl),
            "jti": str(uuid.uuid4()),
            "token_use": CLIENT,
            "scope": " ".join(scopes),
            "academy": client.academy,
            # The academy's schools, as UAI prefixes: the services that serve a school's data read only these.
            "uai_prefixes": list(client.uai_prefixes),
        }
        return jwt.encode(claims, private_key, algorithm=ALGORITHM, headers={"kid": kid})
