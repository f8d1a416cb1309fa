"""Two replicas of one service behind the gateway: requests in turn (what falls over where: test_retries.py)."""

import pytest
import requests

from gateway.tests.conftest import FakeService


@pytest.fixture
def auth(keys):
    return {"Authorization": f"Bearer {keys.token()}"}


@pytest.fixture
def replicas():
    pair = [FakeService("assessment").start(), FakeService("assessment").start()]
    yield pair
    for fake in pair:
        fake.stop()


def test_consecutive_requests_land_on_the_replicas_in_turn(start_gateway, replicas, auth):
    first, second = replicas
    gateway = start_gateway(RATELIMIT_ENABLED="false", ASSESSMENT_URL=f"{first.url},{second.url}")
    for n in range(3):
        assert requests.get(f"{gateway.url}/api/assessments/a{n}/next-challenge", headers=auth,
                            timeout=5).status_code == 200
        assert requests.post(f"{gateway.url}/api/assessments/a{n}/answers", headers=auth, json={"n": n},
                             timeout=5).status_code == 200
    seen = [(r["method"], r["path"]) for r in first.received], [(r["method"], r["path"]) for r in second.received]
    assert seen == ([("GET", "/api/assessments/a0/next-challenge"), ("GET", "/api/assessments/a1/next-challenge"),
                     ("GET", "/api/assessments/a2/next-challenge")],
                    [("POST", "/api/assessments/a0/answers"), ("POST", "/api/assessments/a1/answers"),
                     ("POST", "/api/assessments/a2/answers")])
