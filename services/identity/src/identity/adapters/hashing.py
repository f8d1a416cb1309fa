"""argon2id password hashes (argon2-cffi), with the library's current recommended parameters.

Hashes made with older parameters are upgraded at the next successful login.

Each hash takes 64 MiB and about 0.2 s of CPU over 4 lanes, so a burst of log-ins in a worker of 8 threads
would take 8 x 64 MiB at once (bench/capacity.py measured a worker at 600 MB) and time-share the CPU without
finishing any sooner. ``concurrency`` bounds the hashes computed at once in a process; the other requests
wait their turn, holding no memory.
"""

from __future__ import annotations

import threading

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError

from identity.service_layer.ports import PasswordHasher


class Argon2PasswordHasher(PasswordHasher):
    def __init__(self, hasher: _Argon2 | None = None, concurrency: int = 2) -> None:
        if concurrency < 1:
            raise ValueError("at least one hash at a time")
        self._hasher = hasher or _Argon2()  # argon2id by default
        self._turns = threading.BoundedSemaphore(concurrency)

    def hash(self, password: str) -> str:
        with self._turns:
            return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            with self._turns:
                return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)
