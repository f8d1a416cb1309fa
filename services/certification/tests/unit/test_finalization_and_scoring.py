"""The centre's report, the automatic jury and the scoring of a test's outcome (domain only, no I/O)."""

import pytest

from certification.domain import exceptions as e
from certification.domain.finalization import (
    CATEGORIES,
    KEPT_RIGHT_ANSWER,
    NEUTRALIZED,
    SUBCATEGORIES,
    CandidateReport,
    IssueReport,
    auto_jury,
    catalogue,
    checked_global_comment,
    publishable,
)
from certification.domain.results import COMPETENCES, MAX_SCORE, score_outcome


def item(n: int, difficulty: float = 0.5) -> dict:
    competence = COMPETENCES[n % 16]
    return {"challenge_id": f"ch{n}", "skill_id": f"sk{n}", "tube_id": f"tube{n}", "competence_code": competence,
            "difficulty": difficulty, "discrimination": 1.5}


def outcome(statuses: list[str], *, end_reason: str = "COMPLETED", skips: int = 0, difficulty: float = 0.5) -> dict:
    """A test's outcome as assessment publishes it: one answer per status, then ``skips`` items if abandoned."""
    answers = [{**item(n, difficulty), "index": n + 1, "status": status} for n, status in enumerate(statuses)]
    return {"configuration_version": 1, "end_reason": end_reason, "answers_count": len(answers), "answers": answers,
            "skips_if_abandoned": [item(len(statuses) + k, difficulty) for k in range(skips)]}


def in_challenge(number: int, subcategory: str) -> IssueReport:
    return IssueReport.checked(category="IN_CHALLENGE", subcategory=subcategory, question_number=number)


# -- the centre's report -----------------------------------------------------------------------------------

def test_a_candidate_who_did_not_finish_needs_an_abort_reason():
    with pytest.raises(e.RuleBroken) as refused:
        CandidateReport.checked(finished=False)
    assert refused.value.error_code == "UNTERMINATED_CERTIFICATION_WITHOUT_ABORT_REASON"
    report, dropped = CandidateReport.checked(finished=False, abort_reason="technical")
    assert (report.abort_reason, dropped) == ("technical", False)


def test_an_abort_reason_given_for_a_finished_test_is_dropped_and_said():
    report, dropped = CandidateReport.checked(finished=True, abort_reason="candidate", has_seen_end_screen=True)
    assert (report.abort_reason, report.has_seen_end_screen, dropped) == (None, True, True)


def test_an_unknown_abort_reason_is_refused():
    with pytest.raises(e.Invalid) as refused:
        CandidateReport.checked(finished=False, abort_reason="bored")
    assert refused.value.error_code == "ABORT_REASON_NOT_VALID"


@pytest.mark.parametrize(("fields", "code"), [
    ({"category": "NOPE"}, "ISSUE_REPORT_CATEGORY_NOT_VALID"),
    ({"category": "TECHNICAL_PROBLEM", "description": "old"}, "ISSUE_REPORT_CATEGORY_NOT_VALID"),  # deprecated
    ({"category": "SIGNATURE_ISSUE"}, "ISSUE_REPORT_DESCRIPTION_REQUIRED"),
    ({"category": "CANDIDATE_INFORMATIONS_CHANGES", "description": "typo"}, "ISSUE_REPORT_SUBCATEGORY_NOT_VALID"),
    ({"category": "IN_CHALLENGE", "subcategory": "WEBSITE_BLOCKED"}, "ISSUE_REPORT_QUESTION_NUMBER_REQUIRED"),
    ({"category": "IN_CHALLENGE", "subcategory": "WEBSITE_BLOCKED", "question_number": 501},
     "ISSUE_REPORT_QUESTION_NUMBER_REQUIRED"),
    ({"category": "IN_CHALLENGE", "subcategory": "OTHER", "question_number": 3}, "ISSUE_REPORT_SUBCATEGORY_NOT_VALID"),
    ({"category": "FRAUD", "subcategory": "WEBSITE_BLOCKED"}, "ISSUE_REPORT_SUBCATEGORY_NOT_VALID"),
])
def test_an_incident_report_is_checked_against_the_national_categories(fields, code):
    with pytest.raises(e.Invalid) as refused:
        IssueReport.checked(**fields)
    assert refused.value.error_code == code


def test_each_report_carries_the_guides_code_and_whether_it_impacts_the_results():
    assert in_challenge(4, "WEBSITE_BLOCKED").code == "E5"
    assert in_challenge(4, "WEBSITE_BLOCKED").impactful
    name = IssueReport.checked(category="CANDIDATE_INFORMATIONS_CHANGES", subcategory="NAME_OR_BIRTHDATE",
                               description="Lefèvre, not Lefevre")
    assert (name.code, name.impactful) == ("C1", True)
    extra = IssueReport.checked(category="CANDIDATE_INFORMATIONS_CHANGES", subcategory="EXTRA_TIME_PERCENTAGE",
                                description="33 %")
    assert (extra.code, extra.impactful) == ("C2", False)
    assert (IssueReport.checked(category="FRAUD").code, IssueReport.checked(category="FRAUD").impactful) == ("C6", True)
    signature = IssueReport.checked(category="SIGNATURE_ISSUE", description="forgot")
    assert (signature.code, signature.impactful) == ("C4", False)


def test_the_catalogue_lists_every_category_with_its_labels_in_both_languages():
    listed = {c["category"]: c for c in catalogue()["categories"]}
    assert set(listed) == set(CATEGORIES)
    e_codes = {s["code"] for s in listed["IN_CHALLENGE"]["subcategories"] if not s["deprecated"]}
    assert e_codes == {"E1", "E2", "E3", "E4", "E5", "E8", "E9", "E10", "E11", "E12"}
    assert all(s.label_fr and s.label_en for s in SUBCATEGORIES.values())
    assert listed["FRAUD"]["code"] == "C6" and listed["OTHER"]["deprecated"]


def test_a_global_comment_is_trimmed_and_bounded():
    assert checked_global_comment("   ") is None
    with pytest.raises(e.Invalid):
        checked_global_comment("x" * 2001)


# -- the automatic jury --------------------------------------------------------------------------------------

def test_a_technical_problem_on_a_question_answered_wrong_or_skipped_neutralizes_it():
    answers = outcome(["ok", "ko", "skipped", "timed_out"])["answers"]
    reports = [in_challenge(2, "WEBSITE_UNAVAILABLE"), in_challenge(3, "SOFTWARE_NOT_WORKING"),
               in_challenge(4, "SKIP_ON_OOPS")]
    assert auto_jury(reports, answers) == {"ch1", "ch2", "ch3"}
    assert [r.resolution for r in reports] == [NEUTRALIZED] * 3 and all(r.resolved for r in reports)


def test_a_right_answer_is_never_neutralized():
    answers = outcome(["ok"])["answers"]
    reports = [in_challenge(1, "WEBSITE_BLOCKED"), in_challenge(1, "IMAGE_NOT_DISPLAYING")]
    assert auto_jury(reports, answers) == set()
    assert [(r.resolved, r.resolution) for r in reports] == [(True, KEPT_RIGHT_ANSWER)] * 2


def test_what_needs_the_questions_media_or_a_closer_look_is_left_to_the_jury():
    answers = outcome(["ko", "ko", "ko", "ko"])["answers"]
    reports = [in_challenge(1, "IMAGE_NOT_DISPLAYING"), in_challenge(2, "FILE_NOT_OPENING"),
               in_challenge(3, "EXTRA_TIME_EXCEEDED"), in_challenge(4, "UNINTENTIONAL_FOCUS_OUT"),
               in_challenge(9, "WEBSITE_BLOCKED")]  # never reached
    assert auto_jury(reports, answers) == set()
    assert not any(r.resolved for r in reports)
    assert not publishable(None, reports)


def test_extra_time_exceeded_on_a_timed_out_answer_and_a_focus_lost_on_a_skip_are_neutralized():
    answers = outcome(["timed_out", "skipped"])["answers"]
    reports = [in_challenge(1, "EXTRA_TIME_EXCEEDED"), in_challenge(2, "UNINTENTIONAL_FOCUS_OUT")]
    assert auto_jury(reports, answers) == {"ch0", "ch1"}


def test_a_session_is_publishable_as_is_without_a_global_comment_nor_an_impactful_report_unresolved():
    resolved = in_challenge(1, "WEBSITE_BLOCKED")
    auto_jury([resolved], outcome(["ko"])["answers"])
    minor = IssueReport.checked(category="NON_BLOCKING_TECHNICAL_ISSUE", description="slow network")
    assert publishable(None, [resolved, minor])
    assert not publishable("A candidate felt unwell", [resolved])
    assert not publishable(None, [IssueReport.checked(category="FRAUD")])


# -- scoring -----------------------------------------------------------------------------------------------

def test_a_full_test_is_validated_with_a_score_a_global_level_and_sixteen_competence_levels():
    result = score_outcome(outcome(["ok"] * 24 + ["ko"] * 8))
    assert (result.status, result.reason, result.scale_version) == ("validated", "COMPLETE", "v1")
    assert 0 <= result.score <= MAX_SCORE and result.answers == result.counted == 32
    assert set(result.competence_levels) == set(COMPETENCES)
    assert 0 <= result.mesh_level <= 7


def test_more_right_answers_never_score_less():
    scores = [score_outcome(outcome(["ok"] * right + ["ko"] * (32 - right))).score for right in (0, 8, 16, 24, 32)]
    assert scores == sorted(scores) and scores[0] < scores[-1]


@pytest.mark.parametrize(("answers", "abort_reason", "expected"), [
    (19, None, ("rejected", "REJECTED_DUE_TO_LACK_OF_ANSWERS")),
    (19, "candidate", ("rejected", "REJECTED_DUE_TO_LACK_OF_ANSWERS")),
    (19, "technical", ("cancelled", "CANCELLED_DUE_TO_LACK_OF_ANSWERS_FOR_TECHNICAL_REASON")),
    (20, "technical", ("validated", "COMPLETE")),
    (20, "candidate", ("validated", "DEGRADED_AFTER_ABANDON")),
])
def test_the_status_follows_the_minimum_of_20_answers_and_the_abort_reason(answers, abort_reason, expected):
    result = score_outcome(outcome(["ok"] * answers, end_reason="ENDED_BY_INVIGILATOR", skips=32 - answers),
                           abort_reason=abort_reason)
    assert (result.status, result.reason) == expected
    assert (result.score is None) == (expected[0] != "validated")


def test_an_abandoned_test_counts_the_missing_questions_as_skips_from_the_outcomes_pool():
    abandoned = outcome(["ok"] * 22, end_reason="ENDED_BY_INVIGILATOR", skips=10)
    degraded = score_outcome(abandoned, abort_reason="candidate")
    technical = score_outcome(abandoned, abort_reason="technical")
    assert (degraded.simulated_skips, degraded.counted) == (10, 32)
    assert (technical.simulated_skips, technical.counted) == (0, 22)
    assert degraded.score < technical.score  # ten skips pull the estimate down


def test_a_neutralized_question_is_left_out_and_scoring_again_without_it_is_exact():
    test = outcome(["ok"] * 20 + ["ko"] * 12)
    whole = score_outcome(test)
    without = score_outcome(test, neutralized={"ch31", "ch30"})
    assert without.counted == 30 and without.answers == 32
    assert without.score >= whole.score  # two wrong answers fewer
    assert score_outcome(test, neutralized=set()).score == whole.score


def test_a_neutralized_answer_still_counts_toward_the_minimum():
    result = score_outcome(outcome(["ko"] * 20), neutralized={f"ch{n}" for n in range(5)})
    assert (result.status, result.counted) == ("validated", 15)


def test_an_unknown_test_configuration_is_refused():
    with pytest.raises(ValueError, match="configuration 9"):
        score_outcome({**outcome(["ok"] * 32), "configuration_version": 9})
