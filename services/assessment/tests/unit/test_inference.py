"""The learner model of the candidate engine (issue 20): exact Bayes on small grids."""

from assessment_builders import content, tube

from assessment.domain.inference import Evidence, p_known, posteriors, tubes_of

RELEASE = content({"1.1": [tube("recherche"), tube("sources"), tube("veille"), tube("formats")]})
TARGETS = list(RELEASE.skills)


def posterior(*evidence: Evidence) -> dict[str, list[float]]:
    return posteriors(tubes_of(RELEASE, TARGETS, evidence))


def test_each_tube_gets_a_distribution_of_how_many_of_its_target_skills_are_known():
    tubes = tubes_of(RELEASE, ["recherche2", "recherche4", "recherche1"], [])
    assert tubes["recherche"].skill_ids == ("recherche1", "recherche2", "recherche4")  # easiest first
    for distribution in posterior().values():
        assert len(distribution) == 6  # 0 to 5 skills known
        assert abs(sum(distribution) - 1) < 1e-9


def test_a_right_answer_makes_its_skill_and_the_easier_ones_likely_and_a_wrong_one_the_harder_ones_unlikely():
    right = posterior(Evidence("recherche3", True))["recherche"]
    assert p_known(right, 3) > 0.9 and p_known(right, 1) >= p_known(right, 2) >= p_known(right, 3)
    wrong = posterior(Evidence("recherche3", False))["recherche"]
    assert p_known(wrong, 3) < 0.1 and p_known(wrong, 5) <= p_known(wrong, 4) <= p_known(wrong, 3)


def test_a_right_choice_answer_counts_for_less_than_a_right_typed_one():
    typed = p_known(posterior(Evidence("recherche3", True))["recherche"], 3)
    chosen = p_known(posterior(Evidence("recherche3", True, guessable=True))["recherche"], 3)
    assert chosen < typed


def test_the_ability_ties_the_tubes_so_a_strong_learner_is_expected_strong_in_a_tube_not_asked_yet():
    before = p_known(posterior()["formats"], 4)
    strong = posterior(*(Evidence(f"{t}5", True) for t in ("recherche", "sources", "veille")))
    weak = posterior(*(Evidence(f"{t}1", False) for t in ("recherche", "sources", "veille")))
    assert p_known(weak["formats"], 4) < before < p_known(strong["formats"], 4)


def test_answers_that_contradict_each_other_leave_doubt():
    consistent = posterior(Evidence("recherche4", True, guessable=True), Evidence("recherche5", False))["recherche"]
    contradicted = posterior(Evidence("recherche4", True, guessable=True), Evidence("recherche2", False))["recherche"]
    assert p_known(contradicted, 4) < p_known(consistent, 4)
    assert 0.1 < p_known(contradicted, 2) < 0.9  # a slip on 2, or a guess on 4: neither is settled


def test_a_learner_whose_answers_agree_is_believed_more_than_one_who_slips():
    """The two kinds of learners: after answers that agree, one more choice answer counts for more."""
    tubes = ("sources", "veille", "formats")  # in each, level 3 asked twice: right twice, or wrong then right
    careful = [Evidence(f"{t}{n}", right) for t in tubes for n, right in ((2, True), (3, True), (3, True), (4, False))]
    hasty = [Evidence(f"{t}{n}", right) for t in tubes for n, right in ((2, True), (3, False), (3, True), (4, False))]
    asked = Evidence("recherche3", True, guessable=True)
    assert p_known(posterior(*careful, asked)["recherche"], 3) > p_known(posterior(*hasty, asked)["recherche"], 3)


def test_statuses_kept_from_earlier_tests_count_as_evidence():
    earlier = posterior(Evidence("recherche3", True, earlier=True))["recherche"]
    assert p_known(earlier, 3) > 0.9
