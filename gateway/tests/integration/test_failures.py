import http.client
import time
from urllib.parse import urlsplit

import pytest
import requests

from svckit.testing import free_port


@pytest.fixture
def auth(keys):
    return {"Authorization": f"Bearer {keys.token()}"}


def test_a_service_whose_port_is_closed_is_a_503_naming_it(start_gateway, auth):
    gateway = start_gateway(RATELIMIT_ENABLED="false", CAMPAIGNS_URL=f"http://127.0.0.1:{free_port()}")
    response = requests.get(gateway.url + "/api/campaigns/1", headers=auth, timeout=10)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert response.json()["error"]["details"] == {"service": "campaigns"}
    assert "Traceback" not in response.text
    # the other services are still served
    assert requests.get(gateway.url + "/api/users/me", headers=auth, timeout=5).status_code == 200


def test_a_service_slower_than_the_read_timeout_is_a_504(gateway, auth):
    started = time.monotonic()
    response = requests.get(gateway.url + "/api/assessments/1/next-challenge?sleep=2", headers=auth, timeout=10)
    elapsed = time.monotonic() - started
    assert response.status_code == 504
    assert response.json()["error"] == {"code": "GATEWAY_TIMEOUT", "message": "The assessment service did not answer "
                                        "in time.", "details": {"service": "assessment"}}
    assert elapsed < 1.8  # the gateway's 0.5 s, not the service's 2 s


def _raw_post(url: str, headers: dict, body: bytes) -> tuple[int, dict]:
    target = urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
    try:
        connection.putrequest("POST", target.path)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        try:
            connection.send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the gateway may answer and close before reading everything: that is the point
        answer = connection.getresponse()
        return answer.status, __import__("json").loads(answer.read())
    finally:
        connection.close()


def test_a_body_declared_larger_than_the_limit_is_a_413_before_anything_is_read(start_gateway, services, auth,
                                                                               no_forwarding):
    gateway = start_gateway(RATELIMIT_ENABLED="false", MAX_BODY_BYTES="1000")
    with no_forwarding(services["organizations"]):
        status, body = _raw_post(gateway.url + "/api/organizations/7/learners/imports",
                                 {**auth, "Content-Length": "5000"}, b"x" * 100)
    assert status == 413
    assert body["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert body["error"]["details"] == {"max_bytes": 1000}


def test_a_chunked_body_growing_past_the_limit_is_a_413(start_gateway, auth):
    gateway = start_gateway(RATELIMIT_ENABLED="false", MAX_BODY_BYTES="1000")
    chunk = b"x" * 600
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
    status, answer = _raw_post(gateway.url + "/api/organizations/7/learners/imports",
                               {**auth, "Transfer-Encoding": "chunked"}, body)
    assert status == 413
    assert answer["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_body_within_the_limit_passes(start_gateway, auth):
    gateway = start_gateway(RATELIMIT_ENABLED="false", MAX_BODY_BYTES="1000")
    response = requests.post(gateway.url + "/api/organizations/7/learners/imports", data=b"y" * 1000,
                             headers=auth, timeout=5)
    assert response.status_code == 200 and response.json()["body_length"] == 1000


def test_the_gateway_s_own_answers_are_never_sniffed_nor_stored(gateway, auth):
    """Errors the gateway writes itself (an unknown route, a missing token, a service down) and its
    merged OpenAPI document carry nosniff; its errors are not kept by a cache on the way."""
    answers = [requests.get(gateway.url + "/api/no-such-route", timeout=5),
               requests.get(gateway.url + "/api/users/me", timeout=5),  # no token: 401
               requests.get(gateway.url + "/api/assessments/1/next-challenge?sleep=2", headers=auth, timeout=10)]
    for answer in answers:
        assert answer.status_code in (401, 404, 504), answer.text
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Cache-Control"] == "no-store"
    document = requests.get(gateway.url + "/api/openapi.json", timeout=10)
    assert document.headers["X-Content-Type-Options"] == "nosniff"
