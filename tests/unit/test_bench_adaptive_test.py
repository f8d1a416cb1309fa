"""bench/adaptive_test.py's simulation: the learners, the noise, the two baselines, the guarantees it counts, the goals."""

import importlib.util
import random
import statistics
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

spec = importlib.util.spec_from_file_location("bench_adaptive_test",
                                              Path(__file__).parents[2] / "bench" / "adaptive_test.py")
bench = sys.modules.setdefault("bench_adaptive_test", importlib.util.module_from_spec(spec))
if not hasattr(bench, "simulate"):
    spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def content():
    return bench.load_content()


def share(answer, draws: int = 40_000) -> float:
    rng = random.Random(3)
    return sum(answer(rng) for _ in range(draws)) / draws


def test_without_noise_an_answer_is_right_exactly_when_the_skill_is_known():
    assert share(lambda rng: bench.respond(rng, True, choice=True, noisy=False)) == 1.0
    assert share(lambda rng: bench.respond(rng, False, choice=True, noisy=False)) == 0.0


def test_with_noise_a_known_skill_slips_one_time_in_ten_and_only_a_choice_question_is_guessed():
    assert share(lambda rng: bench.respond(rng, True, choice=False, noisy=True)) == pytest.approx(0.9, abs=0.01)
    assert share(lambda rng: bench.respond(rng, False, choice=True, noisy=True)) == pytest.approx(0.15, abs=0.01)
    assert share(lambda rng: bench.respond(rng, False, choice=False, noisy=True)) == 0.0


def test_independent_levels_cover_0_to_5_and_levels_around_an_ability_stay_close_to_each_other():
    tubes = [f"t{i}" for i in range(40)]
    rng = random.Random(1)
    independent = [bench.tube_levels("independent", tubes, rng) for _ in range(200)]
    assert {level for learner in independent for level in learner.values()} == set(range(6))
    around = [bench.tube_levels("ability", tubes, rng) for _ in range(200)]
    assert all(0 <= level <= 5 for learner in around for level in learner.values())
    spread = statistics.fmean(statistics.pstdev(learner.values()) for learner in around)
    assert spread < 0.8 < statistics.fmean(statistics.pstdev(learner.values()) for learner in independent)


def tube(levels=(1, 2, 3, 4, 5)):
    return [SimpleNamespace(level=level) for level in levels]


def asker(known: int, asked: list):
    def ask(skill) -> bool:
        asked.append(skill.level)
        return skill.level <= known
    return ask


@pytest.mark.parametrize("known", range(6))
def test_a_bisection_finds_the_level_of_a_learner_who_never_slips_in_two_or_three_questions(known):
    asked = []
    assert bench.search_tube(tube(), asker(known, asked)) == known
    assert asked[0] == 3 and len(asked) in (2, 3)


def test_a_bisection_asks_8_questions_for_the_6_levels_of_a_tube_on_average_2_67():
    lengths = []
    for known in range(6):
        asked = []
        bench.search_tube(tube(), asker(known, asked))
        lengths.append(len(asked))
    assert sum(lengths) == 16


@pytest.mark.parametrize(("known", "questions"), [(3, [3, 4]), (2, [3, 2]), (4, [3, 4, 5]), (0, [3, 2, 1])])
def test_an_informed_search_starts_at_the_guess_and_walks_away_from_it(known, questions):
    asked = []
    assert bench.search_tube(tube(), asker(known, asked), guess=3.0) == known
    assert asked == questions


def test_the_baselines_settle_every_target_skill_right_for_a_learner_who_never_slips(content):
    targets = content.target_profiles["initial-diagnosis"].skill_ids(content)
    truth = bench.tube_levels("ability", sorted(content.tubes), random.Random(4))
    for informed in (False, True):
        test = bench.search_test(content, targets, truth, random.Random(5), noisy=False, informed=informed)
        assert set(test.validated) == set(targets)
        assert all(test.validated[s] == (content.skills[s].level <= truth[content.skills[s].tube_id])
                   for s in targets)
        assert 26 <= test.questions <= 26 * 3


def test_a_cell_counts_a_status_never_settled_as_wrong_and_the_pix_error_in_exact_fractions(content):
    targets = content.target_profiles["competence-1.1"].skill_ids(content)  # 3 tubes, levels 1 to 5, 8/3 pix each
    truth = {content.skills[s].tube_id: 2 for s in targets}
    validated = {s: content.skills[s].level <= 2 for s in targets}
    validated[targets[0]] = None  # level 1 of the first tube: never settled
    validated[targets[4]] = True  # level 5 of the first tube: validated though unknown
    cell = bench.Cell()
    cell.add(content, targets, truth, bench.Test(6, validated))
    summary = cell.summary()
    assert summary["right_mean"] == round(13 / 15, 4)
    assert summary["pix_off_max"] == 0.0  # one skill missing, one too many: the same pix
    assert summary["questions_per_target_skill"] == 0.4
    assert "violations" not in summary  # a baseline's cell: no engine time, no guarantee


class OneChallengeForever:
    """An engine that serves the same challenge again and again, whose skill it already holds as known."""

    def __init__(self, challenge, **_):
        self.challenge, self.id, self.knowledge, self.answers = challenge, None, [], []

    def current_challenge(self, content, rules, now):
        return self.challenge

    def answer(self, content, rules, **_):
        return None

    def known(self, rules):
        return {self.challenge.skill_id: SimpleNamespace(validated=True)}


def test_the_service_test_counts_a_settled_skill_a_challenge_served_twice_a_revealed_one_and_an_endless_test(
        content, monkeypatch):
    from assessment.domain import model

    targets = content.target_profiles["competence-1.1"].skill_ids(content)
    challenge = content.challenges_of(targets[0])[0]
    monkeypatch.setattr(model, "new_assessment", lambda **kwargs: OneChallengeForever(challenge, **kwargs))
    truth = {content.skills[s].tube_id: 5 for s in targets}
    test, _ = bench.service_test(content, model.Rules(), targets, truth, random.Random(1), noisy=False,
                                 started_at=bench.T0, new_id=lambda: None, answered_before=[challenge.id])
    asked = 3 * len(targets)
    assert test.violations == Counter({"settled": asked, "served twice": asked - 1, "revealed": asked, "unended": 1})


def test_the_engine_settles_every_skill_right_without_noise_and_its_retry_breaks_no_guarantee(content):
    from assessment.domain.model import Rules

    targets = content.target_profiles["competence-2.1"].skill_ids(content)
    truth = bench.tube_levels("independent", sorted(content.tubes), random.Random(2))
    first, retry = bench.service_tests(content, Rules(), targets, truth, random.Random(3), noisy=False)
    assert all(first.validated[s] == (content.skills[s].level <= truth[content.skills[s].tube_id]) for s in targets)
    assert not +first.violations and not +retry.violations
    assert len(first.question_ms) == first.questions > 0


def test_the_goals_are_the_issues():
    binary = {"questions_per_target_skill": 0.53}
    clean = {"settled": 0, "served twice": 0, "unended": 0, "revealed": 0}
    around = {"population": "ability", "noise": True, "questions_per_target_skill": 0.41, "right_mean": 0.97,
              "right_min": 0.9, "violations": clean}
    assert [met for _, met in bench.goals(around, binary)] == [False, True, True]
    independent = {"population": "independent", "noise": False, "questions_per_target_skill": 0.53,
                   "right_mean": 0.999, "right_min": 0.99, "violations": {**clean, "revealed": 1}}
    assert [met for _, met in bench.goals(independent, binary)] == [True, False, False]


def test_the_simulation_takes_a_seed_an_older_commit_and_a_file():
    args = bench.parse_args(["simulation", "--seed", "7", "--before-ref", "main", "--json", "/tmp/x.json"])
    assert (args.what, args.seed, args.before_ref, str(args.json)) == ({"simulation"}, 7, "main", "/tmp/x.json")
    assert bench.parse_args([]).learners == bench.LEARNERS and bench.parse_args([]).before_ref is None


def test_the_candidate_engine_is_simulated_beside_the_others_on_the_targets_asked():
    args = bench.parse_args(["simulation", "--candidate", "--targets", "competence"])
    assert args.candidate and args.targets == ["competence"]
    assert bench.parse_args([]).targets == list(bench.TARGETS) and not bench.parse_args([]).candidate
    cells = bench.simulate(bench.load_content(), 2, 1, [bench.SERVICE, bench.CANDIDATE, bench.BINARY], ["competence"])
    assert {(c["target"], c["engine"]) for c in cells} == {("competence", e)
                                                         for e in (bench.SERVICE, bench.CANDIDATE, bench.BINARY)}
    candidate = [c for c in cells if c["engine"] == bench.CANDIDATE]
    assert len(candidate) == 4 and all(c["right_min"] == 1.0 for c in candidate if not c["noise"])
    assert all(not any(c["violations"].values()) for c in candidate)
