"""The certification item bank: the shipped pack's challenges as IRT items, and their fit from answers."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from assessment.adapters.content_pack import read_pack
from assessment.domain.content import LearningContent
from assessment.domain.item_bank import derived_parameters, fitted_parameters, item_bank
from assessment.service_layer.calibration import fit_item_parameters
from irt import Response, TestRules, derived_difficulty, next_item

CONTENT = LearningContent(3, read_pack().document)


def test_every_challenge_is_an_item_with_its_skills_place_and_derived_parameters():
    items = item_bank(CONTENT)
    assert [item.id for item in items] == list(CONTENT.challenges)
    for item in items:
        skill = CONTENT.skills[CONTENT.challenges[item.id].skill_id]
        assert (item.tube, item.competence, item.skill) == (skill.tube_id, skill.competence_code, skill.id)
        assert (item.discrimination, item.difficulty) == (1.5, derived_difficulty(skill.level))


def test_fitted_parameters_replace_the_derived_ones_of_their_challenges_only():
    first, second = list(CONTENT.challenges)[:2]
    items = {item.id: item for item in item_bank(CONTENT, {first: (0.8, 2.5)})}
    assert (items[first].discrimination, items[first].difficulty) == (0.8, 2.5)
    assert (items[second].discrimination, items[second].difficulty) == derived_parameters(CONTENT)[second]


def test_the_shipped_pack_holds_a_whole_32_question_test_over_the_16_competences():
    items, responses, rng = item_bank(CONTENT), [], random.Random(1)
    rules = TestRules()
    while not rules.is_complete(len(responses)):
        item = next_item(items, responses, rules, rng)
        responses.append(Response(item, rng.random() < 0.5))
    assert len({r.item.competence for r in responses}) == 16
    assert len({r.item.tube for r in responses}) == 32


def test_the_fitted_document_names_its_release_and_leaves_out_unknown_challenges():
    challenge = list(CONTENT.challenges)[0]
    records = [("ann", challenge, True), ("bob", challenge, False), ("ann", "retired1-a", True)]
    document = fit_item_parameters(records, CONTENT, datetime(2026, 12, 7, tzinfo=UTC), min_answers=10)
    assert document["content_version"] == 3 and document["fitted_at"] == "2026-12-07T00:00:00+00:00"
    assert document["counts"] == {"learners": 2, "answers": 2, "answers_to_unknown_challenges": 1,
                                  "challenges": len(CONTENT.challenges), "fitted": 0,
                                  "derived": len(CONTENT.challenges)}
    level = CONTENT.skills[CONTENT.challenges[challenge].skill_id].level
    assert document["items"][challenge] == {"discrimination": 1.5, "difficulty": derived_difficulty(level),
                                            "answers": 2, "fitted": False}


def test_only_the_challenges_a_calibration_fitted_override_the_derived_parameters():
    first, second = list(CONTENT.challenges)[:2]
    document = {"items": {first: {"discrimination": 0.9, "difficulty": 1.7, "answers": 900, "fitted": True},
                          second: {"discrimination": 1.5, "difficulty": -2.0, "answers": 3, "fitted": False}}}
    assert fitted_parameters(document) == {first: (0.9, 1.7)}
    items = {item.id: item for item in item_bank(CONTENT, fitted_parameters(document))}
    assert (items[first].discrimination, items[first].difficulty) == (0.9, 1.7)
