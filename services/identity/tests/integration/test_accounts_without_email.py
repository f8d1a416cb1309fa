"""Pupils without an email address through identity's API: username accounts (GAR accounts: test_gar_sign_in.py).
Every place that reads an account's email is tried with none."""

import uuid

import jwt
import pytest
from sqlalchemy import select, text

from identity.adapters.orm import outbox
from msgkit import Envelope

PASSWORD = "Sup3r-Secret!"


def pupil(client, first="Chloé", last="Cœur-de-Roy", birthdate="2012-02-14", **extra):
    return client.post("/api/users", json={"username_from": {"first_name": first, "last_name": last,
                                                              "birthdate": birthdate},
                                           "password": PASSWORD, "accepted_terms": True, **extra})


@pytest.fixture
def names():
    """Names no other test uses: each test makes its own usernames."""
    return {"first": "Chloé", "last": f"Cœur-de-Roy {uuid.uuid4().hex[:6]}"}


def counts(identity) -> dict[str, int]:
    with identity.engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
                for table in ("users", "mail_requests", "login_failures", "refresh_tokens")}


def me(client, access_token):
    return client.get("/api/users/me", headers={"Authorization": f"Bearer {access_token}"}).get_json()


def test_a_pupil_signs_up_with_a_username_made_of_names_and_birthday_and_logs_in_with_it(client, identity, names):
    answer = pupil(client, **names)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    suffix = names["last"].split()[-1]
    assert body["username"] == f"chloe.coeurderoy{suffix}1402" and body["email"] is None
    assert body["sign_in_methods"] == ["USERNAME"] and body["email_verified"] is False

    with identity.engine.connect() as connection:
        row = connection.execute(select(outbox.c.body).where(outbox.c.aggregate_id == body["id"])).scalars().all()
    assert len(row) == 1  # the registration only: no verification mail asked for
    envelope = Envelope.from_json(row[0])
    assert envelope.event_type == "identity.user.registered.v1"
    assert envelope.payload["email"] is None and envelope.payload["username"] == body["username"]

    tokens = client.post("/api/token", json={"username": body["username"].upper(), "password": PASSWORD})
    assert tokens.status_code == 200 and tokens.get_json()["user_id"] == body["id"]
    claims = jwt.decode(tokens.get_json()["access_token"], options={"verify_signature": False})
    assert claims["sub"] == body["id"] and claims["email"] is None
    # Typed in the email field (an older client), a username is still one.
    assert client.post("/api/token", json={"email": body["username"], "password": PASSWORD}).status_code == 200
    assert me(client, tokens.get_json()["access_token"])["username"] == body["username"]


def test_the_same_names_and_birthday_get_the_next_number(client, names):
    first = pupil(client, **names).get_json()["username"]
    second = pupil(client, first=names["first"].upper(), last=names["last"].lower()).get_json()["username"]
    other_day = pupil(client, birthdate="2012-03-14", **names).get_json()["username"]
    assert second == f"{first}2" and other_day == first.replace("1402", "1403")


def test_a_username_account_is_asked_for_with_either_an_email_or_names_and_birthday(client, identity):
    before = counts(identity)
    both = pupil(client, email="chloe@example.org", first_name="C", last_name="R")
    neither = client.post("/api/users", json={"password": PASSWORD, "accepted_terms": True})
    bad_date = pupil(client, birthdate="2012-02-30")
    no_letter = pupil(client, first="--")
    for answer in (both, neither, bad_date):
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "VALIDATION_ERROR"
    assert set(both.get_json()["error"]["details"]["fields"]) == {"email", "username_from"}
    assert no_letter.status_code == 400 and no_letter.get_json()["error"]["code"] == "INVALID_NAME"
    weak = pupil(client, password="Chloé-2012")
    assert weak.status_code == 422 and weak.get_json()["error"]["code"] == "PASSWORD_TOO_WEAK"
    assert counts(identity) == before


def test_an_unknown_username_is_answered_as_an_unknown_email(client, names):
    username = pupil(client, **names).get_json()["username"]
    unknown = client.post("/api/token", json={"username": "nobody.here0101", "password": PASSWORD})
    unknown_email = client.post("/api/token", json={"email": "nobody@example.org", "password": PASSWORD})
    wrong = client.post("/api/token", json={"username": username, "password": "Wrong-pass-1"})
    assert unknown.status_code == unknown_email.status_code == wrong.status_code == 401
    assert unknown.get_json() == unknown_email.get_json() == wrong.get_json()
    both = client.post("/api/token", json={"username": username, "email": "a@b.c", "password": PASSWORD})
    assert both.status_code == 400


def test_failed_log_ins_with_a_username_are_throttled(client, names):
    username = pupil(client, **names).get_json()["username"]
    statuses = [client.post("/api/token", json={"username": username, "password": "Wrong-pass-1"},
                            environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code for _ in range(12)]
    assert statuses[0] == 401 and statuses[-1] == 429


def test_a_username_account_has_no_address_to_verify_or_to_mail_a_reset_to(client, identity, names):
    username = pupil(client, **names).get_json()["username"]
    tokens = client.post("/api/token", json={"username": username, "password": PASSWORD}).get_json()
    verification = client.post("/api/users/me/email-verification-requests", json={},
                               headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert verification.status_code == 409 and verification.get_json()["error"]["code"] == "ACCOUNT_WITHOUT_EMAIL"

    # A reset asked with the username is answered as with any text that is no address: nothing asked, nothing sent.
    before = counts(identity)
    reset = client.post("/api/password-reset-requests", json={"email": username})
    unknown = client.post("/api/password-reset-requests", json={"email": "nobody.here0101"})
    assert reset.status_code == unknown.status_code == 400
    assert reset.get_json()["error"]["code"] == unknown.get_json()["error"]["code"] == "INVALID_EMAIL"
    with identity.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM mail_requests WHERE email = :u"),
                                  {"u": username}).scalar_one() == 0
    assert counts(identity) == before
    assert not list(identity.settings.mail.folder.glob("*.eml"))
