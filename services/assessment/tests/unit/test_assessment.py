import uuid
from datetime import timedelta

import pytest
from assessment_builders import RULES, T0, assessment_for, content, document, play, tube

from assessment.domain.content import LearningContent
from assessment.domain.events import AnswerRecorded, AssessmentCompleted
from assessment.domain.exceptions import (
    AssessmentCompleted as AssessmentIsOver,
)
from assessment.domain.exceptions import (
    CampaignArchived,
    ChallengeAlreadyAnswered,
    InvalidAnswerValue,
    NoCurrentChallenge,
    WrongChallenge,
)
from assessment.domain.knowledge import DIRECT, INFERRED, VALIDATED
from assessment.domain.model import COMPLETED, RIGHT, SKIPPED, TIMED_OUT, WRONG

RELEASE = content()


def test_a_learner_who_knows_up_to_level_3_ends_with_exactly_those_skills_validated():
    assessment = assessment_for(RELEASE)
    play(assessment, RELEASE, lambda skill: skill.level <= 3)
    assert assessment.state == COMPLETED
    known = assessment.known(RULES)
    assert set(known) == set(RELEASE.skills)
    assert {s for s, e in known.items() if e.validated} == {s.id for s in RELEASE.skills.values() if s.level <= 3}


def test_inference_saves_questions():
    assessment = assessment_for(RELEASE)
    asked = play(assessment, RELEASE, lambda skill: skill.level <= 3)
    assert len(asked) < len(RELEASE.skills) / 2
    sources = {e.source for e in assessment.knowledge}
    assert sources == {DIRECT, INFERRED}


def test_stopping_and_coming_back_gives_the_same_question():
    assessment = assessment_for(RELEASE)
    first = assessment.current_challenge(RELEASE, RULES, T0)
    assert assessment.current_challenge(RELEASE, RULES, T0 + timedelta(hours=3)) == first
    assert assessment.current_served_at == T0


def test_the_answer_must_be_for_the_question_being_asked():
    assessment = assessment_for(RELEASE)
    with pytest.raises(NoCurrentChallenge):
        assessment.answer(RELEASE, RULES, challenge_id="recherche1-a", value=1, skipped=False, now=T0,
                          new_id=uuid.uuid4)
    current = assessment.current_challenge(RELEASE, RULES, T0)
    other = next(c for c in RELEASE.challenges if c != current.id)
    with pytest.raises(WrongChallenge):
        assessment.answer(RELEASE, RULES, challenge_id=other, value=1, skipped=False, now=T0, new_id=uuid.uuid4)
    assessment.answer(RELEASE, RULES, challenge_id=current.id, value=1, skipped=False, now=T0, new_id=uuid.uuid4)
    with pytest.raises(ChallengeAlreadyAnswered):  # another answer to a question already answered
        assessment.answer(RELEASE, RULES, challenge_id=current.id, value=2, skipped=False, now=T0, new_id=uuid.uuid4)
    with pytest.raises(ChallengeAlreadyAnswered):
        assessment.answer(RELEASE, RULES, challenge_id=current.id, value=None, skipped=True, now=T0, new_id=uuid.uuid4)


def test_the_same_answer_sent_again_gives_back_the_recorded_one_and_changes_nothing():
    """A learner whose answer was recorded but who never got the reply (a lost connection, a 503 while the
    idempotent reply was stored) sends it again: the outcome is the recorded answer, not a second one."""
    assessment = assessment_for(RELEASE)
    current = assessment.current_challenge(RELEASE, RULES, T0)
    recorded = assessment.answer(RELEASE, RULES, challenge_id=current.id, value=1, skipped=False, now=T0,
                                 new_id=uuid.uuid4)
    assessment.loaded_version, assessment.events, assessment.new_answers = assessment.version, [], []
    knowledge = list(assessment.knowledge)
    again = assessment.answer(RELEASE, RULES, challenge_id=current.id, value=1, skipped=False,
                              now=T0 + timedelta(minutes=5), new_id=uuid.uuid4)
    assert again is recorded
    assert (assessment.answers, assessment.knowledge, assessment.events, assessment.new_answers) == (
        [recorded], knowledge, [], [])
    assert assessment.version == assessment.loaded_version


def test_an_answer_of_the_wrong_shape_records_nothing():
    assessment = assessment_for(RELEASE)
    current = assessment.current_challenge(RELEASE, RULES, T0)
    with pytest.raises(InvalidAnswerValue):
        assessment.answer(RELEASE, RULES, challenge_id=current.id, value="one", skipped=False, now=T0,
                          new_id=uuid.uuid4)
    assert assessment.answers == [] and assessment.knowledge == [] and assessment.current_challenge_id == current.id


def test_a_skip_invalidates_the_skill_and_the_harder_ones():
    assessment = assessment_for(RELEASE)
    current = assessment.current_challenge(RELEASE, RULES, T0)
    answer = assessment.answer(RELEASE, RULES, challenge_id=current.id, value="ignored", skipped=True, now=T0,
                               new_id=uuid.uuid4)
    assert answer.result == SKIPPED and answer.value is None
    skill = RELEASE.skills[current.skill_id]
    assert {e.skill_id for e in assessment.knowledge} == {s.id for s in RELEASE.skills_of_tube(skill.tube_id)
                                                          if s.level >= skill.level}
    assert not any(e.validated for e in assessment.knowledge)


def test_a_timed_question_answered_too_late_counts_as_wrong():
    release = content({"1.1": [tube("recherche", timed={1, 2, 3, 4, 5}), tube("sources", timed={1, 2, 3, 4, 5}),
                               tube("veille", timed={1, 2, 3, 4, 5})]})
    assessment = assessment_for(release)
    current = assessment.current_challenge(release, RULES, T0)
    late = T0 + timedelta(seconds=current.timer) + RULES.timer_grace + timedelta(seconds=1)
    answer = assessment.answer(release, RULES, challenge_id=current.id, value=1, skipped=False, now=late,
                               new_id=uuid.uuid4)
    assert answer.result == TIMED_OUT
    assert not assessment.known(RULES)[current.skill_id].validated


def test_a_timed_question_answered_in_time_counts():
    release = content({"1.1": [tube("recherche", timed={2}), tube("sources", timed={2}), tube("veille", timed={2})]})
    assessment = assessment_for(release)
    current = assessment.current_challenge(release, RULES, T0)
    assert current.timed
    answer = assessment.answer(release, RULES, challenge_id=current.id, value=1, skipped=False,
                               now=T0 + timedelta(seconds=current.timer), new_id=uuid.uuid4)
    assert answer.result == RIGHT


def test_each_answer_announces_the_progress_and_the_last_one_the_results():
    assessment = assessment_for(RELEASE, ["recherche1", "recherche2", "recherche3"])
    asked = play(assessment, RELEASE, lambda skill: skill.level <= 2)
    recorded = [e for e in assessment.events if isinstance(e, AnswerRecorded)]
    completed = [e for e in assessment.events if isinstance(e, AssessmentCompleted)]
    assert len(recorded) == len(asked) and len(completed) == 1
    assert recorded[-1].progress.assessed_skills == recorded[-1].progress.target_skills == 3
    assert [e.version for e in assessment.events] == sorted(e.version for e in assessment.events)
    results = completed[0].results
    assert (results.target_skills, results.validated_skills) == (3, 2)
    assert results.competences[0].mastery_rate == pytest.approx(2 / 3)


def test_a_finished_assessment_takes_no_answer_and_asks_nothing():
    assessment = assessment_for(RELEASE, ["recherche1"])
    play(assessment, RELEASE, lambda skill: True)
    assert assessment.current_challenge(RELEASE, RULES, T0) is None
    last = assessment.answers[-1]
    with pytest.raises(AssessmentIsOver):
        assessment.answer(RELEASE, RULES, challenge_id=last.challenge_id, value=None, skipped=True, now=T0,
                          new_id=uuid.uuid4)
    # The last answer sent again (its reply was lost) is the recorded one, though the assessment is over.
    assert assessment.answer(RELEASE, RULES, challenge_id=last.challenge_id, value=last.value, skipped=False, now=T0,
                             new_id=uuid.uuid4) is last


def test_the_checkpoint_is_the_last_block_of_five_answers():
    assessment = assessment_for(RELEASE)
    asked = play(assessment, RELEASE, lambda skill: skill.level <= 3)
    assert len(asked) > 5
    block = assessment.checkpoint()
    assert 1 <= len(block) <= 5
    assert block[0].index % 5 == 1 and block[-1] == assessment.answers[-1]


def test_what_an_earlier_campaign_settled_is_not_asked_again():
    first = assessment_for(RELEASE, [s for s in RELEASE.skills if s.startswith("recherche")], seed=1)
    play(first, RELEASE, lambda skill: skill.level <= 2)
    second = assessment_for(RELEASE, knowledge=first.knowledge, seed=2)
    asked = play(second, RELEASE, lambda skill: skill.level <= 2)
    assert not any(c.skill_id.startswith("recherche") for c in asked)


def test_a_campaign_already_known_completes_at_once():
    first = assessment_for(RELEASE, ["recherche1", "recherche2"], seed=1)
    play(first, RELEASE, lambda skill: True)
    second = assessment_for(RELEASE, ["recherche1", "recherche2"], knowledge=first.knowledge, seed=2)
    assert second.complete_if_nothing_to_ask(RELEASE, RULES, T0)
    assert isinstance(second.events[-1], AssessmentCompleted)


def test_a_retry_asks_again_the_old_failures_but_keeps_what_was_validated():
    targets = [s for s in RELEASE.skills if s.startswith("recherche")]
    first = assessment_for(RELEASE, targets, seed=1)
    play(first, RELEASE, lambda skill: skill.level <= 2)
    later = T0 + RULES.reset_after + timedelta(hours=1)
    retry = assessment_for(RELEASE, targets, knowledge=first.knowledge, improving=True, created_at=later, seed=2,
                           answered_before={a.challenge_id for a in first.answers})
    asked = play(retry, RELEASE, lambda skill: skill.level <= 4, now=later)
    assert {c.skill_id for c in asked} <= {"recherche3", "recherche4", "recherche5"}
    assert not {c.id for c in asked} & {a.challenge_id for a in first.answers}
    validated = {s for s, e in retry.known(RULES).items() if e.status == VALIDATED}
    assert validated == {"recherche1", "recherche2", "recherche3", "recherche4"}


def test_a_retry_too_soon_asks_nothing_again():
    targets = [s for s in RELEASE.skills if s.startswith("recherche")]
    first = assessment_for(RELEASE, targets, seed=1)
    play(first, RELEASE, lambda skill: skill.level <= 2)
    soon = T0 + RULES.reset_after - timedelta(hours=1)
    retry = assessment_for(RELEASE, targets, knowledge=first.knowledge, improving=True, created_at=soon, seed=2)
    assert retry.complete_if_nothing_to_ask(RELEASE, RULES, soon)


def test_wrong_answers_are_recorded_as_wrong():
    assessment = assessment_for(RELEASE, ["recherche2"])
    current = assessment.current_challenge(RELEASE, RULES, T0)
    answer = assessment.answer(RELEASE, RULES, challenge_id=current.id, value=2, skipped=False, now=T0,
                               new_id=uuid.uuid4)
    assert answer.result == WRONG and assessment.completed


def test_an_archived_campaign_asks_nothing_and_takes_no_answer():
    assessment = assessment_for(RELEASE)
    current = assessment.current_challenge(RELEASE, RULES, T0)
    assessment.campaign_archived = True
    with pytest.raises(CampaignArchived):
        assessment.current_challenge(RELEASE, RULES, T0)
    with pytest.raises(CampaignArchived):
        assessment.answer(RELEASE, RULES, challenge_id=current.id, value=1, skipped=False, now=T0, new_id=uuid.uuid4)
    assert assessment.answers == []


def test_a_question_withdrawn_by_a_new_release_is_replaced_not_answered():
    assessment = assessment_for(RELEASE)
    current = assessment.current_challenge(RELEASE, RULES, T0)
    doc = document()
    for area in doc["areas"]:
        for competence in area["competences"]:
            for t in competence["tubes"]:
                for skill in t["skills"]:
                    skill["challenges"] = [c for c in skill["challenges"] if c["id"] != current.id]
    newer = LearningContent(2, doc)
    with pytest.raises(WrongChallenge):
        assessment.answer(newer, RULES, challenge_id=current.id, value=1, skipped=False, now=T0, new_id=uuid.uuid4)
    replacement = assessment.current_challenge(newer, RULES, T0)
    assert replacement is not None and replacement.id != current.id
