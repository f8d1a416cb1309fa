"""An organization's learners: the imported list and the accounts that joined its campaigns without it."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from reporting_it import (
    account,
    campaign,
    delete,
    deliver,
    grant,
    learner,
    organization,
    participate,
    person,
    results,
)

ORGANIZATIONS = "/api/organizations"
CERTIFIABLE = {code: (8, 1) for code in ("1.1", "1.2", "2.1", "3.1", "4.1")}


def get(client, who, path, **query):
    return client.get(path, headers=who.auth, query_string=query)


def names(response):
    return [(item["first_name"], item["last_name"]) for item in response.json["items"]]


@pytest.fixture
def pupils(runtime, school):
    diagnostic, revision = campaign(runtime, school.id), campaign(runtime, school.id, name="Révisions")
    alice = account(runtime, "Alicia", "Compte")
    alice_learner = learner(runtime, school.id, "Alice", "Martin", user_id=alice, division="4eB", group="G1",
                            student_number="S-001")
    participate(runtime, diagnostic, school.id, alice, learner_id=alice_learner,
                shared=results({"1.1": (2, 3)}, pix=CERTIFIABLE))
    participate(runtime, revision, school.id, alice, learner_id=alice_learner, at="2026-12-01T08:00:00Z")
    bob = account(runtime, "Bobby", "Compte")
    bob_learner = learner(runtime, school.id, "Bob", "Durand", division="4eA", group="G2")
    # certifiable in November, not any more by the results he sent in December
    participate(runtime, diagnostic, school.id, bob, learner_id=bob_learner,
                shared=results({"1.1": (3, 3)}, pix=CERTIFIABLE))
    participate(runtime, revision, school.id, bob, learner_id=bob_learner, at="2026-12-02T08:00:00Z",
                shared=results({"1.1": (1, 3)}, pix={"1.1": (8, 1)}), shared_at="2026-12-02T09:00:00Z")
    ines = account(runtime, "Pseudo", "Compte")
    learner(runtime, school.id, "Inès", "Garcia", user_id=ines, division="4eB", group="G2")
    participate(runtime, diagnostic, school.id, ines)  # joined without being matched to her learner
    learner(runtime, school.id, "Dora", "Zen", division="5eA")  # took part in nothing
    carl = account(runtime, "Carl", "Ancien")
    carl_learner = learner(runtime, school.id, "Carl", "Ancien", user_id=carl, division="4eA", disabled=True)
    participate(runtime, diagnostic, school.id, carl, learner_id=carl_learner)
    emile = account(runtime, "Émile", "Libre")  # on no list: an account that joined
    without_profile = {name: value for name, value in results({"1.1": (1, 3)}).items() if name != "profile"}
    participate(runtime, diagnostic, school.id, emile, shared=without_profile)
    gus = account(runtime, "Gus", "Retry")
    participate(runtime, diagnostic, school.id, gus, shared=results({"1.1": (1, 3)}, pix={"1.1": (8, 1)}))
    participate(runtime, diagnostic, school.id, gus, at="2026-11-28T08:00:00Z")
    fanny = account(runtime, "Fanny", "Partie")  # her only participation was deleted
    delete(runtime, participate(runtime, diagnostic, school.id, fanny), diagnostic, school.id)
    elsewhere = organization(runtime, name="Autre collège")
    participate(runtime, campaign(runtime, elsewhere), elsewhere, account(runtime, "Hugo", "Ailleurs"))
    return SimpleNamespace(alice=alice, alice_learner=alice_learner, bob_learner=bob_learner, emile=emile, gus=gus)


def test_learners_are_the_imported_list_and_the_accounts_that_joined_by_last_name(client, school, pupils):
    response = get(client, school.teacher, f"{ORGANIZATIONS}/{school.id}/learners")

    assert response.status_code == 200
    assert (response.json["total"], response.json["page"], response.json["page_size"]) == (6, 1, 20)
    assert names(response) == [("Bob", "Durand"), ("Inès", "Garcia"), ("Émile", "Libre"), ("Alice", "Martin"),
                               ("Gus", "Retry"), ("Dora", "Zen")]
    bob, ines, emile, alice, gus, dora = response.json["items"]
    assert alice == {"learner_id": pupils.alice_learner, "user_id": pupils.alice, "linked_at": None,
                     "first_name": "Alice",
                     "last_name": "Martin", "division": "4eB", "group": "G1", "student_number": "S-001",
                     "campaigns_count": 2, "last_participation_at": "2026-12-01T08:00:00+00:00",
                     "certifiable": True, "certifiable_competences_count": 5, "certification_status": None,
                     "certification_score": None, "certification_date": None, "sign_in_methods": ["EMAIL"],
                     "username": None}
    assert (bob["learner_id"], bob["user_id"], bob["campaigns_count"], bob["certifiable"],
            bob["certifiable_competences_count"]) == (pupils.bob_learner, None, 2, False, 1)
    assert (ines["campaigns_count"], ines["certifiable"]) == (1, None)
    assert emile == {"learner_id": None, "user_id": pupils.emile, "linked_at": None, "first_name": "Émile",
                     "last_name": "Libre",
                     "division": None, "group": None, "student_number": None, "campaigns_count": 1,
                     "last_participation_at": "2026-11-20T09:00:00+00:00", "certifiable": None,
                     "certifiable_competences_count": None, "certification_status": None,
                     "certification_score": None, "certification_date": None, "sign_in_methods": ["EMAIL"],
                     "username": None}
    # a retry is the same campaign, and only the live attempt counts: it is not sent yet
    assert (gus["learner_id"], gus["campaigns_count"], gus["last_participation_at"], gus["certifiable"]) == (
        None, 1, "2026-11-28T08:00:00+00:00", None)
    assert (dora["campaigns_count"], dora["last_participation_at"], dora["certifiable"]) == (0, None, None)
    assert (bob["sign_in_methods"], dora["sign_in_methods"], dora["username"]) == ([], [], None)  # no account


@pytest.mark.parametrize(("query", "expected"), [
    ({"search": "MART"}, [("Alice", "Martin")]),
    ({"search": "émile libre"}, [("Émile", "Libre")]),
    ({"search": "%"}, []),
    ({"division": "4eB"}, [("Inès", "Garcia"), ("Alice", "Martin")]),
    ({"division": ["4eA", "5eA"]}, [("Bob", "Durand"), ("Dora", "Zen")]),
    ({"group": "G2"}, [("Bob", "Durand"), ("Inès", "Garcia")]),
    ({"group": "G2", "division": "4eB"}, [("Inès", "Garcia")]),
    ({"certifiable": "true"}, [("Alice", "Martin")]),
    ({"certifiable": "false"}, [("Bob", "Durand")]),
    ({"certifiable": "false", "division": "4eB"}, []),
])
def test_learners_are_filtered(client, school, pupils, query, expected):
    response = get(client, school.teacher, f"{ORGANIZATIONS}/{school.id}/learners", **query)

    assert names(response) == expected
    assert response.json["total"] == len(expected)


def test_learners_come_page_by_page_with_the_total(client, school, pupils):
    path = f"{ORGANIZATIONS}/{school.id}/learners"

    second = get(client, school.teacher, path, page=2, page_size=4)
    certifiable = get(client, school.teacher, path, page=2, page_size=4, certifiable="true")

    assert (names(second), second.json["total"]) == ([("Gus", "Retry"), ("Dora", "Zen")], 6)
    assert (certifiable.json["items"], certifiable.json["total"]) == ([], 1)


def test_the_learners_of_an_unknown_organization_are_not_found(client, school):
    response = get(client, school.teacher, f"{ORGANIZATIONS}/7a2e4c6b-1d3f-4b5a-9c8e-0f2d4a6c8e13/learners")

    assert (response.status_code, response.json["error"]["code"]) == (404, "ORGANIZATION_NOT_FOUND")


def test_the_learners_are_refused_to_someone_outside_the_organization(runtime, client, school):
    outsider = person("autre")
    grant(runtime, organization(runtime, name="Autre collège"), outsider)

    response = get(client, outsider, f"{ORGANIZATIONS}/{school.id}/learners")

    assert (response.status_code, response.json["error"]["code"]) == (403, "NOT_A_MEMBER")


def test_the_learners_are_refused_to_a_member_without_the_orga_terms(runtime, client, school):
    newcomer = person("nouveau")
    grant(runtime, school.id, newcomer, version=4, terms=False)

    response = get(client, newcomer, f"{ORGANIZATIONS}/{school.id}/learners")

    assert (response.status_code, response.json["error"]["code"]) == (403, "ORGA_TERMS_NOT_ACCEPTED")


@pytest.mark.parametrize("query", [{"certifiable": "maybe"}, {"page_size": 0}, {"page": -1}])
def test_the_learners_refuse_bad_arguments(client, school, query):
    response = get(client, school.teacher, f"{ORGANIZATIONS}/{school.id}/learners", **query)

    assert (response.status_code, response.json["error"]["code"]) == (400, "VALIDATION_ERROR")


def test_the_list_says_since_when_a_learner_is_linked_and_an_unlink_keeps_what_was_done_as_the_learner(
        runtime, client, school):
    diagnostic = campaign(runtime, school.id)
    impostor = account(runtime, "Faux", "Compte")
    zoe = learner(runtime, school.id, "Zoé", "Lefèvre", division="5B")
    deliver(runtime, "organizations.learner.linked.v1", zoe, 2, learner_id=zoe, organization_id=school.id,
            user_id=impostor, linked_at="2026-11-23T09:30:00Z")
    participate(runtime, diagnostic, school.id, impostor, learner_id=zoe, shared=results({"1.1": (2, 3)}))
    url = f"{ORGANIZATIONS}/{school.id}/learners"
    [linked] = get(client, school.teacher, url).json["items"]
    assert (linked["user_id"], linked["linked_at"], linked["campaigns_count"]) == (
        impostor, "2026-11-23T09:30:00+00:00", 1)

    deliver(runtime, "organizations.learner.unlinked.v1", zoe, 3, learner_id=zoe, organization_id=school.id,
            user_id=impostor)

    [unlinked] = get(client, school.teacher, url).json["items"]  # the account does not appear on its own
    assert (unlinked["learner_id"], unlinked["user_id"], unlinked["linked_at"]) == (zoe, None, None)
    assert (unlinked["first_name"], unlinked["campaigns_count"]) == ("Zoé", 1)
    participants = client.get(f"/api/campaigns/{diagnostic}/participants", headers=school.teacher.auth).json
    assert [(p["first_name"], p["last_name"]) for p in participants["items"]] == [("Zoé", "Lefèvre")]


def test_the_list_says_how_each_account_signs_in(runtime, client, school):
    def registered(first_name, email=None, username=None):
        user_id = str(uuid.uuid4())
        deliver(runtime, "identity.user.registered.v1", user_id, user_id=user_id, first_name=first_name,
                last_name="Compte", email=email, username=username)
        return user_id

    def gar_linked(user_id, version=2):
        deliver(runtime, "identity.user.gar_linked.v1", user_id, version, user_id=user_id)

    with_email = registered("Adèle", email="adele@example.org")
    with_username = registered("Basile", username="basile.compte0204")
    through_gar = registered("Célia")  # made on arrival from the GAR: neither address nor username
    gar_linked(through_gar)
    both = registered("Denis", email="denis@example.org")
    gar_linked(both)
    gar_linked(both)  # a duplicate changes nothing
    early = str(uuid.uuid4())
    gar_linked(early)  # the link came before the registration it follows
    deliver(runtime, "identity.user.registered.v1", early, user_id=early, first_name="Eva", last_name="Compte",
            email=None, username="eva.compte1103")
    for first_name, user_id in (("Adèle", with_email), ("Basile", with_username), ("Célia", through_gar),
                                ("Denis", both), ("Eva", early)):
        learner(runtime, school.id, first_name, "Élève", user_id=user_id)
    learner(runtime, school.id, "Fanny", "Élève")  # no account
    emile = registered("Émile", username="emile.compte0101")  # on no list: an account that joined
    participate(runtime, campaign(runtime, school.id), school.id, emile)

    response = get(client, school.teacher, f"{ORGANIZATIONS}/{school.id}/learners")

    assert response.status_code == 200
    assert [(item["first_name"], item["sign_in_methods"], item["username"]) for item in response.json["items"]] == [
        ("Émile", ["USERNAME"], "emile.compte0101"),
        ("Adèle", ["EMAIL"], None),
        ("Basile", ["USERNAME"], "basile.compte0204"),
        ("Célia", ["GAR"], None),
        ("Denis", ["EMAIL", "GAR"], None),
        ("Eva", ["USERNAME", "GAR"], "eva.compte1103"),
        ("Fanny", [], None),
    ]
