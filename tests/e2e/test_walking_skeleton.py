"""Whole flows through the gateway, with real processes, databases and broker."""

from __future__ import annotations

import base64
import json
import signal
import uuid
from datetime import datetime, timedelta, timezone

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import create_engine, text

from msgkit.testing import wait_until

PASSWORD = "Blue-Sky-2026!"


def sign_up(stack, email: str) -> requests.Response:
    return requests.post(f"{stack.gateway}/api/users", timeout=10, json={
        "first_name": "Eve", "last_name": "Testeuse", "email": email, "password": PASSWORD, "accepted_terms": True})


def log_in(stack, email: str) -> dict:
    response = requests.post(f"{stack.gateway}/api/token", json={"email": email, "password": PASSWORD}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def known_emails(stack) -> set[str]:
    engine = create_engine(stack.organizations_database)
    try:
        with engine.connect() as connection:
            return set(connection.execute(text("SELECT email FROM known_users")).scalars())
    finally:
        engine.dispose()


def replica_rows(stack, email: str) -> int:
    engine = create_engine(stack.organizations_database)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM known_users WHERE email = :e"), {"e": email}).scalar_one()
    finally:
        engine.dispose()


def new_email() -> str:
    return f"eve.{uuid.uuid4().hex[:10]}@example.org"


def test_a_newcomer_signs_up_logs_in_and_reads_their_account_through_the_gateway(stack):
    email = new_email()
    created = sign_up(stack, email)
    assert created.status_code == 201, created.text
    tokens = log_in(stack, email)
    me = requests.get(f"{stack.gateway}/api/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}",
                                                               "X-Correlation-ID": "e2e-me-1"}, timeout=10)
    assert me.status_code == 200
    assert me.json()["email"] == email and me.json()["id"] == created.json()["id"]
    assert me.headers["X-Correlation-ID"] == "e2e-me-1"


def test_the_sign_up_reaches_the_organizations_service_through_the_broker(stack):
    email = new_email()
    assert sign_up(stack, email).status_code == 201
    wait_until(lambda: email in known_emails(stack), timeout=20, message="the replica in organizations")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_forged_and_expired_tokens_are_refused_at_the_gateway(stack):
    email = new_email()
    sign_up(stack, email)
    good = log_in(stack, email)["access_token"]
    header, payload, signature = good.split(".")
    claims = jwt.decode(good, options={"verify_signature": False})
    kid = jwt.get_unverified_header(good)["kid"]
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    from identity.adapters.keys import SigningKeyStore
    from identity.config import DEV_SIGNING_KEYS_SECRET

    engine = create_engine(stack.identity_database)
    signing_kid, signing_key = SigningKeyStore(engine, DEV_SIGNING_KEYS_SECRET).signing_key()
    engine.dispose()
    now = datetime.now(timezone.utc)
    refused = {
        "tampered": ".".join([header, _b64({**claims, "sub": str(uuid.uuid4())}), signature]),
        "alg none": f"{_b64({'alg': 'none', 'kid': kid})}.{_b64(claims)}.",
        "expired": jwt.encode({**claims, "iat": now - timedelta(hours=1), "exp": now - timedelta(minutes=30)},
                              signing_key, algorithm="RS256", headers={"kid": signing_kid}),
        "another key": jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": "another-key"}),
        "another key, our kid": jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": kid}),
    }
    for name, token in refused.items():
        response = requests.get(f"{stack.gateway}/api/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 401, name
        assert response.json()["error"]["code"] in ("INVALID_TOKEN", "TOKEN_EXPIRED"), name
    ok = requests.get(f"{stack.gateway}/api/users/me", headers={"Authorization": f"Bearer {good}"}, timeout=10)
    assert ok.status_code == 200


def test_sign_ups_made_while_the_broker_is_unreachable_all_arrive_once_it_is_back(stack):
    stack.proxy.cut()
    try:
        emails = [new_email() for _ in range(10)]
        for email in emails:  # the API does not need the broker: the outbox holds the events
            assert sign_up(stack, email).status_code == 201
        assert not set(emails) & known_emails(stack)
    finally:
        stack.proxy.restore()
    wait_until(lambda: set(emails) <= known_emails(stack), timeout=60, message="every sign-up replicated")
    assert all(replica_rows(stack, email) == 1 for email in emails)


def test_a_consumer_killed_while_events_flow_loses_nothing_and_doubles_nothing(stack):
    emails = [new_email() for _ in range(30)]
    for email in emails[:15]:
        sign_up(stack, email)
    stack.processes["organizations-consumer"].signal(signal.SIGKILL)
    for email in emails[15:]:
        sign_up(stack, email)
    stack.restart("organizations-consumer")
    wait_until(lambda: set(emails) <= known_emails(stack), timeout=60)
    assert all(replica_rows(stack, email) == 1 for email in emails)


def test_a_service_that_is_down_gives_a_503_in_the_common_shape(stack):
    email = new_email()
    sign_up(stack, email)
    token = log_in(stack, email)["access_token"]
    identity = stack.processes["identity-api"]
    identity.stop()
    try:
        response = requests.get(f"{stack.gateway}/api/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    finally:
        stack.restart("identity-api")
    assert requests.get(f"{stack.gateway}/api/users/me", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).status_code == 200


def test_the_gateway_serves_the_merged_openapi_document(stack):
    spec = requests.get(f"{stack.gateway}/api/openapi.json", timeout=10).json()
    assert {"/api/users", "/api/token", "/api/users/me"} <= set(spec["paths"])
