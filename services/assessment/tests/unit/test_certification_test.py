"""The certification test's aggregate: choice, answers, timers, ends, and what it publishes."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

import pytest
from assessment_builders import T0, certification_content, content

from assessment.domain.certification import (
    COMPLETED,
    ENDED,
    ENDED_BY_INVIGILATOR,
    KO,
    NO_ITEM_LEFT,
    OK,
    SKIPPED,
    TIMED_OUT,
    CertificationTestCompleted,
    CertificationTestProgressed,
    PendingEnd,
    configuration,
    freeze_pool,
    new_certification_test,
)
from assessment.domain.exceptions import (
    CertificationTestEnded,
    ChallengeAlreadyAnswered,
    NoCurrentChallenge,
    UnknownConfiguration,
    WrongChallenge,
)
from irt import Response, TestRules, simulate_skips

RELEASE = certification_content()
GRACE = timedelta(seconds=5)
COURSE = uuid.UUID(int=17)


def new_test(release=RELEASE, *, extra_time: int = 0, pending_end=None, parameters=None):
    return new_certification_test(course_id=COURSE, user_id=uuid.UUID(int=1000), configuration_version=1,
                                  extra_time_percentage=extra_time, pool=freeze_pool(release, parameters),
                                  started_at=T0, pending_end=pending_end)


def level(challenge) -> int:
    return RELEASE.skills[challenge.skill_id].level


def take(test, knows=lambda challenge: level(challenge) <= 3, *, count: int = 100, seed: int = 3, start=T0):
    """Answer up to ``count`` questions (right when ``knows``), one every 10 s; the challenges asked."""
    rng, asked = random.Random(seed), []
    for step in range(count):
        now = start + timedelta(seconds=10 * step)
        challenge = test.current_question(RELEASE, rng, now)
        if challenge is None:
            break
        asked.append(challenge)
        test.answer(RELEASE, challenge_id=challenge.id, value=1 if knows(challenge) else 2, skipped=False,
                    now=now + timedelta(seconds=3), grace=GRACE)
    return asked


def completed(test) -> CertificationTestCompleted:
    [event] = [e for e in test.events if isinstance(e, CertificationTestCompleted)]
    return event


def test_version_1_is_the_libs_default_rules_of_32_questions_and_other_versions_are_refused():
    assert configuration(1).rules == TestRules() and configuration(1).rules.length == 32
    with pytest.raises(UnknownConfiguration, match="configuration version 2 is unknown"):
        new_certification_test(course_id=COURSE, user_id=uuid.uuid4(), configuration_version=2,
                               extra_time_percentage=0, pool=freeze_pool(RELEASE), started_at=T0)


def test_a_whole_test_asks_32_questions_one_per_tube_every_competence_first_then_ends_completed():
    test = new_test()
    asked = take(test)
    assert len(asked) == 32 and test.state == ENDED and test.end_reason == COMPLETED
    tubes = [RELEASE.skills[c.skill_id].tube_id for c in asked]
    assert len(set(tubes)) == 32
    assert len({RELEASE.skills[c.skill_id].competence_code for c in asked[:16]}) == 16
    progressed = [e for e in test.events if isinstance(e, CertificationTestProgressed)]
    assert [e.answers_count for e in progressed] == list(range(1, 33))
    assert all(e.length == 32 for e in progressed)
    event = completed(test)
    assert event.end_reason == COMPLETED and len(event.answers) == 32 and event.skips_if_abandoned == ()
    assert event.configuration_version == 1 and event.content_version == RELEASE.version
    responses = [Response(item, answer.status == OK) for answer, item in event.answers]
    assert event.estimate == TestRules().estimate(responses)
    assert event.version > progressed[-1].version  # every event of the test has its own version
    assert test.current_question(RELEASE, random.Random(0), T0) is None


def test_a_strong_candidate_ends_with_a_higher_capacity_than_a_weak_one():
    strong, weak = new_test(), new_test()
    take(strong, lambda c: True)
    take(weak, lambda c: False)
    assert completed(strong).estimate.capacity > 1.0 > -1.0 > completed(weak).estimate.capacity


def test_the_question_being_asked_is_given_again_until_it_is_answered():
    test = new_test()
    first = test.current_question(RELEASE, random.Random(1), T0)
    version = test.version
    for seed in range(5):
        assert test.current_question(RELEASE, random.Random(seed), T0 + timedelta(minutes=1)) == first
    assert test.version == version and test.current_served_at == T0


def test_neighbours_do_not_all_see_the_same_sequence():
    sequences = {tuple(c.id for c in take(new_test(), count=6, seed=seed)) for seed in range(8)}
    assert len(sequences) > 1


def test_an_answer_is_recorded_as_ok_ko_or_skipped_and_never_shown_as_such():
    test = new_test()
    statuses = []
    for value, skipped in ((1, False), (2, False), (None, True)):
        challenge = test.current_question(RELEASE, random.Random(0), T0)
        answer, new = test.answer(RELEASE, challenge_id=challenge.id, value=value, skipped=skipped,
                                  now=T0 + timedelta(seconds=1), grace=GRACE)
        assert new
        statuses.append(answer.status)
    assert statuses == [OK, KO, SKIPPED]
    assert [r.correct for r in test.responses()] == [True, False, False]  # a skip is wrong


def test_the_same_answer_sent_again_gives_back_the_recorded_one_and_another_is_refused():
    test = new_test()
    challenge = test.current_question(RELEASE, random.Random(0), T0)
    answer, _ = test.answer(RELEASE, challenge_id=challenge.id, value=1, skipped=False, now=T0, grace=GRACE)
    version, events = test.version, len(test.events)
    again, new = test.answer(RELEASE, challenge_id=challenge.id, value=1, skipped=False,
                             now=T0 + timedelta(seconds=9), grace=GRACE)
    assert (again, new) == (answer, False) and (test.version, len(test.events)) == (version, events)
    with pytest.raises(ChallengeAlreadyAnswered):
        test.answer(RELEASE, challenge_id=challenge.id, value=2, skipped=False, now=T0, grace=GRACE)
    with pytest.raises(NoCurrentChallenge):
        test.answer(RELEASE, challenge_id="t11x1-a", value=1, skipped=False, now=T0, grace=GRACE)
    asked = test.current_question(RELEASE, random.Random(0), T0)
    other = next(c for c in RELEASE.challenges if c not in (asked.id, challenge.id))
    with pytest.raises(WrongChallenge):
        test.answer(RELEASE, challenge_id=other, value=1, skipped=False, now=T0, grace=GRACE)


def timed_question(test):
    """Make the next question a timed one (level 3), as the algorithm could have chosen it."""
    test.current_question(RELEASE, random.Random(0), T0)
    test.current_challenge_id = next(c.id for c in RELEASE.challenges.values() if c.timer)
    return RELEASE.challenges[test.current_challenge_id]


@pytest.mark.parametrize(("extra_time", "timer"), [(0, 30), (33, 40), (100, 60)])
def test_a_timed_question_is_lengthened_by_the_extra_time_plus_a_grace_then_timed_out(extra_time, timer):
    on_time, late = new_test(extra_time=extra_time), new_test(extra_time=extra_time)
    challenge = timed_question(on_time)
    assert on_time.timer(challenge) == timer
    answer, _ = on_time.answer(RELEASE, challenge_id=challenge.id, value=1, skipped=False,
                               now=T0 + timedelta(seconds=timer) + GRACE, grace=GRACE)
    assert answer.status == OK and answer.elapsed_ms == (timer + 5) * 1000
    timed_question(late)
    answer, _ = late.answer(RELEASE, challenge_id=challenge.id, value=1, skipped=False,
                            now=T0 + timedelta(seconds=timer + 5, milliseconds=1), grace=GRACE)
    assert answer.status == TIMED_OUT and late.responses()[0].correct is False


def test_after_the_32nd_answer_nothing_more_is_taken_but_the_last_answer_sent_again():
    test = new_test()
    take(test)
    last = test.answers[-1]
    assert test.answer(RELEASE, challenge_id=last.challenge_id, value=last.value, skipped=False, now=T0,
                       grace=GRACE) == (last, False)
    with pytest.raises(CertificationTestEnded):
        test.answer(RELEASE, challenge_id="t11x1-a", value=1, skipped=False, now=T0, grace=GRACE)


def test_ended_by_the_invigilator_counts_the_answers_until_their_moment_and_lists_the_degradation_skips():
    test = new_test()
    take(test, count=21)
    ended_at = test.answers[19].answered_at  # the 21st answer came after the invigilator's moment
    assert test.end_by_invigilator(ended_at) is True
    assert test.end_by_invigilator(ended_at + timedelta(minutes=1)) is False  # once
    event = completed(test)
    assert event.end_reason == ENDED_BY_INVIGILATOR and event.ended_at == ended_at
    assert [a.index for a, _ in event.answers] == list(range(1, 21))
    responses = test.responses(test.answers[:20])
    expected = simulate_skips(test.pool.items, responses, TestRules())[20:]
    assert list(event.skips_if_abandoned) == [r.item for r in expected] and len(expected) == 12
    asked_tubes = {item.tube for _, item in event.answers}
    assert not asked_tubes & {item.tube for item in event.skips_if_abandoned}
    assert event.estimate == TestRules().estimate(responses)
    assert test.current_question(RELEASE, random.Random(0), T0) is None
    with pytest.raises(CertificationTestEnded):
        test.answer(RELEASE, challenge_id="t11x1-a", value=1, skipped=False, now=T0, grace=GRACE)


def test_an_end_that_came_before_the_start_ends_the_test_at_its_creation():
    test = new_test(pending_end=PendingEnd(COURSE, T0 + timedelta(minutes=3)))
    assert test.state == ENDED and test.end_reason == ENDED_BY_INVIGILATOR
    event = completed(test)
    assert event.answers == () and len(event.skips_if_abandoned) == 32


def test_a_pool_too_small_for_the_rules_ends_the_test_with_no_item_left():
    small = content()  # two competences, six tubes
    test = new_test(small)
    rng = random.Random(0)
    for _ in range(10):
        challenge = test.current_question(small, rng, T0)
        if challenge is None:
            break
        test.answer(small, challenge_id=challenge.id, value=1, skipped=False, now=T0, grace=GRACE)
    assert len(test.answers) == 6 and test.end_reason == NO_ITEM_LEFT


def test_the_pool_is_frozen_with_its_parameters_and_a_withdrawn_challenge_is_never_asked():
    derived, fitted = freeze_pool(RELEASE), freeze_pool(RELEASE, {"t11x1-a": (0.9, -1.5)}, "fitted")
    assert derived.id == freeze_pool(RELEASE).id != fitted.id
    assert (fitted.item("t11x1-a").discrimination, fitted.item("t11x1-a").difficulty) == (0.9, -1.5)
    test = new_test()
    first = test.current_question(RELEASE, random.Random(0), T0)
    document = certification_content(2)
    document.challenges.pop(first.id)  # a later release withdrew it while it was on screen
    test.current_challenge_id = None
    for seed in range(20):
        assert test.current_question(document, random.Random(seed), T0).id != first.id
        test.current_challenge_id = None
