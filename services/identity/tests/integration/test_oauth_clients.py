"""OAuth 2 clients on identity's real database: registered by a platform admin (or the CLI), the token endpoint
of RFC 6749 4.4 and its refusals in the RFC's shape, the throttle of failed client authentications."""

import base64
import dataclasses
import uuid
from urllib.parse import quote_plus

import jwt
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from identity.adapters.orm import idempotency_keys, oauth_client_failures, oauth_clients
from identity.domain import commands
from identity.entrypoints.api.app import create_app
from identity.entrypoints.cli import main
from identity.service_layer import handlers
from svckit.auth import TokenVerifier
from svckit.testing import ManualClock

PASSWORD = "Sup3r-Secret!"
LYON = {"name": "LSU, académie de Lyon", "scopes": ["certification-results"], "academy": "ac-lyon",
        "uai_prefixes": ["069", "001", "042"]}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def basic(client_id, secret):
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def person_token(client, identity, *, admin: bool) -> str:
    email = f"camille.{uuid.uuid4().hex[:8]}@example.org"
    if admin:
        handlers.create_platform_admin(commands.CreatePlatformAdmin(email, "Camille", "Admin", PASSWORD),
                                       identity.uow(), identity.hasher, identity.now)
    else:
        client.post("/api/users", json={"first_name": "Lou", "last_name": "A", "email": email, "password": PASSWORD,
                                        "accepted_terms": True})
    return client.post("/api/token", json={"email": email, "password": PASSWORD}).get_json()["access_token"]


@pytest.fixture
def admin(client, identity):
    return bearer(person_token(client, identity, admin=True))


@pytest.fixture
def registered(client, admin):
    answer = client.post("/api/admin/oauth-clients", json=LYON, headers=admin)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def ask_token(client, body: dict | None = None, headers: dict | None = None, address: str = "10.9.0.1"):
    return client.post("/api/oauth/token", data=body or {}, headers=headers or {},
                       environ_base={"REMOTE_ADDR": address})


def unique_address() -> str:
    number = uuid.uuid4().int
    return f"10.{number % 250}.{number // 250 % 250}.{number // 62500 % 250 + 1}"


# -- registering ---------------------------------------------------------------------------------------------------

def test_a_platform_admin_registers_a_client_and_sees_its_secret_once(client, identity, admin, registered):
    assert registered["client_id"].startswith("ac-lyon-") and registered["enabled"] is True
    assert registered["uai_prefixes"] == ["001", "042", "069"] and registered["scopes"] == ["certification-results"]
    secret = registered["client_secret"]
    assert len(secret) >= 43
    with identity.engine.connect() as connection:
        stored = connection.execute(select(oauth_clients).where(
            oauth_clients.c.client_id == registered["client_id"])).one()
        kept_answers = connection.execute(select(func.count()).select_from(idempotency_keys)).scalar_one()
    assert stored.secret_hash != secret and len(stored.secret_hash) == 64 and secret not in stored.secret_hash
    listed = client.get("/api/admin/oauth-clients", headers=admin).get_json()
    mine = next(item for item in listed if item["client_id"] == registered["client_id"])
    assert "client_secret" not in mine and mine["academy"] == "ac-lyon"
    # A keyed retry must not keep the secret in the idempotency table: the route is exempt.
    again = client.post("/api/admin/oauth-clients", json=LYON, headers={**admin, "Idempotency-Key": "k-1"})
    with identity.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(idempotency_keys)).scalar_one() == kept_answers
    assert again.get_json()["client_secret"] not in (secret,)


@pytest.mark.parametrize("change, field", [
    ({"scopes": ["everything"]}, "scopes"),
    ({"academy": "lyon"}, "academy"),
    ({"uai_prefixes": ["69A"]}, "uai_prefixes"),
    ({"uai_prefixes": []}, "uai_prefixes"),
    ({"name": "   "}, "name"),
])
def test_a_client_breaking_a_rule_is_refused_and_nothing_is_created(client, identity, admin, change, field):
    with identity.engine.connect() as connection:
        before = connection.execute(select(func.count()).select_from(oauth_clients)).scalar_one()
    answer = client.post("/api/admin/oauth-clients", json={**LYON, **change}, headers=admin)

    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "VALIDATION_ERROR"
    assert field in answer.get_json()["error"]["details"]["fields"]
    with identity.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(oauth_clients)).scalar_one() == before


def test_only_a_platform_admin_registers_lists_or_disables_clients(client, identity, registered):
    someone = bearer(person_token(client, identity, admin=False))

    assert client.post("/api/admin/oauth-clients", json=LYON, headers=someone).status_code == 403
    assert client.get("/api/admin/oauth-clients", headers=someone).status_code == 403
    assert client.post(f"/api/admin/oauth-clients/{registered['client_id']}/disablement",
                       headers=someone).status_code == 403
    assert client.get("/api/admin/oauth-clients").status_code == 401


def test_disabling_an_unknown_client_is_404(client, admin):
    answer = client.post("/api/admin/oauth-clients/ac-lyon-000000000000/disablement", headers=admin)

    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "OAUTH_CLIENT_NOT_FOUND"


def test_ops_register_and_disable_a_client_from_the_command_line(client, settings):
    env = {"SERVICE_ENV": "test", "DATABASE_URL": settings.common.database_url}
    runner = CliRunner()
    created = runner.invoke(main, ["create-client", "--name", "LSL, académie de Lyon", "--academy", "ac-lyon",
                                   "--uai-prefix", "069", "--by", "ops"], env=env)
    assert created.exit_code == 0, created.output
    client_id = created.output.split()[1]
    secret = created.output.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    assert ask_token(client, {"grant_type": "client_credentials"}, basic(client_id, secret)).status_code == 200

    refused = runner.invoke(main, ["create-client", "--name", "x", "--academy", "ac-lyon", "--uai-prefix", "XX"],
                            env=env)
    assert refused.exit_code != 0 and "UAI prefixes" in refused.output

    disabled = runner.invoke(main, ["disable-client", client_id], env=env)
    assert disabled.exit_code == 0, disabled.output
    assert ask_token(client, {"grant_type": "client_credentials"}, basic(client_id, secret)).status_code == 401


# -- the token endpoint --------------------------------------------------------------------------------------------

def test_a_client_gets_a_token_of_its_own_kind_by_http_basic(client, identity, registered):
    answer = ask_token(client, {"grant_type": "client_credentials"},
                       basic(registered["client_id"], registered["client_secret"]))

    assert answer.status_code == 200
    body = answer.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900 and body["scope"] == "certification-results"
    assert answer.headers["Cache-Control"] == "no-store" and answer.headers["Pragma"] == "no-cache"
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == claims["client_id"] == registered["client_id"]
    assert claims["token_use"] == "client" and claims["scope"] == "certification-results"
    assert claims["academy"] == "ac-lyon" and claims["uai_prefixes"] == ["001", "042", "069"]
    assert "roles" not in claims and "email" not in claims
    principal = TokenVerifier(identity.keys, identity.common.jwt_issuer, identity.common.jwt_audience).verify(
        body["access_token"])
    assert principal.is_client and principal.scopes == {"certification-results"}


def test_a_client_authenticates_by_the_form_fields_too_and_asks_for_a_scope(client, registered):
    answer = ask_token(client, {"grant_type": "client_credentials", "scope": "certification-results",
                                "client_id": registered["client_id"], "client_secret": registered["client_secret"]})

    assert answer.status_code == 200
    assert answer.get_json()["scope"] == "certification-results"


def test_a_client_token_opens_no_route_of_a_person(client, registered):
    token = ask_token(client, {"grant_type": "client_credentials"},
                      basic(registered["client_id"], registered["client_secret"])).get_json()["access_token"]

    answer = client.get("/api/users/me", headers=bearer(token))
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "INVALID_TOKEN"
    assert client.get("/api/admin/oauth-clients", headers=bearer(token)).status_code == 401


def refusal(answer, status: int, error: str) -> None:
    assert answer.status_code == status, answer.get_json()
    body = answer.get_json()
    assert body["error"] == error and isinstance(body["error_description"], str), body
    assert set(body) == {"error", "error_description"}
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_wrong_secret_is_invalid_client_with_a_basic_challenge(client, registered):
    answer = ask_token(client, {"grant_type": "client_credentials"}, basic(registered["client_id"], "guessed"),
                       address=unique_address())

    refusal(answer, 401, "invalid_client")
    assert answer.headers["WWW-Authenticate"].startswith("Basic ")


def test_an_unknown_client_gets_the_same_answer_as_a_wrong_secret(client, registered):
    unknown = ask_token(client, {"grant_type": "client_credentials"}, basic("ac-lyon-000000000000", "x"),
                        address=unique_address())
    wrong = ask_token(client, {"grant_type": "client_credentials"}, basic(registered["client_id"], "x"),
                      address=unique_address())

    refusal(unknown, 401, "invalid_client")
    assert unknown.get_json() == wrong.get_json()


def test_a_disabled_client_gets_no_token(client, admin, registered):
    disabled = client.post(f"/api/admin/oauth-clients/{registered['client_id']}/disablement", headers=admin)
    assert disabled.status_code == 200 and disabled.get_json()["enabled"] is False
    assert disabled.get_json()["disabled_at"] is not None

    refusal(ask_token(client, {"grant_type": "client_credentials"},
                      basic(registered["client_id"], registered["client_secret"]), address=unique_address()),
            401, "invalid_client")


def test_no_credentials_at_all_is_invalid_client(client):
    refusal(ask_token(client, {"grant_type": "client_credentials"}, address=unique_address()), 401, "invalid_client")


def test_another_grant_type_is_unsupported(client, registered):
    refusal(ask_token(client, {"grant_type": "password", "username": "x", "password": "y"},
                      basic(registered["client_id"], registered["client_secret"])), 400, "unsupported_grant_type")


def test_a_missing_grant_type_is_an_invalid_request(client, registered):
    refusal(ask_token(client, {}, basic(registered["client_id"], registered["client_secret"])), 400,
            "invalid_request")


def test_a_scope_the_client_does_not_hold_is_invalid_scope(client, registered):
    refusal(ask_token(client, {"grant_type": "client_credentials", "scope": "certification-results admin"},
                      basic(registered["client_id"], registered["client_secret"])), 400, "invalid_scope")


def test_a_json_body_is_an_invalid_request(client, registered):
    answer = client.post("/api/oauth/token", json={"grant_type": "client_credentials"},
                         headers=basic(registered["client_id"], registered["client_secret"]))
    refusal(answer, 400, "invalid_request")


def test_two_ways_of_authenticating_at_once_is_an_invalid_request(client, registered):
    refusal(ask_token(client, {"grant_type": "client_credentials", "client_id": registered["client_id"],
                               "client_secret": registered["client_secret"]},
                      basic(registered["client_id"], registered["client_secret"])), 400, "invalid_request")


def test_a_repeated_parameter_is_an_invalid_request(client, registered):
    answer = client.post("/api/oauth/token", data="grant_type=client_credentials&grant_type=client_credentials",
                         content_type="application/x-www-form-urlencoded",
                         headers=basic(registered["client_id"], registered["client_secret"]))
    refusal(answer, 400, "invalid_request")


def test_an_address_failing_ten_times_waits_and_its_secret_is_not_checked_meanwhile(identity, registered):
    clock = ManualClock()
    api = create_app(dataclasses.replace(identity, now=clock)).test_client()
    address = unique_address()
    for _ in range(10):
        refusal(ask_token(api, {"grant_type": "client_credentials"}, basic(registered["client_id"], "guess"),
                          address=address), 401, "invalid_client")

    held = ask_token(api, {"grant_type": "client_credentials"},
                     basic(registered["client_id"], registered["client_secret"]), address=address)
    refusal(held, 429, "invalid_client")
    assert 1 <= int(held.headers["Retry-After"]) <= 900
    # elsewhere, the right secret works: the failures are the address's, not the client's
    assert ask_token(api, {"grant_type": "client_credentials"},
                     basic(registered["client_id"], registered["client_secret"]),
                     address=unique_address()).status_code == 200

    clock.advance(minutes=15, seconds=1)
    assert ask_token(api, {"grant_type": "client_credentials"},
                     basic(registered["client_id"], registered["client_secret"]),
                     address=address).status_code == 200
    with identity.engine.connect() as connection:
        kept = connection.execute(select(func.count()).select_from(oauth_client_failures)
                                  .where(oauth_client_failures.c.address == address)).scalar_one()
    assert kept == 10  # the failures are forgotten at the next failure of the address, or by their age
