"""Progress between two assessment campaigns of one organization, over the learners who sent both."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from reporting_it import account, campaign, delete, grant, learner, organization, participate, person, results

CAMPAIGNS = "/api/campaigns"
UNKNOWN = "7a2e4c6b-1d3f-4b5a-9c8e-0f2d4a6c8e13"


def get(client, who, path, **query):
    return client.get(path, headers=who.auth, query_string=query)


@pytest.fixture
def two_tests(runtime, school):
    """September's test (1.1, 1.2, 2.1) and June's (1.1, 2.1); only Alice and Bob have sent both."""
    september = campaign(runtime, school.id, name="Septembre")
    june = campaign(runtime, school.id, name="Juin", skills=("recherche1", "recherche2", "sources1", "interagir1"))
    alice = account(runtime, "Alicia", "Compte")
    alice_learner = learner(runtime, school.id, "Alice", "Martin", user_id=alice, division="3eA", group="G1")
    participate(runtime, september, school.id, alice, learner_id=alice_learner,
                shared=results({"1.1": (1, 3), "1.2": (1, 1), "2.1": (0, 1)}))
    participate(runtime, june, school.id, alice, learner_id=alice_learner, at="2027-06-01T09:00:00Z",
                shared=results({"1.1": (3, 3), "2.1": (1, 1)}), shared_at="2027-06-01T10:00:00Z")
    bob = account(runtime, "Bob", "Durand")
    participate(runtime, september, school.id, bob, shared=results({"1.1": (2, 3), "1.2": (0, 1), "2.1": (1, 1)}))
    participate(runtime, june, school.id, bob, shared=results({"1.1": (2, 3), "2.1": (0, 1)}))
    chloe = account(runtime, "Chloé", "Petit")  # has not sent June's
    participate(runtime, september, school.id, chloe, shared=results({"1.1": (3, 3)}))
    participate(runtime, june, school.id, chloe, progress=0.5)
    dan = account(runtime, "Dan", "Nouveau")  # arrived in June
    participate(runtime, june, school.id, dan, shared=results({"1.1": (3, 3), "2.1": (1, 1)}))
    zoe = account(runtime, "Zoé", "Zed")  # June's deleted
    participate(runtime, september, school.id, zoe, shared=results({"1.1": (0, 3)}))
    deleted = participate(runtime, june, school.id, zoe, shared=results({"1.1": (3, 3)}))
    delete(runtime, deleted, june, school.id)
    gus = account(runtime, "Gus", "Retry")  # sent June's, then started it again: his live one is not sent
    participate(runtime, september, school.id, gus, shared=results({"1.1": (0, 3)}))
    participate(runtime, june, school.id, gus, shared=results({"1.1": (3, 3)}))
    participate(runtime, june, school.id, gus, at="2027-06-10T09:00:00Z")
    return SimpleNamespace(september=september, june=june, alice=alice, bob=bob)


def test_progression_compares_the_learners_who_sent_both_campaigns(client, school, two_tests):
    response = get(client, school.teacher, f"{CAMPAIGNS}/{two_tests.june}/progression",
                   compare_to=two_tests.september)

    assert response.status_code == 200
    assert response.json == {
        "campaign": {"id": two_tests.june, "name": "Juin"},
        "compare_to": {"id": two_tests.september, "name": "Septembre"},
        "matched_learners_count": 2,
        "competences": [
            {"code": "1.1", "name": "Mener une recherche et une veille d'information", "before": 0.5,
             "after": 0.8334, "delta": 0.3334},  # before (0.3333 + 0.6667) / 2, after (1 + 0.6667) / 2
            {"code": "1.2", "name": "Gérer des données", "before": 0.5, "after": None, "delta": None},  # not in June
            {"code": "2.1", "name": "Interagir", "before": 0.5, "after": 0.5, "delta": 0.0},
        ],
        "learners": {
            "items": [
                {"user_id": two_tests.bob, "first_name": "Bob", "last_name": "Durand", "division": None,
                 "group": None, "mastery_before": 0.6, "mastery_after": 0.5, "delta": -0.1,
                 "competences": [{"code": "1.1", "before": 0.6667, "after": 0.6667},
                                 {"code": "1.2", "before": 0.0, "after": None},
                                 {"code": "2.1", "before": 1.0, "after": 0.0}]},
                {"user_id": two_tests.alice, "first_name": "Alice", "last_name": "Martin", "division": "3eA",
                 "group": "G1", "mastery_before": 0.4, "mastery_after": 1.0, "delta": 0.6,
                 "competences": [{"code": "1.1", "before": 0.3333, "after": 1.0},
                                 {"code": "1.2", "before": 1.0, "after": None},
                                 {"code": "2.1", "before": 0.0, "after": 1.0}]},
            ],
            "total": 2, "page": 1, "page_size": 20,
        },
    }


def test_progression_names_competences_in_english_when_asked(client, school, two_tests):
    response = client.get(f"{CAMPAIGNS}/{two_tests.june}/progression", query_string={"compare_to": two_tests.september},
                          headers={**school.teacher.auth, "Accept-Language": "en"})

    assert [item["name"] for item in response.json["competences"]] == ["Conducting a search", "Managing data",
                                                                        "Interacting"]


def test_progression_pages_the_learners_and_keeps_the_averages_of_all(client, school, two_tests):
    response = get(client, school.teacher, f"{CAMPAIGNS}/{two_tests.june}/progression",
                   compare_to=two_tests.september, page=2, page_size=1)

    assert [item["last_name"] for item in response.json["learners"]["items"]] == ["Martin"]
    assert (response.json["learners"]["total"], response.json["learners"]["page"]) == (2, 2)
    assert response.json["competences"][0]["after"] == 0.8334


def test_progression_without_common_learners_has_no_averages(runtime, client, school):
    september, june = campaign(runtime, school.id, name="Septembre"), campaign(runtime, school.id, name="Juin")
    participate(runtime, september, school.id, account(runtime, "Lou", "Élève"), shared=results({"1.1": (1, 3)}))

    response = get(client, school.teacher, f"{CAMPAIGNS}/{june}/progression", compare_to=september)

    assert response.json["matched_learners_count"] == 0
    assert response.json["learners"]["items"] == []
    assert {(item["before"], item["after"], item["delta"]) for item in response.json["competences"]} == {
        (None, None, None)}


def test_a_campaign_is_not_compared_to_itself(client, school, two_tests):
    response = get(client, school.teacher, f"{CAMPAIGNS}/{two_tests.june}/progression", compare_to=two_tests.june)

    assert (response.status_code, response.json["error"]["code"]) == (422, "SAME_CAMPAIGN")


def test_campaigns_of_two_organizations_are_not_compared(runtime, client, school, two_tests):
    other_school = organization(runtime, name="Lycée Voisin")
    grant(runtime, other_school, school.teacher, version=2)
    elsewhere = campaign(runtime, other_school)

    response = get(client, school.teacher, f"{CAMPAIGNS}/{two_tests.june}/progression", compare_to=elsewhere)

    assert (response.status_code, response.json["error"]["code"]) == (422, "CAMPAIGNS_NOT_IN_SAME_ORGANIZATION")


def test_a_profiles_collection_is_not_compared(runtime, client, school, two_tests):
    collection = campaign(runtime, school.id, type="PROFILES_COLLECTION", name="Collecte")

    response = get(client, school.teacher, f"{CAMPAIGNS}/{two_tests.june}/progression", compare_to=collection)

    assert (response.status_code, response.json["error"]["code"]) == (422, "CAMPAIGNS_NOT_ASSESSMENTS")


def test_the_campaign_compared_to_must_be_readable_too(runtime, client, school, two_tests):
    elsewhere = campaign(runtime, organization(runtime, name="Lycée Voisin"))

    not_member = get(client, school.teacher, f"{CAMPAIGNS}/{two_tests.june}/progression", compare_to=elsewhere)
    unknown = get(client, school.teacher, f"{CAMPAIGNS}/{two_tests.june}/progression", compare_to=UNKNOWN)
    unknown_first = get(client, school.teacher, f"{CAMPAIGNS}/{UNKNOWN}/progression", compare_to=two_tests.june)

    assert (not_member.status_code, not_member.json["error"]["code"]) == (403, "NOT_A_MEMBER")
    assert (unknown.status_code, unknown.json["error"]["code"]) == (404, "CAMPAIGN_NOT_FOUND")
    assert (unknown_first.status_code, unknown_first.json["error"]["code"]) == (404, "CAMPAIGN_NOT_FOUND")


def test_progression_is_refused_to_outsiders_and_to_members_without_the_orga_terms(runtime, client, school, two_tests):
    newcomer = person("nouveau")
    grant(runtime, school.id, newcomer, version=4, terms=False)
    path = f"{CAMPAIGNS}/{two_tests.june}/progression"

    outsider = get(client, person("curieux"), path, compare_to=two_tests.september)
    without_terms = get(client, newcomer, path, compare_to=two_tests.september)

    assert (outsider.status_code, outsider.json["error"]["code"]) == (403, "NOT_A_MEMBER")
    assert (without_terms.status_code, without_terms.json["error"]["code"]) == (403, "ORGA_TERMS_NOT_ACCEPTED")


@pytest.mark.parametrize("query", [{}, {"compare_to": "septembre"}, {"compare_to": UNKNOWN, "page_size": 0},
                                   {"compare_to": UNKNOWN, "locale": "es"}])
def test_progression_refuses_bad_arguments(client, school, two_tests, query):
    response = get(client, school.teacher, f"{CAMPAIGNS}/{two_tests.june}/progression", **query)

    assert (response.status_code, response.json["error"]["code"]) == (400, "VALIDATION_ERROR")
