import threading
import time

import pytest

from identity.adapters.hashing import Argon2PasswordHasher


class HeldHasher:
    """argon2's interface; each call waits for ``release`` and counts how many run at once."""

    def __init__(self) -> None:
        self.release, self.lock = threading.Event(), threading.Lock()
        self.running = self.most = 0

    def _held(self, result):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.release.wait(10)
        with self.lock:
            self.running -= 1
        return result

    def verify(self, password_hash, password):
        return self._held(True)

    def hash(self, password):
        return self._held(f"hash of {password}")


def running_now(held: HeldHasher, expected: int, timeout: float = 5.0) -> int:
    deadline = time.monotonic() + timeout
    while held.running < expected and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # long enough for any thread the bound failed to hold back to enter
    return held.running


def test_no_more_hashes_than_the_bound_run_at_once_and_the_others_wait_their_turn():
    held = HeldHasher()
    hasher = Argon2PasswordHasher(held, concurrency=2)
    results = []
    threads = [threading.Thread(target=lambda: results.append(hasher.verify("h", "pw"))) for _ in range(4)]
    threads += [threading.Thread(target=lambda: results.append(hasher.hash("pw"))) for _ in range(2)]
    for thread in threads:
        thread.start()
    assert running_now(held, 2) == 2
    held.release.set()
    for thread in threads:
        thread.join(10)
    assert held.most == 2
    assert sorted(map(str, results)) == ["True"] * 4 + ["hash of pw"] * 2


def test_a_failed_verification_gives_its_turn_back():
    hasher = Argon2PasswordHasher(concurrency=1)
    assert hasher.verify("not a hash", "pw") is False
    good = hasher.hash("Quiet-River-2026!")
    assert hasher.verify(good, "wrong") is False
    assert hasher.verify(good, "Quiet-River-2026!") is True


def test_the_bound_is_at_least_one():
    with pytest.raises(ValueError):
        Argon2PasswordHasher(concurrency=0)
