"""What the gateway sends again, and where, when a replica cannot take a request.

- refused (or not connected in time): any request, to another replica, or to the same URL after
  a pause: it never reached a replica;
- a connection that broke once the request may have reached a replica: sent again only when that
  is safe (GET, HEAD, OPTIONS, or a mutation with an Idempotency-Key on a route that honours it),
  and never a POST without a key;
- a keyed mutation sent again that finds its first attempt still running (409 REQUEST_IN_PROGRESS)
  is asked again until it gets the first attempt's answer.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from gateway.tests.conftest import FakeService
from svckit.testing import free_port


class Breaker:
    """A replica that reads a whole request and closes the connection without answering."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with client:
                data = b""
                while b"\r\n\r\n" not in data and (chunk := client.recv(65536)):
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                while len(body) < length and (chunk := client.recv(65536)):
                    body += chunk
                self.received.append(head.split(b"\r\n")[0] + b" " + body)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def breaker():
    server = Breaker()
    yield server
    server.close()


@pytest.fixture
def replica():
    fake = FakeService("assessment").start()
    yield fake
    fake.stop()


@pytest.fixture
def auth(keys):
    return {"Authorization": f"Bearer {keys.token()}"}


def _gateway(start_gateway, urls, **overrides):
    return start_gateway(RATELIMIT_ENABLED="false", ASSESSMENT_URL=",".join(urls), IDENTITY_URL=",".join(urls),
                         **overrides)


def test_a_request_refused_by_a_replica_goes_to_the_other_whatever_its_method(start_gateway, replica, auth):
    closed = f"http://127.0.0.1:{free_port()}"
    gateway = _gateway(start_gateway, [closed, replica.url])
    for n in range(4):  # every turn: half of them start on the closed port
        assert requests.post(f"{gateway.url}/api/assessments/p{n}/answers", headers=auth, json={"n": n},
                             timeout=5).status_code == 200
    assert [r["path"] for r in replica.received] == [f"/api/assessments/p{n}/answers" for n in range(4)]
    assert all(r["body_length"] == len(b'{"n": 0}') for r in replica.received)


def test_a_single_url_restarting_is_waited_for_within_the_window(start_gateway, auth):
    port = free_port()
    later = FakeService("assessment")
    gateway = _gateway(start_gateway, [f"http://127.0.0.1:{port}"])
    threading.Timer(1.0, lambda: later.start(port)).start()  # the process comes back after a second
    try:
        started = time.monotonic()
        answered = requests.post(f"{gateway.url}/api/assessments/a1/answers", headers=auth, json={"a": 1}, timeout=10)
        assert answered.status_code == 200 and 1.0 <= time.monotonic() - started < 3.0
        assert [r["path"] for r in later.received] == ["/api/assessments/a1/answers"]  # once
    finally:
        later.stop()


def test_a_service_still_down_after_the_window_is_a_503_and_then_fails_fast(start_gateway, auth):
    gateway = _gateway(start_gateway, [f"http://127.0.0.1:{free_port()}"], UPSTREAM_RETRY_SECONDS="1")
    started = time.monotonic()
    refused = requests.get(f"{gateway.url}/api/assessments/a1/next-challenge", headers=auth, timeout=10)
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert 1.0 <= time.monotonic() - started < 2.0
    time.sleep(0.2)
    started = time.monotonic()
    assert requests.get(f"{gateway.url}/api/assessments/a1/next-challenge", headers=auth, timeout=10).status_code == 503
    assert time.monotonic() - started < 0.5  # down for longer than the window: no second wait


def test_a_get_whose_connection_broke_is_sent_again(start_gateway, breaker, replica, auth):
    gateway = _gateway(start_gateway, [breaker.url, replica.url])
    assert requests.get(f"{gateway.url}/api/assessments/g1/next-challenge", headers=auth, timeout=5).status_code == 200
    assert len(breaker.received) == 1 and [r["path"] for r in replica.received] == ["/api/assessments/g1/next-challenge"]


def test_a_keyed_post_whose_connection_broke_is_sent_again_with_its_body(start_gateway, breaker, replica, auth):
    gateway = _gateway(start_gateway, [breaker.url, replica.url])
    body = b'{"challenge_id": "c1", "answer": "' + b"x" * 50_000 + b'"}'
    answered = requests.post(f"{gateway.url}/api/assessments/k1/answers", data=body, timeout=5,
                             headers={**auth, "Idempotency-Key": "key-1", "Content-Type": "application/json"})
    assert answered.status_code == 200
    assert breaker.received == [b"POST /api/assessments/k1/answers HTTP/1.1 " + body]
    (resent,) = replica.received
    assert resent["headers"]["Idempotency-Key"] == "key-1" and resent["body_length"] == len(body)
    assert answered.json()["body_sha256"] == __import__("hashlib").sha256(body).hexdigest()


def test_a_post_without_a_key_that_may_have_reached_a_replica_is_not_sent_twice(start_gateway, breaker, replica,
                                                                                 auth):
    gateway = _gateway(start_gateway, [breaker.url, replica.url])
    answered = requests.post(f"{gateway.url}/api/assessments/u1/answers", headers=auth, json={"a": 1}, timeout=5)
    assert answered.status_code == 502 and answered.json()["error"]["code"] == "BAD_GATEWAY"
    assert "may have been applied" in answered.json()["error"]["message"]
    assert len(breaker.received) == 1 and replica.received == []


@pytest.mark.parametrize(("path", "why"), [("/api/token", "identity keeps no answer for a token route's key"),
                                           ("/api/token/refresh", "a refresh token sent twice revokes its family")])
def test_a_keyed_post_on_a_route_that_ignores_keys_is_not_sent_twice(start_gateway, breaker, replica, path, why):
    gateway = _gateway(start_gateway, [breaker.url, replica.url])
    answered = requests.post(gateway.url + path, json={"refresh_token": "r"}, headers={"Idempotency-Key": "k"},
                             timeout=5)
    assert answered.status_code == 502, why
    assert replica.received == [], why


def test_a_keyed_upload_larger_than_the_bound_stays_streamed_and_is_not_sent_twice(start_gateway, breaker, replica,
                                                                                   auth):
    gateway = _gateway(start_gateway, [breaker.url, replica.url], UPSTREAM_RETRY_BODY_BYTES="1000")
    answered = requests.post(f"{gateway.url}/api/assessments/big/answers", data=b"y" * 5000, timeout=5,
                             headers={**auth, "Idempotency-Key": "big-1"})
    assert answered.status_code == 502 and replica.received == []


def test_a_keyed_post_sent_again_waits_for_its_first_attempt_still_running(start_gateway, breaker, replica, auth):
    """The first attempt reached a replica whose connection broke; the key's first request is still
    running (the service answers 409 REQUEST_IN_PROGRESS twice), then its answer is there."""
    gateway = _gateway(start_gateway, [breaker.url, replica.url])
    answered = requests.post(f"{gateway.url}/api/assessments/w1/answers?in_progress=2", headers={
        **auth, "Idempotency-Key": "slow-key"}, json={"a": 1}, timeout=10)
    assert answered.status_code == 200
    assert [r["headers"]["Idempotency-Key"] for r in replica.received] == ["slow-key"] * 3


def test_a_409_in_progress_on_a_first_attempt_is_the_clients_own_duplicate(start_gateway, replica, auth):
    gateway = _gateway(start_gateway, [replica.url])
    answered = requests.post(f"{gateway.url}/api/assessments/d1/answers?in_progress=5", headers={
        **auth, "Idempotency-Key": "dup"}, json={}, timeout=5)
    assert answered.status_code == 409 and answered.json()["error"]["code"] == "REQUEST_IN_PROGRESS"
    assert len(replica.received) == 1
