"""A class behind its school's one address logs in through the real gateway, its rate limits on (issue 18):
the 35 pupils all get in within the minute, while one account guessed from that same address is slowed
by identity's throttle (5 wrong passwords checked, then 429 with Retry-After) and nobody else is."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from svckit.testing import ServiceProcess, free_port, service_command

PASSWORD = "Quiet-River-2026!"
SCHOOL = "203.0.113.35"  # the academy's proxy: every pupil of the school comes from it
CLASS_SIZE = 35


@pytest.fixture(scope="module")
def limited_gateway(stack):
    """The stack's services behind a gateway with its default rate limits (the session's has them off)."""
    port = free_port()
    gateway = ServiceProcess([*service_command("gateway"), "api", "--bind", f"127.0.0.1:{port}"],
                             {**stack.gateway_env, "RATELIMIT_ENABLED": "true", "RATELIMIT_STORAGE_URI": "memory://"},
                             stack.logs / "gateway-limited.log", f"http://127.0.0.1:{port}/health/ready").start()
    try:
        gateway.wait_ready(60)
        yield f"http://127.0.0.1:{port}"
    finally:
        gateway.stop()


def pupils(stack, count: int) -> list[str]:
    """Accounts made beforehand (signed up straight at identity: the sign-ups are not what is measured)."""
    def sign_up(n: int) -> str:
        email = f"eleve.{n}.{uuid.uuid4().hex[:6]}@example.org"
        created = requests.post(f"{stack.identity}/api/users", timeout=30, json={
            "first_name": "Élève", "last_name": f"N{n}", "email": email, "password": PASSWORD, "accepted_terms": True})
        assert created.status_code == 201, created.text
        return email

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(sign_up, range(count)))


def log_in(gateway: str, email: str, password: str = PASSWORD, address: str = SCHOOL) -> requests.Response:
    return requests.post(f"{gateway}/api/token", json={"email": email, "password": password},
                         headers={"X-Forwarded-For": address, "Idempotency-Key": str(uuid.uuid4())}, timeout=60)


def test_a_class_of_35_logs_in_from_one_address_within_a_minute_while_guessing_stays_throttled(stack, limited_gateway):
    accounts = pupils(stack, CLASS_SIZE + 1)
    classmates, guessed = accounts[:CLASS_SIZE], accounts[CLASS_SIZE]

    began = time.monotonic()
    with ThreadPoolExecutor(CLASS_SIZE) as pool:  # the whole class at the same minute
        answers = list(pool.map(lambda email: log_in(limited_gateway, email), classmates))
    took = time.monotonic() - began
    statuses = [answer.status_code for answer in answers]
    assert statuses == [200] * CLASS_SIZE, {status: statuses.count(status) for status in set(statuses)}
    assert all(answer.json()["access_token"] for answer in answers)
    assert took < 60, f"the class took {took:.1f} s"

    # Someone in the same room guesses one account's password, 11 times.
    guesses = [log_in(limited_gateway, guessed, "Wrong-Pass-1") for _ in range(11)]
    assert [g.status_code for g in guesses] == [401] * 5 + [429] * 6
    held = guesses[5]
    assert held.json()["error"]["code"] == "TOO_MANY_LOGIN_ATTEMPTS"
    assert 0 < int(held.headers["Retry-After"]) <= 60
    assert {g.json()["error"]["code"] for g in guesses[:5]} == {"INVALID_CREDENTIALS"}
    # held back from here, even with the right password (nothing is checked while it waits)...
    assert log_in(limited_gateway, guessed).status_code == 429
    # ...while its owner gets in from home, and the class, on the same address, is not held back at all
    assert log_in(limited_gateway, guessed, address="198.51.100.7").status_code == 200
    with ThreadPoolExecutor(8) as pool:
        again = [answer.status_code for answer in pool.map(lambda email: log_in(limited_gateway, email), classmates[:8])]
    assert again == [200] * 8
