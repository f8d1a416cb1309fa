import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization

from gateway.tests.conftest import KID
from svckit.testing import free_port

PROTECTED = "/api/users/me"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict) -> str:
    return _b64(json.dumps(value).encode())


def tampered(keys) -> str:
    header, _, signature = keys.token().split(".")
    return ".".join([header, _segment(keys.claims(sub="someone-else", roles=["ADMIN"])), signature])


def alg_none(keys) -> str:
    return ".".join([_segment({"alg": "none", "typ": "JWT", "kid": "test-key-1"}), _segment(keys.claims()), ""])


def hs256_with_the_public_key(keys) -> str:
    """The key-confusion attack: HMAC keyed with the RSA public key a verifier might reuse."""
    public_pem = keys.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = _segment({"alg": "HS256", "typ": "JWT", "kid": "test-key-1"}) + "." + _segment(keys.claims())
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + _b64(signature)


def expired(keys) -> str:
    now = int(time.time())
    return keys.token(iat=now - 7200, exp=now - 3600)


def unknown_key(keys) -> str:
    return keys.token(key=keys.other, kid="rogue-key")


def other_key_known_kid(keys) -> str:
    return keys.token(key=keys.other)


def refresh_token(keys) -> str:
    return keys.token(token_use="refresh")


def wrong_audience(keys) -> str:
    return keys.token(aud="another-platform")


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (tampered, "INVALID_TOKEN"),
        (alg_none, "INVALID_TOKEN"),
        (hs256_with_the_public_key, "INVALID_TOKEN"),
        (expired, "TOKEN_EXPIRED"),
        (unknown_key, "INVALID_TOKEN"),
        (other_key_known_kid, "INVALID_TOKEN"),
        (refresh_token, "INVALID_TOKEN"),
        (wrong_audience, "INVALID_TOKEN"),
        (lambda keys: "not-a-jwt", "INVALID_TOKEN"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_a_bad_token_is_refused_with_a_401_and_never_forwarded(gateway, services, keys, no_forwarding, make, code):
    with no_forwarding(services["identity"]):
        response = requests.get(gateway.url + PROTECTED, headers={"Authorization": f"Bearer {make(keys)}"}, timeout=5)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_a_valid_token_passes_and_reaches_the_service_unchanged(gateway, keys):
    token = keys.token()
    response = requests.get(gateway.url + PROTECTED, headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert response.status_code == 200
    assert response.json()["headers"]["Authorization"] == f"Bearer {token}"


def test_a_non_bearer_authorization_is_a_missing_token(gateway):
    response = requests.get(gateway.url + PROTECTED, headers={"Authorization": "Basic dXNlcjpwYXNz"}, timeout=5)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "MISSING_TOKEN"


def test_unreachable_keys_are_a_503_not_a_401(start_gateway, keys):
    gateway = start_gateway(RATELIMIT_ENABLED="false", JWKS_URL=f"http://127.0.0.1:{free_port()}/jwks.json")
    response = requests.get(gateway.url + PROTECTED, headers={"Authorization": f"Bearer {keys.token()}"}, timeout=10)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "AUTH_KEYS_UNAVAILABLE"
    # a public route does not need the keys
    assert requests.get(gateway.url + "/api/campaigns/by-code/X1", timeout=5).status_code == 200


def test_an_application_s_client_token_passes_to_the_school_report_s_route(gateway, keys):
    """A client's token (OAuth 2 client credentials) passes the gateway's first filter like a person's; the
    service decides which kind its route serves (svckit.auth)."""
    claims = keys.claims(sub="ac-lyon-3f2a9c1d0b7e", client_id="ac-lyon-3f2a9c1d0b7e", token_use="client",
                         scope="certification-results")
    del claims["roles"]  # a client has none
    token = jwt.encode(claims, keys.private, algorithm="RS256", headers={"kid": KID})
    response = requests.get(gateway.url + "/api/livret-scolaire/certification-results?uai=0691234A",
                            headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert response.status_code == 200
    assert response.json()["headers"]["Authorization"] == f"Bearer {token}"
