"""What a shared participation adds to its campaign's running totals, and takes away again."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from reporting.domain.collective import AREA, COMPETENCE, PROFILE, Totals, changes, contributions


def assessed(participation: str, code: str, validated: int, target: int, campaign: str = "c") -> SimpleNamespace:
    return SimpleNamespace(participation_id=participation, campaign_id=campaign, competence_code=code,
                           area_code=code.split(".")[0], mastery_rate=Decimal(validated) / target if target else 0,
                           validated_skills_count=validated, tested_skills_count=target,
                           target_skills_count=target, pix=None, level=None)


def profiled(participation: str, code: str, pix: int, level: int) -> SimpleNamespace:
    return SimpleNamespace(participation_id=participation, campaign_id="c", competence_code=code,
                           area_code=code.split(".")[0], mastery_rate=None, validated_skills_count=None,
                           tested_skills_count=None, target_skills_count=None, pix=pix, level=level)


def test_an_assessment_adds_to_each_competence_and_once_per_participant_to_each_area():
    rows = [assessed("p", "1.1", 1, 2), assessed("p", "1.2", 2, 2), assessed("q", "1.1", 0, 2)]

    totals = contributions(rows)

    assert totals["c", COMPETENCE, "1.1"] == Totals(participants=2, sum_mastery=Decimal("0.5"), sum_validated=1,
                                                    sum_tested=4)
    assert totals["c", AREA, "1"] == Totals(participants=2, sum_mastery=Decimal("0.75"), sum_validated=3)


def test_an_area_s_mastery_is_rounded_the_same_way_each_time():
    thirds = contributions([assessed("p", "1.1", 1, 3)])["c", AREA, "1"]
    assert thirds.sum_mastery == Decimal("0.333333")


def test_a_profile_counts_as_certifiable_with_five_competences_at_level_one():
    five = [profiled("p", f"{n}.1", 8, 1) for n in range(1, 6)]
    four = [profiled("q", f"{n}.1", 8, 1) for n in range(1, 5)] + [profiled("q", "5.1", 2, 0)]

    totals = contributions(five + four)

    assert totals["c", PROFILE, ""] == Totals(participants=2, sum_pix=40 + 34, certifiable=1)
    assert totals["c", COMPETENCE, "5.1"] == Totals(participants=2, sum_pix=10, sum_level=1)


def test_taking_away_what_was_added_leaves_nothing_to_change():
    rows = [assessed("p", "1.1", 1, 3), assessed("p", "2.1", 2, 7)]
    assert changes(removed=rows, added=rows) == {}


def test_a_replaced_share_moves_the_totals_by_the_difference_in_key_order():
    before, after = [assessed("p", "1.1", 1, 3)], [assessed("p", "1.1", 3, 3), assessed("p", "2.1", 1, 1)]

    delta = changes(removed=before, added=after)

    assert list(delta) == [("c", AREA, "1"), ("c", AREA, "2"), ("c", COMPETENCE, "1.1"), ("c", COMPETENCE, "2.1")]
    assert delta["c", COMPETENCE, "1.1"] == Totals(sum_mastery=Decimal(1) - Decimal(1) / 3, sum_validated=2)
    assert delta["c", AREA, "1"] == Totals(sum_mastery=Decimal("0.666667"), sum_validated=2)
    assert delta["c", AREA, "2"].participants == 1
