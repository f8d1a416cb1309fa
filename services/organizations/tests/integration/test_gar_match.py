"""A pupil arriving from the GAR finds themself in the school's list before any account is made, and a pupil who
already has an account is told which (Pix's codes R11-R13, R31-R33), through the API."""

import uuid

import pytest
from organizations_it import deliver, make_organization, siecle_export, upload
from sqlalchemy import text

from msgkit import Envelope
from svckit.testing import Person, gar_arrival_for, token_for

URL = "/api/gar/learner-match"
ZOE = {"first_name": "Zoë", "last_name": "Öztürk", "birthdate": "2011-06-05"}  # a pupil of the fixture export


@pytest.fixture
def school(client, platform_admin, person):
    uai = f"{uuid.uuid4().int % 10**7:07d}G"
    organization_id, admin = make_organization(client, platform_admin, person, type="SCO", uai=uai)
    assert upload(client, organization_id, admin, "ElevesSansAdresses.xml", siecle_export(uai)).status_code == 201
    return organization_id, admin, uai


def arrival(uai, first_name="Zoe", last_name="OZTURK", ido=None):
    return gar_arrival_for(ido or uuid.uuid4().hex, uai, first_name, last_name)


def match(client, token, birthdate="2011-06-05"):
    return client.post(URL, json={"arrival_token": token, "birthdate": birthdate})


def account(runtime, *, email=None, username=None, gar_uai=None):
    user_id = str(uuid.uuid4())
    deliver(runtime, "identity.user.registered.v1", user_id=user_id, email=email, username=username,
            first_name="Zoë", last_name="Öztürk")
    if gar_uai:
        deliver(runtime, "identity.user.gar_linked.v1", 2, user_id=user_id, uai=gar_uai)
    return Person(user_id, email or "", token_for(user_id, email or ""))


def reconcile(client, organization_id, who):
    return client.post(f"/api/organizations/{organization_id}/learners/reconciliation", headers=who.auth, json=ZOE)


def error(response):
    body = response.get_json()["error"]
    return response.status_code, body["code"], body["details"]


def test_the_gar_s_pupil_finds_themself_before_any_account_is_made_and_nothing_is_linked(client, runtime, school):
    organization_id, _, uai = school
    found = match(client, arrival(uai))
    assert found.status_code == 200
    body = found.get_json()
    assert (body["organization_id"], body["first_name"], body["last_name"]) == (organization_id, "Zoë", "ÖZTÜRK")
    with runtime.engine.connect() as connection:
        assert connection.execute(text("SELECT user_id FROM organization_learners WHERE id = :l"),
                                  {"l": body["learner_id"]}).scalar_one() is None


def test_a_wrong_birth_date_an_unknown_school_and_a_spoilt_or_foreign_token_are_refused(client, runtime, school):
    organization_id, admin, uai = school
    ido = uuid.uuid4().hex
    assert error(match(client, arrival(uai, ido=ido), "2011-06-06"))[:2] == (404, "NO_MATCHING_LEARNER")
    with runtime.engine.connect() as connection:  # counted toward the limits, as a reconciliation's failure
        assert connection.execute(text("SELECT count(*) FROM reconciliation_failures WHERE organization_id = :o"),
                                  {"o": organization_id}).scalar_one() == 1
    assert error(match(client, arrival("0000001X")))[:2] == (404, "GAR_SCHOOL_NOT_FOUND")
    token = arrival(uai)
    for spoilt in (token[:-3] + "abc", admin.token, gar_arrival_for("x", uai, "Zoe", "Ozturk", minutes=-1)):
        assert error(match(client, spoilt))[:2] == (400, "GAR_ARRIVAL_INVALID")


def test_an_arrival_is_limited_like_an_account(client, school):
    _, _, uai = school
    ido = uuid.uuid4().hex
    codes = [match(client, arrival(uai, ido=ido), "2011-06-06").status_code for _ in range(6)]
    assert codes == [404] * 5 + [429]
    assert match(client, arrival(uai, ido=ido)).status_code == 429  # the same pupil, even with the right date


@pytest.mark.parametrize(("kind", "short_code", "code", "value"), [
    ("email", "R31", "ACCOUNT_WITH_EMAIL_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION", "z***@example.org"),
    ("username", "R32", "ACCOUNT_WITH_USERNAME_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION", "z***.o***0506"),
    ("gar", "R33", "ACCOUNT_WITH_GAR_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION", None),
])
def test_a_pupil_whose_learner_has_an_account_is_told_which_one(client, runtime, school, kind, short_code, code,
                                                                value):
    organization_id, _, uai = school
    owner = account(runtime, email="zoe.ozturk@example.org" if kind == "email" else None,
                    username="zoe.ozturk0506" if kind == "username" else None,
                    gar_uai=uai if kind == "gar" else None)
    assert reconcile(client, organization_id, owner).status_code == 200
    method = {"email": "EMAIL", "username": "USERNAME", "gar": "GAR"}[kind]
    expected = (409, code, {"short_code": short_code, "sign_in_method": method, "value": value})
    assert error(match(client, arrival(uai))) == expected
    # The same words for an account that reconciles: it is told to use the pupil's account, not to make another.
    assert error(reconcile(client, organization_id, account(runtime, email="other@example.org"))) == expected


def test_a_pupil_whose_ine_has_an_account_through_another_school_is_told_so(client, runtime, platform_admin, person,
                                                                            school):
    first_school, _, first_uai = school
    uai = f"{uuid.uuid4().int % 10**7:07d}H"
    organization_id, admin = make_organization(client, platform_admin, person, type="SCO", uai=uai)
    # The new school imports the pupil first (nothing to carry over yet), then the pupil links an account at the
    # first school: the new school's learner is free, but the pupil has an account.
    assert upload(client, organization_id, admin, "ElevesSansAdresses.xml",
                  siecle_export(uai, pupils_of=first_uai)).status_code == 201
    owner = account(runtime, username="zoe.ozturk0506")
    assert reconcile(client, first_school, owner).status_code == 200
    assert error(match(client, arrival(uai))) == (
        409, "ACCOUNT_WITH_USERNAME_ALREADY_EXIST_FOR_ANOTHER_ORGANIZATION",
        {"short_code": "R12", "sign_in_method": "USERNAME", "value": "z***.o***0506"})
    # The pupil's own account reconciles in the new school as a pupil who changed school does.
    assert reconcile(client, organization_id, owner).status_code == 200


def test_an_account_identity_has_not_announced_yet_gets_the_plain_refusal(client, runtime, school):
    organization_id, _, uai = school
    user_id = str(uuid.uuid4())
    assert reconcile(client, organization_id, Person(user_id, "", token_for(user_id, ""))).status_code == 200
    assert error(match(client, arrival(uai)))[:2] == (409, "LEARNER_LINKED_TO_ANOTHER_ACCOUNT")


def test_the_school_s_admins_see_how_the_pupil_s_account_signs_in(client, runtime, school):
    organization_id, admin, uai = school
    owner = account(runtime, username="zoe.ozturk0506", gar_uai=uai)
    learner_id = match(client, arrival(uai)).get_json()["learner_id"]
    url = f"/api/organizations/{organization_id}/learners/{learner_id}/account-link"
    assert client.get(url, headers=admin.auth).get_json()["sign_in_methods"] == []  # no account yet
    assert reconcile(client, organization_id, owner).status_code == 200
    panel = client.get(url, headers=admin.auth).get_json()
    assert (panel["sign_in_methods"], panel["username"]) == (["USERNAME", "GAR"], "zoe.ozturk0506")
    assert client.get(url, headers=owner.auth).status_code == 403  # the school's admins only


def test_the_links_held_now_are_announced_again_at_their_version_for_a_new_consumer(client, runtime, school):
    """identity's replica of learners' accounts came after the links: an operator announces them again
    (``organizations announce-learner-links``); consumers that have them change nothing (same version)."""
    from organizations.service_layer import handlers

    organization_id, _, uai = school
    owner = account(runtime, email="zoe.announced@example.org")
    learner_id = reconcile(client, organization_id, owner).get_json()["learner_id"]
    assert handlers.announce_learner_links(uuid.UUID(organization_id), runtime.uow()) == 1

    with runtime.engine.connect() as connection:
        rows = connection.execute(text("SELECT aggregate_version, body FROM outbox WHERE event_type = "
                                       "'organizations.learner.linked.v1' AND aggregate_id = :l ORDER BY id"),
                                  {"l": learner_id}).all()
    first, again = (Envelope.from_json(row.body) for row in rows)
    assert again.aggregate_version == first.aggregate_version and again.message_id != first.message_id
    assert again.payload == first.payload  # the same link: account, organization, since when
