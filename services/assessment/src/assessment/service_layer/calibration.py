"""Fitting the certification items' parameters from the answers recorded in campaigns.

Campaign answers are the only answers there are before the first certification window.
They come from learners tested on chosen competences, not on all 16, which is what
marginal likelihood copes with (each learner informs the items they answered). The
fitted file says which release it fits, how many answers and learners it used and when;
a challenge answered fewer than ``min_answers`` times keeps its derived parameters and
says so (``fitted: false``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import datetime
from typing import Any

from assessment.domain.content import LearningContent
from assessment.domain.item_bank import derived_parameters
from irt.calibration import DEFAULT_MIN_ANSWERS, AnswerRecord, fit

METHOD = "2PL, marginal maximum likelihood (EM on the 81-point grid), population N(0, 1.5), priors around the " \
         "parameters derived from skill levels"


def fit_item_parameters(records: Iterable[tuple[Hashable, str, bool]], content: LearningContent, now: datetime,
                        *, min_answers: int = DEFAULT_MIN_ANSWERS) -> dict[str, Any]:
    """The fitted parameters of every challenge of ``content`` as a JSON-ready document.

    ``records`` are (learner, challenge id, right) triples, each learner's first answer to a
    challenge; answers to challenges the release no longer has are counted and left out.
    """
    start = derived_parameters(content)
    ignored = 0

    def known() -> Iterable[AnswerRecord]:
        nonlocal ignored
        for learner, challenge_id, correct in records:
            if challenge_id in start:
                yield AnswerRecord(learner, challenge_id, correct)
            else:
                ignored += 1

    calibration = fit(known(), start, min_answers=min_answers)
    fitted = sum(1 for item in calibration.items.values() if item.fitted)
    return {
        "content_version": content.version,
        "fitted_at": now.isoformat(),
        "method": METHOD,
        "min_answers": min_answers,
        "counts": {"learners": calibration.learners, "answers": calibration.answers,
                   "answers_to_unknown_challenges": ignored, "challenges": len(calibration.items),
                   "fitted": fitted, "derived": len(calibration.items) - fitted},
        "iterations": calibration.iterations,
        "converged": calibration.converged,
        "items": {item_id: {"discrimination": round(item.discrimination, 4), "difficulty": round(item.difficulty, 4),
                            "answers": item.answers, "fitted": item.fitted}
                  for item_id, item in calibration.items.items()},
    }
