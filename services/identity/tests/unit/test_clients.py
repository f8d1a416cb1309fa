"""OAuth 2 clients without I/O: the registration's rules, the scopes granted, the client credentials grant and
its throttle with fakes, and the token's claims (a client's, never a person's)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest

from identity.adapters.client_secrets import HmacClientSecrets
from identity.adapters.tokens import JwtClientTokenIssuer
from identity.domain.clients import (
    ClientAuthenticationFailed,
    ClientAuthenticationThrottled,
    ClientAuthThrottle,
    InvalidClient,
    InvalidRequest,
    InvalidScope,
    OAuthClient,
    RegisterClient,
    RequestClientToken,
    UnsupportedGrantType,
)
from identity.service_layer import clients
from identity.service_layer.ports import AbstractOAuthClients, ClientTokenIssuer
from svckit.auth import TokenVerifier

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


class FakeOAuthClients(AbstractOAuthClients):
    def __init__(self):
        self.rows, self.failures = {}, []

    def add(self, client):
        self.rows[client.client_id] = client

    def get(self, client_id):
        return self.rows.get(client_id)

    def all(self):
        return list(self.rows.values())

    def failures_since(self, address, since):
        return [at for a, at in self.failures if a == address and at > since]

    def record_failure(self, address, now, forget_before):
        self.failures = [(a, at) for a, at in self.failures if not (a == address and at <= forget_before)]
        self.failures.append((address, now))


class FakeClientIssuer(ClientTokenIssuer):
    def issue_for_client(self, client, scopes, now):
        return f"token-of-{client.client_id}-for-{'+'.join(scopes)}"


@pytest.fixture
def secrets():
    return HmacClientSecrets("a secret of the tests, long enough")


@pytest.fixture
def registered(uow, secrets, clock):
    uow.oauth_clients = FakeOAuthClients()
    return clients.register_client(RegisterClient("LSU, académie de Lyon", ["certification-results"], "AC-Lyon",
                                                   ["069", " 001", "042"], created_by="admin-1"), uow, secrets, clock)


THROTTLE = ClientAuthThrottle()


def ask(uow, secrets, clock, *, client_id, secret, grant="client_credentials", scope=None, address="10.0.0.1"):
    return clients.issue_client_token(RequestClientToken(grant, scope, client_id, secret, address), uow, secrets,
                                      FakeClientIssuer(), 900, THROTTLE, clock)


def register(**changes):
    values = {"client_id": "ac-lyon-1", "name": "LSU", "secret_hash": "h", "scopes": ["certification-results"],
              "academy": "ac-lyon", "uai_prefixes": ["069"], **changes}
    return OAuthClient.register(**values, created_by="admin", now=NOW)


def test_a_client_s_academy_and_prefixes_are_kept_normalized(registered):
    client = registered.client
    assert client.academy == "ac-lyon" and client.client_id.startswith("ac-lyon-")
    assert client.uai_prefixes == ("001", "042", "069") and client.enabled


def test_the_secret_is_shown_once_and_kept_as_a_keyed_hash(registered, secrets):
    assert registered.secret not in registered.client.secret_hash
    assert secrets.matches(registered.secret, registered.client.secret_hash)
    assert not secrets.matches(registered.secret, HmacClientSecrets("another key").hash(registered.secret))


@pytest.mark.parametrize("changes, field", [
    ({"scopes": ["admin"]}, "scopes"), ({"scopes": []}, "scopes"), ({"academy": "lyon"}, "academy"),
    ({"uai_prefixes": ["69A"]}, "uai_prefixes"), ({"uai_prefixes": ["069123456"]}, "uai_prefixes"),
    ({"uai_prefixes": []}, "uai_prefixes"), ({"name": " "}, "name"),
])
def test_a_registration_breaking_a_rule_names_its_field(changes, field):
    with pytest.raises(InvalidClient) as refused:
        register(**changes)
    assert field in refused.value.details["fields"]


def test_a_whole_uai_narrows_a_client_to_one_school():
    assert register(uai_prefixes=["0691234a"]).uai_prefixes == ("0691234A",)


def test_a_token_has_the_scopes_asked_or_all_the_client_s_and_never_another():
    client = register()
    assert client.granted(None) == client.granted(" ") == ("certification-results",)
    assert client.granted("certification-results") == ("certification-results",)
    with pytest.raises(InvalidScope):
        client.granted("certification-results admin")


def test_the_right_secret_gets_a_token(uow, secrets, clock, registered):
    issued = ask(uow, secrets, clock, client_id=registered.client.client_id, secret=registered.secret)
    assert issued.access_token == f"token-of-{registered.client.client_id}-for-certification-results"
    assert issued.expires_in == 900 and issued.scopes == ("certification-results",)


@pytest.mark.parametrize("who", ["unknown client", "wrong secret", "no secret", "disabled"])
def test_a_client_that_does_not_authenticate_gets_one_answer_and_a_failure_counted(uow, secrets, clock, registered,
                                                                                 who):
    client_id, secret = registered.client.client_id, registered.secret
    if who == "unknown client":
        client_id = "ac-lyon-000000000000"
    elif who == "wrong secret":
        secret = "guess"
    elif who == "no secret":
        secret = None
    else:
        registered.client.disable("admin-1", NOW)
    with pytest.raises(ClientAuthenticationFailed) as refused:
        ask(uow, secrets, clock, client_id=client_id, secret=secret)
    assert (refused.value.status, refused.value.error) == (401, "invalid_client")
    assert len(uow.oauth_clients.failures) == (0 if who == "no secret" else 1)


def test_the_grant_is_checked_after_the_client(uow, secrets, clock, registered):
    client_id, secret = registered.client.client_id, registered.secret
    with pytest.raises(UnsupportedGrantType):
        ask(uow, secrets, clock, client_id=client_id, secret=secret, grant="password")
    with pytest.raises(InvalidRequest):
        ask(uow, secrets, clock, client_id=client_id, secret=secret, grant=None)
    with pytest.raises(ClientAuthenticationFailed):  # a wrong secret says nothing of the grant
        ask(uow, secrets, clock, client_id=client_id, secret="guess", grant="password")


def test_an_address_failing_ten_times_in_15_minutes_waits_until_the_oldest_is_15_minutes_old(uow, secrets, clock,
                                                                                           registered):
    client_id = registered.client.client_id
    for _ in range(10):
        with pytest.raises(ClientAuthenticationFailed):
            ask(uow, secrets, clock, client_id=client_id, secret="guess")
        clock.advance(minutes=1)
    with pytest.raises(ClientAuthenticationThrottled) as held:  # even with the right secret
        ask(uow, secrets, clock, client_id=client_id, secret=registered.secret)
    assert held.value.retry_after == 5 * 60 and held.value.status == 429
    ask(uow, secrets, clock, client_id=client_id, secret=registered.secret, address="10.0.0.2")  # elsewhere: fine
    clock.advance(minutes=5, seconds=1)
    assert ask(uow, secrets, clock, client_id=client_id, secret=registered.secret).access_token


def test_the_throttle_counts_only_the_failures_of_the_last_15_minutes():
    throttle = ClientAuthThrottle()
    old = [NOW - timedelta(minutes=15)] * 20
    assert throttle.wait(old + [NOW] * 9, NOW) is None
    assert throttle.wait([NOW - timedelta(minutes=14)] + [NOW] * 9, NOW) == timedelta(minutes=1)


def test_a_client_s_token_names_the_client_its_scope_and_academy_and_no_person(keys):
    client = register(uai_prefixes=["069", "001"])
    token = JwtClientTokenIssuer(keys, issuer="skills-platform", audience="skills-platform", ttl_seconds=900
                                 ).issue_for_client(client, ("certification-results",), datetime.now(timezone.utc))

    claims = jwt.decode(token, keys.private.public_key(), algorithms=["RS256"], audience="skills-platform")
    assert claims["sub"] == claims["client_id"] == "ac-lyon-1" and claims["token_use"] == "client"
    assert claims["scope"] == "certification-results" and claims["academy"] == "ac-lyon"
    assert claims["uai_prefixes"] == ["001", "069"] and claims["exp"] - claims["iat"] == 900
    assert "roles" not in claims and "email" not in claims
    principal = TokenVerifier(keys, "skills-platform", "skills-platform").verify(token)
    assert principal.is_client and principal.roles == frozenset()
