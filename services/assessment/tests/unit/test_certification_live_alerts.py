"""Live alerts on the certification test: one at a time, no answer while the invigilator decides, a validated
question withdrawn (not an answer, not scored, not among the 32, its skill never asked again), a dismissed one
answered as usual with the wait given back on its timer."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

import pytest
from assessment_builders import T0, certification_content

from assessment.domain.certification import (
    COMPLETED,
    DISMISSED,
    ENDED_BY_INVIGILATOR,
    OK,
    ONGOING,
    TIMED_OUT,
    VALIDATED,
    CertificationTestCompleted,
    LiveAlertRaised,
    freeze_pool,
    new_certification_test,
)
from assessment.domain.exceptions import (
    CertificationTestEnded,
    LiveAlertAlreadyOngoing,
    LiveAlertNotFound,
    LiveAlertOngoing,
    NoCurrentChallenge,
    NoQuestionToSignal,
)
from irt import TestRules, simulate_skips

RELEASE = certification_content()
GRACE = timedelta(seconds=5)
INVIGILATOR = uuid.UUID(int=77)


def new_test():
    return new_certification_test(course_id=uuid.uuid4(), user_id=uuid.UUID(int=1000), configuration_version=1,
                                  extra_time_percentage=0, pool=freeze_pool(RELEASE), started_at=T0)


def ask(test, seed: int = 0, now=T0):
    return test.current_question(RELEASE, random.Random(seed), now)


def reply(test, challenge, now=T0, value=1):
    return test.answer(RELEASE, challenge_id=challenge.id, value=value, skipped=False, now=now, grace=GRACE)


def answer_some(test, count: int, start=T0):
    for step in range(count):
        challenge = ask(test, step, start + timedelta(seconds=10 * step))
        if challenge is None:
            break
        reply(test, challenge, start + timedelta(seconds=10 * step + 3))


def raised(test):
    return [e for e in test.events if isinstance(e, LiveAlertRaised)]


def test_an_alert_is_raised_on_the_question_being_asked_with_its_number_and_published():
    test = new_test()
    answer_some(test, 5)
    question = ask(test, now=T0 + timedelta(minutes=2))
    version = test.version
    alert = test.raise_alert(uuid.uuid4(), T0 + timedelta(minutes=3))
    assert (alert.challenge_id, alert.question_number, alert.status, alert.number) == (question.id, 6, ONGOING, 1)
    assert test.live_alert is alert and test.ongoing_alert is alert and test.version == version + 1
    [event] = raised(test)
    assert (event.alert_id, event.challenge_id, event.question_number, event.version) == (
        alert.id, question.id, 6, test.version)


def test_one_alert_at_a_time_and_none_without_a_question_being_asked():
    test = new_test()
    with pytest.raises(NoQuestionToSignal):
        test.raise_alert(uuid.uuid4(), T0)  # nothing served yet
    ask(test)
    test.raise_alert(uuid.uuid4(), T0)
    with pytest.raises(LiveAlertAlreadyOngoing):
        test.raise_alert(uuid.uuid4(), T0 + timedelta(seconds=5))
    assert len(test.alerts) == 1 and len(raised(test)) == 1


def test_no_answer_is_taken_while_the_alert_is_ongoing_and_the_same_question_is_served():
    test = new_test()
    question = ask(test)
    test.raise_alert(uuid.uuid4(), T0 + timedelta(seconds=4))
    version = test.version
    with pytest.raises(LiveAlertOngoing):
        reply(test, question, T0 + timedelta(seconds=8))
    assert test.answers == [] and test.version == version  # nothing recorded
    for seed in range(5):
        assert ask(test, seed, T0 + timedelta(seconds=9)) == question


def test_a_dismissed_alert_lets_the_candidate_answer_the_same_question_and_may_be_raised_again():
    test = new_test()
    question = ask(test)
    alert = test.raise_alert(uuid.uuid4(), T0 + timedelta(seconds=4))
    assert test.decide_alert(alert.id, DISMISSED, by=INVIGILATOR, at=T0 + timedelta(seconds=40)) is True
    assert (alert.status, alert.decided_at, alert.decided_by) == (DISMISSED, T0 + timedelta(seconds=40), INVIGILATOR)
    assert ask(test, 3, T0 + timedelta(seconds=41)) == question
    answer, new = reply(test, question, T0 + timedelta(seconds=45))
    assert new and answer.index == 1 and answer.status == OK
    again = ask(test, 0, T0 + timedelta(seconds=50))
    second = test.raise_alert(uuid.uuid4(), T0 + timedelta(seconds=51))  # another question, another alert
    assert (second.challenge_id, second.question_number, second.number) == (again.id, 2, 2)


def test_the_wait_for_the_invigilator_is_given_back_on_a_timed_question():
    test = new_test()
    ask(test)
    test.current_challenge_id = next(c.id for c in RELEASE.challenges.values() if c.timer)  # 30 s
    challenge = RELEASE.challenges[test.current_challenge_id]
    alert = test.raise_alert(uuid.uuid4(), T0 + timedelta(seconds=10))
    test.decide_alert(alert.id, DISMISSED, by=INVIGILATOR, at=T0 + timedelta(minutes=3, seconds=10))
    assert test.current_served_at == T0 + timedelta(minutes=3)  # 10 s used before, 3 min of waiting not counted
    answer, _ = reply(test, challenge, T0 + timedelta(minutes=3, seconds=30))
    assert answer.status == OK and answer.elapsed_ms == 30_000
    late = new_test()
    ask(late)
    late.current_challenge_id = challenge.id
    late_alert = late.raise_alert(uuid.uuid4(), T0 + timedelta(seconds=10))
    late.decide_alert(late_alert.id, DISMISSED, by=INVIGILATOR, at=T0 + timedelta(seconds=20))
    answer, _ = reply(late, challenge, T0 + timedelta(seconds=10 + 30 + 6))  # 36 s of its own: past 30 s + grace
    assert answer.status == TIMED_OUT


def test_a_validated_question_is_withdrawn_and_another_of_another_skill_is_served():
    for seed in range(10):
        test = new_test()
        answer_some(test, 3)
        signalled = ask(test, seed, T0 + timedelta(minutes=1))
        alert = test.raise_alert(uuid.uuid4(), T0 + timedelta(minutes=2))
        test.decide_alert(alert.id, VALIDATED, by=INVIGILATOR, at=T0 + timedelta(minutes=3))
        assert test.current_challenge_id is None and test.live_alert.status == VALIDATED
        with pytest.raises(NoCurrentChallenge):  # the withdrawn question takes no answer
            reply(test, signalled, T0 + timedelta(minutes=3, seconds=1))
        replacement = ask(test, seed, T0 + timedelta(minutes=4))
        assert replacement.id != signalled.id and replacement.skill_id != signalled.skill_id  # nor its sibling
        assert test.withdrawn_skills() == {signalled.skill_id}
        assert len(test.answers) == 3  # question 4 again, on another item


def test_a_test_with_a_validated_alert_still_ends_after_32_answers_none_of_them_the_withdrawn_one():
    test = new_test()
    answer_some(test, 10)
    signalled = ask(test, 1, T0 + timedelta(minutes=5))
    alert = test.raise_alert(uuid.uuid4(), T0 + timedelta(minutes=5))
    test.decide_alert(alert.id, VALIDATED, by=INVIGILATOR, at=T0 + timedelta(minutes=6))
    answer_some(test, 40, start=T0 + timedelta(minutes=7))
    assert test.end_reason == COMPLETED and len(test.answers) == 32
    [event] = [e for e in test.events if isinstance(e, CertificationTestCompleted)]
    scored = [item for _, item in event.answers]
    assert len(scored) == 32 and signalled.id not in {item.id for item in scored}
    assert signalled.skill_id not in {item.skill for item in scored}
    assert event.estimate == TestRules().estimate(test.responses())  # scored on the 32 answers alone


def test_the_degradation_skips_of_an_ended_test_leave_out_the_withdrawn_skill():
    test = new_test()
    answer_some(test, 4)
    best_next = simulate_skips(test.pool.items, test.responses(), TestRules())[4].item
    ask(test, 0, T0 + timedelta(minutes=1))
    test.current_challenge_id = best_next.id  # the question the degradation would skip first, signalled
    alert = test.raise_alert(uuid.uuid4(), T0 + timedelta(minutes=1))
    test.decide_alert(alert.id, VALIDATED, by=INVIGILATOR, at=T0 + timedelta(minutes=2))
    test.end_by_invigilator(T0 + timedelta(minutes=3))
    [event] = [e for e in test.events if isinstance(e, CertificationTestCompleted)]
    assert len(event.skips_if_abandoned) == 28
    assert best_next.skill not in {item.skill for item in event.skips_if_abandoned}


def test_a_decision_is_applied_once_and_the_first_one_stands():
    test = new_test()
    question = ask(test)
    alert = test.raise_alert(uuid.uuid4(), T0)
    assert test.decide_alert(alert.id, DISMISSED, by=INVIGILATOR, at=T0 + timedelta(seconds=30)) is True
    version = test.version
    assert test.decide_alert(alert.id, VALIDATED, by=INVIGILATOR, at=T0 + timedelta(seconds=31)) is False
    assert alert.status == DISMISSED and test.version == version and test.current_challenge_id == question.id
    with pytest.raises(LiveAlertNotFound):
        test.decide_alert(uuid.uuid4(), VALIDATED, by=INVIGILATOR, at=T0)


def test_a_decision_for_an_ended_test_is_recorded_and_changes_nothing_else():
    test = new_test()
    answer_some(test, 2)
    ask(test, 0, T0 + timedelta(minutes=1))
    alert = test.raise_alert(uuid.uuid4(), T0 + timedelta(minutes=1))
    test.end_by_invigilator(T0 + timedelta(minutes=2))
    events = len(test.events)
    with pytest.raises(CertificationTestEnded):
        test.raise_alert(uuid.uuid4(), T0 + timedelta(minutes=3))
    assert test.decide_alert(alert.id, VALIDATED, by=INVIGILATOR, at=T0 + timedelta(minutes=4)) is True
    assert alert.status == VALIDATED and test.end_reason == ENDED_BY_INVIGILATOR
    assert len(test.events) == events and len(test.answers) == 2  # no new end, no new question
    assert ask(test, 0, T0 + timedelta(minutes=5)) is None
