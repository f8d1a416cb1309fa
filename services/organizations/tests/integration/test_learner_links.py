"""Who linked which learner and when, unlinking by an admin, and the limits on failed reconciliations."""

import dataclasses
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from organizations_it import make_organization, pending_invitation, siecle_export, upload
from sqlalchemy import text

from msgkit import Envelope
from organizations.domain.reconciliation_limits import Limit, ReconciliationLimits
from organizations.entrypoints.api.app import create_app
from svckit.contracts import load_contract
from svckit.testing import ManualClock

ZOE = {"first_name": "Zoë", "last_name": "Öztürk", "birthdate": "2011-06-05"}
CHLOE = {"first_name": "Chloé", "last_name": "Cœurderoy", "birthdate": "2013-02-14"}
NOBODY = {"first_name": "Personne", "last_name": "Inconnu", "birthdate": "2012-01-01"}


@pytest.fixture
def clock(runtime):
    return ManualClock(runtime.now())


@pytest.fixture
def app_with(runtime, clock):
    """The api with the test's clock, and limits of the test's choosing (the real ones by default)."""

    def make(limits: ReconciliationLimits | None = None):
        changed = dataclasses.replace(runtime, now=clock, reconciliation_limits=limits or ReconciliationLimits())
        return create_app(changed).test_client()

    return make


@pytest.fixture
def school(client, platform_admin, person):
    """A school with its list imported; (organization id, its admin)."""
    uai = f"{uuid.uuid4().int % 10**7:07d}C"
    organization_id, admin = make_organization(client, platform_admin, person, type="SCO", uai=uai)
    assert upload(client, organization_id, admin, "ElevesSansAdresses.xml", siecle_export(uai)).status_code == 201
    return organization_id, admin


def reconcile(client, organization_id, who, identity):
    return client.post(f"/api/organizations/{organization_id}/learners/reconciliation", headers=who.auth,
                       json=identity)


def learner_events(runtime, learner_id):
    with runtime.engine.connect() as connection:
        bodies = connection.execute(text("SELECT body FROM outbox WHERE aggregate_id = :l ORDER BY id"),
                                    {"l": learner_id}).scalars().all()
    return [Envelope.from_json(body) for body in bodies]


def failures(runtime, user_id):
    with runtime.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM reconciliation_failures WHERE user_id = :u"),
                                  {"u": user_id}).scalar_one()


def test_a_link_is_kept_in_the_learners_history_and_an_admin_unlinks_it(client, runtime, school, person):
    organization_id, admin = school
    impostor = person("imposteur")
    linked = reconcile(client, organization_id, impostor, ZOE)
    assert linked.status_code == 200
    learner_id = linked.get_json()["learner_id"]
    url = f"/api/organizations/{organization_id}/learners/{learner_id}/account-link"

    link = client.get(url, headers=admin.auth).get_json()
    assert (link["linked"], link["first_name"], link["account"]["email"]) == (True, "Zoë", impostor.email)
    [period] = link["history"]
    assert (period["account"]["id"], period["link_method"], period["unlinked_at"]) == (impostor.id, "RECONCILIATION",
                                                                                      None)
    assert period["linked_at"] == link["linked_at"] is not None

    unlinked = client.delete(url, headers=admin.auth)
    assert unlinked.status_code == 200, unlinked.get_json()
    body = unlinked.get_json()
    assert (body["linked"], body["account"], body["linked_at"]) == (False, None, None)
    [period] = body["history"]  # the link is gone, its history stays
    assert (period["account"]["email"], period["unlink_method"], period["unlinked_by"]["email"]) == (
        impostor.email, "ADMIN", admin.email)
    assert period["unlinked_at"] is not None
    again = client.delete(url, headers=admin.auth)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "LEARNER_NOT_LINKED"

    # The event the others learn it from, after the link's, with the learner's next version.
    linked_event, unlinked_event = learner_events(runtime, learner_id)
    assert (linked_event.event_type, unlinked_event.event_type) == ("organizations.learner.linked.v1",
                                                                    "organizations.learner.unlinked.v1")
    assert unlinked_event.aggregate_version == linked_event.aggregate_version + 1
    load_contract(unlinked_event.event_type, Path(__file__).parent).validate_payload(unlinked_event.payload)
    assert (unlinked_event.payload["user_id"], unlinked_event.payload["unlinked_by"]) == (impostor.id, admin.id)

    # The pupil takes their place; the account that held it may reconcile again (here as another pupil).
    pupil = person("zoe")
    assert reconcile(client, organization_id, pupil, ZOE).status_code == 200
    assert reconcile(client, organization_id, impostor, CHLOE).status_code == 200
    history = client.get(url, headers=admin.auth).get_json()
    assert history["account"]["email"] == pupil.email
    assert [period["account"]["email"] for period in history["history"]] == [pupil.email, impostor.email]
    assert [event.aggregate_version for event in learner_events(runtime, learner_id)] == [2, 3, 4]


def test_only_the_organizations_admins_read_and_remove_links(client, runtime, school, person):
    organization_id, admin = school
    pupil = person("zoe")
    learner_id = reconcile(client, organization_id, pupil, ZOE).get_json()["learner_id"]
    teacher = person("prof")
    client.post(f"/api/organizations/{organization_id}/invitations", headers=admin.auth,
                json={"emails": [teacher.email]})
    invitation, code = pending_invitation(client.application, organization_id, teacher.email)
    client.post(f"/api/invitations/{invitation}/accept", headers=teacher.auth, json={"code": code})
    url = f"/api/organizations/{organization_id}/learners/{learner_id}/account-link"
    for who in (teacher, pupil):
        for response in (client.get(url, headers=who.auth), client.delete(url, headers=who.auth)):
            assert response.status_code == 403
            assert response.get_json()["error"]["code"] in ("ADMIN_ROLE_REQUIRED", "NOT_A_MEMBER")
    missing = client.get(f"/api/organizations/{organization_id}/learners/{uuid.uuid4()}/account-link",
                         headers=admin.auth)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "LEARNER_NOT_FOUND"
    assert client.get(url, headers=admin.auth).get_json()["linked"] is True


def test_an_account_linked_here_learns_nothing_of_the_rest_of_the_list(client, school, person):
    organization_id, _ = school
    pupil = person("zoe")
    assert reconcile(client, organization_id, pupil, ZOE).status_code == 200
    for identity in (CHLOE, NOBODY):  # a pupil of the list, and nobody: the same answer
        refused = reconcile(client, organization_id, pupil, identity)
        assert refused.status_code == 409
        assert refused.get_json()["error"]["code"] == "ACCOUNT_LINKED_TO_ANOTHER_LEARNER"
    assert reconcile(client, organization_id, pupil, {**ZOE, "first_name": "zoe"}).status_code == 200


def test_an_account_is_stopped_after_five_failures_and_let_in_when_they_leave_the_window(runtime, school, person,
                                                                                         app_with, clock):
    organization_id, _ = school
    client, guesser, classmate = app_with(), person("guesser"), person("zoe")
    for day in range(1, 6):
        miss = reconcile(client, organization_id, guesser, {**ZOE, "birthdate": f"2011-06-{day + 10:02d}"})
        assert miss.status_code == 404, miss.get_json()
        clock.advance(seconds=30)
    refused = reconcile(client, organization_id, guesser, ZOE)  # even the right answer now
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "RECONCILIATION_THROTTLED"
    # the oldest of the five failures leaves the 10-minute window 10 min - 5 x 30 s from now
    assert error["details"] == {"retry_after": 450, "retry_after_minutes": 8}
    assert refused.headers["Retry-After"] == "450"
    assert failures(runtime, guesser.id) == 5  # a refusal is not counted again
    assert reconcile(client, organization_id, classmate, ZOE).status_code == 200  # the class is not held

    clock.advance(seconds=449)
    assert reconcile(client, organization_id, guesser, NOBODY).status_code == 429
    clock.advance(seconds=1)
    assert reconcile(client, organization_id, guesser, NOBODY).status_code == 404


def test_an_account_gets_twenty_failures_a_day(runtime, school, person, app_with, clock):
    organization_id, _ = school
    client, guesser = app_with(), person("guesser")
    first = clock.moment
    for _ in range(20):
        assert reconcile(client, organization_id, guesser, NOBODY).status_code == 404
        clock.advance(minutes=3)  # 4 failures in any 10 minutes: under the short limit
    refused = reconcile(client, organization_id, guesser, NOBODY)
    assert refused.status_code == 429
    wait = refused.get_json()["error"]["details"]["retry_after"]
    assert wait == int((first + timedelta(hours=24) - clock.moment).total_seconds())


def test_an_organization_is_stopped_after_its_failures_whoever_makes_them(client, runtime, school, person, app_with,
                                                                           platform_admin, clock):
    organization_id, _ = school
    uai = f"{uuid.uuid4().int % 10**7:07d}D"
    other_school, other_admin = make_organization(client, platform_admin, person, type="SCO", uai=uai)
    upload(client, other_school, other_admin, "ElevesSansAdresses.xml", siecle_export(uai))
    limited = app_with(ReconciliationLimits(per_organization=(Limit(3, timedelta(minutes=10)),)))
    for name in ("a", "b", "c"):
        assert reconcile(limited, organization_id, person(name), NOBODY).status_code == 404
    refused = reconcile(limited, organization_id, person("zoe"), ZOE)
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "RECONCILIATION_THROTTLED"
    assert reconcile(limited, other_school, person("zoe"), ZOE).status_code == 200  # another school is not held
    clock.advance(minutes=10)
    assert reconcile(limited, organization_id, person("zoe"), ZOE).status_code == 200


def test_parallel_attempts_of_one_account_are_counted_one_after_another(runtime, school, person, app_with):
    """Eight guesses sent at once: five are compared, three are refused (they would all pass a count read at once)."""
    organization_id, _ = school
    guesser, statuses = person("guesser"), []
    start = threading.Barrier(8)
    # Each thread its own app, built here one after the other: Python 3.11 may fail compiling code in
    # several threads at once ("AST constructor recursion depth mismatch"), which is not what is tested.
    clients = {day: app_with() for day in range(1, 9)}

    def guess(day: int) -> None:
        start.wait()
        statuses.append(reconcile(clients[day], organization_id, guesser,
                                  {**ZOE, "birthdate": f"2011-07-{day:02d}"}).status_code)

    threads = [threading.Thread(target=guess, args=(day,)) for day in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [404] * 5 + [429] * 3
    assert failures(runtime, guesser.id) == 5


def test_old_failures_are_forgotten(runtime, school, person, app_with, clock):
    organization_id, _ = school
    client, guesser = app_with(), person("guesser")
    assert reconcile(client, organization_id, guesser, NOBODY).status_code == 404
    clock.advance(hours=25)
    assert reconcile(client, organization_id, person("other"), NOBODY).status_code == 404
    assert failures(runtime, guesser.id) == 0
