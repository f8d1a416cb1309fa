"""irt.scale: the v1 scale's score, global level and competence levels."""

from __future__ import annotations

import pytest

from irt.scale import UnknownScale, available_scales, load_scale

scale = load_scale("v1")


def test_the_v1_scale_is_shipped_with_its_version_id():
    assert "v1" in available_scales()
    assert scale.version == "v1" and scale.max_score == 895


def test_a_scale_name_from_outside_never_becomes_a_path():
    with pytest.raises(UnknownScale, match="no scale '../v1'"):
        load_scale("../v1")


@pytest.mark.parametrize(("capacity", "score"), [
    (-9.0, 0), (-8.0, 0), (-1.4, 64), (-0.519, 128), (0.6, 256), (1.5, 384), (2.25, 512), (3.1, 640), (4.0, 768),
    (7.9, 892), (7.99, 895), (8.0, 895), (9.0, 895),
])
def test_each_mesh_interval_starts_at_its_stacked_weight_and_the_top_is_capped(capacity, score):
    assert scale.score(capacity) == score


def test_the_score_is_the_floor_of_weight_times_coefficient_plus_progression():
    # interval 2 is [-0.519, 0.6), weight 128, coefficient 1: progression 0.519 / 1.119
    assert scale.score(0.0) == int(128 * (1 + 0.519 / 1.119)) == 187


def test_the_score_never_decreases_with_the_capacity():
    scores = [scale.score(-9 + k * 0.01) for k in range(1801)]
    assert scores == sorted(scores) and scores[0] == 0 and scores[-1] == 895


@pytest.mark.parametrize(("score", "level", "key"), [
    (0, 0, "LEVEL_PRE_BEGINNER"), (63, 0, "LEVEL_PRE_BEGINNER"), (64, 1, "LEVEL_BEGINNER_1"),
    (127, 1, "LEVEL_BEGINNER_1"), (128, 2, "LEVEL_BEGINNER_2"), (255, 2, "LEVEL_BEGINNER_2"),
    (256, 3, "LEVEL_INDEPENDENT_3"), (511, 4, "LEVEL_INDEPENDENT_4"), (512, 5, "LEVEL_ADVANCED_5"),
    (767, 6, "LEVEL_ADVANCED_6"), (768, 7, "LEVEL_EXPERT_7"), (895, 7, "LEVEL_EXPERT_7"),
])
def test_the_global_level_of_a_score_stacks_the_weights(score, level, key):
    mesh = scale.mesh_level_of_score(score)
    assert (mesh.mesh_level, mesh.key) == (level, key)


def test_the_global_level_of_a_capacity_agrees_with_that_of_its_score():
    for k in range(1801):
        capacity = -9 + k * 0.01
        assert scale.mesh_level(capacity) == scale.mesh_level_of_score(scale.score(capacity)), capacity


@pytest.mark.parametrize(("capacity", "level"), [
    (-9.0, 0), (-2.01, 0), (-2.0, 1), (-1.0, 2), (0.49, 2), (0.5, 3), (1.0, 4), (2.0, 5), (3.0, 6), (4.0, 7), (9.0, 7),
])
def test_competence_levels_follow_the_reference_intervals(capacity, level):
    assert scale.competence_level(capacity, "1.1") == level


def test_every_competence_gets_a_level():
    assert scale.competence_levels(1.2, ["1.1", "5.2"]) == {"1.1": 4, "5.2": 4}
