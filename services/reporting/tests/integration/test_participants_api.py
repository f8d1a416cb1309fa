"""A campaign's follow-up as a teacher reads it: activity, participants, the filters' choices, statistics."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from reporting_it import (
    account,
    campaign,
    delete,
    grant,
    learner,
    organization,
    participate,
    person,
    results,
    start,
)

CAMPAIGNS = "/api/campaigns"


def get(client, who, path, **query):
    return client.get(path, headers=who.auth, query_string=query)


@pytest.fixture
def class_4b(runtime, school):
    """Five learners of one campaign: one sent, one under way, one finished, one deleted, one retrying."""
    campaign_id = campaign(runtime, school.id)
    alice_account = account(runtime, "Alicia", "Compte")
    alice_learner = learner(runtime, school.id, "Alice", "Martin", user_id=alice_account, division="4eB",
                            group="G1", student_number="S-001")
    alice = participate(runtime, campaign_id, school.id, alice_account, learner_id=alice_learner,
                        shared=results({"1.1": (2, 3), "1.2": (1, 1), "2.1": (0, 1)}))
    bob_account = account(runtime, "Bobby", "Compte")
    bob_learner = learner(runtime, school.id, "Bob", "Durand", division="4eA", group="G2")
    bob = participate(runtime, campaign_id, school.id, bob_account, learner_id=bob_learner, progress=0.4,
                      at="2026-11-21T08:00:00Z")
    chloe_account = account(runtime, "Chloé", "Petit")
    chloe = participate(runtime, campaign_id, school.id, chloe_account, completed=True, external_id="EXT_42",
                        at="2026-11-22T23:30:00Z")
    zoe_account = account(runtime, "Zoé", "Zed")
    zoe = participate(runtime, campaign_id, school.id, zoe_account, progress=0.9)
    delete(runtime, zoe, campaign_id, school.id)
    emile_account = account(runtime, "Émile", "Retry")
    first_try = participate(runtime, campaign_id, school.id, emile_account, shared=results({"1.1": (1, 3)}))
    retry = participate(runtime, campaign_id, school.id, emile_account, progress=0.2, at="2026-11-25T09:00:00Z")
    return SimpleNamespace(id=campaign_id, alice=alice, bob=bob, chloe=chloe, zoe=zoe, first_try=first_try,
                           retry=retry)


def names(response):
    return [(item["first_name"], item["last_name"]) for item in response.json["items"]]


# --- activity ---------------------------------------------------------------------------------

def test_the_activity_counts_live_participations_at_each_status(client, school, class_4b):
    response = get(client, school.teacher, f"{CAMPAIGNS}/{class_4b.id}/activity")

    assert response.status_code == 200
    assert response.json == {"campaign_id": class_4b.id, "name": "Diagnostic 4e B", "type": "ASSESSMENT",
                             "participations_count": 4, "started_count": 2, "to_share_count": 1,
                             "shared_count": 1, "average_progress_rate": 0.65}  # (1 + 0.4 + 1 + 0.2) / 4


def test_the_activity_of_a_campaign_without_participants_has_no_average(runtime, client, school):
    campaign_id = campaign(runtime, school.id, name="Vide")

    response = get(client, school.admin, f"{CAMPAIGNS}/{campaign_id}/activity")

    assert (response.json["participations_count"], response.json["average_progress_rate"]) == (0, None)


# --- participants -----------------------------------------------------------------------------

def test_participants_are_listed_by_last_name_with_results_only_once_shared(client, school, class_4b):
    response = get(client, school.teacher, f"{CAMPAIGNS}/{class_4b.id}/participants")

    assert response.status_code == 200
    assert (response.json["total"], response.json["page"], response.json["page_size"]) == (4, 1, 20)
    bob, alice, chloe, emile = response.json["items"]
    assert bob == {"participation_id": class_4b.bob, "first_name": "Bob", "last_name": "Durand",
                   "participant_external_id": None, "division": "4eA", "group": "G2", "student_number": None,
                   "status": "STARTED", "progress_rate": 0.4, "started_at": "2026-11-21T08:00:00+00:00",
                   "shared_at": None, "mastery_rate": None, "validated_skills_count": None, "total_pix": None,
                   "certifiable": None}
    assert alice == {"participation_id": class_4b.alice, "first_name": "Alice", "last_name": "Martin",
                     "participant_external_id": None, "division": "4eB", "group": "G1", "student_number": "S-001",
                     "status": "SHARED", "progress_rate": 1.0, "started_at": "2026-11-20T09:00:00+00:00",
                     "shared_at": "2026-11-20T10:00:00+00:00", "mastery_rate": 0.6, "validated_skills_count": 3,
                     "total_pix": 24, "certifiable": False}
    assert (chloe["first_name"], chloe["status"], chloe["participant_external_id"], chloe["mastery_rate"]) == (
        "Chloé", "TO_SHARE", "EXT_42", None)
    assert (emile["participation_id"], emile["status"], emile["mastery_rate"]) == (class_4b.retry, "STARTED", None)


def test_a_participant_takes_the_name_of_the_learner_linked_to_their_account(runtime, client, school):
    campaign_id = campaign(runtime, school.id)
    user_id = account(runtime, "Pseudo", "Compte")
    learner(runtime, school.id, "Inès", "Garcia", user_id=user_id, division="3eC")
    participate(runtime, campaign_id, school.id, user_id)  # not matched to the learner when joining

    response = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/participants")

    item, = response.json["items"]
    assert (item["first_name"], item["last_name"], item["division"]) == ("Inès", "Garcia", "3eC")


def test_participants_are_filtered_by_status_class_and_group(client, school, class_4b):
    path = f"{CAMPAIGNS}/{class_4b.id}/participants"

    assert names(get(client, school.teacher, path, status=["STARTED", "TO_SHARE"])) == [
        ("Bob", "Durand"), ("Chloé", "Petit"), ("Émile", "Retry")]
    assert names(get(client, school.teacher, path, status="SHARED")) == [("Alice", "Martin")]
    assert names(get(client, school.teacher, path, division=["4eA", "4eB"])) == [("Bob", "Durand"),
                                                                                  ("Alice", "Martin")]
    assert names(get(client, school.teacher, path, group="G1")) == [("Alice", "Martin")]
    assert names(get(client, school.teacher, path, division="4eA", status="SHARED")) == []


@pytest.mark.parametrize(("search", "expected"), [
    ("mart", [("Alice", "Martin")]),
    ("ALICE MARTIN", [("Alice", "Martin")]),
    ("ext_4", [("Chloé", "Petit")]),
    ("_", [("Chloé", "Petit")]),  # the user's _ is a character, not a wildcard
    ("%", []),
    ("  durand ", [("Bob", "Durand")]),
])
def test_participants_are_searched_by_name_or_external_id(client, school, class_4b, search, expected):
    response = get(client, school.teacher, f"{CAMPAIGNS}/{class_4b.id}/participants", search=search)

    assert names(response) == expected
    assert response.json["total"] == len(expected)


def test_participants_come_page_by_page_with_the_total(client, school, class_4b):
    path = f"{CAMPAIGNS}/{class_4b.id}/participants"

    first = get(client, school.teacher, path, page_size=3)
    second = get(client, school.teacher, path, page_size=3, page=2)
    beyond = get(client, school.teacher, path, page_size=3, page=3)

    assert names(first) == [("Bob", "Durand"), ("Alice", "Martin"), ("Chloé", "Petit")]
    assert (names(second), second.json["total"], second.json["page"]) == ([("Émile", "Retry")], 4, 2)
    assert (beyond.json["items"], beyond.json["total"]) == ([], 4)


def test_deleted_and_replaced_participations_are_not_listed(client, school, class_4b):
    response = get(client, school.teacher, f"{CAMPAIGNS}/{class_4b.id}/participants")

    listed = {item["participation_id"] for item in response.json["items"]}
    assert class_4b.zoe not in listed
    assert class_4b.first_try not in listed
    assert class_4b.retry in listed


@pytest.mark.parametrize("query", [{"status": "FOO"}, {"page_size": 0}, {"page_size": 101}, {"page": 0},
                                   {"page": "one"}])
def test_bad_arguments_are_refused(client, school, class_4b, query):
    response = get(client, school.teacher, f"{CAMPAIGNS}/{class_4b.id}/participants", **query)

    assert response.status_code == 400
    assert response.json["error"]["code"] == "VALIDATION_ERROR"


# --- the filters' choices ---------------------------------------------------------------------

def test_the_filters_offer_the_classes_and_groups_of_the_participants(runtime, client, school, class_4b):
    learner(runtime, school.id, "Absent", "Sans Participation", division="6eA", group="G9")

    response = get(client, school.teacher, f"{CAMPAIGNS}/{class_4b.id}/participants/filters")

    assert response.status_code == 200
    assert response.json == {"divisions": ["4eA", "4eB"], "groups": ["G1", "G2"]}


def test_the_filters_leave_out_the_classes_of_deleted_participants(runtime, client, school):
    campaign_id = campaign(runtime, school.id)
    user_id = account(runtime, "Léa", "Blanc")
    learner_id = learner(runtime, school.id, "Léa", "Blanc", division="5eA", group="Latin")
    participation_id = participate(runtime, campaign_id, school.id, user_id, learner_id=learner_id)
    delete(runtime, participation_id, campaign_id, school.id)

    response = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/participants/filters")

    assert response.json == {"divisions": [], "groups": []}


# --- statistics -------------------------------------------------------------------------------

def test_the_statistics_count_by_status_and_by_paris_day_with_quiet_days_at_zero(client, school, class_4b):
    response = get(client, school.teacher, f"{CAMPAIGNS}/{class_4b.id}/statistics")

    assert response.status_code == 200
    assert response.json == {
        "campaign_id": class_4b.id,
        "participations_by_status": {"STARTED": 2, "TO_SHARE": 1, "SHARED": 1},
        "participations_by_day": [
            {"date": "2026-11-20", "started": 1, "shared": 1},  # Alice (Émile's first try was replaced)
            {"date": "2026-11-21", "started": 1, "shared": 0},  # Bob
            {"date": "2026-11-22", "started": 0, "shared": 0},
            {"date": "2026-11-23", "started": 1, "shared": 0},  # Chloé, at 23:30 UTC: 00:30 in Paris
            {"date": "2026-11-24", "started": 0, "shared": 0},
            {"date": "2026-11-25", "started": 1, "shared": 0},  # Émile's retry
        ],
        "average_mastery_rate": 0.6,
        "average_progress_rate": 0.65,
    }


def test_the_statistics_of_a_campaign_without_participants_are_empty(runtime, client, school):
    campaign_id = campaign(runtime, school.id)

    response = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/statistics")

    assert response.json == {"campaign_id": campaign_id,
                             "participations_by_status": {"STARTED": 0, "TO_SHARE": 0, "SHARED": 0},
                             "participations_by_day": [], "average_mastery_rate": None,
                             "average_progress_rate": None}


# --- who may read -----------------------------------------------------------------------------

ROUTES = ("activity", "participants", "participants/filters", "statistics")


@pytest.mark.parametrize("route", ROUTES)
def test_someone_outside_the_organization_may_not_read(runtime, client, school, route):
    campaign_id = campaign(runtime, school.id)

    response = get(client, person("curieux"), f"{CAMPAIGNS}/{campaign_id}/{route}")

    assert (response.status_code, response.json["error"]["code"]) == (403, "NOT_A_MEMBER")


@pytest.mark.parametrize("route", ROUTES)
def test_a_member_who_did_not_accept_the_orga_terms_may_not_read(runtime, client, school, route):
    campaign_id = campaign(runtime, school.id)
    newcomer = person("nouveau")
    grant(runtime, school.id, newcomer, version=4, terms=False)

    response = get(client, newcomer, f"{CAMPAIGNS}/{campaign_id}/{route}")

    assert (response.status_code, response.json["error"]["code"]) == (403, "ORGA_TERMS_NOT_ACCEPTED")


@pytest.mark.parametrize("route", ROUTES)
def test_a_campaign_reporting_does_not_know_is_not_found(client, school, route):
    response = get(client, school.teacher, f"{CAMPAIGNS}/7a2e4c6b-1d3f-4b5a-9c8e-0f2d4a6c8e13/{route}")

    assert (response.status_code, response.json["error"]["code"]) == (404, "CAMPAIGN_NOT_FOUND")


def test_a_member_of_another_organization_may_not_read(runtime, client, school):
    campaign_id = campaign(runtime, school.id)
    outsider = person("autre")
    grant(runtime, organization(runtime, name="Autre collège"), outsider)
    start(runtime, campaign_id, school.id, account(runtime, "Lou", "Élève"))

    response = get(client, outsider, f"{CAMPAIGNS}/{campaign_id}/participants")

    assert (response.status_code, response.json["error"]["code"]) == (403, "NOT_A_MEMBER")


def test_participants_are_refused_without_a_token(runtime, client, school):
    response = client.get(f"{CAMPAIGNS}/{campaign(runtime, school.id)}/participants")

    assert response.status_code == 401
