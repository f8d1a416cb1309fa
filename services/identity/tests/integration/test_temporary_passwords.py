"""Temporary passwords through identity's real API and database, the replica fed by organizations' events."""

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from identity.adapters.orm import idempotency_keys, temporary_passwords, users
from msgkit import Envelope
from svckit.contracts import load_contract

PASSWORD, ADMIN_PASSWORD, NEW_PASSWORD = "Forgotten-42", "Sup3r-Secret!", "Brand-New-7x"


def deliver(identity, event_type, version, **payload):
    message = load_contract(event_type, Path(__file__).parent).example
    message.update(message_id=str(uuid.uuid4()), aggregate_version=version)
    message["payload"].update({name: str(value) for name, value in payload.items()})
    subscription = next(s for s in identity.subscriptions() if event_type in s.event_types)
    subscription.handler(Envelope.from_dict(message))


class School:
    def __init__(self, client, identity, organization_type="SCO"):
        self.client, self.identity = client, identity
        self.organization, self.learner = str(uuid.uuid4()), str(uuid.uuid4())
        email = f"admin.{uuid.uuid4().hex[:8]}@example.org"
        self.admin_id = client.post("/api/users", json={"first_name": "Ada", "last_name": "Lovelace", "email": email,
                                                        "password": ADMIN_PASSWORD, "accepted_terms": True}
                                    ).get_json()["id"]
        self.admin = {"Authorization": "Bearer " + client.post(
            "/api/token", json={"email": email, "password": ADMIN_PASSWORD}).get_json()["access_token"]}
        pupil = client.post("/api/users", json={
            "username_from": {"first_name": "Chloé", "last_name": f"Martin {uuid.uuid4().hex[:6]}",
                              "birthdate": "2012-02-14"}, "password": PASSWORD, "accepted_terms": True}).get_json()
        self.pupil_id, self.username = pupil["id"], pupil["username"]
        deliver(identity, "organizations.organization.created.v1", 1, organization_id=self.organization,
                name="Collège Curie", type=organization_type)
        deliver(identity, "organizations.membership.granted.v1", 2, organization_id=self.organization,
                membership_id=uuid.uuid4(), user_id=self.admin_id, role="ADMIN")
        self.link(1)

    def link(self, version, unlinked=False):
        kind = "unlinked" if unlinked else "linked"
        deliver(self.identity, f"organizations.learner.{kind}.v1", version, learner_id=self.learner,
                organization_id=self.organization, user_id=self.pupil_id)

    def give(self, headers=None, **extra_headers):
        return self.client.post(f"/api/organizations/{self.organization}/learners/{self.learner}/temporary-password",
                                headers={**(self.admin if headers is None else headers), **extra_headers})

    def log_in(self, password):
        return self.client.post("/api/token", json={"username": self.username, "password": password})


@pytest.fixture
def school(client, identity):
    return School(client, identity)


def test_the_admin_gives_a_temporary_password_the_pupil_must_change_at_the_next_log_in(school, client, identity):
    answer = school.give()
    assert answer.status_code == 201, answer.get_json()
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    assert body["username"] == school.username and body["email"] is None and len(body["password"]) == 10
    with identity.engine.connect() as connection:
        record = connection.execute(select(temporary_passwords).where(
            temporary_passwords.c.user_id == uuid.UUID(school.pupil_id))).one()
        flagged = connection.scalar(select(users.c.must_change_password).where(users.c.id == record.user_id))
    assert (str(record.organization_id), str(record.learner_id), str(record.given_by)) == (
        school.organization, school.learner, school.admin_id)
    assert flagged

    assert school.log_in(PASSWORD).status_code == 401  # the former password no longer works
    refused = school.log_in(body["password"])
    assert refused.status_code == 403 and refused.headers["Cache-Control"] == "no-store"
    error = refused.get_json()["error"]
    assert error["code"] == "PASSWORD_CHANGE_REQUIRED" and "access_token" not in refused.get_json()
    token = error["details"]["password_change_token"]

    same = client.post("/api/password/expired", json={"token": token, "password": body["password"]})
    assert same.status_code == 422 and same.get_json()["error"]["code"] == "PASSWORD_UNCHANGED"
    changed = client.post("/api/password/expired", json={"token": token, "password": NEW_PASSWORD})
    assert changed.status_code == 200, changed.get_json()
    me = client.get("/api/users/me", headers={"Authorization": f"Bearer {changed.get_json()['access_token']}"})
    assert me.get_json()["id"] == school.pupil_id

    again = client.post("/api/password/expired", json={"token": token, "password": "Another-New-8y"})
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "INVALID_PASSWORD_CHANGE_TOKEN"
    assert school.log_in(NEW_PASSWORD).status_code == 200
    assert school.log_in(body["password"]).status_code == 401


def test_an_idempotency_key_keeps_no_answer_so_the_password_is_never_stored(school, identity):
    key = str(uuid.uuid4())
    first, second = school.give(**{"Idempotency-Key": key}), school.give(**{"Idempotency-Key": key})
    assert first.status_code == second.status_code == 201
    assert first.get_json()["password"] != second.get_json()["password"]  # the last one is the one that works
    assert "Idempotent-Replayed" not in second.headers
    with identity.engine.connect() as connection:
        assert connection.execute(select(idempotency_keys).where(idempotency_keys.c.key == key)).first() is None
    assert school.log_in(first.get_json()["password"]).status_code == 401
    assert school.log_in(second.get_json()["password"]).status_code == 403


def test_refusals_have_clear_codes(school, client, identity):
    assert school.give(headers={}).status_code == 401
    pupil_token = client.post("/api/token", json={"username": school.username, "password": PASSWORD}
                              ).get_json()["access_token"]
    not_admin = school.give(headers={"Authorization": f"Bearer {pupil_token}"})
    assert not_admin.status_code == 403 and not_admin.get_json()["error"]["code"] == "ADMIN_ROLE_REQUIRED"

    school.link(3, unlinked=True)
    school.link(2)  # late: the learner stays unlinked
    unlinked = school.give()
    assert unlinked.status_code == 409 and unlinked.get_json()["error"]["code"] == "LEARNER_NOT_LINKED"

    deliver(identity, "organizations.learner.linked.v1", 4, learner_id=school.learner,
            organization_id=school.organization, user_id=school.admin_id)
    oneself = school.give()
    assert oneself.status_code == 403 and oneself.get_json()["error"]["code"] == "TEMPORARY_PASSWORD_FOR_ONESELF"

    bad = client.post(f"/api/organizations/{school.organization}/learners/not-a-uuid/temporary-password",
                      headers=school.admin)
    assert bad.status_code == 404


def test_only_in_an_organization_that_manages_a_school_s_list(client, identity):
    school = School(client, identity, organization_type="SUP")
    refused = school.give()
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "LEARNER_LIST_NOT_MANAGED"
