"""GAR arrival tokens (domain/gar.py, rule 4): what the GAR said of a pupil not linked yet, signed by identity
(HMAC-SHA256 under a key of its own derived from ``SIGNING_KEYS_SECRET``) and good for a few minutes. Nothing is
stored: the token is the record, and a pupil who leaves it unused leaves nothing behind."""

from __future__ import annotations

import base64
import hmac
import json
from datetime import datetime, timedelta

from identity.domain.exceptions import InvalidArrival
from identity.domain.gar import GarIdentity
from identity.service_layer.ports import ArrivalTokens
from svckit.idempotency import fingerprint_key

_LABEL = b"identity gar arrival tokens v1"
_INVALID = "This arrival from the GAR is not valid any more; sign in again from the ENT."


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class HmacArrivalTokens(ArrivalTokens):
    def __init__(self, secret: str, ttl: timedelta = timedelta(minutes=10)) -> None:
        self._key, self.ttl = fingerprint_key(secret, _LABEL), ttl

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), "sha256").digest())

    def issue(self, identity: GarIdentity, now: datetime) -> str:
        payload = _b64(json.dumps({**identity.as_claims(), "exp": int((now + self.ttl).timestamp())},
                                  ensure_ascii=False).encode())
        return f"{payload}.{self._sign(payload)}"

    def read(self, token: str, now: datetime) -> GarIdentity:
        payload, _, signature = token.partition(".")
        if not payload or not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidArrival(_INVALID)
        try:
            claims = json.loads(_unb64(payload))
            if now.timestamp() >= claims["exp"]:
                raise InvalidArrival(_INVALID)
            return GarIdentity.from_claims(claims)
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidArrival(_INVALID) from error
