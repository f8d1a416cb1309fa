"""argon2id password hashes (argon2-cffi), with OWASP's parameters (Password Storage Cheat Sheet).

The parameters are settings (``Argon2Parameters``, ``ARGON2_*``), never below OWASP's minimum for
argon2id: 19 MiB of memory, 2 passes, 1 lane. A hash carries the parameters it was made with, so one
made with others (until issue 18: argon2-cffi's defaults, 64 MiB, 3 passes, 4 lanes) still verifies,
and ``needs_rehash`` tells the log-in to hash the password again with today's parameters.

Each hash at OWASP's minimum takes 19 MiB and about 19 ms of one core (the 64 MiB, 3-pass, 4-lane
hashes took about 190 ms of CPU). argon2 leaves Python's lock while it works, so threads hash in
parallel, on as many cores as there are; more at once than cores would only time-share them and add
memory. ``concurrency`` bounds the hashes computed at once in a process; the other requests wait
their turn, holding no memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from dataclasses import dataclass

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError

from identity.service_layer.ports import PasswordHasher


@dataclass(frozen=True)
class Argon2Parameters:
    """argon2id's cost: memory in KiB, passes over it, lanes. OWASP's minimum is the default and the floor."""

    memory_kib: int = 19_456  # 19 MiB
    time_cost: int = 2
    parallelism: int = 1

    MINIMUM_MEMORY_KIB = 19_456
    MINIMUM_TIME_COST = 2

    def __post_init__(self) -> None:
        if self.memory_kib < self.MINIMUM_MEMORY_KIB:
            raise ValueError(f"argon2id needs at least {self.MINIMUM_MEMORY_KIB} KiB (19 MiB, OWASP's minimum)")
        if self.time_cost < self.MINIMUM_TIME_COST:
            raise ValueError(f"argon2id needs at least {self.MINIMUM_TIME_COST} passes (OWASP's minimum)")
        if self.parallelism < 1:
            raise ValueError("argon2id needs at least one lane")

    def hasher(self) -> _Argon2:
        return _Argon2(time_cost=self.time_cost, memory_cost=self.memory_kib, parallelism=self.parallelism,
                       hash_len=32, salt_len=16, type=Type.ID)


OWASP_MINIMUM = Argon2Parameters()
BEFORE_ISSUE_18 = Argon2Parameters(memory_kib=65_536, time_cost=3, parallelism=4)  # argon2-cffi's defaults


M_ARENA_MAX = -8  # glibc's mallopt parameter


def share_malloc_arenas(arenas: int) -> bool:
    """Each hash's 19 MiB are allocated by argon2's C code with malloc. After the first is freed,
    glibc serves blocks that size from the heap of the thread's arena and keeps them there for the
    next one; a thread pool has up to 8 arenas per core, and each kept its 19 MiB (32 threads held
    413 MB after a burst). With as many arenas as hashes at once, the blocks are reused without ever
    holding more than those (109 MB); mapping each hash's memory anew instead (a fixed mmap
    threshold) returned it all but cost 12 ms more CPU per hash, zeroing fresh pages. Returns
    whether it was set (not with a C library other than glibc)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, max(arenas, 2)))
    except (OSError, AttributeError):
        return False


class Argon2PasswordHasher(PasswordHasher):
    def __init__(self, hasher: _Argon2 | None = None, concurrency: int = 2) -> None:
        if concurrency < 1:
            raise ValueError("at least one hash at a time")
        share_malloc_arenas(concurrency)
        self._hasher = hasher or OWASP_MINIMUM.hasher()
        self._turns = threading.BoundedSemaphore(concurrency)

    @classmethod
    def with_parameters(cls, parameters: Argon2Parameters, concurrency: int = 2) -> Argon2PasswordHasher:
        return cls(parameters.hasher(), concurrency)

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
        """Whether the hash was made with other parameters than today's (more or less costly alike)."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except (InvalidHashError, ValueError):
            return True
