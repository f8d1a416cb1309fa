"""The candidate engine (issue 20): settles what the model is sure of and an answer brackets, asks the shortest
expected search next, and keeps the engine's guarantees."""

import itertools

import pytest
from assessment_builders import assessment_for, content, play

from assessment.domain import bayes
from assessment.domain.engine import DirectResult, Situation
from assessment.domain.model import COMPLETED, Rules

RULES = Rules(engine="bayes")
RELEASE = content()
ALL = list(RELEASE.skills)


def situation(*results: DirectResult, **changes) -> Situation:
    values = {"seed": "seed", "targets": ALL, "known": {}, "answered_here": set(), "answered_before": set(),
              "results": list(results)}
    return Situation(**{**values, **changes})


def typed(skill_id: str, right: bool) -> DirectResult:
    return DirectResult(int(skill_id[-1]), right, skill_id, guessable=False)


def chosen(skill_id: str, right: bool) -> DirectResult:
    return DirectResult(int(skill_id[-1]), right, skill_id, guessable=True)


def test_the_search_plan_of_a_tube_is_a_binary_search_when_every_count_is_as_likely():
    expected, first = bayes.search_plan([1.0] * 6, range(1, 6))  # 5 skills: 0 to 5 known
    assert first == 3 and expected == pytest.approx(16 / 6)  # 6 outcomes: four need 3 questions, two need 2
    assert bayes.search_plan([1.0] * 6, [1, 2]) [1] == 2  # the best of what can be asked


def test_the_search_plan_starts_where_the_learner_probably_is():
    _, first = bayes.search_plan([0.01, 0.01, 0.01, 0.01, 0.46, 0.5], range(1, 6))
    assert first == 5


def test_one_typed_answer_settles_its_skill_and_the_easier_or_harder_ones_of_its_tube_only():
    right = bayes.settled_statuses(RELEASE, situation(typed("recherche3", True)))
    assert right == {"recherche1": True, "recherche2": True, "recherche3": True}
    wrong = bayes.settled_statuses(RELEASE, situation(typed("recherche3", False)))
    assert wrong == {"recherche3": False, "recherche4": False, "recherche5": False}


def test_the_ability_never_settles_a_tube_without_an_answer_in_it():
    strong = [typed(f"{t}5", True) for t in ("recherche", "sources", "veille")]
    statuses = bayes.settled_statuses(RELEASE, situation(*strong))
    assert statuses and {RELEASE.skills[s].tube_id for s in statuses} == {"recherche", "sources", "veille"}


def test_answers_that_contradict_each_other_settle_nothing_between_them_and_the_test_asks_there_again():
    contradicted = situation(chosen("recherche4", True), chosen("recherche2", False),
                             answered_here={"recherche4-a", "recherche2-a"})
    statuses = bayes.settled_statuses(RELEASE, contradicted)
    assert not {"recherche2", "recherche3", "recherche4"} & statuses.keys()
    others_known = {s: True for s in ALL if not s.startswith("recherche")}
    again = bayes.next_challenge(RELEASE, Situation(**{**contradicted.__dict__, "known": others_known}))
    assert again.skill_id in {"recherche2", "recherche3", "recherche4"} and again.id.endswith("-b")


def test_a_settled_skill_is_never_asked_and_a_seen_challenge_never_served():
    known = {s: True for s in ALL if s.startswith(("recherche", "sources"))}
    seen = {c.id for s in ALL if s.startswith("veille") for c in RELEASE.challenges_of(s)}
    chosen = bayes.next_challenge(RELEASE, situation(known=known, answered_before=seen))
    assert chosen is not None and RELEASE.skills[chosen.skill_id].tube_id not in {"recherche", "sources", "veille"}
    assert bayes.next_challenge(RELEASE, situation(known={s: False for s in ALL})) is None


def test_a_learner_who_never_slips_ends_with_exactly_the_skills_they_know_and_in_fewer_questions_than_skills():
    for top in range(6):
        assessment = assessment_for(RELEASE)
        asked = play(assessment, RELEASE, lambda skill, top=top: skill.level <= top, rules=RULES)
        assert assessment.state == COMPLETED
        known = assessment.known(RULES)
        assert set(known) == set(ALL)
        assert {s for s, e in known.items() if e.validated} == {s for s in ALL if RELEASE.skills[s].level <= top}
        assert len(asked) < len(ALL) / 2
        assert len({c.id for c in asked}) == len(asked)  # never the same challenge twice


def test_the_test_always_ends_whatever_the_answers():
    answers = itertools.cycle([True, False, False, True, True])
    assessment = assessment_for(RELEASE)
    play(assessment, RELEASE, lambda skill: next(answers), rules=RULES)
    assert assessment.state == COMPLETED and set(assessment.known(RULES)) == set(ALL)
