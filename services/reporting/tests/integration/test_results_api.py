"""Results as the organization received them: one participant's, and the campaign's on average."""

from __future__ import annotations

import pytest
from reporting_it import account, campaign, delete, grant, learner, participate, person, profile, results

CAMPAIGNS = "/api/campaigns"
UNKNOWN = "7a2e4c6b-1d3f-4b5a-9c8e-0f2d4a6c8e13"

# the campaign's target skills: 3 in 1.1, 1 in 1.2, 1 in 2.1 (reporting_it.campaign)
ALICE = results({"1.1": (2, 3), "1.2": (1, 1), "2.1": (0, 1)})
BOB = results({"1.1": (3, 3), "1.2": (0, 1), "2.1": (1, 1)})


def get(client, who, path, **query):
    return client.get(path, headers=who.auth, query_string=query)


# --- one participant --------------------------------------------------------------------------

def test_a_shared_assessment_shows_mastery_per_competence_and_area(runtime, client, school):
    campaign_id = campaign(runtime, school.id)
    user_id = account(runtime, "Alicia", "Compte")
    learner_id = learner(runtime, school.id, "Alice", "Martin", user_id=user_id, division="4eB", group="G1")
    participation_id = participate(runtime, campaign_id, school.id, user_id, learner_id=learner_id, shared=ALICE,
                                   external_id="A-1")

    response = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/participants/{participation_id}/results")

    assert response.status_code == 200
    assert response.json == {
        "participation_id": participation_id, "campaign_type": "ASSESSMENT", "first_name": "Alice",
        "last_name": "Martin", "participant_external_id": "A-1", "division": "4eB", "group": "G1",
        "status": "SHARED", "progress_rate": 1.0, "started_at": "2026-11-20T09:00:00+00:00",
        "shared_at": "2026-11-20T10:00:00+00:00",
        "results": {
            "mastery_rate": 0.6, "validated_skills_count": 3, "target_skills_count": 5, "tested_skills_count": 5,
            "competences": [
                {"code": "1.1", "name": "Mener une recherche et une veille d'information", "area_code": "1",
                 "area_name": "Information et données", "target_skills_count": 3, "validated_skills_count": 2,
                 "tested_skills_count": 3, "mastery_rate": 0.6667},
                {"code": "1.2", "name": "Gérer des données", "area_code": "1", "area_name": "Information et données",
                 "target_skills_count": 1, "validated_skills_count": 1, "tested_skills_count": 1,
                 "mastery_rate": 1.0},
                {"code": "2.1", "name": "Interagir", "area_code": "2", "area_name": "Communication et collaboration",
                 "target_skills_count": 1, "validated_skills_count": 0, "tested_skills_count": 1,
                 "mastery_rate": 0.0},
            ],
            "areas": [
                {"code": "1", "name": "Information et données", "target_skills_count": 4,
                 "validated_skills_count": 3, "mastery_rate": 0.75},
                {"code": "2", "name": "Communication et collaboration", "target_skills_count": 1,
                 "validated_skills_count": 0, "mastery_rate": 0.0},
            ],
        },
    }


def test_names_come_in_english_when_asked_by_argument_or_header(runtime, client, school):
    campaign_id = campaign(runtime, school.id)
    user_id = account(runtime, "Lou", "Élève")
    participation_id = participate(runtime, campaign_id, school.id, user_id, shared=ALICE)
    path = f"{CAMPAIGNS}/{campaign_id}/participants/{participation_id}/results"

    by_argument = get(client, school.teacher, path, locale="en")
    by_header = client.get(path, headers={**school.teacher.auth, "Accept-Language": "en-GB,en;q=0.9"})
    argument_wins = client.get(path, headers={**school.teacher.auth, "Accept-Language": "en"},
                               query_string={"locale": "fr"})
    by_default = client.get(path, headers={**school.teacher.auth, "Accept-Language": "de"})

    def first_names(response):
        first = response.json["results"]["competences"][0]
        return first["name"], first["area_name"]

    assert first_names(by_argument) == ("Conducting a search", "Information and data")
    assert first_names(by_header) == ("Conducting a search", "Information and data")
    assert first_names(argument_wins) == ("Mener une recherche et une veille d'information", "Information et données")
    assert first_names(by_default)[0] == "Mener une recherche et une veille d'information"


@pytest.mark.parametrize("route", ["participants/{participation_id}/results", "collective-results"])
def test_a_locale_other_than_french_or_english_is_refused(runtime, client, school, route):
    campaign_id = campaign(runtime, school.id)
    participation_id = participate(runtime, campaign_id, school.id, account(runtime, "Lou", "Élève"))

    response = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/" + route.format(
        participation_id=participation_id), locale="de")

    assert (response.status_code, response.json["error"]["code"]) == (400, "VALIDATION_ERROR")


@pytest.mark.parametrize(("progress", "completed", "status"), [(0.5, False, "STARTED"), (None, True, "TO_SHARE")])
def test_results_not_shared_yet_are_not_shown(runtime, client, school, progress, completed, status):
    campaign_id = campaign(runtime, school.id)
    participation_id = participate(runtime, campaign_id, school.id, account(runtime, "Lou", "Élève"),
                                   progress=progress, completed=completed)

    response = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/participants/{participation_id}/results")

    assert response.status_code == 200
    assert (response.json["status"], response.json["results"], response.json["shared_at"]) == (status, None, None)
    assert response.json["progress_rate"] == (progress if progress is not None else 1.0)


def test_a_shared_profile_shows_every_competence_with_zero_for_those_not_reached(runtime, client, school):
    campaign_id = campaign(runtime, school.id, type="PROFILES_COLLECTION", name="Collecte 3e")
    user_id = account(runtime, "Lou", "Élève")
    participation_id = participate(runtime, campaign_id, school.id, user_id, type="PROFILES_COLLECTION",
                                   shared=profile({"1.1": (20, 2), "2.1": (9, 1)}))

    response = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/participants/{participation_id}/results",
                   locale="en")

    assert response.status_code == 200
    assert (response.json["campaign_type"], response.json["status"]) == ("PROFILES_COLLECTION", "SHARED")
    assert response.json["results"] == {
        "total_pix": 29, "certifiable": False, "certifiable_competences_count": 2,
        "competences": [
            {"code": "1.1", "name": "Conducting a search", "area_code": "1", "area_name": "Information and data",
             "pix": 20, "level": 2},
            {"code": "1.2", "name": "Managing data", "area_code": "1", "area_name": "Information and data",
             "pix": 0, "level": 0},
            {"code": "2.1", "name": "Interacting", "area_code": "2", "area_name": "Communication and collaboration",
             "pix": 9, "level": 1},
        ],
    }


def test_an_earlier_attempt_replaced_by_a_retry_can_still_be_read(runtime, client, school):
    campaign_id = campaign(runtime, school.id)
    user_id = account(runtime, "Lou", "Élève")
    first_try = participate(runtime, campaign_id, school.id, user_id, shared=ALICE)
    participate(runtime, campaign_id, school.id, user_id, at="2026-11-27T09:00:00Z")

    response = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/participants/{first_try}/results")

    assert (response.status_code, response.json["results"]["mastery_rate"]) == (200, 0.6)


def test_a_deleted_participation_is_not_found(runtime, client, school):
    campaign_id = campaign(runtime, school.id)
    participation_id = participate(runtime, campaign_id, school.id, account(runtime, "Lou", "Élève"), shared=ALICE)
    delete(runtime, participation_id, campaign_id, school.id)

    response = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/participants/{participation_id}/results")

    assert (response.status_code, response.json["error"]["code"]) == (404, "PARTICIPATION_NOT_FOUND")


def test_a_participation_of_another_campaign_is_not_found(runtime, client, school):
    campaign_id, other_id = campaign(runtime, school.id), campaign(runtime, school.id, name="Autre")
    participation_id = participate(runtime, other_id, school.id, account(runtime, "Lou", "Élève"), shared=ALICE)

    wrong_campaign = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/participants/{participation_id}/results")
    unknown = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/participants/{UNKNOWN}/results")

    assert (wrong_campaign.status_code, wrong_campaign.json["error"]["code"]) == (404, "PARTICIPATION_NOT_FOUND")
    assert (unknown.status_code, unknown.json["error"]["code"]) == (404, "PARTICIPATION_NOT_FOUND")


# --- the campaign on average ------------------------------------------------------------------

def test_collective_results_average_the_shared_results_per_competence_and_area(runtime, client, school):
    campaign_id = campaign(runtime, school.id)
    participate(runtime, campaign_id, school.id, account(runtime, "Alice", "Martin"), shared=ALICE)
    participate(runtime, campaign_id, school.id, account(runtime, "Bob", "Durand"), shared=BOB)
    participate(runtime, campaign_id, school.id, account(runtime, "Chloé", "Petit"), completed=True)
    deleted = participate(runtime, campaign_id, school.id, account(runtime, "Zoé", "Zed"),
                          shared=results({"1.1": (0, 3), "1.2": (0, 1), "2.1": (0, 1)}))
    delete(runtime, deleted, campaign_id, school.id)
    retrying = account(runtime, "Émile", "Retry")
    participate(runtime, campaign_id, school.id, retrying, shared=results({"1.1": (0, 3)}))
    participate(runtime, campaign_id, school.id, retrying, at="2026-11-27T09:00:00Z")

    response = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/collective-results")

    assert response.status_code == 200
    assert response.json == {
        "campaign_id": campaign_id, "campaign_type": "ASSESSMENT", "shared_participations_count": 2,
        "competences": [
            {"code": "1.1", "name": "Mener une recherche et une veille d'information", "area_code": "1",
             "area_name": "Information et données", "target_skills_count": 3,
             "average_mastery_rate": 0.8334,  # (0.6667 + 1) / 2
             "average_validated_skills_count": 2.5, "average_tested_skills_count": 3.0},
            {"code": "1.2", "name": "Gérer des données", "area_code": "1", "area_name": "Information et données",
             "target_skills_count": 1, "average_mastery_rate": 0.5, "average_validated_skills_count": 0.5,
             "average_tested_skills_count": 1.0},
            {"code": "2.1", "name": "Interagir", "area_code": "2", "area_name": "Communication et collaboration",
             "target_skills_count": 1, "average_mastery_rate": 0.5, "average_validated_skills_count": 0.5,
             "average_tested_skills_count": 1.0},
        ],
        "areas": [
            # Alice 3 of 4, Bob 3 of 4
            {"code": "1", "name": "Information et données", "target_skills_count": 4, "average_mastery_rate": 0.75,
             "average_validated_skills_count": 3.0},
            {"code": "2", "name": "Communication et collaboration", "target_skills_count": 1,
             "average_mastery_rate": 0.5, "average_validated_skills_count": 0.5},
        ],
    }


def test_collective_results_without_shared_results_have_no_averages(runtime, client, school):
    campaign_id = campaign(runtime, school.id)
    participate(runtime, campaign_id, school.id, account(runtime, "Chloé", "Petit"), completed=True)

    response = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/collective-results", locale="en")

    assert response.json["shared_participations_count"] == 0
    assert response.json["competences"][0] == {
        "code": "1.1", "name": "Conducting a search", "area_code": "1", "area_name": "Information and data",
        "target_skills_count": 3, "average_mastery_rate": None, "average_validated_skills_count": None,
        "average_tested_skills_count": None}
    assert response.json["areas"][1] == {"code": "2", "name": "Communication and collaboration",
                                         "target_skills_count": 1, "average_mastery_rate": None,
                                         "average_validated_skills_count": None}


def test_collective_results_of_a_profiles_collection_average_levels_and_pix(runtime, client, school):
    campaign_id = campaign(runtime, school.id, type="PROFILES_COLLECTION", name="Collecte 3e")
    participate(runtime, campaign_id, school.id, account(runtime, "Alice", "Martin"), type="PROFILES_COLLECTION",
                shared=profile({"1.1": (20, 2), "1.2": (8, 1), "2.1": (9, 1), "3.1": (8, 1), "4.1": (8, 1)}))
    participate(runtime, campaign_id, school.id, account(runtime, "Bob", "Durand"), type="PROFILES_COLLECTION",
                shared=profile({"1.1": (4, 0)}))
    participate(runtime, campaign_id, school.id, account(runtime, "Chloé", "Petit"), type="PROFILES_COLLECTION")

    response = get(client, school.teacher, f"{CAMPAIGNS}/{campaign_id}/collective-results")

    assert response.status_code == 200
    assert response.json == {
        "campaign_id": campaign_id, "campaign_type": "PROFILES_COLLECTION", "shared_participations_count": 2,
        "average_total_pix": 28.5, "certifiable_count": 1,
        "competences": [
            {"code": "1.1", "name": "Mener une recherche et une veille d'information", "area_code": "1",
             "area_name": "Information et données", "average_level": 1.0, "average_pix": 12.0},
            {"code": "1.2", "name": "Gérer des données", "area_code": "1", "area_name": "Information et données",
             "average_level": 0.5, "average_pix": 4.0},
            {"code": "2.1", "name": "Interagir", "area_code": "2", "area_name": "Communication et collaboration",
             "average_level": 0.5, "average_pix": 4.5},
            # competences of a later release reporting has no names for keep their code
            {"code": "3.1", "name": "3.1", "area_code": "3", "area_name": "3", "average_level": 0.5,
             "average_pix": 4.0},
            {"code": "4.1", "name": "4.1", "area_code": "4", "area_name": "4", "average_level": 0.5,
             "average_pix": 4.0},
        ],
    }


# --- who may read -----------------------------------------------------------------------------

def routes(campaign_id, participation_id):
    return (f"{CAMPAIGNS}/{campaign_id}/participants/{participation_id}/results",
            f"{CAMPAIGNS}/{campaign_id}/collective-results")


@pytest.fixture
def shared(runtime, school):
    campaign_id = campaign(runtime, school.id)
    return campaign_id, participate(runtime, campaign_id, school.id, account(runtime, "Lou", "Élève"), shared=ALICE)


@pytest.mark.parametrize("route", [0, 1])
def test_results_are_refused_to_someone_outside_the_organization(client, shared, route):
    response = get(client, person("curieux"), routes(*shared)[route])

    assert (response.status_code, response.json["error"]["code"]) == (403, "NOT_A_MEMBER")


@pytest.mark.parametrize("route", [0, 1])
def test_results_are_refused_to_a_member_without_the_orga_terms(runtime, client, school, shared, route):
    newcomer = person("nouveau")
    grant(runtime, school.id, newcomer, version=4, terms=False)

    response = get(client, newcomer, routes(*shared)[route])

    assert (response.status_code, response.json["error"]["code"]) == (403, "ORGA_TERMS_NOT_ACCEPTED")


@pytest.mark.parametrize("route", [0, 1])
def test_results_of_an_unknown_campaign_are_not_found(client, school, shared, route):
    response = get(client, school.teacher, routes(UNKNOWN, shared[1])[route])

    assert (response.status_code, response.json["error"]["code"]) == (404, "CAMPAIGN_NOT_FOUND")
