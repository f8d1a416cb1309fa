from assessment_builders import content, tube

from assessment.domain import engine
from assessment.domain.engine import DirectResult, Situation

RELEASE = content()
ALL = list(RELEASE.skills)


def situation(**changes) -> Situation:
    values = {"seed": "seed", "targets": ALL, "known": set(), "answered_here": set(), "answered_before": set(),
              "results": []}
    return Situation(**{**values, **changes})


def test_a_right_answer_settles_the_easier_skills_of_its_tube():
    statuses = engine.inferred_statuses(RELEASE, RELEASE.skills["recherche3"], True, set(ALL), set())
    assert statuses == {"recherche3": True, "recherche1": True, "recherche2": True}


def test_a_wrong_answer_settles_the_harder_skills_of_its_tube():
    statuses = engine.inferred_statuses(RELEASE, RELEASE.skills["recherche3"], False, set(ALL), set())
    assert statuses == {"recherche3": False, "recherche4": False, "recherche5": False}


def test_inference_stays_within_the_target_and_leaves_known_skills_alone():
    targets = {"recherche2", "recherche3", "recherche4"}
    statuses = engine.inferred_statuses(RELEASE, RELEASE.skills["recherche4"], True, targets, {"recherche2"})
    assert statuses == {"recherche4": True, "recherche3": True}


def test_the_level_estimate_starts_at_two_and_follows_the_answers():
    assert engine.estimate_level([]) == 2
    climbing = [DirectResult(level, True) for level in (2, 3, 4, 5)]
    falling = [DirectResult(level, False) for level in (2, 1)]
    assert engine.estimate_level(climbing) > 4
    assert engine.estimate_level(falling) < 1.5
    mixed = [DirectResult(2, True), DirectResult(3, True), DirectResult(4, False), DirectResult(3, True)]
    assert 3 <= engine.estimate_level(mixed) <= 4.5


def test_the_first_question_is_a_level_2_skill_of_an_easy_tube():
    # formats stops at level 3: the easiest tube of the target.
    first = engine.next_challenge(RELEASE, situation())
    assert first.skill_id == "formats2"


def test_the_first_question_falls_back_when_no_level_2_skill_is_unknown():
    known = {s for s in ALL if s.endswith("2")}
    first = engine.next_challenge(RELEASE, situation(known=known))
    assert first is not None and RELEASE.skills[first.skill_id].level != 2


def test_the_next_skill_is_near_the_estimate_and_settles_the_most():
    release = content({"1.1": [tube("recherche", 8), tube("sources"), tube("veille")]})
    choice = engine.next_challenge(release, situation(
        targets=[f"recherche{n}" for n in range(1, 9)], known={"recherche1", "recherche2"},
        results=[DirectResult(2, True)]))
    # From 3 to 8 unknown, the middle of what is left settles the most, and 8 is far above the estimate.
    assert choice.skill_id in {"recherche4", "recherche5"}


def test_skills_far_above_the_estimate_wait():
    targets = ["recherche1", "recherche5"]
    choice = engine.next_challenge(RELEASE, situation(targets=targets, results=[DirectResult(1, False)],
                                                      answered_here={"x"}))
    assert choice.skill_id == "recherche1"


def test_a_challenge_already_answered_in_the_assessment_is_never_given_again():
    answered = {"recherche1-a", "recherche1-b"}
    assert engine.playable_challenges(RELEASE, "recherche1", situation(answered_here=answered)) == []
    assert "recherche1" not in [s.id for s in engine.candidates(RELEASE, situation(answered_here=answered))]


def test_a_challenge_answered_in_another_assessment_is_never_served_again():
    """Its answer was shown at the checkpoint (issue 20): a retry gets the skill's other challenge, or nothing."""
    playable = engine.playable_challenges(RELEASE, "recherche1", situation(answered_before={"recherche1-a"}))
    assert [c.id for c in playable] == ["recherche1-b"]
    both_seen = situation(answered_before={"recherche1-a", "recherche1-b"})
    assert engine.playable_challenges(RELEASE, "recherche1", both_seen) == []
    assert "recherche1" not in [s.id for s in engine.candidates(RELEASE, both_seen)]


def test_the_test_ends_when_no_target_skill_is_unknown():
    assert engine.next_challenge(RELEASE, situation(known=set(ALL))) is None
    assert engine.candidates(RELEASE, situation(targets=["recherche1"], known={"recherche1"})) == []


def test_the_choice_is_deterministic_for_an_assessment_and_varies_between_assessments():
    state = {"results": [DirectResult(2, True)], "known": {"formats1", "formats2"}, "answered_here": {"formats2-a"}}
    first = engine.next_challenge(RELEASE, situation(seed="a", **state))
    assert all(engine.next_challenge(RELEASE, situation(seed="a", **state)) == first for _ in range(5))
    others = {engine.next_challenge(RELEASE, situation(seed=f"seed-{n}", **state)).id for n in range(30)}
    assert len(others) > 1


def test_two_timed_questions_in_a_row_are_avoided_when_possible():
    release = content({"1.1": [tube("recherche", timed={1, 2, 3, 4, 5}), tube("sources", timed={1, 2, 3, 4, 5}),
                               tube("veille")]})
    targets = [f"{t}{n}" for t in ("recherche", "sources", "veille") for n in range(1, 6)]
    after_timed = engine.next_challenge(release, situation(targets=targets, last_was_timed=True))
    assert not after_timed.timed
    only_timed = [f"recherche{n}" for n in range(1, 6)]
    assert engine.next_challenge(release, situation(targets=only_timed, last_was_timed=True)).timed
