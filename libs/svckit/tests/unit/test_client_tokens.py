"""A client's token (OAuth 2 client credentials, issue 19) verifies, but never passes for a person's, and a
person's never for a client's: each route reaches only its own kind."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest
from flask import Flask
from flask.views import MethodView
from flask_smorest import Api, Blueprint

from svckit.auth import TokenRejected, TokenVerifier, auth_required, role_required, scope_required
from svckit.errors import ApiError, error_body

ISSUER = AUDIENCE = "skills-platform"
SCOPE = "certification-results"


class Keys:
    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def key_for(self, kid: str):
        return self.private.public_key()


def signed(keys: Keys, **claims) -> str:
    now = datetime.now(timezone.utc)
    return jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + timedelta(minutes=15), **claims},
                      keys.private, algorithm="RS256", headers={"kid": "k1"})


def person(keys: Keys, roles=("SUPER_ADMIN",)) -> str:
    return signed(keys, sub="7d3c2f8e-0000-4000-8000-000000000001", token_use="access", roles=list(roles))


def client(keys: Keys, scope: str = SCOPE, **claims) -> str:
    return signed(keys, **{"sub": "lsu-ac-lyon", "client_id": "lsu-ac-lyon", "token_use": "client", "scope": scope,
                           **claims})


def test_a_client_token_verifies_as_a_client_with_its_scopes_and_no_role():
    keys = Keys()
    principal = TokenVerifier(keys, ISSUER, AUDIENCE).verify(client(keys, scope=f"{SCOPE} other"))

    assert principal.is_client and principal.user_id == "lsu-ac-lyon"
    assert principal.scopes == {SCOPE, "other"} and principal.roles == frozenset()


def test_a_person_token_is_no_client_and_has_no_scope_even_if_it_says_one():
    keys = Keys()
    principal = TokenVerifier(keys, ISSUER, AUDIENCE).verify(
        signed(keys, sub="u1", token_use="access", roles=[], scope=SCOPE))

    assert not principal.is_client and principal.scopes == frozenset()


@pytest.mark.parametrize("claims", [
    {"sub": "lsu-ac-lyon", "client_id": "another", "token_use": "client"},  # the subject is not the client
    {"sub": "lsu-ac-lyon", "client_id": "lsu-ac-lyon", "token_use": "client", "roles": ["SUPER_ADMIN"]},
    {"sub": "u1", "client_id": "lsu-ac-lyon", "token_use": "access", "roles": []},  # a person's naming a client
    {"sub": "u1", "token_use": "refresh"},
])
def test_a_token_mixing_the_two_kinds_is_refused(claims):
    keys = Keys()
    with pytest.raises(TokenRejected):
        TokenVerifier(keys, ISSUER, AUDIENCE).verify(signed(keys, **claims))


@pytest.fixture
def app():
    keys = Keys()
    app = Flask("t")
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.2")
    app.extensions["token_verifier"] = TokenVerifier(keys, ISSUER, AUDIENCE)
    app.extensions["keys"] = keys
    blp = Blueprint("b", __name__)

    @blp.route("/person")
    class Person(MethodView):
        @auth_required
        def get(self):
            return {"ok": True}

    @blp.route("/admin")
    class Admin(MethodView):
        @role_required("SUPER_ADMIN")
        def get(self):
            return {"ok": True}

    @blp.route("/client")
    class Client(MethodView):
        @scope_required(SCOPE)
        def get(self):
            return {"ok": True}

    @app.errorhandler(ApiError)
    def refused(error):
        return error_body(error.code, error.message, error.details), error.status, error.headers

    Api(app).register_blueprint(blp)
    return app


def get(app, path: str, token: str):
    return app.test_client().get(path, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("path", ["/person", "/admin"])
def test_a_client_token_is_refused_on_every_person_route(app, path):
    answer = get(app, path, client(app.extensions["keys"]))

    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "INVALID_TOKEN"


def test_a_client_route_takes_a_client_with_the_scope(app):
    assert get(app, "/client", client(app.extensions["keys"])).get_json() == {"ok": True}


def test_a_client_route_refuses_a_client_without_the_scope(app):
    answer = get(app, "/client", client(app.extensions["keys"], scope="something-else"))

    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "INSUFFICIENT_SCOPE"
    assert 'error="insufficient_scope"' in answer.headers["WWW-Authenticate"]


def test_a_client_route_refuses_a_person_even_a_platform_admin(app):
    answer = get(app, "/client", person(app.extensions["keys"]))

    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "CLIENT_TOKEN_REQUIRED"
