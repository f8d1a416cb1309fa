import uuid

import pytest

from gateway.headers import downstream_response_headers, upstream_request_headers
from svckit.web import correlation_id_from


def _upstream(incoming):
    return upstream_request_headers(incoming, correlation_id="corr-1", client_addr="203.0.113.9",
                                    scheme="https", host="skills.example.org")


def test_hop_by_hop_request_headers_stop_at_the_gateway():
    sent = _upstream([
        ("Connection", "keep-alive, X-Private"), ("X-Private", "1"), ("Keep-Alive", "300"),
        ("Proxy-Authorization", "Basic abc"), ("TE", "trailers"), ("Trailer", "X-Sum"),
        ("Transfer-Encoding", "chunked"), ("Upgrade", "websocket"), ("Host", "skills.example.org"),
        ("Content-Length", "12"), ("Authorization", "Bearer t"), ("Accept", "application/json"),
    ])
    lowered = {name.lower() for name in sent}
    for dropped in ("connection", "x-private", "keep-alive", "proxy-authorization", "te", "trailer",
                    "transfer-encoding", "upgrade", "host", "content-length"):
        assert dropped not in lowered
    assert sent["Authorization"] == "Bearer t"
    assert sent["Accept"] == "application/json"


def test_the_clients_forwarding_claims_are_replaced_by_what_the_gateway_saw():
    sent = _upstream([("X-Forwarded-For", "10.0.0.1"), ("X-Forwarded-Host", "evil.example"),
                      ("Forwarded", "for=10.0.0.1"), ("X-Real-IP", "10.0.0.1"), ("X-Correlation-ID", "client")])
    assert sent["X-Forwarded-For"] == "203.0.113.9"
    assert sent["X-Forwarded-Proto"] == "https"
    assert sent["X-Forwarded-Host"] == "skills.example.org"
    assert sent["X-Correlation-ID"] == "corr-1"
    assert "Forwarded" not in sent and "X-Real-IP" not in sent


def test_hop_by_hop_response_headers_stop_at_the_gateway_but_repeated_headers_pass():
    kept = downstream_response_headers([
        ("Connection", "close, X-Private"), ("X-Private", "1"), ("Keep-Alive", "timeout=5"),
        ("Transfer-Encoding", "chunked"), ("Proxy-Authenticate", "Basic"), ("Upgrade", "h2c"),
        ("Date", "Mon, 01 Jan 2024 00:00:00 GMT"), ("Server", "gunicorn"),
        ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Content-Type", "text/csv"), ("Content-Length", "10"),
    ])
    assert kept == [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Content-Type", "text/csv"),
                    ("Content-Length", "10")]


@pytest.mark.parametrize("sane", ["abc-123", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "x" * 200])
def test_a_sane_client_correlation_id_is_kept(sane):
    assert correlation_id_from(sane) == sane


@pytest.mark.parametrize("insane", [None, "", "x" * 201, "two words", "line\nbreak", "caf\u00e9"])
def test_a_missing_or_insane_correlation_id_is_replaced_by_a_uuid(insane):
    made = correlation_id_from(insane)
    assert made != insane
    assert uuid.UUID(made).version == 4
