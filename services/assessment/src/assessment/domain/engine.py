"""The adaptive engine: what an answer settles, and which question comes next.

- A right answer on a skill validates it and, by inference, the easier skills of its tube;
  a wrong answer (or a skip, or a timeout) invalidates it and the harder ones.
- The learner's level is a logistic estimate: the chance of answering a skill of level d
  right at level t is 1 / (1 + e^(d - t)); the estimate is the most likely level given the
  answers so far, with a weak prior at level 2 so that two answers do not make an expert.
- The next skill is one still unknown, not far above the estimate, whose answer is
  expected to settle the most other target skills (the reward). Ties are broken by a hash
  of the assessment id, so one assessment always sees the same sequence.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from assessment.domain.content import Challenge, LearningContent, Skill

FIRST_LEVEL = 2  # the first question: a level-2 skill in an easy tube
LEVEL_GRID = tuple(x / 2 for x in range(1, 17))  # 0.5 .. 8
PRIOR_MEAN, PRIOR_SD = 2.0, 2.0
MAX_STEP_ABOVE_ESTIMATE = 2  # skills more than this above the estimate are not asked yet


@dataclass(frozen=True)
class DirectResult:
    """One answer as the estimate sees it: the skill's level and whether it was right (and, for the candidate
    engine, bayes.py, its skill and whether a learner could guess it: a choice question)."""

    level: int
    right: bool
    skill_id: str = ""
    guessable: bool = False


def p_right(level: float, difficulty: float) -> float:
    return 1.0 / (1.0 + math.exp(difficulty - level))


class _LogLikelihoods(dict):
    """(difficulty, right) -> the log-likelihood of that result at one level, computed once per process."""

    def __init__(self, level: float) -> None:
        super().__init__()
        self.level = level

    def __missing__(self, key: tuple[float, bool]) -> float:
        p = p_right(self.level, key[0])
        term = self[key] = math.log(p if key[1] else 1.0 - p)
        return term


# The same terms for every assessment: a few hundred at most (the grid's 16 levels, 8 skill levels, right or not).
_TERMS = {level: _LogLikelihoods(level) for level in LEVEL_GRID}


def estimate_level(results: Sequence[DirectResult]) -> float:
    if not results:
        return float(FIRST_LEVEL)
    keys = [(result.level, result.right) for result in results]

    def log_posterior(level: float) -> float:
        # The sum of the same terms in the same order as computing each: the same float, bit for bit.
        terms = _TERMS.get(level) or _LogLikelihoods(level)
        total = -((level - PRIOR_MEAN) ** 2) / (2 * PRIOR_SD ** 2)
        for key in keys:
            total += terms[key]
        return total

    return max(LEVEL_GRID, key=log_posterior)


def settled_by(content: LearningContent, skill: Skill, right: bool, targets: Collection[str],
               known: Collection[str]) -> list[Skill]:
    """The skills an answer on ``skill`` settles besides itself: easier ones when right, harder when
    wrong, within the target and not yet known."""
    return [s for s in content.skills_of_tube(skill.tube_id)
            if s.id != skill.id and s.id in targets and s.id not in known
            and (s.level < skill.level if right else s.level > skill.level)]


def tie_break(seed: str, key: str) -> str:
    return hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Situation:
    """Everything the choice depends on, so that it is a pure function of it."""

    seed: str  # the assessment id
    targets: Sequence[str]  # target skill ids, in the campaign's order
    known: Collection[str]  # skills with a knowledge element (earlier campaigns included); a mapping to validated
    answered_here: Collection[str]  # challenge ids answered in this assessment
    answered_before: Collection[str]  # challenge ids the learner answered in other assessments
    results: Sequence[DirectResult]  # this assessment's answers, in order
    last_was_timed: bool = False
    earlier: Mapping[str, bool] = field(default_factory=dict)  # skill id -> validated, kept from other assessments


def playable_challenges(content: LearningContent, skill_id: str, situation: Situation) -> list[Challenge]:
    """The skill's challenges the learner never answered, in this assessment or another: the checkpoint showed
    the answer of every challenge answered, so none is served again (issue 20)."""
    return [c for c in content.challenges_of(skill_id)
            if c.id not in situation.answered_here and c.id not in situation.answered_before]


def candidates(content: LearningContent, situation: Situation) -> list[Skill]:
    """Target skills still unknown that can be asked (one of their challenges never answered by the learner);
    none left means the test is over. The content pack gives each skill two challenges at least, so a retry has
    one; a skill whose challenges were all answered is not asked again (it keeps what it had, or stays unknown)."""
    seen = set(situation.answered_here) | set(situation.answered_before)
    # playable_challenges(...) is not empty exactly when one of the skill's challenges was never answered.
    return [content.skills[s] for s in situation.targets
            if s not in situation.known and s in content.skills and any(c.id not in seen for c in content.challenges_of(s))]


def next_challenge(content: LearningContent, situation: Situation) -> Challenge | None:
    skills = candidates(content, situation)
    if not skills:
        return None
    if situation.last_was_timed:  # two timed questions in a row only when nothing else is left
        untimed = [s for s in skills if any(not c.timed for c in playable_challenges(content, s.id, situation))]
        skills = untimed or skills
    skill = _first_skill(content, skills, situation) if not situation.results else None
    if skill is None:
        skill = _best_skill(content, skills, situation)
    return pick_challenge(content, skill, situation)


def _first_skill(content: LearningContent, skills: list[Skill], situation: Situation) -> Skill | None:
    """A level-2 skill in an easy tube: one whose hardest target skill is the lowest."""
    at_first_level = [s for s in skills if s.level == FIRST_LEVEL]
    if not at_first_level:
        return None
    targets = set(situation.targets)

    def tube_top(skill: Skill) -> int:
        return max(s.level for s in content.skills_of_tube(skill.tube_id) if s.id in targets)

    easiest = min(tube_top(s) for s in at_first_level)
    easy = [s for s in at_first_level if tube_top(s) == easiest]
    return min(easy, key=lambda s: tie_break(situation.seed, s.id))


def reward(content: LearningContent, skill: Skill, level: float, targets: Collection[str],
           known: Collection[str]) -> float:
    """How many target skills an answer on ``skill`` is expected to settle (itself included)."""
    p = p_right(level, skill.level)
    if_right = 1 + len(settled_by(content, skill, True, targets, known))
    if_wrong = 1 + len(settled_by(content, skill, False, targets, known))
    return p * if_right + (1 - p) * if_wrong


def _best_skill(content: LearningContent, skills: list[Skill], situation: Situation) -> Skill:
    level = estimate_level(situation.results)
    near = [s for s in skills if s.level <= level + MAX_STEP_ABOVE_ESTIMATE] or skills
    targets, known = set(situation.targets), set(situation.known)
    scored = [(round(reward(content, s, level, targets, known), 9), s) for s in near]
    best = max(score for score, _ in scored)
    # Equal rewards: the skill closest to the estimate, then the assessment's own order.
    return min((s for score, s in scored if score == best),
               key=lambda s: (abs(s.level - level), tie_break(situation.seed, s.id)))


def pick_challenge(content: LearningContent, skill: Skill, situation: Situation) -> Challenge:
    """One of the skill's playable challenges (an untimed one after a timed question when it can), the same for an
    assessment every time; both engines serve their skill this way."""
    challenges = playable_challenges(content, skill.id, situation)
    if situation.last_was_timed:
        challenges = [c for c in challenges if not c.timed] or challenges
    return min(challenges, key=lambda c: tie_break(situation.seed, c.id))


def inferred_statuses(content: LearningContent, skill: Skill, right: bool, targets: Collection[str],
                      known: Collection[str]) -> Mapping[str, bool]:
    """skill id -> validated, for the skill answered and every skill the answer settles."""
    settled = {s.id: right for s in settled_by(content, skill, right, targets, known)}
    return {skill.id: right, **settled}
