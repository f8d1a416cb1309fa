"""irt.derivation: a skill's level gives its items' difficulty where that competence level begins."""

from __future__ import annotations

import pytest

from irt.derivation import DEFAULT_DISCRIMINATION, derived_difficulty, derived_item
from irt.scale import load_scale


@pytest.mark.parametrize(("level", "difficulty"), [(1, -2.0), (2, -1.0), (3, 0.5), (4, 1.0), (5, 2.0), (6, 3.0),
                                                   (7, 4.0), (8, 5.0)])
def test_a_skill_level_maps_to_the_start_of_that_competence_level(level, difficulty):
    assert derived_difficulty(level) == difficulty


def test_a_learner_just_entering_a_level_answers_its_items_half_the_time():
    scale = load_scale()
    for level in range(1, 8):
        entry = scale.level_start(level)
        assert scale.competence_level(entry, "1.1") == level
        assert derived_item("q", level).probability(entry) == pytest.approx(0.5)


def test_a_derived_item_carries_its_place_in_the_framework_and_the_default_discrimination():
    item = derived_item("recherche3-a", 3, tube="recherche", competence="1.1", skill="recherche3")
    assert (item.tube, item.competence, item.skill, item.discrimination) == ("recherche", "1.1", "recherche3",
                                                                             DEFAULT_DISCRIMINATION)


@pytest.mark.parametrize("level", [0, 9])
def test_a_level_outside_1_to_8_is_refused(level):
    with pytest.raises(ValueError, match="1 to 8"):
        derived_difficulty(level)
