"""Client ids and secrets: drawn with ``secrets``, a secret kept as HMAC-SHA256 under a key of identity's.

Why not argon2id, as for passwords: a password is chosen by a person and guessed from lists, so its hash must be
slow; a client's secret is 256 bits drawn by identity, which no one guesses whatever the speed of the hash, so a
slow hash would only cost every token request 20 ms of CPU and a thread. The hash is keyed (a key derived from
``SIGNING_KEYS_SECRET``, as the idempotency fingerprints', never the secret itself) so that a dump of
``oauth_clients`` alone cannot even be used to check a stolen secret; and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from identity.service_layer.ports import ClientSecrets
from svckit.idempotency import fingerprint_key

_LABEL = b"identity oauth client secrets v1"


class HmacClientSecrets(ClientSecrets):
    def __init__(self, secret: str) -> None:
        self._key = fingerprint_key(secret, _LABEL)

    def new_client_id(self, academy: str) -> str:
        # Names its academy for the people who read logs and lists; the random part makes it unique.
        return f"{academy}-{secrets.token_hex(6)}"

    def new_secret(self) -> str:
        return secrets.token_urlsafe(32)  # 256 bits

    def hash(self, secret: str) -> str:
        return hmac.new(self._key, secret.encode(), hashlib.sha256).hexdigest()

    def matches(self, secret: str, secret_hash: str) -> bool:
        return hmac.compare_digest(self.hash(secret), secret_hash)
