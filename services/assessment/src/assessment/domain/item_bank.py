"""The certification test's item bank: every challenge of a release as an IRT item.

An item is a challenge with its skill's tube and competence (for the test's spread rules)
and its parameters. The content pack carries no calibrated parameter, so each challenge
gets those its skill's level gives (``irt.derivation``: the difficulty where that
competence level begins on the scale, discrimination 1.5), unless fitted ones are given
(``assessment calibration fit`` writes them; a challenge fitted on too few answers keeps
its derived ones). Challenges of one skill share their derived parameters: nothing yet
tells them apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assessment.domain.content import LearningContent
from irt import Item, derived_item
from irt.scale import Scale


def derived_parameters(content: LearningContent, scale: Scale | None = None) -> dict[str, tuple[float, float]]:
    """(discrimination, difficulty) of every challenge of the release, from its skill's level."""
    items = item_bank(content, scale=scale)
    return {item.id: (item.discrimination, item.difficulty) for item in items}


def item_bank(content: LearningContent, parameters: Mapping[str, tuple[float, float]] | None = None, *,
              scale: Scale | None = None) -> list[Item]:
    """Every challenge as an item, in the release's order; ``parameters`` (id -> (a, b)) override the derived."""
    parameters = parameters or {}
    items = []
    for challenge in content.challenges.values():
        skill = content.skills[challenge.skill_id]
        item = derived_item(challenge.id, skill.level, tube=skill.tube_id, competence=skill.competence_code,
                            skill=skill.id, scale=scale)
        if challenge.id in parameters:
            a, b = parameters[challenge.id]
            item = Item(id=item.id, difficulty=b, discrimination=a, tube=item.tube, competence=item.competence,
                        skill=item.skill)
        items.append(item)
    return items


def fitted_parameters(document: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """The (a, b) a calibration document (``assessment calibration fit``) fitted, by challenge id.

    Only the challenges it actually fitted: the others keep the parameters derived from the
    release they are used with (challenge ids are stable across releases, derived values may not be).
    """
    return {item_id: (item["discrimination"], item["difficulty"])
            for item_id, item in document["items"].items() if item["fitted"]}
