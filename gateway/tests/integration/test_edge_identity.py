"""The HAProxy edge (``gateway edge``) in front of the real identity service: identity's own tokens, signed
with the keys of its own JWKS, are verified by HAProxy's ``jwt_verify`` at the edge."""

from __future__ import annotations

import base64
import json
import time
import uuid

import pytest
import requests

from gateway.tests.conftest import gateway_env
from msgkit.testing import isolated_vhost
from svckit.testing import ServiceProcess, free_port, fresh_database, service_command

PASSWORD = "Edge-Pass-2026!"  # noqa: S105 - a test account


@pytest.fixture(scope="module")
def real_identity(rabbitmq_root_url, tmp_path_factory):
    logs = tmp_path_factory.mktemp("edge-identity")
    with fresh_database("edge_identity") as url, isolated_vhost(rabbitmq_root_url, "edge") as amqp_url:
        env = {"SERVICE_ENV": "test", "DATABASE_URL": url, "RABBITMQ_URL": amqp_url, "LOG_LEVEL": "WARNING"}
        ServiceProcess([*service_command("identity"), "migrate"], env, logs / "migrate.log").start().process.wait(60)
        port = free_port()
        identity = ServiceProcess([*service_command("identity"), "api", "--bind", f"127.0.0.1:{port}"], env,
                                  logs / "identity.log", f"http://127.0.0.1:{port}/health/ready").start()
        try:
            identity.wait_ready(60)
            yield identity, f"http://127.0.0.1:{port}"
        finally:
            identity.stop()


@pytest.fixture(scope="module")
def edge_url(real_identity, services, start_gateway, tmp_path_factory):
    _, identity_url = real_identity
    behind = start_gateway(RATELIMIT_ENABLED="false")
    port = free_port()
    folder = tmp_path_factory.mktemp("edge-real")
    env = gateway_env(services, IDENTITY_URL=identity_url, JWKS_URL=f"{identity_url}/.well-known/jwks.json",
                      LOG_LEVEL="WARNING")
    edge = ServiceProcess([*service_command("gateway"), "edge", "--bind", f"127.0.0.1:{port}",
                           "--gateway-url", behind.url, "--workdir", str(folder / "work")], env,
                          folder / "edge.log", f"http://127.0.0.1:{port}/health/ready").start()
    try:
        edge.wait_ready(30)
        yield f"http://127.0.0.1:{port}"
    finally:
        edge.stop()


def tampered(token: str) -> str:
    """The same token with another subject in its payload: its signature no longer matches."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(uuid.uuid4())
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_identitys_tokens_are_verified_at_the_edge_and_a_forged_one_never_reaches_identity(real_identity, edge_url):
    identity, _ = real_identity
    email = f"edge-{uuid.uuid4().hex[:8]}@example.org"
    created = requests.post(f"{edge_url}/api/users", timeout=10, json={
        "first_name": "Eda", "last_name": "Proxy", "email": email, "password": PASSWORD, "accepted_terms": True})
    assert created.status_code == 201, created.text
    token = requests.post(f"{edge_url}/api/token", json={"email": email, "password": PASSWORD},
                          timeout=10).json()["access_token"]
    me = requests.get(f"{edge_url}/api/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert me.status_code == 200 and me.json()["email"] == email

    identity.stop()  # from here, what reaches identity is a 503: what the edge answers itself is not
    time.sleep(0.2)
    forged = requests.get(f"{edge_url}/api/users/me", headers={"Authorization": f"Bearer {tampered(token)}"},
                          timeout=10)
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "INVALID_TOKEN"
    missing = requests.get(f"{edge_url}/api/users/me", timeout=10)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "MISSING_TOKEN"
    passed = requests.get(f"{edge_url}/api/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert passed.status_code == 503 and passed.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
