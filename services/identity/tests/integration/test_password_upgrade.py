"""Hashes made with the parameters before issue 18 (argon2-cffi's defaults: 64 MiB, 3 passes, 4 lanes) are
checked, then made again with today's (OWASP's minimum: 19 MiB, 2 passes, 1 lane) at the next successful
log-in, on the real database, in the transaction that issues the tokens; a failed log-in changes nothing."""

import dataclasses
import uuid

import pytest
from sqlalchemy import select

from identity.adapters.hashing import BEFORE_ISSUE_18, Argon2PasswordHasher
from identity.adapters.orm import refresh_tokens, users
from identity.entrypoints.api.app import create_app

PASSWORD = "Sup3r-Secret!"


def parameters_of(password_hash: str) -> str:
    return password_hash.split("$")[3]


def stored_hash(identity, email: str) -> str:
    with identity.engine.connect() as connection:
        return connection.execute(select(users.c.password_hash).where(users.c.email == email)).scalar_one()


def log_in(client, email, password=PASSWORD):
    return client.post("/api/token", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": "10.18.0.1"})


@pytest.fixture
def old_account(identity):
    """An account signed up before issue 18: its hash made with the parameters of then."""
    before = dataclasses.replace(identity, hasher=Argon2PasswordHasher.with_parameters(BEFORE_ISSUE_18))
    email = f"lou.{uuid.uuid4().hex[:8]}@example.org"
    created = create_app(before).test_client().post("/api/users", json={
        "first_name": "Lou", "last_name": "Apprenant", "email": email, "password": PASSWORD, "accepted_terms": True})
    assert created.status_code == 201, created.get_json()
    assert parameters_of(stored_hash(identity, email)) == "m=65536,t=3,p=4"
    return email


def test_an_old_hash_lets_its_owner_in_and_is_made_again_with_todays_parameters(client, identity, old_account):
    old = stored_hash(identity, old_account)
    assert log_in(client, old_account).status_code == 200
    upgraded = stored_hash(identity, old_account)
    assert upgraded != old and parameters_of(upgraded) == "m=19456,t=2,p=1"
    assert log_in(client, old_account).status_code == 200  # the new hash works...
    assert stored_hash(identity, old_account) == upgraded  # ...and is not made again
    assert log_in(client, old_account, "Wrong-Pass-1").status_code == 401


def test_a_failed_log_in_upgrades_nothing(client, identity, old_account):
    old = stored_hash(identity, old_account)
    assert log_in(client, old_account, "Wrong-Pass-1").status_code == 401
    assert stored_hash(identity, old_account) == old


class FailingIssuer:
    def issue(self, user, now):
        raise RuntimeError("the signing key store is down")


def test_the_new_hash_is_written_with_the_log_ins_tokens_or_not_at_all(identity, old_account):
    old = stored_hash(identity, old_account)
    failing = create_app(dataclasses.replace(identity, issuer=FailingIssuer())).test_client()
    assert log_in(failing, old_account).status_code == 500
    assert stored_hash(identity, old_account) == old
    with identity.engine.connect() as connection:
        user_id = connection.execute(select(users.c.id).where(users.c.email == old_account)).scalar_one()
        assert connection.execute(select(refresh_tokens.c.id).where(refresh_tokens.c.user_id == user_id)).all() == []
