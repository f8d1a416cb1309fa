"""assessment reads the events it consumes as their contracts show them, unknown fields ignored."""

from pathlib import Path

import pytest

from assessment.entrypoints.consumers.schemas import (
    CampaignChangedSchema,
    CourseEndedByInvigilatorSchema,
    CourseStartedSchema,
    ImprovementStartedSchema,
    LiveAlertDecidedSchema,
    ParticipationStartedSchema,
)
from msgkit import Envelope
from svckit.consumers import MalformedMessage, read_payload
from svckit.contracts import load_contract

CONSUMED = [("campaigns.campaign.created.v1", CampaignChangedSchema),
            ("campaigns.campaign.archived.v1", CampaignChangedSchema),
            ("campaigns.campaign.unarchived.v1", CampaignChangedSchema),
            ("campaigns.participation.started.v1", ParticipationStartedSchema),
            ("campaigns.participation.improvement_started.v1", ImprovementStartedSchema)]


@pytest.mark.parametrize(("event_type", "schema"), CONSUMED, ids=[c[0] for c in CONSUMED])
def test_it_reads_the_example_even_with_fields_added_later(event_type, schema):
    example = load_contract(event_type, Path(__file__).parent).example
    example["payload"]["favourite_colour"] = "blue"  # an optional field added by campaigns one day
    data = read_payload(schema(), Envelope.from_dict(example))
    assert str(data["campaign_id"]) == example["payload"]["campaign_id"]
    assert "favourite_colour" not in data


def test_the_created_campaign_gives_its_target_skills():
    example = load_contract("campaigns.campaign.created.v1", Path(__file__).parent).example
    data = read_payload(CampaignChangedSchema(), Envelope.from_dict(example))
    assert data["type"] == "ASSESSMENT" and data["target_skill_ids"][0] == "recherche1"


COURSE_EVENTS = [("certification.course.started.v1", CourseStartedSchema),
                 ("certification.course.ended_by_invigilator.v1", CourseEndedByInvigilatorSchema),
                 ("certification.live_alert.decided.v1", LiveAlertDecidedSchema)]


@pytest.mark.parametrize(("event_type", "schema"), COURSE_EVENTS, ids=[c[0] for c in COURSE_EVENTS])
def test_it_reads_certification_s_course_events_even_with_fields_added_later(event_type, schema):
    example = load_contract(event_type, Path(__file__).parent).example
    example["payload"]["favourite_colour"] = "blue"
    data = read_payload(schema(), Envelope.from_dict(example))
    assert str(data["course_id"]) == example["payload"]["course_id"]
    assert "favourite_colour" not in data


def test_a_course_s_start_gives_the_candidate_the_extra_time_and_the_configuration_version():
    example = load_contract("certification.course.started.v1", Path(__file__).parent).example
    data = read_payload(CourseStartedSchema(), Envelope.from_dict(example))
    assert (str(data["user_id"]), data["extra_time_percentage"], data["configuration_version"]) == (
        example["payload"]["user_id"], 33, 1)
    assert data["started_at"].tzinfo is not None


def test_an_end_gives_the_invigilator_s_moment():
    example = load_contract("certification.course.ended_by_invigilator.v1", Path(__file__).parent).example
    data = read_payload(CourseEndedByInvigilatorSchema(), Envelope.from_dict(example))
    assert data["ended_at"].isoformat() == "2026-12-14T08:47:30+00:00"


def test_a_decision_names_the_alert_and_says_validated_or_dismissed():
    example = load_contract("certification.live_alert.decided.v1", Path(__file__).parent).example
    data = read_payload(LiveAlertDecidedSchema(), Envelope.from_dict(example))
    assert (str(data["alert_id"]), data["decision"], str(data["decided_by"])) == (
        example["aggregate_id"], "VALIDATED", example["payload"]["decided_by"])
    assert data["decided_at"].isoformat() == "2026-12-14T08:14:40+00:00"
    example["payload"]["decision"] = "MAYBE"
    with pytest.raises(MalformedMessage, match="decision"):
        read_payload(LiveAlertDecidedSchema(), Envelope.from_dict(example))
