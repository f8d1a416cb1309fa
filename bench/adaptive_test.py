"""Figures of the adaptive test, on the content pack shipped with the service.

    python bench/adaptive_test.py simulation     # simulated learners, the engine beside two baselines
    python bench/adaptive_test.py simulation --before-ref main --learners 100 --json /tmp/adaptive.json
    python bench/adaptive_test.py hot-path       # next challenge + answer, in-process and through HTTP

- simulation (issue 20): simulated learners whose true level per tube is known (a skill is
  known iff its level is at most the tube's) take three targets: the initial diagnosis, a
  competence (the 16 in turn) and the whole pack. Two populations, independent tube levels
  and levels around an overall ability, each without noise and with 10% slips and 15% lucky
  guesses on choice questions. Three engines on the same learners: the tree's (through the
  domain model: whatever engine the code has; with ``--before-ref``, another commit's too,
  in a process of its own), a plain binary search per tube, and a search informed by the
  levels found so far. Reported per target: questions per target skill and per test, final
  statuses right, the largest pix error, the engine's time per question, and the guarantees
  broken (a settled skill asked, a challenge served twice, a test that does not end, a
  revealed question in a retry), beside the issue's goals.
- hot path: a 150-skill target with 60 answers already given (60 skills settled directly,
  90 unknown). One sample = GET next-challenge + POST answer; p50 and p99, first in-process
  (the service layer on the real PostgreSQL, no HTTP), then through HTTP to the assessment
  API under gunicorn, then through the gateway (tokens signed by a test key that a local JWKS
  endpoint publishes, so that each prepared assessment has its own learner).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # old_code.py


def load_content():
    from assessment.adapters.content_pack import read_pack
    from assessment.domain.content import LearningContent

    return LearningContent(1, read_pack().document)


# -- simulation -----------------------------------------------------------------------------

SLIP, GUESS = 0.10, 0.15  # with noise: a known skill answered wrong; an unknown choice question guessed right
SIGMA = 0.7  # around an ability: a tube's level is round(ability + N(0, SIGMA)), clipped to 0..TOP_LEVEL
TOP_LEVEL = 5  # a learner's true level per tube is 0 to 5
CAP = 3  # questions per target skill after which a test counts as never ending
CHOICE_KINDS = ("single_choice", "multiple_choice")  # the kinds a learner can guess; free answers and fields not
POPULATIONS = ("independent", "ability")
NOISES = (False, True)
TARGETS = ("initial-diagnosis", "competence", "pack")
SERVICE, BINARY, INFORMED = "this tree's engine", "binary search", "informed search"
CANDIDATE = "candidate (bayes.py)"  # with --candidate: the engine the service runs with Rules(engine="bayes")
VIOLATIONS = ("settled", "served twice", "unended", "revealed")
GOAL_PER_SKILL_AROUND_ABILITY, GOAL_RIGHT_WITH_NOISE = 0.40, 0.97
LEARNERS = 200  # per population: the default run's length, see bench/README.md


def tube_levels(population: str, tubes: Sequence[str], rng: random.Random) -> dict[str, int]:
    """A simulated learner's true level per tube: each drawn alone (``independent``, uniform on 0..5), or
    around an overall ability (``ability``: uniform on 0..5, continuous; each tube's level is the ability plus
    a normal error of sd SIGMA, rounded and clipped). The learner knows a skill iff its level is at most the
    tube's."""
    if population == "independent":
        return {tube: rng.randint(0, TOP_LEVEL) for tube in tubes}
    ability = rng.uniform(0, TOP_LEVEL)
    return {tube: min(TOP_LEVEL, max(0, math.floor(ability + rng.gauss(0, SIGMA) + 0.5))) for tube in tubes}


def respond(rng: random.Random, knows: bool, *, choice: bool, noisy: bool) -> bool:
    """A simulated answer: right exactly when known; with noise, a known skill slips one time in ten and an
    unknown choice question is guessed right 15% of the time (a free answer or fields never)."""
    if not noisy:
        return knows
    if knows:
        return rng.random() >= SLIP
    return choice and rng.random() < GUESS


def simulation_targets(content) -> dict[str, list[list[str]]]:
    """Each target's skill lists. The initial diagnosis and the whole pack have one; the competence has one per
    competence profile, and the i-th learner takes the (i mod 16)-th, so its figures average the competences."""
    profiles = content.target_profiles
    return {"initial-diagnosis": [profiles["initial-diagnosis"].skill_ids(content)],
            "competence": [profiles[p].skill_ids(content) for p in sorted(profiles) if p.startswith("competence-")],
            "pack": [list(content.skills)]}


@dataclass
class Test:
    """What one simulated test gave: its length, each target skill's final status (None: never settled), and,
    for the service engine, the engine's time per question and the broken guarantees."""

    questions: int
    validated: dict[str, bool | None]
    choose_ms: list[float] = field(default_factory=list)
    question_ms: list[float] = field(default_factory=list)
    violations: Counter = field(default_factory=Counter)


def search_tube(skills: Sequence, ask: Callable[[Any], bool], guess: float | None = None) -> int:
    """How many of a tube's target skills (``skills``, easiest first) the learner knows, found by bisection:
    a right answer on the k-th skill says at least k, a wrong one fewer, and each question halves what is left.
    With ``guess`` (a level), each question is instead the open skill whose level is closest to the guess (the
    harder one on a tie): a search that starts where the learner probably is and walks away from it."""
    low, high = 0, len(skills)  # the learner knows at least the `low` easiest and at most the `high` easiest
    while low < high:
        if guess is None:
            k = (low + high + 1) // 2
        else:
            k = min(range(low + 1, high + 1), key=lambda i: (abs(skills[i - 1].level - guess), -i))
        if ask(skills[k - 1]):
            low = k
        else:
            high = k - 1
    return low


def search_test(content, targets: Sequence[str], truth: Mapping[str, int], rng: random.Random, *, noisy: bool,
                informed: bool) -> Test:
    """A baseline, tube after tube in the target's order: a plain bisection per tube, or (``informed``) the
    search that guesses the mean of the tube levels found so far (the middle, 2.5, for the first tube). Each
    question is one of the skill's challenges drawn at random (its kind decides whether a guess is possible);
    the final statuses are the search's outcome: the skills below the level found validated, the others not."""
    tubes: dict[str, list] = {}
    for skill_id in targets:
        skill = content.skills[skill_id]
        tubes.setdefault(skill.tube_id, []).append(skill)
    asked = 0

    def ask(skill) -> bool:
        nonlocal asked
        asked += 1
        challenge = rng.choice(content.challenges_of(skill.id))
        return respond(rng, skill.level <= truth[skill.tube_id], choice=challenge.kind in CHOICE_KINDS, noisy=noisy)

    found: list[int] = []
    validated: dict[str, bool | None] = {}
    for skills in tubes.values():
        skills.sort(key=lambda s: s.level)
        guess = (statistics.fmean(found) if found else TOP_LEVEL / 2) if informed else None
        known = search_tube(skills, ask, guess)
        found.append(skills[known - 1].level if known else 0)
        validated.update({skill.id: index < known for index, skill in enumerate(skills)})
    return Test(asked, validated)


def service_test(content, rules, targets: Sequence[str], truth: Mapping[str, int], rng: random.Random, *,
                 noisy: bool, started_at: datetime, new_id: Callable[[], uuid.UUID], improving: bool = False,
                 knowledge=(), answered_before=()) -> tuple[Test, Any]:
    """One test through the domain model (``new_assessment``, ``current_challenge``, ``answer``, ``known``), so
    whatever engine the code has. Counts, as it goes, a question on a skill already settled (known to the
    assessment, or with a knowledge element of this assessment, before the question), a challenge served twice,
    a challenge the learner answered in an earlier assessment (a revealed question), and a test still asking
    after CAP questions per target skill (stopped there)."""
    from assessment.domain.exceptions import AssessmentError
    from assessment.domain.model import new_assessment

    assessment = new_assessment(id=uuid.UUID(int=rng.getrandbits(128)), user_id=uuid.UUID(int=rng.getrandbits(128)),
                                participation_id=None, campaign_id=None, target_skill_ids=targets, improving=improving,
                                created_at=started_at, knowledge=knowledge, answered_before=answered_before)
    test, served, revealed = Test(0, {}), set(), set(answered_before)
    for _ in range(CAP * len(targets)):
        started = time.perf_counter()
        challenge = assessment.current_challenge(content, rules, started_at)
        chosen = time.perf_counter()
        if challenge is None:
            break
        settled = assessment.known(rules).keys() | {e.skill_id for e in assessment.knowledge
                                                     if e.assessment_id == assessment.id}
        test.violations["settled"] += challenge.skill_id in settled
        test.violations["served twice"] += challenge.id in served
        test.violations["revealed"] += challenge.id in revealed
        served.add(challenge.id)
        skill = content.skills[challenge.skill_id]
        right = respond(rng, skill.level <= truth[skill.tube_id], choice=challenge.kind in CHOICE_KINDS, noisy=noisy)
        answering = time.perf_counter()
        try:
            assessment.answer(content, rules, challenge_id=challenge.id, value=_value(challenge, right),
                              skipped=False, now=started_at, new_id=new_id)
        except AssessmentError:  # a challenge served again and refused: the test cannot go on
            test.violations["unended"] += 1
            break
        answered = time.perf_counter()
        test.questions += 1
        test.choose_ms.append((chosen - started) * 1000)
        test.question_ms.append((chosen - started + answered - answering) * 1000)
    else:
        test.violations["unended"] += 1
    known = assessment.known(rules)
    test.validated = {s: known[s].validated if s in known else None for s in targets}
    return test, assessment


def service_tests(content, rules, targets: Sequence[str], truth: Mapping[str, int], rng: random.Random, *,
                  noisy: bool) -> tuple[Test, Test]:
    """The learner's test, then a retry on the same target more than ``Rules.reset_after`` later (improving: the
    skills not validated are asked again), told the challenges answered in the first and given its knowledge.
    The figures are the first test's; the retry adds its broken guarantees (a revealed question above all)."""
    ids = itertools.count(1)

    def new_id() -> uuid.UUID:
        return uuid.UUID(int=next(ids))

    first, assessment = service_test(content, rules, targets, truth, rng, noisy=noisy, started_at=T0, new_id=new_id)
    retry, _ = service_test(content, rules, targets, truth, rng, noisy=noisy,
                            started_at=T0 + rules.reset_after + timedelta(days=1), new_id=new_id, improving=True,
                            knowledge=list(assessment.knowledge),
                            answered_before={a.challenge_id for a in assessment.answers})
    return first, retry


T0 = datetime(2026, 11, 23, tzinfo=timezone.utc)


class Cell:
    """The figures of one engine on one (population, noise, target)."""

    def __init__(self) -> None:
        self.per_skill: list[float] = []
        self.lengths: list[int] = []
        self.right: list[float] = []
        self.pix_off: list[float] = []
        self.choose_ms: list[float] = []
        self.question_ms: list[float] = []
        self.retry_lengths: list[int] = []
        self.violations: Counter = Counter()

    def add(self, content, targets: Sequence[str], truth: Mapping[str, int], test: Test,
            retry: Test | None = None) -> None:
        knows = {s: content.skills[s].level <= truth[content.skills[s].tube_id] for s in targets}
        self.per_skill.append(test.questions / len(targets))
        self.lengths.append(test.questions)
        self.right.append(sum(test.validated.get(s) is knows[s] for s in targets) / len(targets))
        shown = sum((content.skills[s].pix_value for s in targets if test.validated.get(s)), Fraction(0))
        true = sum((content.skills[s].pix_value for s in targets if knows[s]), Fraction(0))
        self.pix_off.append(float(abs(shown - true)))
        self.choose_ms += test.choose_ms
        self.question_ms += test.question_ms
        self.violations.update(test.violations)
        if retry is not None:
            self.retry_lengths.append(retry.questions)
            self.violations.update(retry.violations)

    def summary(self) -> dict:
        summary = {
            "learners": len(self.lengths),
            "questions_per_target_skill": round(statistics.fmean(self.per_skill), 3),
            "questions_mean": round(statistics.fmean(self.lengths), 1), "questions_max": max(self.lengths),
            "right_mean": round(statistics.fmean(self.right), 4), "right_min": round(min(self.right), 4),
            "pix_off_mean": round(statistics.fmean(self.pix_off), 2), "pix_off_max": round(max(self.pix_off), 2),
        }
        if self.question_ms:
            summary.update({
                "choose_ms_p50": round(statistics.median(self.choose_ms), 3),
                "question_ms_p50": round(statistics.median(self.question_ms), 3),
                "retry_questions_mean": round(statistics.fmean(self.retry_lengths), 1),
                "violations": {name: self.violations[name] for name in VIOLATIONS}})
        return summary


def simulate(content, learners: int, seed: int, engines: Sequence[str], only: Sequence[str] = TARGETS) -> list[dict]:
    """Every (population, noise, target) for each engine, on the same learners: the i-th learner of a population
    has the same true levels for every noise, target and engine. Each answer's noise comes from a generator
    seeded by the seed, the cell, the engine's kind and the learner, so a run is the same for a seed (and the
    service engine's draws are the same for this tree's code and another commit's)."""
    from assessment.domain.model import Rules

    rules = {SERVICE: Rules(), CANDIDATE: Rules(engine="bayes")}
    tubes = sorted(content.tubes)
    targets = {target: lists for target, lists in simulation_targets(content).items() if target in only}
    cells: dict[tuple, Cell] = {}
    for population in POPULATIONS:
        for index in range(learners):
            truth = tube_levels(population, tubes, random.Random(f"{seed}:{population}:{index}"))
            for noisy in NOISES:
                for target, lists in targets.items():
                    skills = lists[index % len(lists)]
                    for engine in engines:
                        rng = random.Random(f"{seed}:{population}:{noisy}:{target}:{engine}:{index}")
                        cell = cells.setdefault((population, noisy, target, engine), Cell())
                        if engine in rules:
                            cell.add(content, skills, truth, *service_tests(content, rules[engine], skills, truth,
                                                                             rng, noisy=noisy))
                        else:
                            cell.add(content, skills, truth, search_test(content, skills, truth, rng, noisy=noisy,
                                                                         informed=engine == INFORMED))
    return [{"population": population, "noise": noisy, "target": target, "engine": engine, **cell.summary()}
            for (population, noisy, target, engine), cell in cells.items()]


def goals(cell: dict, binary: dict) -> list[tuple[str, bool]]:
    """The issue's goals for a service engine's cell: (the goal as printed, met)."""
    if cell["population"] == "ability":
        length = (f"q/skill <= {GOAL_PER_SKILL_AROUND_ABILITY:.2f}",
                  cell["questions_per_target_skill"] <= GOAL_PER_SKILL_AROUND_ABILITY)
    else:
        length = (f"q/skill <= binary {binary['questions_per_target_skill']:.3f}",
                  cell["questions_per_target_skill"] <= binary["questions_per_target_skill"])
    if cell["noise"]:
        right = (f"right >= {GOAL_RIGHT_WITH_NOISE:.0%}", cell["right_mean"] >= GOAL_RIGHT_WITH_NOISE)
    else:
        right = ("right 100%", cell["right_min"] == 1.0)
    guarantees = ("no violation", not any(cell["violations"].values()))
    return [length, right, guarantees]


def report(cells: list[dict], content, learners: int, only: Sequence[str] = TARGETS) -> str:
    """One table per target: each (population, noise), the engines side by side, the goals beside the engine."""
    targets = simulation_targets(content)
    by_key = {(c["population"], c["noise"], c["target"], c["engine"]): c for c in cells}
    engines = list(dict.fromkeys(c["engine"] for c in cells))
    lines = []
    for target in only:
        lists = targets[target]
        skills = len(lists[0])
        tubes = len({content.skills[s].tube_id for s in lists[0]})
        what = {"initial-diagnosis": f"the initial diagnosis, {skills} skills in {tubes} tubes",
                "competence": f"a competence, {skills} skills in {tubes} tubes (learner i takes the "
                              f"{len(lists)} competences' profiles in turn)",
                "pack": f"the whole pack, {skills} skills in {tubes} tubes"}[target]
        lines += ["", f"{what}; {learners} learners per population",
                  f"{'population':<12} {'noise':<8} {'engine':<24} {'q/skill':>7} {'q/test':>6} {'max':>4} "
                  f"{'right':>7} {'worst':>7} {'pix off':>7} {'ms/q':>9}  {'violations':<10}  goals"]
        for population in POPULATIONS:
            for noisy in NOISES:
                binary = by_key[(population, noisy, target, BINARY)]
                for engine in engines:
                    cell = by_key[(population, noisy, target, engine)]
                    ms = violations = checked = ""
                    if "violations" in cell:
                        ms = f"{cell['choose_ms_p50']:.2f}/{cell['question_ms_p50']:.2f}"
                        violations = "/".join(str(cell["violations"][v]) for v in VIOLATIONS)
                        checked = "; ".join(f"{goal} {'ok' if met else 'MISSED'}" for goal, met in goals(cell, binary))
                    lines.append(
                        f"{population:<12} {'10%/15%' if noisy else 'none':<8} {engine:<24} "
                        f"{cell['questions_per_target_skill']:>7.3f} {cell['questions_mean']:>6.1f} "
                        f"{cell['questions_max']:>4} {cell['right_mean']:>7.2%} {cell['right_min']:>7.2%} "
                        f"{cell['pix_off_max']:>7.1f} {ms:>9}  {violations:<10}  {checked}".rstrip())
    lines += ["", f"population: independent (each tube's level uniform on 0..{TOP_LEVEL}) or ability (an ability "
              f"uniform on 0..{TOP_LEVEL}, each tube's level round(ability + N(0, {SIGMA})) clipped to 0..{TOP_LEVEL}); "
              f"noise: none, or {SLIP:.0%} slips and {GUESS:.0%} lucky guesses on choice questions.",
              "q/skill: questions per target skill (mean); q/test: questions per test (mean, max); right: final "
              "statuses agreeing with the truth (mean, worst learner); pix off: the largest |pix validated - pix "
              "known| of a learner; ms/q: the engine's p50 to choose a question / to choose it and take the answer; "
              "violations: questions on a settled skill / challenges served twice / tests not ended after "
              f"{CAP} questions per target skill / revealed questions in a retry (over both tests)."]
    return "\n".join(lines)


def _value(challenge, right: bool):
    """A right (or wrong) answer to any kind of challenge, as a learner would type it."""
    from assessment.domain.content import FIELDS, FREE_ANSWER, MULTIPLE_CHOICE, SINGLE_CHOICE

    if challenge.kind == SINGLE_CHOICE:
        good = next(iter(challenge.right_choices))
        return good if right else next(n for n in range(1, len(challenge.proposals) + 1) if n != good)
    if challenge.kind == MULTIPLE_CHOICE:
        good = sorted(challenge.right_choices)
        return good if right else sorted(set(range(1, len(challenge.proposals) + 1)) - set(good))[:1] or good[:-1]
    if challenge.kind == FREE_ANSWER:
        return challenge.accepted["fr"][0] if right else "je ne sais pas"
    if challenge.kind == FIELDS:
        return {f.key: (f.accepted["fr"][0] if right else "je ne sais pas") for f in challenge.fields}
    raise ValueError(challenge.kind)


def engine_cells(learners: int, seed: int, only: Sequence[str] = TARGETS) -> list[dict]:
    """The service engine's cells alone: what ``--engine-only`` prints, run with another commit's code."""
    return simulate(load_content(), learners, seed, [SERVICE], only)


def bench_simulation(learners: int, seed: int, before_ref: str | None = None, candidate: bool = False,
                     only: Sequence[str] = TARGETS) -> dict:
    """The tree's engine and the two baselines; with ``before_ref``, that commit's engine too, run at the same time
    in a process whose PYTHONPATH puts that commit's ``services/assessment/src`` (code and content pack) first;
    with ``candidate``, the candidate engine (bayes.py) too; ``only`` some of the targets."""
    started = time.perf_counter()
    with ExitStack() as stack:
        before = None
        if before_ref:
            from old_code import old_pythonpath

            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            path = old_pythonpath(before_ref, ("services/assessment/src",), folder)
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [path, os.environ.get("PYTHONPATH")]))}
            before = subprocess.Popen([sys.executable, __file__, "simulation", "--engine-only", "--learners",
                                       str(learners), "--seed", str(seed), "--targets", *only], env=env,
                                      stdout=subprocess.PIPE)
        content = load_content()
        cells = simulate(content, learners, seed, [SERVICE, *([CANDIDATE] if candidate else []), BINARY, INFORMED],
                         only)
        if before is not None:
            out, _ = before.communicate()
            if before.returncode:
                raise SystemExit(f"the simulation of {before_ref}'s engine failed ({before.returncode})")
            name = f"engine at {before_ref}"
            cells += [{**cell, "engine": name} for cell in json.loads(out)]
    order = [SERVICE, *([CANDIDATE] if candidate else []), *([f"engine at {before_ref}"] if before_ref else []),
             BINARY, INFORMED]
    cells.sort(key=lambda c: (TARGETS.index(c["target"]), POPULATIONS.index(c["population"]), c["noise"],
                              order.index(c["engine"])))
    seconds = round(time.perf_counter() - started, 1)
    print(report(cells, content, learners, only))
    print(f"\n{seconds} s (seed {seed})")
    return {"learners": learners, "seed": seed, "before_ref": before_ref, "candidate": candidate,
            "targets": list(only), "sigma": SIGMA, "slip": SLIP,
            "guess": GUESS, "seconds": seconds, "cells": cells}


# -- hot path -------------------------------------------------------------------------------


def prepared_assessments(runtime, content, count: int,
                         campaign_id: uuid.UUID | None = None) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(assessment id, learner id) of assessments over a 150-skill target (30 tubes, levels 1 to 5), each of
    its own learner (and participation, in ``campaign_id`` when given) with 60 answers given: one per skill of
    levels 1 and 2, settled directly, so 90 target skills are still unknown."""
    from assessment.domain.knowledge import DIRECT, INVALIDATED, VALIDATED, KnowledgeElement
    from assessment.domain.model import RIGHT, WRONG, Answer, new_assessment

    tubes = sorted({s.tube_id for s in content.skills.values()})[:30]
    targets = [s.id for t in tubes for s in content.skills_of_tube(t) if s.level <= 5]
    assert len(targets) == 150, len(targets)
    answered = [s for s in targets if content.skills[s].level <= 2]  # 60 skills
    t0 = datetime.now(timezone.utc) - timedelta(hours=1)
    ids = []
    for _ in range(count):
        user_id = uuid.uuid4()
        assessment = new_assessment(id=uuid.uuid4(), user_id=user_id, participation_id=uuid.uuid4(),
                                    campaign_id=campaign_id, target_skill_ids=targets, improving=False, created_at=t0,
                                    knowledge=[], answered_before=[])
        for index, skill_id in enumerate(answered, 1):
            skill = content.skills[skill_id]
            challenge = content.challenges_of(skill_id)[0]
            right = skill.level == 1 or index % 2 == 0
            moment = t0 + timedelta(seconds=index)
            answer = Answer(uuid.uuid4(), assessment.id, index, challenge.id, skill_id, 1, RIGHT if right else WRONG,
                            moment, 9000)
            element = KnowledgeElement(uuid.uuid4(), user_id, assessment.id, skill_id, skill.competence_code,
                                       VALIDATED if right else INVALIDATED, DIRECT,
                                       round(float(skill.pix_value), 4) if right else 0.0, moment)
            assessment.answers.append(answer)
            assessment.new_answers.append(answer)
            assessment.new_knowledge.append(element)
        with runtime.uow() as uow:
            uow.assessments.add(assessment)
            uow.commit()
        ids.append((assessment.id, user_id))
    return ids


def measure_in_process(runtime, content, ids: list[tuple[uuid.UUID, uuid.UUID]]) -> list[float]:
    from assessment.domain import commands
    from assessment.service_layer import handlers

    rules, samples = runtime.settings.rules, []
    for assessment_id, user_id in ids:
        started = time.perf_counter()
        _, challenge = handlers.current_challenge(assessment_id, user_id, runtime.uow, content, rules, runtime.now())
        handlers.answer(commands.AnswerChallenge(assessment_id, user_id, challenge.id, None, True), runtime.uow(),
                        content, rules, runtime.now(), uuid.uuid4)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure_http(session, base: str, ids: list[tuple[uuid.UUID, uuid.UUID]]) -> list[float]:
    from svckit.testing import token_for

    samples = []
    for assessment_id, user_id in ids:
        headers = {"Authorization": f"Bearer {token_for(str(user_id), f'{user_id}@example.org')}"}
        started = time.perf_counter()
        body = session.get(f"{base}/api/assessments/{assessment_id}/next-challenge", headers=headers)
        body.raise_for_status()
        answered = session.post(f"{base}/api/assessments/{assessment_id}/answers", headers=headers,
                                json={"challenge_id": body.json()["challenge"]["id"], "skipped": True})
        assert answered.status_code == 201, answered.text
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def bench_hot_path(samples_count: int) -> dict:
    import requests
    from sqlalchemy import text

    from assessment.bootstrap import bootstrap
    from assessment.config import Settings
    from assessment.entrypoints.cli import checksum
    from assessment.service_layer import handlers
    from msgkit.testing import isolated_vhost
    from svckit.config import DEFAULT_RABBITMQ_URL
    from svckit.testing import ServiceProcess, free_port, fresh_database, service_command

    content = load_content()
    with ExitStack() as stack:
        database = stack.enter_context(fresh_database("bench"))
        amqp_url = stack.enter_context(isolated_vhost(DEFAULT_RABBITMQ_URL, "bench"))
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        jwks_url = stack.enter_context(serving_test_jwks())
        env = {"SERVICE_ENV": "test", "RABBITMQ_URL": amqp_url, "LOG_LEVEL": "WARNING", "DATABASE_URL": database,
               "JWKS_URL": jwks_url}
        ServiceProcess([*service_command("assessment"), "migrate"], env, logs / "migrate.log").start().process.wait(60)
        runtime = bootstrap(Settings.from_env(env))
        stack.callback(runtime.engine.dispose)
        document = read_document()
        handlers.release_content(document, checksum(document), "bench", runtime.uow(), runtime.now())

        ports = {name: free_port() for name in ("assessment", "gateway")}
        processes = [
            ServiceProcess([*service_command("assessment"), "api", "--bind", f"127.0.0.1:{ports['assessment']}"],
                           env, logs / "assessment.log", f"http://127.0.0.1:{ports['assessment']}/health/ready"),
            ServiceProcess([*service_command("gateway"), "api", "--bind", f"127.0.0.1:{ports['gateway']}"],
                           {**env, "ASSESSMENT_URL": f"http://127.0.0.1:{ports['assessment']}",
                            "RATELIMIT_ENABLED": "false"},
                           logs / "gateway.log", f"http://127.0.0.1:{ports['gateway']}/health/ready"),
        ]
        for process in processes:
            process.start()
            stack.callback(process.stop)
        for process in processes:
            process.wait_ready()

        session = requests.Session()
        warm, size = 20, samples_count + 20
        ids = prepared_assessments(runtime, content, 3 * size)
        with runtime.engine.begin() as connection:  # as autovacuum would have: fresh tables have no statistics
            connection.execute(text("ANALYZE"))
        in_process = measure_in_process(runtime, content, ids[:size])[warm:]
        direct = measure_http(session, f"http://127.0.0.1:{ports['assessment']}", ids[size:2 * size])[warm:]
        gateway = measure_http(session, f"http://127.0.0.1:{ports['gateway']}", ids[2 * size:])[warm:]
    result = {"samples": samples_count, "target_skills": 150, "answers_before": 60}
    for name, samples in (("in_process", in_process), ("http_direct", direct), ("http_gateway", gateway)):
        result[f"{name}_p50_ms"] = round(statistics.median(samples), 2)
        result[f"{name}_p99_ms"] = round(statistics.quantiles(samples, n=100)[98], 2)
    print(f"hot path (next challenge + answer, 150-skill target, 60 answers given, {samples_count} samples each): "
          f"in-process p50 {result['in_process_p50_ms']} ms, p99 {result['in_process_p99_ms']} ms; "
          f"HTTP to the API p50 {result['http_direct_p50_ms']} ms, p99 {result['http_direct_p99_ms']} ms; "
          f"through the gateway p50 {result['http_gateway_p50_ms']} ms, p99 {result['http_gateway_p99_ms']} ms")
    return result


@contextmanager
def serving_test_jwks():
    """A JWKS endpoint publishing the test key (svckit.testing.TestKeys), so tokens for any learner are free."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import jwt

    from svckit.testing import TestKeys

    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(TestKeys.private_key().public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "test", "alg": "RS256", "use": "sig"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    finally:
        server.shutdown()


def read_document() -> dict:
    from assessment.adapters.content_pack import read_pack

    return read_pack().document


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="*", help="simulation, hot-path or all (the default)")
    parser.add_argument("--learners", type=int, default=LEARNERS, help=f"per population ({LEARNERS})")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same learners and answers")
    parser.add_argument("--before-ref", help="also simulate this commit's engine (its services/assessment/src)")
    parser.add_argument("--json", type=Path, help="also write the figures there")
    parser.add_argument("--candidate", action="store_true", help="also simulate the candidate engine (bayes.py)")
    parser.add_argument("--targets", nargs="+", choices=TARGETS, default=list(TARGETS),
                        help="the targets to simulate (all three by default)")
    parser.add_argument("--engine-only", action="store_true", help=argparse.SUPPRESS)  # --before-ref's process
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args(argv)
    args.what = set(args.what or ["all"])
    unknown = args.what - {"simulation", "hot-path", "all"}
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))} (choose from simulation, hot-path, all)")
    return args


def run(args: argparse.Namespace) -> dict:
    results = {}
    if args.what & {"all", "simulation"}:
        results["simulation"] = bench_simulation(args.learners, args.seed, args.before_ref, args.candidate,
                                                 args.targets)
    if args.what & {"all", "hot-path"}:
        results["hot_path"] = bench_hot_path(args.samples)
    return results


def main() -> None:
    args = parse_args()
    if args.engine_only:  # in --before-ref's process: the figures go back as JSON on stdout
        print(json.dumps(engine_cells(args.learners, args.seed, args.targets)))
        return
    results = {"at": datetime.now(timezone.utc).isoformat(), **run(args)}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"assessment-{datetime.now(timezone.utc):%Y-%m-%dT%H%M%S}.json"
    for written in (path, args.json):
        if written is not None:
            written.write_text(json.dumps(results, indent=2))
    print(f"\nfigures written to {path.relative_to(ROOT)}{f' and {args.json}' if args.json else ''}")


if __name__ == "__main__":
    sys.exit(main())
