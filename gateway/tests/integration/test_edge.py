"""The HAProxy edge (gateway.edge): a real haproxy, its configuration generated from the routing table,
in front of the fake services and a Python gateway (the web faces, the OpenAPI catalogue).

The same guarantees as the Python gateway's own tests, asked of the edge: the table's resolution
(every sample path resolves to the same service, or to the same 404/405, as ``RoutingTable``),
tokens refused at the edge, the limits per account, per address and per group, counters shared by
two edges (HAProxy peers), correlation ids, forwarding headers, 413, event streams passed at once,
and a refused connection tried again.
"""

from __future__ import annotations

import http.client
import json
import threading
import time

import jwt
import pytest
import requests

from gateway.edge import Peer
from gateway.routes import ROUTES, RoutingTable
from gateway.tests.conftest import KID, FakeService, gateway_env
from gateway.tests.integration.test_event_streams import EVENT, EventService
from gateway.tests.integration.test_retries import Breaker
from msgkit.testing import wait_until
from svckit.testing import ServiceProcess, free_port, service_command

table = RoutingTable()


def error_of(response: requests.Response, status: int, code: str) -> dict:
    assert response.status_code == status, f"{response.status_code} instead of {status}: {response.text[:300]}"
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body
    return body["error"]


@pytest.fixture
def auth(keys):
    return {"Authorization": f"Bearer {keys.token()}"}


def sample_requests() -> list[tuple[str, str]]:
    """Each route's pattern made concrete, below it, beside it; and each with other methods."""
    samples: set[tuple[str, str]] = set()
    for route in ROUTES:
        concrete = route.pattern.replace("/**", "").replace("{", "x").replace("}", "")
        for path in (concrete, concrete + "/7", concrete + "/7/more", concrete + "x", concrete + "/"):
            for method in ("GET", "POST", "PATCH", "DELETE"):
                samples.add((method, path))
    samples |= {("GET", "/api/nothing-here"), ("GET", "/.well-known/other"), ("GET", "/api/campaigns/%2e%2e/admin"),
                ("GET", "/api//users/me"), ("HEAD", "/api/certificates"), ("PUT", "/api/users/me")}
    return sorted(samples)


def test_the_edge_resolves_every_sample_path_as_the_routing_table_does(edge, services, auth):
    session = requests.Session()
    mismatches = []
    for method, path in sample_requests():
        resolution = table.resolve(method, requests.utils.unquote(path))
        response = session.request(method, edge.url + path, headers=auth, timeout=5)
        try:
            body = response.json() if method != "HEAD" else {}
        except ValueError:
            body = {"text": response.text[:200]}
        if path == "/.well-known/jwks.json" and "keys" in body:  # the fake identity serves it itself
            body = {"service": "identity", "path": path}
        if resolution.route is not None:
            got = (response.status_code, body.get("service"), body.get("path"))
            expected = (200, None, None) if method == "HEAD" else (200, resolution.route.service, path)
        elif resolution.path_known:
            got = (response.status_code, response.headers.get("Allow"), body.get("error", {}).get("code"))
            expected = (405, ", ".join(sorted(resolution.allowed)), None if method == "HEAD" else "METHOD_NOT_ALLOWED")
        else:
            got = (response.status_code, body.get("error", {}).get("code"))
            expected = (404, None if method == "HEAD" else "ROUTE_NOT_FOUND")
        if got != expected:
            mismatches.append((method, path, got, expected))
    assert not mismatches, mismatches


@pytest.mark.parametrize("path", ["/api/campaigns/1/../../admin/users", "/api/campaigns/1/./x",
                                  "/api/campaigns/1/%2E%2E/%2e%2e/admin/users"])
def test_a_path_with_dot_segments_matches_no_route(edge, services, auth, path, no_forwarding):
    """Sent as is (requests would remove the dots): a service's router could resolve them after the edge chose."""
    connection = http.client.HTTPConnection("127.0.0.1", edge.port, timeout=5)
    with no_forwarding(services["identity"]):
        connection.request("GET", path, headers=auth)
        response = connection.getresponse()
    assert response.status == 404
    assert json.loads(response.read())["error"]["code"] == "ROUTE_NOT_FOUND"
    connection.close()


def test_unknown_routes_and_methods_are_answered_in_the_common_shape(edge, auth):
    missing = error_of(requests.get(edge.url + "/api/nowhere/at%20all", headers=auth, timeout=5), 404,
                       "ROUTE_NOT_FOUND")
    assert missing["details"] == {"path": "/api/nowhere/at all"}
    response = requests.delete(edge.url + "/api/certificates", headers=auth, timeout=5)
    error_of(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["Allow"] == "GET, HEAD"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_token_routes_refuse_a_missing_forged_expired_or_foreign_token_without_forwarding(edge, services, keys,
                                                                                          no_forwarding):
    url = edge.url + "/api/users/me"
    with no_forwarding(services["identity"]):
        missing = requests.get(url, timeout=5)
        error_of(missing, 401, "MISSING_TOKEN")
        assert missing.headers["WWW-Authenticate"] == 'Bearer realm="api"'
        for token in (keys.token(key=keys.other), keys.token(aud="another-platform"), keys.token(iss="someone"),
                      keys.token(token_use="refresh"), keys.token() + "x", "not-a-jwt"):
            refused = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5)
            error_of(refused, 401, "INVALID_TOKEN")
            assert refused.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        expired = keys.token(exp=int(time.time()) - 60)
        error_of(requests.get(url, headers={"Authorization": f"Bearer {expired}"}, timeout=5), 401, "TOKEN_EXPIRED")
    within_leeway = keys.token(exp=int(time.time()) - 3)
    assert requests.get(url, headers={"Authorization": f"Bearer {within_leeway}"}, timeout=5).status_code == 200


def test_an_application_s_client_token_passes_the_edge_to_the_school_report_s_route(edge, services, keys):
    """A client's token (token_use client) passes the edge's first filter; the service decides its kind."""
    claims = keys.claims(sub="ac-lyon-3f2a9c1d0b7e", client_id="ac-lyon-3f2a9c1d0b7e", token_use="client",
                         scope="certification-results")
    del claims["roles"]  # a client has none
    token = jwt.encode(claims, keys.private, algorithm="RS256", headers={"kid": KID})
    response = requests.get(edge.url + "/api/livret-scolaire/certification-results?uai=0691234A",
                            headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert response.status_code == 200
    assert response.json()["service"] == "certification"


def test_a_token_of_a_key_the_edge_does_not_know_yet_goes_to_the_service_which_verifies_it(edge, services, keys):
    """A rotation: identity signs with a new key before the edge has fetched it; the service decides."""
    before = len(services["identity"].received)
    token = keys.token(key=keys.other, kid="rotated-key-2")
    response = requests.get(edge.url + "/api/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert response.status_code == 200  # the fake service verifies nothing; a real one answers 401
    assert len(services["identity"].received) == before + 1


def test_public_routes_pass_without_a_token_and_the_rest_is_the_python_gateways(edge):
    assert requests.post(edge.url + "/api/token", json={"email": "a@b.c"}, timeout=5).json()["service"] == "identity"
    assert requests.get(edge.url + "/api/openapi.json", timeout=5).status_code == 200
    page = requests.get(edge.url + "/orga/campagnes/42", timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert requests.get(edge.url + "/health/ready", timeout=5).status_code == 200


def test_correlation_ids_are_kept_when_sane_made_when_not_and_returned_on_every_answer(edge, services, auth):
    response = requests.get(edge.url + "/api/users/me", headers={**auth, "X-Correlation-ID": "abc-123"}, timeout=5)
    assert response.headers["X-Correlation-ID"] == "abc-123"
    assert response.json()["headers"]["X-Correlation-Id"] == "abc-123"
    made = requests.get(edge.url + "/api/users/me", headers={**auth, "X-Correlation-ID": "two words"}, timeout=5)
    sent = made.json()["headers"]["X-Correlation-Id"]
    assert made.headers["X-Correlation-ID"] == sent and len(sent) == 36 and sent != "two words"
    refused = requests.get(edge.url + "/api/users/me", headers={"X-Correlation-ID": "mine-1"}, timeout=5)
    assert refused.status_code == 401 and refused.headers["X-Correlation-ID"] == "mine-1"


def test_the_services_get_one_forwarded_address_the_edge_saw_never_the_clients_claim(edge, auth):
    response = requests.get(edge.url + "/api/users/me", timeout=5,
                            headers={**auth, "X-Forwarded-For": "6.6.6.6", "X-Real-IP": "6.6.6.6",
                                     "Forwarded": "for=6.6.6.6"})
    headers = response.json()["headers"]
    assert headers["X-Forwarded-For"] == "127.0.0.1"
    assert headers["X-Forwarded-Proto"] == "http"
    assert "X-Real-Ip" not in headers and "Forwarded" not in headers
    assert headers["Authorization"] == auth["Authorization"]  # each service verifies the token itself


def test_a_declared_body_over_the_limit_is_refused_before_the_service(start_edge, services, auth, no_forwarding):
    small = start_edge(RATELIMIT_ENABLED="false", MAX_BODY_BYTES="1000")
    with no_forwarding(services["assessment"]):
        response = requests.post(small.url + "/api/assessments/1/answers", data=b"x" * 1001,
                                 headers=auth, timeout=5)
    assert error_of(response, 413, "PAYLOAD_TOO_LARGE")["details"] == {"max_bytes": 1000}


def test_limits_count_per_account_per_address_and_per_group(start_edge, keys):
    edge = start_edge(RATELIMIT_ACCOUNT="3/minute", RATELIMIT_ADDRESS="4/minute", RATELIMIT_LOGIN="2/minute")
    one = {"Authorization": f"Bearer {keys.token(sub='account-one')}"}
    two = {"Authorization": f"Bearer {keys.token(sub='account-two')}"}
    statuses = [requests.get(edge.url + "/api/users/me", headers=one, timeout=5).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = requests.get(edge.url + "/api/users/me", headers=one, timeout=5)
    assert error_of(refused, 429, "TOO_MANY_REQUESTS")["details"] == {"limit": "3 per 1 minute", "per": "account"}
    assert refused.headers["Retry-After"] == "60"
    assert requests.get(edge.url + "/api/users/me", headers=two, timeout=5).status_code == 200  # its own bucket

    logins = [requests.post(edge.url + "/api/token", json={}, timeout=5).status_code for _ in range(3)]
    assert logins == [200, 200, 429]  # per address, in the log-in group only
    public = [requests.get(edge.url + "/api/campaigns/by-code/ABC", timeout=5).status_code for _ in range(5)]
    assert public == [200, 200, 200, 200, 429]
    # A forged token names nobody: counted against the address, whose bucket is spent.
    forged = {"Authorization": f"Bearer {keys.token(key=keys.other, sub='account-two')}"}
    error_of(requests.get(edge.url + "/api/campaigns/by-code/ABC", headers=forged, timeout=5), 429,
             "TOO_MANY_REQUESTS")


def test_two_edges_share_their_counters_through_peers(start_edge, keys):
    ports = free_port(), free_port()
    peers = (Peer("edge1", f"127.0.0.1:{ports[0]}"), Peer("edge2", f"127.0.0.1:{ports[1]}"))
    first = start_edge(peers=peers, local_peer="edge1", RATELIMIT_ACCOUNT="4/minute")
    second = start_edge(peers=peers, local_peer="edge2", RATELIMIT_ACCOUNT="4/minute")

    def connected(attempt: int) -> bool:
        """Four requests of a new account on the first edge: the second refuses the fifth once they talk."""
        probe = {"Authorization": f"Bearer {keys.token(sub=f'probe-{attempt}')}"}
        for _ in range(4):
            requests.get(first.url + "/api/users/me", headers=probe, timeout=5)
        time.sleep(0.2)
        return requests.get(second.url + "/api/users/me", headers=probe, timeout=5).status_code == 429

    assert any(connected(attempt) for attempt in range(40)), "the peers never shared a counter"
    auth = {"Authorization": f"Bearer {keys.token(sub='shared-account')}"}
    statuses = []
    for edge in (first, second) * 5:
        statuses.append(requests.get(edge.url + "/api/users/me", headers=auth, timeout=5).status_code)
        time.sleep(0.1)
    # Alone, each edge would pass 4 of its 5: 8 in all. Shared, the account gets its 4 and, as each edge's
    # copy of the other's count may lag by one request (HAProxy peers copy rates, not sums), at most one more.
    assert statuses[:4] == [200] * 4, statuses
    assert statuses.count(200) <= 5 and statuses[-2:] == [429, 429], statuses


def test_an_event_stream_message_is_passed_on_at_once(start_edge, keys):
    service = EventService(chunked=True)
    try:
        edge = start_edge(RATELIMIT_ENABLED="false", CERTIFICATION_URL=service.url)
        path = "/api/certification-sessions/00000000-0000-0000-0000-000000000001/invigilation/events"
        with requests.get(edge.url + path, headers={"Authorization": f"Bearer {keys.token()}"}, stream=True,
                          timeout=5) as response:
            assert response.headers["Content-Type"] == "text/event-stream"
            started = time.monotonic()
            first = response.raw.read(len(EVENT))
            assert first == EVENT and time.monotonic() - started < 2  # before the second is released
            service.release.set()
            assert response.raw.read(len(EVENT)) == EVENT.replace(b"id: 1", b"id: 2")
    finally:
        service.stop()


def test_a_refused_connection_is_tried_again_until_the_service_is_back(start_edge, keys):
    port = free_port()
    edge = start_edge(RATELIMIT_ENABLED="false", ASSESSMENT_URL=f"http://127.0.0.1:{port}")
    late = FakeService("assessment")
    starter = threading.Timer(1.5, lambda: late.start(port))
    starter.start()
    try:
        started = time.monotonic()
        response = requests.post(edge.url + "/api/assessments/1/answers", json={"a": 1}, timeout=10,
                                 headers={"Authorization": f"Bearer {keys.token()}"})  # a POST without a key
        assert response.status_code == 200 and response.json()["service"] == "assessment"
        assert time.monotonic() - started >= 1.0
    finally:
        starter.join()
        late.stop()


def test_a_service_that_stays_down_is_a_503_in_the_common_shape(start_edge, keys):
    edge = start_edge(RATELIMIT_ENABLED="false", UPSTREAM_RETRY_SECONDS="1",
                      REPORTING_URL=f"http://127.0.0.1:{free_port()}")
    response = requests.get(edge.url + "/api/campaigns/1/activity", timeout=10,
                            headers={"Authorization": f"Bearer {keys.token()}"})
    error = error_of(response, 503, "SERVICE_UNAVAILABLE")
    assert error["details"] == {"service": "reporting"}
    assert response.headers["Retry-After"] == "5"



def test_gateway_edge_fetches_identitys_keys_and_reloads_when_a_key_is_added(services, keys, start_gateway,
                                                                             tmp_path):
    """``gateway edge``: the keys from the JWKS, fetched again; a new key is known after the reload."""
    behind = start_gateway(RATELIMIT_ENABLED="false")
    port = free_port()
    edge = ServiceProcess(
        [*service_command("gateway"), "edge", "--bind", f"127.0.0.1:{port}", "--gateway-url", behind.url,
         "--workdir", str(tmp_path / "edge")],
        gateway_env(services, EDGE_KEYS_REFRESH_SECONDS="0.3", LOG_LEVEL="WARNING"), tmp_path / "edge.log",
        f"http://127.0.0.1:{port}/health/ready").start()
    identity, original = services["identity"], services["identity"].jwks
    url = f"http://127.0.0.1:{port}/api/users/me"
    # signed with the key identity will publish as "key-2", but under a name the edge does not know yet
    rotated = {"Authorization": f"Bearer {keys.token(key=keys.other, kid='key-2')}"}
    forged = {"Authorization": f"Bearer {keys.token(kid='key-2')}"}  # the old key claiming to be the new one
    try:
        edge.wait_ready(30)
        assert requests.get(url, headers={"Authorization": f"Bearer {keys.token()}"}, timeout=5).status_code == 200
        assert requests.get(url, headers=forged, timeout=5).status_code == 200  # unknown key: the service decides
        second = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys.other.public_key()))
        identity.jwks = {"keys": [*original["keys"], {**second, "kid": "key-2", "use": "sig", "alg": "RS256"}]}
        wait_until(lambda: requests.get(url, headers=forged, timeout=5).status_code == 401, timeout=15)
        error_of(requests.get(url, headers=forged, timeout=5), 401, "INVALID_TOKEN")
        assert requests.get(url, headers=rotated, timeout=5).status_code == 200
        assert sorted(path.name for path in (tmp_path / "edge" / "keys").iterdir()) == sorted([f"{KID}.pem", "key-2.pem"])
    finally:
        identity.jwks = original
        edge.stop()


def test_after_a_broken_connection_only_what_is_safe_to_apply_twice_is_sent_again(start_edge, keys):
    """Two servers for assessment and identity: one answers, one reads each request and hangs up."""
    breaker, replica = Breaker(), FakeService("assessment").start()
    try:
        urls = f"{breaker.url},{replica.url}"
        edge = start_edge(RATELIMIT_ENABLED="false", ASSESSMENT_URL=urls, IDENTITY_URL=urls)
        auth = {"Authorization": f"Bearer {keys.token()}"}

        def send(method: str, path: str, **headers: str) -> tuple[list[int], int]:
            before = len(breaker.received)
            statuses = [requests.request(method, edge.url + path, json={"n": n}, timeout=10,
                                         headers={**auth, **headers, "Idempotency-Key": f"k-{n}-{time.time()}"}
                                         if headers.get("Idempotency-Key") else {**auth, **headers}).status_code
                        for n in range(6)]
            return statuses, len(breaker.received) - before

        statuses, broken = send("GET", "/api/assessments/1/next-challenge")
        assert broken >= 1 and statuses == [200] * 6  # sent again to the other server
        statuses, broken = send("POST", "/api/assessments/1/answers", **{"Idempotency-Key": "yes"})
        assert broken >= 1 and statuses == [200] * 6  # a keyed mutation on a route that keeps keys
        statuses, broken = send("POST", "/api/assessments/1/answers")
        assert broken >= 1 and statuses.count(502) == broken  # no key: never sent twice
        statuses, broken = send("POST", "/api/token", **{"Idempotency-Key": "yes"})
        assert broken >= 1 and statuses.count(502) == broken  # identity keeps no token answer
        refused = requests.post(edge.url + "/api/token", json={}, timeout=10)
        while refused.status_code != 502:  # the turn of the server that hangs up
            refused = requests.post(edge.url + "/api/token", json={}, timeout=10)
        assert error_of(refused, 502, "BAD_GATEWAY")["details"] == {"service": "identity"}
    finally:
        breaker.close()
        replica.stop()


def test_gateway_edge_starts_while_a_peer_does_not_resolve_yet(services, start_gateway, tmp_path):
    """Edges start one after the other: the first must not wait for the others' names (HAProxy alone refuses a
    configuration naming a peer it cannot resolve)."""
    behind = start_gateway(RATELIMIT_ENABLED="false")
    port, peer_port, ops_port = free_port(), free_port(), free_port()
    edge = ServiceProcess(
        [*service_command("gateway"), "edge", "--bind", f"127.0.0.1:{port}", "--gateway-url", behind.url,
         "--workdir", str(tmp_path / "edge"), "--ops-bind", f"127.0.0.1:{ops_port}"],
        gateway_env(services, LOG_LEVEL="WARNING", EDGE_PEER_NAME="edge-0",
                    EDGE_PEERS=f"edge-0=localhost:{peer_port},edge-1=edge-1.not-yet.invalid:{peer_port}"),
        tmp_path / "edge.log", f"http://127.0.0.1:{port}/health/ready").start()
    try:
        edge.wait_ready(30)
        config = (tmp_path / "edge" / "haproxy.cfg").read_text()
        assert f"peer edge-0 0.0.0.0:{peer_port}" in config and "edge-1" not in config
        for probe in ("/health/live", "/health/ready"):  # the pod's probes, on the edge's own port
            assert requests.get(f"http://127.0.0.1:{ops_port}{probe}", timeout=5).status_code == 200
    finally:
        edge.stop()
