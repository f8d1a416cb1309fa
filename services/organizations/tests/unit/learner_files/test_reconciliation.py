"""A learner who joins a campaign finds themself in the list: birth date, then names, one typo forgiven."""

from datetime import date, datetime, timezone
from uuid import uuid4

import pytest

from organizations.domain.reconciliation import (
    LearnerCandidate,
    find_match,
    is_same_person,
    normalize_name,
    within_one_edit,
)

BIRTH = date(2012, 2, 14)


def candidate(first_names=("Chloé",), last_name="Lefèvre", preferred_last_name=None, birthdate=BIRTH, user_id=None):
    return LearnerCandidate(id=uuid4(), first_names=tuple(first_names), last_name=last_name,
                            preferred_last_name=preferred_last_name, birthdate=birthdate, user_id=user_id)


@pytest.mark.parametrize("name, normalized", [
    ("Chloé", "chloe"), ("  JEAN-NOËL ", "jeannoel"), ("D'Arc", "darc"), ("d’Arc", "darc"), ("Cœur", "coeur"),
    ("LÆTITIA", "laetitia"), ("Øster", "oster"), ("Łukasz", "lukasz"), ("Straße", "strasse"), ("Le  Goff.", "legoff"),
    ("Ñúñez", "nunez"),
])
def test_names_are_compared_without_case_accents_spaces_or_punctuation(name, normalized):
    assert normalize_name(name) == normalized


@pytest.mark.parametrize("a, b, close", [
    ("mohamed", "mohammed", True), ("tomas", "thomas", True), ("natan", "nathan", True), ("lucas", "lukas", True),
    ("anne", "anna", True), ("martin", "martine", True), ("abc", "abc", True), ("martin", "marton", True),
    ("lucas", "luc", False), ("martin", "matrin", False), ("dupont", "durand", False), ("", "ab", False),
])
def test_one_edit_apart(a, b, close):
    assert within_one_edit(a, b) is close and within_one_edit(b, a) is close


def test_the_learner_with_the_same_names_and_birth_date_is_found():
    chloe = candidate()
    result = find_match([candidate(("Zoé",)), chloe, candidate(birthdate=date(2012, 2, 15))], "chloe", "LEFEVRE", BIRTH)
    assert (result.candidate, result.found, result.ambiguous) == (chloe, True, False)


def test_another_birth_date_never_matches():
    result = find_match([candidate(birthdate=date(2012, 2, 15))], "Chloé", "Lefèvre", BIRTH)
    assert (result.candidate, result.found, result.ambiguous) == (None, False, False)


@pytest.mark.parametrize("first_name, last_name", [
    ("Maëlle", "Lefèvre"), ("Chloé Maëlle", "Lefèvre"), ("chloe-maelle", "LEFEVRE"), ("Chloé", "Martin"),
    ("Chloe", "Lefevre-"), ("Chloé", "Le Fèvre"),
])
def test_any_first_name_and_the_last_or_preferred_last_name_match(first_name, last_name):
    chloe = candidate(("Chloé", "Maëlle", None), preferred_last_name="Martin")
    assert find_match([chloe], first_name, last_name, BIRTH).candidate is chloe


@pytest.mark.parametrize("first_name, last_name", [("Chloée", "Lefèvre"), ("Chloé", "Lefèbvre"), ("Chlé", "Lefevre")])
def test_one_typo_is_forgiven_in_a_name_of_four_letters_or_more(first_name, last_name):
    assert find_match([candidate()], first_name, last_name, BIRTH).found


@pytest.mark.parametrize("first_name, last_name", [("Léa", "Lefèvre"), ("Chloé", "Lee"), ("Chloé", "Lefèvrr2"),
                                                   ("Chloé", "Lefèvre Dupont")])
def test_short_names_must_be_exact_and_two_typos_are_too_many(first_name, last_name):
    learners = [candidate(("Léo",)), candidate(last_name="Le")]
    assert find_match(learners, first_name, last_name, BIRTH).candidate is None


def test_two_learners_equally_close_are_ambiguous():
    result = find_match([candidate(("Chloé",)), candidate(("Chloë",))], "Chloe", "Lefevre", BIRTH)
    assert (result.candidate, result.ambiguous, len(result.matches)) == (None, True, 2)


def test_an_exact_match_wins_over_a_learner_one_letter_off():
    lucas, lukas = candidate(("Lucas",)), candidate(("Lukas",))  # twins
    assert find_match([lukas, lucas], "Lucas", "Lefèvre", BIRTH).candidate is lucas


def test_among_equal_matches_the_learner_already_linked_to_the_user_wins():
    user = uuid4()
    mine = candidate(user_id=user)
    assert find_match([candidate(), mine], "Chloé", "Lefèvre", BIRTH, user_id=user).candidate is mine
    assert find_match([candidate(), mine], "Chloé", "Lefèvre", BIRTH).ambiguous


@pytest.mark.parametrize("first_name, last_name", [("", "Lefèvre"), ("Chloé", "  "), ("-", "'")])
def test_blank_names_match_nobody(first_name, last_name):
    assert not find_match([candidate()], first_name, last_name, BIRTH).found


def test_is_same_person_applies_the_same_rules():
    chloe = candidate()
    assert is_same_person(chloe, "CHLOE", "lefevre", BIRTH)
    assert not is_same_person(chloe, "Chloé", "Lefèvre", date(2012, 2, 13))
    assert not is_same_person(chloe, "Zoé", "Lefèvre", BIRTH)


def test_the_organization_learners_of_the_domain_are_candidates():
    from organizations.domain.learners import OrganizationLearner

    now = datetime(2026, 1, 15, tzinfo=timezone.utc)
    learner = OrganizationLearner(id=uuid4(), organization_id=uuid4(), first_name="Chloé", middle_name="Maëlle",
                                  last_name="Lefèvre", preferred_last_name="Martin", birthdate=BIRTH, created_at=now,
                                  updated_at=now)
    assert find_match([learner], "Maelle", "MARTIN", BIRTH).candidate is learner
