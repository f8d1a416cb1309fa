import hashlib
import http.client
import os
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests


@pytest.fixture
def auth(keys):
    return {"Authorization": f"Bearer {keys.token()}"}


def test_a_correlation_id_is_made_sent_to_the_service_and_returned(gateway):
    response = requests.get(gateway.url + "/api/campaigns/by-code/C1", timeout=5)
    made = response.headers["X-Correlation-ID"]
    assert uuid.UUID(made).version == 4
    assert response.json()["headers"]["X-Correlation-Id"] == made


def test_the_clients_correlation_id_is_kept_end_to_end(gateway):
    response = requests.get(gateway.url + "/api/campaigns/by-code/C1", headers={"X-Correlation-ID": "flow-42"},
                            timeout=5)
    assert response.headers["X-Correlation-ID"] == "flow-42"
    assert response.json()["headers"]["X-Correlation-Id"] == "flow-42"


def test_an_oversized_correlation_id_is_replaced(gateway):
    response = requests.get(gateway.url + "/api/campaigns/by-code/C1", headers={"X-Correlation-ID": "x" * 201},
                            timeout=5)
    assert response.headers["X-Correlation-ID"] != "x" * 201
    assert response.json()["headers"]["X-Correlation-Id"] == response.headers["X-Correlation-ID"]


def test_errors_made_by_the_gateway_carry_the_correlation_id_too(gateway):
    response = requests.get(gateway.url + "/api/users/me", headers={"X-Correlation-ID": "flow-401"}, timeout=5)
    assert response.status_code == 401 and response.headers["X-Correlation-ID"] == "flow-401"


def test_query_string_and_body_reach_the_service_byte_for_byte(gateway, auth):
    body = os.urandom(3 * 1024 * 1024)
    response = requests.post(
        gateway.url + "/api/organizations/7/learners/imports?format=siecle&tag=a%20b&tag=c",
        data=body, headers={**auth, "Content-Type": "application/zip"}, timeout=10,
    )
    echoed = response.json()
    assert echoed["query"] == "format=siecle&tag=a%20b&tag=c"
    assert echoed["body_length"] == len(body)
    assert echoed["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert echoed["headers"]["Content-Type"] == "application/zip"
    assert echoed["headers"]["Content-Length"] == str(len(body))


def test_a_chunked_upload_is_forwarded_whole(gateway, auth):
    parts = [os.urandom(100_000) for _ in range(5)]
    response = requests.post(gateway.url + "/api/organizations/7/learners/imports", data=iter(parts),
                             headers=auth, timeout=10)
    echoed = response.json()
    assert echoed["body_length"] == 500_000
    assert echoed["body_sha256"] == hashlib.sha256(b"".join(parts)).hexdigest()


def test_hop_by_hop_request_headers_do_not_reach_the_service(gateway, auth):
    target = urlsplit(gateway.url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
    connection.putrequest("GET", "/api/campaigns/1", skip_accept_encoding=True)
    for name, value in [*auth.items(), ("Connection", "X-Drop-Me"), ("X-Drop-Me", "1"), ("Keep-Alive", "300"),
                        ("Proxy-Authorization", "Basic abc"), ("TE", "trailers"), ("X-End-To-End", "kept"),
                        ("X-Forwarded-For", "6.6.6.6"), ("Accept-Encoding", "br")]:
        connection.putheader(name, value)
    connection.endheaders()
    answer = connection.getresponse()
    echoed = __import__("json").loads(answer.read())
    connection.close()
    received = {name.lower(): value for name, value in echoed["headers"].items()}
    for dropped in ("x-drop-me", "keep-alive", "proxy-authorization", "te"):
        assert dropped not in received
    assert received["x-end-to-end"] == "kept"
    assert received["x-forwarded-for"] == "127.0.0.1"
    assert received["x-forwarded-proto"] == "http"
    assert received["x-forwarded-host"] == f"{target.hostname}:{target.port}"
    assert received["host"] != received["x-forwarded-host"]  # the service's own host
    assert received["accept-encoding"] == "br"  # the client's, not one the gateway made up


def test_hop_by_hop_response_headers_do_not_reach_the_client(gateway):
    response = requests.get(gateway.url + "/api/campaigns/by-code/C1?hop=1", timeout=5)
    assert response.status_code == 200
    assert response.headers["X-End-To-End"] == "kept"
    for dropped in ("X-Secret", "Proxy-Authenticate", "Trailer"):
        assert dropped not in response.headers
    assert response.headers.get("Keep-Alive") != "timeout=99"


def test_status_and_repeated_headers_come_back_as_the_service_sent_them(gateway):
    response = requests.post(gateway.url + "/api/users?status=201&cookie=a", json={}, timeout=5)
    assert response.status_code == 201
    assert "secret-of-a" in response.headers["Set-Cookie"]


def test_a_cookie_set_for_one_client_is_never_sent_for_another(gateway):
    requests.post(gateway.url + "/api/users?cookie=alice", json={}, timeout=5)
    later = requests.post(gateway.url + "/api/users", json={}, timeout=5).json()
    assert "Cookie" not in later["headers"]


def test_head_gets_the_headers_without_a_body(gateway):
    response = requests.head(gateway.url + "/api/campaigns/by-code/C1", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.content == b""


def test_behind_trusted_proxies_the_client_seen_by_the_last_proxy_is_forwarded(start_gateway):
    gateway = start_gateway(RATELIMIT_ENABLED="false", TRUSTED_PROXIES="1")
    response = requests.get(gateway.url + "/api/campaigns/by-code/C1", timeout=5, headers={
        "X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "skills.example.org"})
    received = response.json()["headers"]
    assert received["X-Forwarded-For"] == "198.51.100.7"
    assert received["X-Forwarded-Proto"] == "https"
    assert received["X-Forwarded-Host"] == "skills.example.org"


def test_without_trusted_proxies_a_clients_forwarding_claims_are_ignored(gateway):
    response = requests.get(gateway.url + "/api/campaigns/by-code/C1", timeout=5, headers={
        "X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"})
    received = response.json()["headers"]
    assert received["X-Forwarded-For"] == "127.0.0.1"
    assert received["X-Forwarded-Proto"] == "http"
    assert received["X-Forwarded-Host"].startswith("127.0.0.1:")


class _KeepAliveHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keeps the connection open between requests
    peers: list = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        type(self).peers.append(self.client_address[1])
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_connections_to_a_service_are_reused_across_requests(start_gateway):
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAliveHandler)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        gateway = start_gateway(RATELIMIT_ENABLED="false", CAMPAIGNS_URL=f"http://127.0.0.1:{upstream.server_port}")
        _KeepAliveHandler.peers.clear()
        for _ in range(5):
            assert requests.get(gateway.url + "/api/campaigns/by-code/C1", timeout=5).json() == {"ok": True}
        assert len(_KeepAliveHandler.peers) == 5
        assert len(set(_KeepAliveHandler.peers)) == 1, "each request opened a new connection to the service"
    finally:
        upstream.shutdown()
        upstream.server_close()
