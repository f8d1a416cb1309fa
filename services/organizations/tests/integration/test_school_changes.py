"""Changing school: the new school's import links the pupil to the account their INE has in another school's
list, announces it as a reconciliation is announced, and says in its report which links it did not carry over."""

import uuid
from pathlib import Path

import pytest
from organizations_it import make_organization, school_ine, siecle_export, upload
from sqlalchemy import text

from msgkit import Envelope
from svckit.contracts import load_contract

ZOE = {"first_name": "Zoë", "last_name": "Öztürk", "birthdate": "2011-06-05"}
CHLOE = {"first_name": "Chloé", "last_name": "Cœurderoy", "birthdate": "2013-02-14"}
ZOE_INE, CHLOE_INE = "0702157788F", "123456789AB"  # in the fixture export


def new_uai() -> str:
    return f"{uuid.uuid4().int % 10**7:07d}E"


@pytest.fixture
def new_school(client, platform_admin, person):
    """A school with no list yet: (organization id, admin, UAI)."""

    def make():
        uai = new_uai()
        organization_id, admin = make_organization(client, platform_admin, person, type="SCO", uai=uai)
        return organization_id, admin, uai

    return make


def reconcile(client, organization_id, who, identity):
    response = client.post(f"/api/organizations/{organization_id}/learners/reconciliation", headers=who.auth,
                           json=identity)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["learner_id"]


def imported(client, organization_id, admin, export):
    response = upload(client, organization_id, admin, "ElevesSansAdresses.xml", export)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def learner_of(runtime, organization_id, ine):
    with runtime.engine.connect() as connection:
        return connection.execute(text("SELECT id, user_id, version FROM organization_learners WHERE "
                                       "organization_id = :o AND national_student_id = :i"),
                                  {"o": organization_id, "i": ine}).one()


def learner_events(runtime, learner_id):
    with runtime.engine.connect() as connection:
        bodies = connection.execute(text("SELECT body FROM outbox WHERE aggregate_id = :l ORDER BY id"),
                                    {"l": str(learner_id)}).scalars().all()
    return [Envelope.from_json(body) for body in bodies]


def account_link(client, organization_id, admin, learner_id):
    response = client.get(f"/api/organizations/{organization_id}/learners/{learner_id}/account-link",
                          headers=admin.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_pupil_imported_by_their_new_school_keeps_the_account_linked_in_the_previous_one(
        client, runtime, new_school, person):
    school_a, admin_a, uai_a = new_school()
    imported(client, school_a, admin_a, siecle_export(uai_a))
    zoe = person("zoe")
    learner_a = reconcile(client, school_a, zoe, ZOE)
    history_a = account_link(client, school_a, admin_a, learner_a)

    # School B's export holds Zoë under her INE, in lower case as a hand-made file may: imports upper-case it.
    school_b, admin_b, uai_b = new_school()
    ine = school_ine(uai_a, ZOE_INE)
    export = siecle_export(uai_b, pupils_of=uai_a).replace(ine.encode(), ine.lower().encode())
    assert ine.lower().encode() in export
    report = imported(client, school_b, admin_b, export)
    assert (report["created_count"], report["carried_over_count"], report["not_carried_over"]) == (4, 1, [])

    learner_b = learner_of(runtime, school_b, ine)
    assert (str(learner_b.user_id), learner_b.version) == (zoe.id, 2)
    # Announced as a reconciliation is: the learner's next version after its creation, through the outbox.
    [linked] = learner_events(runtime, learner_b.id)
    assert (linked.event_type, linked.aggregate_version) == ("organizations.learner.linked.v1", 2)
    load_contract(linked.event_type, Path(__file__).parent).validate_payload(linked.payload)
    assert (linked.payload["user_id"], linked.payload["organization_id"], linked.payload["learner_id"]) == (
        zoe.id, school_b, str(learner_b.id))

    # B's admins see who linked it: the import, by its admin.
    link = account_link(client, school_b, admin_b, learner_b.id)
    [period] = link["history"]
    assert (link["linked"], link["account"]["email"], period["link_method"], period["linked_by"]["email"],
            period["import_id"]) == (True, zoe.email, "IMPORT", admin_b.email, report["id"])

    # The previous school keeps its history; Zoë needs no reconciliation in B (finding herself is a no-op).
    assert str(learner_of(runtime, school_a, ine).user_id) == zoe.id
    assert account_link(client, school_a, admin_a, learner_a) == history_a
    assert reconcile(client, school_b, zoe, ZOE) == str(learner_b.id)
    assert len(learner_events(runtime, learner_b.id)) == 1

    # The other pupils of B, linked nowhere, stay unlinked; a re-import carries nothing again.
    assert learner_of(runtime, school_b, school_ine(uai_a, CHLOE_INE)).user_id is None
    again = imported(client, school_b, admin_b, export)
    assert (again["carried_over_count"], again["not_carried_over"], again["unchanged_count"]) == (0, [], 4)


def test_an_ine_is_matched_exactly(client, runtime, new_school, person):
    school_a, admin_a, uai_a = new_school()
    imported(client, school_a, admin_a, siecle_export(uai_a))
    reconcile(client, school_a, person("zoe"), ZOE)
    chloe = person("chloe")
    reconcile(client, school_a, chloe, CHLOE)
    school_b, admin_b, uai_b = new_school()
    ine = school_ine(uai_a, ZOE_INE)
    near = ine[:-1] + ("G" if ine[-1] != "G" else "H")  # one letter off
    report = imported(client, school_b, admin_b, siecle_export(uai_b, pupils_of=uai_a).replace(ine.encode(),
                                                                                               near.encode()))
    assert (report["carried_over_count"], report["not_carried_over"]) == (1, [])
    assert learner_of(runtime, school_b, near).user_id is None
    assert str(learner_of(runtime, school_b, school_ine(uai_a, CHLOE_INE)).user_id) == chloe.id


def test_an_account_linked_to_another_pupil_of_the_school_is_not_carried_over_and_the_report_says_so(
        client, runtime, new_school, person):
    school_a, admin_a, uai_a = new_school()
    imported(client, school_a, admin_a, siecle_export(uai_a))
    account = person("zoe")
    reconcile(client, school_a, account, ZOE)
    # In B, without Zoë yet, the same account found itself as Chloé.
    school_b, admin_b, uai_b = new_school()
    imported(client, school_b, admin_b, siecle_export(uai_b, pupils_of=uai_a, without=(ZOE_INE,)))
    chloe_b = reconcile(client, school_b, account, CHLOE)

    report = imported(client, school_b, admin_b, siecle_export(uai_b, pupils_of=uai_a))
    ine = school_ine(uai_a, ZOE_INE)
    learner_b = learner_of(runtime, school_b, ine)
    assert report["carried_over_count"] == 0
    assert report["not_carried_over"] == [{
        "code": "ACCOUNT_LINKED_TO_ANOTHER_LEARNER", "learner_id": str(learner_b.id), "position": 3,
        "national_student_id": ine, "first_name": "Zoë", "last_name": "ÖZTÜRK",
        "message": "The account linked to this INE elsewhere is linked to another pupil of this school."}]
    assert learner_b.user_id is None and learner_events(runtime, learner_b.id) == []
    assert str(learner_of(runtime, school_b, school_ine(uai_a, CHLOE_INE)).id) == chloe_b
    # The import's history keeps the report.
    history = client.get(f"/api/organizations/{school_b}/learners/imports", headers=admin_b.auth).get_json()
    assert history["items"][0]["not_carried_over"][0]["code"] == "ACCOUNT_LINKED_TO_ANOTHER_LEARNER"


def test_an_account_two_pupils_of_the_import_would_get_goes_to_neither(client, runtime, new_school, person):
    account = person("deux-ines")
    school_a, admin_a, uai_a = new_school()
    imported(client, school_a, admin_a, siecle_export(uai_a))
    reconcile(client, school_a, account, ZOE)
    # School C holds the same pupils (same INEs), and the same account found itself as Chloé there.
    school_c, admin_c, uai_c = new_school()
    imported(client, school_c, admin_c, siecle_export(uai_c, pupils_of=uai_a, without=(ZOE_INE,)))
    reconcile(client, school_c, account, CHLOE)

    school_b, admin_b, uai_b = new_school()
    report = imported(client, school_b, admin_b, siecle_export(uai_b, pupils_of=uai_a))
    assert report["carried_over_count"] == 0
    assert [(item["code"], item["position"], item["first_name"]) for item in report["not_carried_over"]] == [
        ("ACCOUNT_OF_SEVERAL_PUPILS_OF_THE_IMPORT", 1, "Chloé"), ("ACCOUNT_OF_SEVERAL_PUPILS_OF_THE_IMPORT", 3, "Zoë")]
    for ine in (ZOE_INE, CHLOE_INE):
        assert learner_of(runtime, school_b, school_ine(uai_a, ine)).user_id is None


def test_an_ine_with_different_accounts_in_two_previous_schools_is_linked_to_neither(client, runtime, new_school,
                                                                                     person):
    school_a, admin_a, uai_a = new_school()
    school_c, admin_c, uai_c = new_school()
    imported(client, school_a, admin_a, siecle_export(uai_a))
    imported(client, school_c, admin_c, siecle_export(uai_c, pupils_of=uai_a))
    zoe = person("zoe")
    reconcile(client, school_a, zoe, ZOE)
    # A second account (or someone else) in school C: linked before a reconciliation refused it (the INE signs an
    # account in elsewhere: R11), as links made before that rule were.
    with runtime.engine.begin() as connection:
        connection.execute(text("UPDATE organization_learners SET user_id = :u WHERE organization_id = :o AND "
                                "national_student_id = :i"), {"u": person("zoe-bis").id, "o": school_c,
                                                              "i": school_ine(uai_a, ZOE_INE)})

    school_b, admin_b, uai_b = new_school()
    report = imported(client, school_b, admin_b, siecle_export(uai_b, pupils_of=uai_a))
    ine = school_ine(uai_a, ZOE_INE)
    assert report["carried_over_count"] == 0
    assert [(item["code"], item["national_student_id"]) for item in report["not_carried_over"]] == [
        ("SEVERAL_ACCOUNTS_FOR_INE", ine)]
    learner_b = learner_of(runtime, school_b, ine)
    assert learner_b.user_id is None and learner_events(runtime, learner_b.id) == []
    # The pupil finds themself in the list with one of the accounts the INE has; another is told to use it.
    refused = client.post(f"/api/organizations/{school_b}/learners/reconciliation", headers=person("zoe-ter").auth,
                          json=ZOE)
    assert refused.status_code == 409 and refused.get_json()["error"]["details"]["short_code"] == "R11"
    reconcile(client, school_b, zoe, ZOE)


def test_an_account_an_admin_took_off_the_pupil_is_not_linked_again_by_the_next_import(client, runtime, new_school,
                                                                                      person):
    school_a, admin_a, uai_a = new_school()
    imported(client, school_a, admin_a, siecle_export(uai_a))
    reconcile(client, school_a, person("imposteur"), ZOE)
    school_b, admin_b, uai_b = new_school()
    export = siecle_export(uai_b, pupils_of=uai_a)
    assert imported(client, school_b, admin_b, export)["carried_over_count"] == 1
    learner_b = learner_of(runtime, school_b, school_ine(uai_a, ZOE_INE))
    unlinked = client.delete(f"/api/organizations/{school_b}/learners/{learner_b.id}/account-link",
                             headers=admin_b.auth)
    assert unlinked.status_code == 200, unlinked.get_json()

    report = imported(client, school_b, admin_b, export)
    assert report["carried_over_count"] == 0
    assert [item["code"] for item in report["not_carried_over"]] == ["ACCOUNT_UNLINKED_BY_AN_ADMIN"]
    assert learner_of(runtime, school_b, school_ine(uai_a, ZOE_INE)).user_id is None


def test_a_failed_import_carries_nothing_over_and_the_corrected_file_does(client, runtime, new_school, person):
    school_a, admin_a, uai_a = new_school()
    imported(client, school_a, admin_a, siecle_export(uai_a))
    zoe = person("zoe")
    reconcile(client, school_a, zoe, ZOE)
    school_b, admin_b, uai_b = new_school()
    broken = siecle_export(uai_b, pupils_of=uai_a, replace=("<CODE_SEXE>2</CODE_SEXE>", "<CODE_SEXE>9</CODE_SEXE>"))
    response = upload(client, school_b, admin_b, "ElevesSansAdresses.xml", broken)
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["import"]["carried_over_count"] == 0

    def links():
        with runtime.engine.connect() as connection:
            return connection.execute(text("SELECT user_id, link_method FROM learner_account_links "
                                           "WHERE organization_id = :o"), {"o": school_b}).all()

    assert links() == []
    assert imported(client, school_b, admin_b, siecle_export(uai_b, pupils_of=uai_a))["carried_over_count"] == 1
    assert [(str(user_id), method) for user_id, method in links()] == [(zoe.id, "IMPORT")]


def test_a_reimport_that_changes_nobody_carries_over_a_link_made_since_in_the_previous_school(client, runtime,
                                                                                              new_school, person):
    school_a, admin_a, uai_a = new_school()
    school_b, admin_b, uai_b = new_school()
    imported(client, school_a, admin_a, siecle_export(uai_a))
    export = siecle_export(uai_b, pupils_of=uai_a)
    assert imported(client, school_b, admin_b, export)["carried_over_count"] == 0
    zoe = person("zoe")
    reconcile(client, school_a, zoe, ZOE)  # in her previous school, after B imported her

    report = imported(client, school_b, admin_b, export)
    assert (report["unchanged_count"], report["carried_over_count"]) == (4, 1)
    learner_b = learner_of(runtime, school_b, school_ine(uai_a, ZOE_INE))
    assert (str(learner_b.user_id), learner_b.version) == (zoe.id, 2)
    assert [(event.event_type, event.aggregate_version) for event in learner_events(runtime, learner_b.id)] == [
        ("organizations.learner.linked.v1", 2)]
