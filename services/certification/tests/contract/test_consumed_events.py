"""certification reads the events it consumes as their contracts show them, unknown fields ignored."""

from pathlib import Path

import pytest

from certification.entrypoints.consumers import schemas as s
from msgkit import Envelope
from svckit.consumers import read_payload
from svckit.contracts import load_contract

CONSUMED = [("organizations.organization.created.v1", s.OrganizationCreatedSchema),
            ("organizations.organization.archived.v1", s.OrganizationArchivedSchema),
            ("organizations.membership.granted.v1", s.MembershipChangedSchema),
            ("organizations.membership.role_changed.v1", s.MembershipChangedSchema),
            ("organizations.membership.revoked.v1", s.MembershipChangedSchema),
            ("organizations.learners.imported.v1", s.LearnersImportedSchema),
            ("organizations.learner.linked.v1", s.LearnerLinkedSchema),
            ("organizations.learner.unlinked.v1", s.LearnerUnlinkedSchema),
            ("assessment.assessment.completed.v1", s.AssessmentCompletedSchema),
            ("identity.user.email_verified.v1", s.EmailVerifiedSchema),
            ("certification.invitation.issued.v1", s.InvitationIssuedSchema),
            ("assessment.certification_test.progressed.v1", s.CertificationTestProgressedSchema),
            ("assessment.certification_test.completed.v1", s.CertificationTestCompletedSchema),
            ("assessment.certification_test.live_alert_raised.v1", s.LiveAlertRaisedSchema),
            ("certification.results.published.v1", s.ResultPublishedSchema)]


@pytest.mark.parametrize(("event_type", "schema"), CONSUMED, ids=[c[0] for c in CONSUMED])
def test_it_reads_the_example_even_with_fields_added_later(event_type, schema):
    example = load_contract(event_type, Path(__file__).parent).example
    example["payload"]["favourite_colour"] = "blue"  # an optional field added one day
    assert "favourite_colour" not in read_payload(schema(), Envelope.from_dict(example))


def test_a_learners_fields_and_a_profiles_competences_are_read_and_new_ones_ignored():
    example = load_contract("organizations.learners.imported.v1", Path(__file__).parent).example
    example["payload"]["learners"][0]["nickname"] = "Zozo"
    [learner] = read_payload(s.LearnersImportedSchema(), Envelope.from_dict(example))["learners"]
    assert (learner["first_name"], learner["division"], learner["disabled"]) == ("Zoé", "5B", False)
    completed = load_contract("assessment.assessment.completed.v1", Path(__file__).parent).example
    completed["payload"]["profile"]["competences"][0]["stars"] = 3
    data = read_payload(s.AssessmentCompletedSchema(), Envelope.from_dict(completed))
    assert data["profile"]["competences"][0] == {"competence_code": "1.1", "level": 1}


def test_a_completed_tests_answers_and_skips_are_read_with_their_items_and_new_fields_ignored():
    example = load_contract("assessment.certification_test.completed.v1", Path(__file__).parent).example
    example["payload"]["answers"][0]["focused_out"] = False
    example["payload"]["skips_if_abandoned"][0]["has_embed"] = True
    data = read_payload(s.CertificationTestCompletedSchema(), Envelope.from_dict(example))
    assert data["end_reason"] == "ENDED_BY_INVIGILATOR"
    assert data["answers"][0] == {"index": 1, "challenge_id": "recherche3-a", "skill_id": "recherche3",
                                  "tube_id": "recherche", "competence_code": "1.1", "difficulty": 0.5,
                                  "discrimination": 1.5, "status": "ok"}
    assert [a["status"] for a in data["answers"]] == ["ok", "skipped"]
    assert data["skips_if_abandoned"] == [{"challenge_id": "motsDePasse3-a", "skill_id": "motsDePasse3",
                                           "tube_id": "motsDePasse", "competence_code": "4.1", "difficulty": 0.5,
                                           "discrimination": 1.5}]


def test_a_completed_tests_outcome_scores_as_the_example_says():
    """The example's two answers: fewer than 20, rejected; after a technical abort, cancelled."""
    from certification.domain.results import score_outcome

    example = load_contract("assessment.certification_test.completed.v1", Path(__file__).parent).example
    data = read_payload(s.CertificationTestCompletedSchema(), Envelope.from_dict(example))
    assert score_outcome(data).reason == "REJECTED_DUE_TO_LACK_OF_ANSWERS"
    assert score_outcome(data, abort_reason="technical").status == "cancelled"


def test_a_progress_is_read_as_question_n_of_32():
    example = load_contract("assessment.certification_test.progressed.v1", Path(__file__).parent).example
    data = read_payload(s.CertificationTestProgressedSchema(), Envelope.from_dict(example))
    assert (data["answers_count"], data["questions_count"]) == (4, 32)


def test_an_alert_raised_gives_its_id_question_and_moment():
    example = load_contract("assessment.certification_test.live_alert_raised.v1", Path(__file__).parent).example
    data = read_payload(s.LiveAlertRaisedSchema(), Envelope.from_dict(example))
    assert (str(data["course_id"]), str(data["alert_id"]), data["challenge_id"], data["question_number"]) == (
        example["aggregate_id"], "4e8a2c6f-1d3b-4f7e-a9c5-7b1d3f5e9a20", "t23x4-b", 6)
    assert data["raised_at"].tzinfo is not None
