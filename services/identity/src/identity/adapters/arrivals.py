"""GAR arrival tokens (domain/gar.py, rule 4): what the GAR said of a pupil not linked yet, good for a few minutes.

A JWT signed by identity's own keys (RS256, ``kid``), of a kind of its own (``token_use: gar_arrival``, svckit.auth):
identity reads it back to link or create the account, and organizations checks it with identity's published keys
when the pupil looks for themself in the school's list before any account exists (issue 19). No service takes it
for an access token. Nothing is stored: the token is the record, and a pupil who leaves it unused leaves nothing
behind.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Protocol

import jwt

from identity.domain.exceptions import InvalidArrival
from identity.domain.gar import GarIdentity
from identity.service_layer.ports import ArrivalTokens
from svckit.auth import ALGORITHM, GAR_ARRIVAL, TokenRejected

_INVALID = "This arrival from the GAR is not valid any more; sign in again from the ENT."


class _Keys(Protocol):
    def signing_key(self) -> tuple[str, Any]: ...

    def key_for(self, kid: str) -> Any: ...


class JwtArrivalTokens(ArrivalTokens):
    def __init__(self, keys: _Keys, *, issuer: str, audience: str, ttl: timedelta = timedelta(minutes=10)) -> None:
        self.keys, self.issuer, self.audience, self.ttl = keys, issuer, audience, ttl

    def issue(self, identity: GarIdentity, now: datetime) -> str:
        kid, private_key = self.keys.signing_key()
        claims = {"iss": self.issuer, "aud": self.audience, "sub": f"gar:{identity.ido}", "iat": now, "nbf": now,
                  "exp": now + self.ttl, "jti": str(uuid.uuid4()), "token_use": GAR_ARRIVAL, **identity.as_claims()}
        return jwt.encode(claims, private_key, algorithm=ALGORITHM, headers={"kid": kid})

    def read(self, token: str, now: datetime) -> GarIdentity:
        """Checked against ``now`` (the use case's clock), not the library's."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            if not isinstance(kid, str) or not kid:
                raise InvalidArrival(_INVALID)
            claims = jwt.decode(token, self.keys.key_for(kid), algorithms=[ALGORITHM], audience=self.audience,
                                issuer=self.issuer, options={"verify_exp": False, "verify_nbf": False,
                                                             "verify_iat": False,
                                                             "require": ["exp", "iss", "aud", "sub"]})
            if claims.get("token_use") != GAR_ARRIVAL or now.timestamp() >= float(claims["exp"]):
                raise InvalidArrival(_INVALID)
            return GarIdentity.from_claims(claims)
        except InvalidArrival:
            raise
        except (jwt.InvalidTokenError, TokenRejected, LookupError, ValueError, TypeError) as error:
            raise InvalidArrival(_INVALID) from error
