"""The content pack shipped with the service: whole, coherent, and every right answer checks as right."""

import random
import uuid
from collections import Counter
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from assessment.adapters.content_pack import read_pack
from assessment.domain import answers
from assessment.domain.content import FIELDS, FREE_ANSWER, MULTIPLE_CHOICE, SINGLE_CHOICE, LearningContent
from assessment.domain.model import Rules, new_assessment
from assessment.entrypoints.cli import main

PACK = read_pack()
CONTENT = LearningContent(1, PACK.document)


def test_the_pack_covers_the_framework_as_the_rules_ask():
    assert len(CONTENT.areas) == 5 and len(CONTENT.competences) == 16
    tubes = Counter(t.competence_code for t in CONTENT.tubes.values())
    assert set(tubes) == set(CONTENT.competences) and min(tubes.values()) >= 3
    assert len(CONTENT.challenges) >= 250
    for skill in CONTENT.skills.values():
        assert CONTENT.challenges_of(skill.id) and CONTENT.tutorials_of(skill.id, "fr")
        assert len(CONTENT.challenges_of(skill.id)) >= (2 if skill.level <= 3 else 1)


def test_every_kind_of_challenge_is_there_and_some_are_timed():
    kinds = Counter(c.kind for c in CONTENT.challenges.values())
    assert set(kinds) == {SINGLE_CHOICE, MULTIPLE_CHOICE, FREE_ANSWER, FIELDS}
    assert min(kinds.values()) >= 10
    assert sum(1 for c in CONTENT.challenges.values() if c.timed) >= 16


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_right_answer_of_every_challenge_checks_as_right_and_a_wrong_one_does_not(locale):
    for challenge in CONTENT.challenges.values():
        right = answers.right_answer(challenge, locale)
        assert answers.is_right(challenge, answers.read_value(challenge, right)), challenge.id
        if challenge.kind == SINGLE_CHOICE:
            wrong = next(n for n in range(1, len(challenge.proposals) + 1) if n != right)
            assert not answers.is_right(challenge, wrong), challenge.id
        elif challenge.kind == MULTIPLE_CHOICE:
            assert not answers.is_right(challenge, right[:-1] or [n for n in range(1, 9) if n not in right][:1])


def test_texts_are_written_in_both_languages():
    for challenge in CONTENT.challenges.values():
        for text in (challenge.instruction, challenge.explanation):
            assert text.fr.strip() and text.en.strip(), challenge.id
    same = [c.id for c in CONTENT.challenges.values() if c.instruction.fr == c.instruction.en]
    assert len(same) <= len(CONTENT.challenges) // 50, same  # code snippets may be identical, prose may not


def test_tutorials_are_public_https_pages_with_both_languages_represented():
    tutorials = [t for skill in CONTENT.skills for t in CONTENT.tutorials_of(skill, "fr") + CONTENT.tutorials_of(
        skill, "en")]
    assert all(t.url.startswith("https://") and " " not in t.url for t in tutorials)
    assert {t.locale for t in tutorials} == {"fr", "en"}


def test_the_ready_target_profiles_are_one_per_competence_and_the_initial_diagnosis():
    profiles = CONTENT.target_profiles
    assert {f"competence-{code}" for code in CONTENT.competences} <= set(profiles)
    diagnosis = profiles["initial-diagnosis"]
    assert 24 <= len(diagnosis.tubes) <= 28
    assert {CONTENT.tubes[t].competence_code for t, _ in diagnosis.tubes} == set(CONTENT.competences)
    assert len(diagnosis.skill_ids(CONTENT)) == 5 * len(diagnosis.tubes)


def test_noise_free_learners_end_with_exactly_their_true_skills():
    rules, rng = Rules(), random.Random(4)
    targets = CONTENT.target_profiles["initial-diagnosis"].skill_ids(CONTENT)
    now = datetime(2026, 11, 23, tzinfo=timezone.utc)
    for _ in range(5):
        truth = {t: rng.randint(0, 5) for t in {CONTENT.skills[s].tube_id for s in targets}}
        assessment = new_assessment(id=uuid.uuid4(), user_id=uuid.uuid4(), participation_id=None, campaign_id=None,
                                    target_skill_ids=targets, improving=False, created_at=now, knowledge=[],
                                    answered_before=[])
        while (challenge := assessment.current_challenge(CONTENT, rules, now)) is not None:
            knows = CONTENT.skills[challenge.skill_id].level <= truth[CONTENT.skills[challenge.skill_id].tube_id]
            assessment.answer(CONTENT, rules, challenge_id=challenge.id, skipped=not knows, now=now,
                              value=answers.right_answer(challenge, "fr"), new_id=uuid.uuid4)
        known = assessment.known(rules)
        assert all(known[s].validated == (CONTENT.skills[s].level <= truth[CONTENT.skills[s].tube_id])
                   for s in targets)
        assert len(assessment.answers) < len(targets) * 0.7


def test_the_validate_command_reads_the_shipped_pack():
    result = CliRunner().invoke(main, ["content", "validate"])
    assert result.exit_code == 0, result.output
    assert f"{PACK.challenge_count} challenges" in result.output
