"""identity's API on its real database: sign up, log in, tokens, the current user."""

import base64
import dataclasses
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select, text

from identity.adapters.orm import outbox, users
from identity.bootstrap import bootstrap
from identity.config import Settings
from identity.domain.model import User
from identity.entrypoints.api.app import create_app
from msgkit import Envelope

PASSWORD = "Sup3r-Secret!"


def unique_email():
    return f"lou.{uuid.uuid4().hex[:8]}@example.org"


def sign_up(client, email, **overrides):
    body = {"first_name": "Lou", "last_name": "Apprenant", "email": email, "password": PASSWORD,
            "accepted_terms": True, **overrides}
    return client.post("/api/users", json=body)


def log_in(client, email, password=PASSWORD, address="10.1.1.1"):
    return client.post("/api/token", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_signing_up_creates_the_account_and_writes_its_event_in_the_same_transaction(client, identity):
    email = unique_email()
    response = sign_up(client, email.upper())
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == email and "password" not in body and body["roles"] == []
    with identity.engine.connect() as connection:
        row = connection.execute(select(outbox.c.body).where(outbox.c.aggregate_id == body["id"])).scalar_one()
        password_hash = connection.execute(select(users.c.password_hash).where(users.c.email == email)).scalar_one()
    envelope = Envelope.from_json(row)
    assert envelope.event_type == "identity.user.registered.v1"
    assert envelope.payload["email"] == email
    assert password_hash.startswith("$argon2id$") and PASSWORD not in row


def test_invalid_sign_ups_get_the_common_error_shape(client):
    email = unique_email()
    missing = client.post("/api/users", json={"email": email})
    assert missing.status_code == 400
    assert missing.get_json()["error"]["code"] == "VALIDATION_ERROR"
    assert {"first_name", "last_name", "password", "accepted_terms"} <= set(missing.get_json()["error"]["details"]["fields"])
    weak = sign_up(client, email, password="password")
    assert weak.status_code == 422 and weak.get_json()["error"]["code"] == "PASSWORD_TOO_WEAK"
    assert "PASSWORD_NEEDS_UPPERCASE" in weak.get_json()["error"]["details"]["rules"]
    terms = sign_up(client, email, accepted_terms=False)
    assert terms.status_code == 422 and terms.get_json()["error"]["code"] == "TERMS_NOT_ACCEPTED"
    bad_email = sign_up(client, "not-an-email")
    assert bad_email.status_code == 400 and bad_email.get_json()["error"]["code"] == "INVALID_EMAIL"
    not_json = client.post("/api/users", data="{", content_type="application/json")
    assert not_json.status_code == 400 and "error" in not_json.get_json()


def test_an_email_already_used_is_a_conflict(client):
    email = unique_email()
    assert sign_up(client, email).status_code == 201
    again = sign_up(client, email)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "EMAIL_ALREADY_TAKEN"


def test_logging_in_then_reading_the_current_user(client):
    email = unique_email()
    user_id = sign_up(client, email).get_json()["id"]
    response = log_in(client, email)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    tokens = response.get_json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900
    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["alg"] == "RS256" and header["kid"]
    me = client.get("/api/users/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.get_json()["id"] == user_id and me.get_json()["orga_terms_accepted"] is False


def test_wrong_credentials_are_refused_without_saying_which_part_is_wrong(client):
    email = unique_email()
    sign_up(client, email)
    wrong = log_in(client, email, "Wrong-Pass-1")
    unknown = log_in(client, unique_email())
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()


@pytest.mark.parametrize("trusted_proxies, trusted_addresses, expected", [
    ("1", "10.3.3.0/24", "203.0.113.7"),  # the gateway's network: its X-Forwarded-For is believed
    ("1", "127.0.0.1", "10.3.3.3"),  # anyone else who reaches the port keeps their own address
    ("0", "10.3.3.0/24", "10.3.3.3"),
])
def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(settings, trusted_proxies,
                                                                                  trusted_addresses, expected):
    behind_gateway = Settings.from_env({**settings.common.extra, "TRUSTED_PROXIES": trusted_proxies,
                                        "TRUSTED_PROXY_ADDRESSES": trusted_addresses})
    runtime = bootstrap(behind_gateway)
    client = create_app(runtime).test_client()
    email = unique_email()
    sign_up(client, email)
    client.post("/api/token", json={"email": email, "password": "Wrong-Pass-1"},
                headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.3.3.3"})
    with runtime.engine.connect() as connection:
        address = connection.execute(text("SELECT address FROM login_failures WHERE email = :e"), {"e": email}).scalar_one()
    runtime.engine.dispose()
    assert address == expected


def test_refresh_rotates_and_revoke_logs_out(client):
    email = unique_email()
    sign_up(client, email)
    first = log_in(client, email).get_json()
    second = client.post("/api/token/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    assert client.get("/api/users/me", headers=bearer(second.get_json()["access_token"])).status_code == 200
    replay = client.post("/api/token/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.get_json()["error"]["code"] == "INVALID_REFRESH_TOKEN"

    third = log_in(client, email).get_json()
    assert client.post("/api/token/revoke", json={"refresh_token": third["refresh_token"]}).status_code == 204
    assert client.post("/api/token/refresh", json={"refresh_token": third["refresh_token"]}).status_code == 401
    assert client.post("/api/token/revoke", json={"refresh_token": "never-issued"}).status_code == 204


def test_accepting_the_orga_terms(client):
    email = unique_email()
    sign_up(client, email)
    token = log_in(client, email).get_json()["access_token"]
    accepted = client.post("/api/users/me/orga-terms-acceptance", headers=bearer(token))
    assert accepted.status_code == 200 and accepted.get_json()["orga_terms_accepted"] is True
    again = client.post("/api/users/me/orga-terms-acceptance", headers=bearer(token))
    assert again.get_json()["orga_terms_accepted_at"] == accepted.get_json()["orga_terms_accepted_at"]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture
def good_token(client):
    email = unique_email()
    sign_up(client, email)
    return log_in(client, email).get_json()["access_token"]


def hs256_signed_with(secret: bytes, header: dict, claims: dict) -> str:
    signing_input = f"{_b64(header)}.{_b64(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def test_forged_tokens_are_refused(client, identity, good_token):
    header, _, signature = good_token.split(".")
    claims = jwt.decode(good_token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(good_token)["kid"]
    public_pem = identity.keys.key_for(kid).public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signing_kid, signing_key = identity.keys.signing_key()
    now = datetime.now(timezone.utc)
    forged = {
        "tampered payload": ".".join([header, _b64({**claims, "roles": ["SUPER_ADMIN"]}), signature]),
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{_b64(claims)}.",
        "HS256 keyed with the public key": hs256_signed_with(public_pem, {"alg": "HS256", "kid": kid}, claims),
        "another key, unknown kid": jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": "elsewhere"}),
        "another key, our kid": jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": kid}),
        "expired": jwt.encode({**claims, "iat": now - timedelta(hours=2), "exp": now - timedelta(hours=1)},
                              signing_key, algorithm="RS256", headers={"kid": signing_kid}),
        "not a refresh of trust: other audience": jwt.encode({**claims, "aud": "another-platform"}, signing_key,
                                                             algorithm="RS256", headers={"kid": signing_kid}),
        "garbage": "not.a.token",
    }
    for name, token in forged.items():
        response = client.get("/api/users/me", headers=bearer(token))
        assert response.status_code == 401, name
        assert response.get_json()["error"]["code"] in ("INVALID_TOKEN", "TOKEN_EXPIRED"), name
        assert "WWW-Authenticate" in response.headers, name
    assert client.get("/api/users/me", headers=bearer(forged["expired"])).get_json()["error"]["code"] == "TOKEN_EXPIRED"
    missing = client.get("/api/users/me")
    assert missing.status_code == 401 and missing.get_json()["error"]["code"] == "MISSING_TOKEN"
    assert client.get("/api/users/me", headers=bearer(good_token)).status_code == 200


def test_after_a_key_rotation_old_tokens_still_work_and_new_ones_use_the_new_key(client, identity, good_token):
    old_kid = jwt.get_unverified_header(good_token)["kid"]
    new_kid = identity.keys.rotate()
    jwks = client.get("/.well-known/jwks.json").get_json()
    assert {old_kid, new_kid} <= {key["kid"] for key in jwks["keys"]}
    assert all("d" not in key for key in jwks["keys"])  # never a private part
    assert client.get("/api/users/me", headers=bearer(good_token)).status_code == 200
    email = unique_email()
    sign_up(client, email)
    fresh = log_in(client, email).get_json()["access_token"]
    assert jwt.get_unverified_header(fresh)["kid"] == new_kid
    identity.keys.retire(old_kid)
    assert client.get("/api/users/me", headers=bearer(good_token)).status_code == 401


def test_an_idempotency_key_replays_the_first_answer_instead_of_signing_up_twice(client):
    email = unique_email()
    body = {"first_name": "Lou", "last_name": "Apprenant", "email": email, "password": PASSWORD, "accepted_terms": True}
    key = {"Idempotency-Key": f"signup-{email}"}
    first = client.post("/api/users", json=body, headers=key)
    again = client.post("/api/users", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/users", json={**body, "email": unique_email()}, headers=key)
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    without_key = client.post("/api/users", json=body)
    assert without_key.status_code == 409  # no key, no replay: the rule answers


def test_the_stored_fingerprint_of_a_sign_up_is_keyed_so_a_dump_cannot_test_passwords_against_it(client, identity):
    """The fingerprint binds a key to its request's body, which holds the password: a plain SHA-256 of it, kept
    24 hours, let anyone with a dump of the table test guessed passwords at the speed of SHA-256, without
    argon2. It is an HMAC under a key derived from SIGNING_KEYS_SECRET; the same request still replays."""
    email = unique_email()
    raw = json.dumps({"first_name": "Lou", "last_name": "Apprenant", "email": email, "password": PASSWORD,
                      "accepted_terms": True}).encode()
    key = {"Idempotency-Key": f"signup-{email}"}
    first = client.post("/api/users", data=raw, content_type="application/json", headers=key)
    with identity.engine.connect() as connection:
        stored = connection.execute(text("SELECT fingerprint FROM idempotency_keys WHERE key = :k"),
                                    {"k": key["Idempotency-Key"]}).scalar_one()
    plain = hashlib.sha256(b"\n".join([b"POST", b"/api/users?", raw])).hexdigest()
    assert first.status_code == 201 and len(stored) == 64
    assert stored != plain
    assert stored != hmac.new(identity.settings.signing_keys_secret.encode(), b"\n".join([b"POST", b"/api/users?", raw]),
                              hashlib.sha256).hexdigest()  # keyed with a key of its own, not the secret itself
    again = client.post("/api/users", data=raw, content_type="application/json", headers=key)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"


def test_health_metrics_and_openapi(client):
    assert client.get("/health/live").get_json() == {"status": "ok"}
    assert client.get("/health/ready").get_json()["checks"] == {"database": "ok"}
    client.get("/api/users/me")
    assert b"http_requests_total" in client.get("/metrics").data
    spec = client.get("/openapi.json").get_json()
    assert {"/api/users", "/api/token", "/api/users/me"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/users/me"]["get"]["security"] == [{"bearerAuth": []}]


def test_a_token_whose_account_no_longer_exists_gets_404_as_the_document_says(client, identity):
    """Every route of the logged-in account answers 404 USER_NOT_FOUND for an account gone since its token
    was issued, and documents it (a conformance check would refuse an answer it does not document)."""
    gone = User.register(id=uuid.uuid4(), email=unique_email(), first_name="Lou", last_name="Partie",
                         password_hash="unused", accepted_terms=True, locale="fr", now=datetime.now(timezone.utc))
    headers = {"Authorization": f"Bearer {identity.issuer.issue(gone, datetime.now(timezone.utc))}"}
    spec = client.get("/openapi.json").get_json()
    me = [(method, path) for path, operations in spec["paths"].items() if path.startswith("/api/users/me")
          for method in operations if method in ("get", "post", "put", "patch", "delete")]
    assert len(me) == 3, me
    for method, path in me:
        answer = client.open(path, method=method.upper(), headers=headers, json={})
        assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "USER_NOT_FOUND", (path, answer)
        assert "404" in spec["paths"][path][method]["responses"], f"{method.upper()} {path} does not document 404"


def test_token_answers_are_never_stored_for_an_idempotent_replay(client, identity):
    email = unique_email()
    sign_up(client, email)
    key = {"Idempotency-Key": f"login-{email}"}
    first = client.post("/api/token", json={"email": email, "password": PASSWORD}, headers=key).get_json()
    second = client.post("/api/token", json={"email": email, "password": PASSWORD}, headers=key).get_json()
    assert first["refresh_token"] != second["refresh_token"]
    with identity.engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM idempotency_keys WHERE key = :k"),
                                    {"k": key["Idempotency-Key"]}).scalar_one()
    assert stored == 0


class PoolWatchingHasher:
    """The real hasher, noting how many pooled connections are checked out while it works."""

    def __init__(self, hasher, engine):
        self.hasher, self.engine, self.held = hasher, engine, []

    def hash(self, password):
        self.held.append(self.engine.pool.checkedout())
        return self.hasher.hash(password)

    def verify(self, password_hash, password):
        self.held.append(self.engine.pool.checkedout())
        return self.hasher.verify(password_hash, password)

    def needs_rehash(self, password_hash):
        return self.hasher.needs_rehash(password_hash)


def test_no_database_connection_is_held_while_a_password_is_hashed_or_checked(identity):
    watching = PoolWatchingHasher(identity.hasher, identity.engine)
    client = create_app(dataclasses.replace(identity, hasher=watching)).test_client()
    email = unique_email()
    assert sign_up(client, email).status_code == 201
    assert log_in(client, email).status_code == 200
    assert log_in(client, email, "Wrong-Pass-1").status_code == 401
    assert log_in(client, unique_email()).status_code == 401
    assert len(watching.held) >= 4 and set(watching.held) == {0}, watching.held
