import pytest
from assessment_builders import document, text, tube

from assessment.domain import answers
from assessment.domain.content import LearningContent
from assessment.domain.exceptions import InvalidAnswerValue


def release_with(challenge: dict) -> LearningContent:
    recherche = tube("recherche")
    recherche["skills"][0]["challenges"][0] = challenge
    return LearningContent(1, document({"1.1": [recherche, tube("sources"), tube("veille")]}))


def challenge_of(doc: dict):
    return release_with({"id": "recherche1-a", "instruction": text("?"), "explanation": text("!"), **doc}) \
        .challenges["recherche1-a"]


FREE = challenge_of({"kind": "free_answer", "accepted": {"fr": ["Mot de passe", "2,5", "1000", ".pdf"],
                                                        "en": ["password"]}})


@pytest.mark.parametrize("given", ["mot de passe", "MOT DE PASSE", "  mot   de  passe ", "Mot de passe.",
                                   "mot-de-passe", "password", "PASSWORD!", "motdepasse"])
def test_a_free_answer_tolerates_case_spaces_and_end_punctuation_and_either_language(given):
    assert answers.is_right(FREE, answers.read_value(FREE, given))


@pytest.mark.parametrize("given", ["2.5", "2,5", "2,50", " 2.5 ", "1000", "1 000", "1\u202f000", "1,000", "1.000",
                                   "1000,0", "+1000"])
def test_numbers_are_compared_by_value_whatever_their_format(given):
    assert answers.is_right(FREE, given)


@pytest.mark.parametrize("given", ["pdf", ".PDF", "PDF "])
def test_a_leading_dot_is_punctuation_at_the_end(given):
    assert answers.is_right(FREE, given)


@pytest.mark.parametrize("given", ["mot de pass", "-2,5", "25", "2,6", "100", "10 000", "pdfs", "passe"])
def test_close_but_wrong_free_answers_are_wrong(given):
    assert not answers.is_right(FREE, given)


def test_accents_are_tolerated():
    challenge = challenge_of({"kind": "free_answer", "accepted": {"fr": ["Réseau"], "en": ["network"]}})
    assert answers.is_right(challenge, "reseau")
    assert answers.is_right(challenge, "RÉSEAU")
    assert answers.is_right(challenge, "réseau’")


def test_a_single_choice_is_right_only_with_the_right_proposal():
    challenge = challenge_of({"kind": "single_choice", "proposals": [text("a"), text("b"), text("c")], "answer": 2})
    assert answers.is_right(challenge, answers.read_value(challenge, 2))
    assert not answers.is_right(challenge, answers.read_value(challenge, 1))


@pytest.mark.parametrize("value", [0, 4, "2", True, None, [2]])
def test_a_single_choice_must_name_one_existing_proposal(value):
    challenge = challenge_of({"kind": "single_choice", "proposals": [text("a"), text("b"), text("c")], "answer": 2})
    with pytest.raises(InvalidAnswerValue):
        answers.read_value(challenge, value)


def test_a_multiple_choice_is_right_only_with_exactly_the_right_set():
    challenge = challenge_of({"kind": "multiple_choice", "proposals": [text(x) for x in "abcd"], "answer": [1, 3]})
    assert answers.is_right(challenge, answers.read_value(challenge, [3, 1]))
    assert not answers.is_right(challenge, answers.read_value(challenge, [1]))
    assert not answers.is_right(challenge, answers.read_value(challenge, [1, 2, 3]))


@pytest.mark.parametrize("value", [[], [1, 1], [5], 1, "1,3", [True]])
def test_a_multiple_choice_must_be_distinct_existing_proposals(value):
    challenge = challenge_of({"kind": "multiple_choice", "proposals": [text(x) for x in "abcd"], "answer": [1, 3]})
    with pytest.raises(InvalidAnswerValue):
        answers.read_value(challenge, value)


def test_several_fields_are_right_only_when_every_field_is():
    challenge = challenge_of({"kind": "fields", "fields": [
        {"key": "extension", "label": text("Extension"), "accepted": {"fr": [".odt"], "en": [".odt"]}},
        {"key": "taille", "label": text("Taille"), "accepted": {"fr": ["1,5"], "en": ["1.5"]}}]})
    assert answers.is_right(challenge, answers.read_value(challenge, {"extension": "ODT", "taille": "1.50"}))
    assert not answers.is_right(challenge, answers.read_value(challenge, {"extension": "odt", "taille": "15"}))


@pytest.mark.parametrize("value", [{"extension": "odt"}, {"extension": "odt", "taille": 2},
                                   {"extension": "odt", "taille": "1", "autre": "x"}, ["odt", "1"]])
def test_several_fields_need_one_text_per_field(value):
    challenge = challenge_of({"kind": "fields", "fields": [
        {"key": "extension", "label": text("Extension"), "accepted": {"fr": [".odt"], "en": [".odt"]}},
        {"key": "taille", "label": text("Taille"), "accepted": {"fr": ["1,5"], "en": ["1.5"]}}]})
    with pytest.raises(InvalidAnswerValue):
        answers.read_value(challenge, value)


@pytest.mark.parametrize("value", ["", "   ", 12, None, "x" * 501])
def test_a_free_answer_is_a_text_of_reasonable_length(value):
    with pytest.raises(InvalidAnswerValue):
        answers.read_value(FREE, value)


def test_the_right_answer_is_shown_in_the_learners_language():
    assert answers.right_answer(FREE, "fr") == "Mot de passe"
    assert answers.right_answer(FREE, "en") == "password"
