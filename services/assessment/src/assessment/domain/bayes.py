"""The candidate engine (issue 20): a model of the learner decides what is settled, and the shortest
expected search decides what comes next. The service runs engine.py's unless ``Rules.engine`` is
"bayes"; ``bench/adaptive_test.py simulation --candidate`` measures this one beside it.

- What the answers say is the learner model's (inference.py): per tube, how likely each
  count of known skills is, given every answer of the test and the statuses kept from
  earlier tests.
- A target skill is settled (a knowledge element is written, and it is never asked again)
  when an answer of this test brackets it (a right answer on it or a harder skill of its
  tube to validate it, a wrong answer on it or an easier one to invalidate it) and the
  model is sure enough: the statuses one settling decides are expected to hold fewer than
  ``EXPECTED_ERRORS`` wrong ones, so the more skills an answer would decide, the surer the
  model must be. The ability that ties the tubes makes the test shorter, but never settles
  a tube on its own.
- The next question: in each tube, the search expected to be shortest under the model (an
  optimal binary search tree over the counts still possible, weighted by their
  probability); of the tubes, the one whose search is shortest, so that each tube's answers
  sharpen the ability before the longer searches. A slip or a guess that the other answers
  contradict leaves skills in doubt, and the search asks there again, on another challenge
  of the skill.
- Ties are broken by a hash of the assessment id. The test ends when no target skill is
  unsettled and askable; the skills left in doubt in a tube the test asked then take the
  model's likelier status (``final_statuses``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from assessment.domain import inference
from assessment.domain.content import Challenge, LearningContent
from assessment.domain.engine import Situation, candidates, pick_challenge, playable_challenges, tie_break

EXPECTED_ERRORS = 0.5  # per tube and direction, the wrong statuses a settling may be expected to give


def _model(content: LearningContent, situation: Situation) -> tuple[dict[str, inference.Tube], dict[str, list[float]]]:
    evidence = [inference.Evidence(skill_id, validated, earlier=True)
                for skill_id, validated in situation.earlier.items()]
    evidence += [inference.Evidence(r.skill_id, r.right, r.guessable) for r in situation.results]
    tubes = inference.tubes_of(content, situation.targets, evidence)
    return tubes, inference.posteriors(tubes)


def settled_statuses(content: LearningContent, situation: Situation) -> dict[str, bool]:
    """skill id -> validated, for the target skills not known yet that the answers now settle. In each tube asked
    in this test: the easier skills up to the hardest one a right answer of this test brackets (right on it or
    on a harder one) are validated as long as the wrong statuses this is expected to give stay within
    ``EXPECTED_ERRORS`` (the sum of their chances of being unknown), easiest first; the harder ones from a wrong
    answer on, likewise, hardest first. So one answer settles a whole tube only when the model is sure of all of
    it: the more skills an answer would decide, the surer the model must be."""
    tubes, posterior = _model(content, situation)
    statuses: dict[str, bool] = {}
    for tube_id, tube in tubes.items():
        direct = [(tube.index(e.skill_id), e.right) for e in tube.evidence if not e.earlier]
        if not direct:
            continue
        unknown = [i for i, skill_id in enumerate(tube.skill_ids, start=1) if skill_id not in situation.known]
        top_right = max((at for at, right in direct if right), default=0)
        low_wrong = min((at for at, right in direct if not right), default=len(tube.skill_ids) + 1)
        errors = 0.0
        for index in unknown:  # easiest first
            errors += 1 - inference.p_known(posterior[tube_id], index)
            if index > top_right or errors > EXPECTED_ERRORS:
                break
            statuses[tube.skill_ids[index - 1]] = True
        errors = 0.0
        for index in reversed(unknown):  # hardest first
            errors += inference.p_known(posterior[tube_id], index)
            if index < low_wrong or errors > EXPECTED_ERRORS or tube.skill_ids[index - 1] in statuses:
                break
            statuses[tube.skill_ids[index - 1]] = False
    return statuses


def final_statuses(content: LearningContent, situation: Situation) -> dict[str, bool]:
    """At the end of the test, the target skills left in doubt in a tube this test asked: the likelier status."""
    tubes, posterior = _model(content, situation)
    return {skill_id: inference.p_known(posterior[tube_id], index) >= 0.5
            for tube_id, tube in tubes.items() if any(not e.earlier for e in tube.evidence)
            for index, skill_id in enumerate(tube.skill_ids, start=1) if skill_id not in situation.known}


def search_plan(weights: Sequence[float], askable: Collection[int]) -> tuple[float, int]:
    """The shortest expected search for the count k of known skills, when k is in ``0..len(weights)-1`` with
    these (unnormalized) probabilities: asking skill j says whether k >= j. Answers (expected questions, the
    first skill to ask), the first being one of ``askable`` (1-based). An optimal binary search tree, by dynamic
    programming over the ranges of k still possible."""
    n = len(weights) - 1
    prefix = [0.0]
    for w in weights:
        prefix.append(prefix[-1] + w)
    cost = [[0.0] * (n + 1) for _ in range(n + 1)]  # cost[a][b]: range a..b, weighted by its probability
    for width in range(1, n + 1):
        for a in range(n + 1 - width):
            b = a + width
            cost[a][b] = prefix[b + 1] - prefix[a] + min(cost[a][j - 1] + cost[j][b] for j in range(a + 1, b + 1))
    total = prefix[-1] or 1.0
    best = min(askable, key=lambda j: (round(cost[0][j - 1] + cost[j][n], 12), abs(2 * j - n - 1)))
    return (prefix[-1] + cost[0][best - 1] + cost[best][n]) / total, best


def _tube_choices(content: LearningContent, situation: Situation) -> list[tuple[float, str, str]]:
    """(expected questions left, tie-break, skill id) for the next question of each tube with a skill to ask."""
    askable = {s.id for s in candidates(content, situation)}
    tubes, posterior = _model(content, situation)
    choices = []
    for tube_id, tube in tubes.items():
        if not askable.intersection(tube.skill_ids):
            continue
        # The counts still possible: above the easier skills known validated, below the harder known invalidated.
        low = max((i for i, s in enumerate(tube.skill_ids, start=1)
                   if situation.known.get(s) is True), default=0)
        high = min((i - 1 for i, s in enumerate(tube.skill_ids, start=1)
                    if situation.known.get(s) is False and i > low), default=len(tube.skill_ids))
        indexes = [i for i in range(low + 1, high + 1) if tube.skill_ids[i - 1] in askable]
        if not indexes:  # a skill outside the range, known otherwise: ask it anyway
            indexes = [i for i, s in enumerate(tube.skill_ids, start=1) if s in askable]
            low, high = 0, len(tube.skill_ids)
        weights = posterior[tube_id][low:high + 1]
        expected, j = search_plan(weights, [i - low for i in indexes])
        choices.append((round(expected, 9), tie_break(situation.seed, tube_id), tube.skill_ids[low + j - 1]))
    return sorted(choices)


def next_challenge(content: LearningContent, situation: Situation) -> Challenge | None:
    choices = _tube_choices(content, situation)
    if not choices:
        return None
    skill_ids = [skill_id for _, _, skill_id in choices]
    if situation.last_was_timed:  # two timed questions in a row only when nothing else is left
        untimed = [s for s in skill_ids if any(not c.timed for c in playable_challenges(content, s, situation))]
        skill_ids = untimed or skill_ids
    return pick_challenge(content, content.skills[skill_ids[0]], situation)


