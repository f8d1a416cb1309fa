"""The RS256 signing keys, kept in identity's database and published as a JWKS.

- Private keys are stored encrypted (Fernet, key derived from ``SIGNING_KEYS_SECRET``);
  a database dump alone does not let anyone mint tokens.
- The newest active key signs; every key not retired is in the JWKS, so tokens signed
  before a rotation stay valid until they expire. ``identity rotate-signing-key`` adds a
  key; ``identity retire-signing-key`` removes an old one from the JWKS (wait at least the
  access-token lifetime after a rotation before retiring the previous key).
- The first key is created on first use, under an advisory lock so that concurrent
  workers create one key, not one each.
- ``kid`` is the key's RFC 7638 thumbprint.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import Engine, func, select, text, update

from identity.adapters.orm import signing_keys
from svckit.auth import TokenRejected

ALGORITHM = "RS256"


@dataclass(frozen=True)
class _Key:
    kid: str
    private_key: Any
    public_key: Any
    public_jwk: dict[str, Any]


def thumbprint(jwk: dict[str, Any]) -> str:
    canonical = json.dumps({"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


class SigningKeyStore:
    def __init__(self, engine: Engine, secret: str, cache_seconds: float = 60.0) -> None:
        self.engine, self.cache_seconds = engine, cache_seconds
        self._fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()))
        self._lock = threading.Lock()
        self._keys: list[_Key] = []
        self._loaded_at = 0.0

    # -- reading ----------------------------------------------------------------------------

    def _active(self, refresh: bool = False) -> list[_Key]:
        with self._lock:
            if refresh or not self._keys or time.monotonic() - self._loaded_at > self.cache_seconds:
                self._keys = self._load()
                if not self._keys:
                    self._create_first()
                    self._keys = self._load()
                self._loaded_at = time.monotonic()
            return self._keys

    def _load(self) -> list[_Key]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(signing_keys).where(signing_keys.c.retired_at.is_(None)).order_by(signing_keys.c.created_at.desc())
            ).all()
        keys = []
        for row in rows:
            try:
                pem = self._fernet.decrypt(row.private_key.encode())
            except InvalidToken as error:
                raise RuntimeError("SIGNING_KEYS_SECRET does not open the stored signing keys") from error
            private_key = serialization.load_pem_private_key(pem, password=None)
            keys.append(_Key(row.kid, private_key, private_key.public_key(), dict(row.public_jwk)))
        return keys

    def signing_key(self) -> tuple[str, Any]:
        key = self._active()[0]
        return key.kid, key.private_key

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk for key in self._active()]}

    def key_for(self, kid: str) -> Any:
        """``svckit.auth.KeySource``: identity checks its own tokens without an HTTP round trip."""
        for refresh in (False, True):
            for key in self._active(refresh=refresh):
                if key.kid == kid:
                    return key.public_key
        raise TokenRejected("INVALID_TOKEN", "The token is signed with an unknown key.")

    # -- writing ----------------------------------------------------------------------------

    def _new_row(self) -> dict[str, Any]:
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
        kid = thumbprint(jwk)
        jwk.update({"kid": kid, "use": "sig", "alg": ALGORITHM})
        pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
        return {"kid": kid, "algorithm": ALGORITHM, "private_key": self._fernet.encrypt(pem).decode(), "public_jwk": jwk}

    def _create_first(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('identity.signing_keys'))"))
            exists = connection.execute(
                select(func.count()).select_from(signing_keys).where(signing_keys.c.retired_at.is_(None))
            ).scalar_one()
            if not exists:
                connection.execute(signing_keys.insert().values(**self._new_row()))

    def rotate(self) -> str:
        row = self._new_row()
        with self.engine.begin() as connection:
            connection.execute(signing_keys.insert().values(**row))
        self._active(refresh=True)
        return row["kid"]

    def retire(self, kid: str) -> bool:
        with self.engine.begin() as connection:
            retired = connection.execute(
                update(signing_keys).where(signing_keys.c.kid == kid, signing_keys.c.retired_at.is_(None))
                .values(retired_at=func.now()).returning(signing_keys.c.kid)
            ).first()
        self._active(refresh=True)
        return retired is not None
