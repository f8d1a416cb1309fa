import subprocess
import sys
import threading
import time

import pytest

from identity.adapters.hashing import BEFORE_ISSUE_18, OWASP_MINIMUM, Argon2Parameters, Argon2PasswordHasher


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


PASSWORD = "Quiet-River-2026!"


def parameters_of(password_hash: str) -> str:
    return password_hash.split("$")[3]


def test_the_default_parameters_are_owasps_argon2id_minimum():
    made = Argon2PasswordHasher().hash(PASSWORD)
    assert made.startswith("$argon2id$v=19$")
    assert parameters_of(made) == "m=19456,t=2,p=1"
    assert Argon2PasswordHasher.with_parameters(Argon2Parameters()).needs_rehash(made) is False


@pytest.mark.parametrize("weaker", [{"memory_kib": 19_455}, {"time_cost": 1}, {"parallelism": 0}])
def test_no_parameters_below_owasps_minimum(weaker):
    with pytest.raises(ValueError):
        Argon2Parameters(**weaker)


def test_a_hash_made_with_the_parameters_before_issue_18_still_verifies_and_asks_to_be_made_again():
    old = Argon2PasswordHasher.with_parameters(BEFORE_ISSUE_18).hash(PASSWORD)
    assert parameters_of(old) == "m=65536,t=3,p=4"
    today = Argon2PasswordHasher.with_parameters(OWASP_MINIMUM)
    assert today.verify(old, PASSWORD) is True
    assert today.verify(old, "Wrong-Pass-1") is False
    assert today.needs_rehash(old) is True
    assert today.needs_rehash(today.hash(PASSWORD)) is False


def test_any_other_parameters_ask_for_a_new_hash_costlier_ones_too():
    # a setting lowered back (after a costlier trial) brings every hash to today's parameters
    costlier = Argon2PasswordHasher.with_parameters(Argon2Parameters(memory_kib=24_576, time_cost=2)).hash(PASSWORD)
    assert Argon2PasswordHasher().needs_rehash(costlier) is True
    assert Argon2PasswordHasher.with_parameters(Argon2Parameters(memory_kib=24_576)).needs_rehash(costlier) is False


def test_a_burst_of_log_ins_on_many_threads_leaves_no_hash_memory_behind():
    """glibc would keep a hash's 19 MiB in each thread's arena (about 300 MB after 16 threads)."""
    burst = """
import threading
from identity.adapters.hashing import Argon2PasswordHasher
hasher = Argon2PasswordHasher(concurrency=2)
good = hasher.hash("Quiet-River-2026!")
threads = [threading.Thread(target=lambda: [hasher.verify(good, "Quiet-River-2026!") for _ in range(3)])
           for _ in range(16)]
[thread.start() for thread in threads]
[thread.join() for thread in threads]
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))  # this process's own peak
print(int(peak.split()[1]) // 1024)
"""
    peak_mb = int(subprocess.run([sys.executable, "-c", burst], capture_output=True, text=True, check=True,
                                 timeout=120).stdout)
    assert peak_mb < 150, f"{peak_mb} MB"
