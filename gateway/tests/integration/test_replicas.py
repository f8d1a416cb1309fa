"""Two replicas of one service behind the gateway: requests in turn, a safe request falls over."""

import pytest
import requests

from gateway.tests.conftest import FakeService
from svckit.testing import free_port


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


def test_a_get_falls_over_to_the_next_replica_but_a_post_does_not(start_gateway, replicas, auth):
    up = replicas[0]
    gateway = start_gateway(RATELIMIT_ENABLED="false", ASSESSMENT_URL=f"http://127.0.0.1:{free_port()},{up.url}")
    # turn 1: the closed port first, then the replica that answers; turn 2 starts with that one
    assert requests.get(f"{gateway.url}/api/assessments/g1/next-challenge", headers=auth, timeout=5).status_code == 200
    assert requests.get(f"{gateway.url}/api/assessments/g2/next-challenge", headers=auth, timeout=5).status_code == 200
    # turn 3: a POST to the closed port is a 503, never sent elsewhere; turn 4 reaches the live one
    refused = requests.post(f"{gateway.url}/api/assessments/p1/answers", headers=auth, json={}, timeout=5)
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert requests.post(f"{gateway.url}/api/assessments/p2/answers", headers=auth, json={},
                         timeout=5).status_code == 200
    assert [r["path"] for r in up.received] == ["/api/assessments/g1/next-challenge",
                                                "/api/assessments/g2/next-challenge", "/api/assessments/p2/answers"]
