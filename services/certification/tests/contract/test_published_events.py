"""What certification publishes follows its contracts (contracts/events/certification/)."""

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from certification.domain import events as e
from certification.integration_events import to_integration
from svckit.contracts import load_contract
from svckit.uow import envelope_for

NOW = datetime(2026, 12, 14, 8, 5, 12, tzinfo=UTC)
CENTER, SESSION, USER, COURSE, CANDIDATE = (uuid.uuid4() for _ in range(5))
EVENTS = [
    e.CenterCreated(CENTER, 1, "SCO", "Collège Victor Hugo", "0751234A", CENTER, NOW),
    e.CenterCreated(CENTER, 1, "PRO", "Centre Pro", None, None, NOW),
    e.InvitationIssued(CENTER, 1, uuid.uuid4(), "certif.admin@example.org", "ADMIN", "fr", NOW),
    e.SessionScheduled(SESSION, 1, CENTER, 1042, date(2026, 12, 14), "09:00", USER, NOW),
    e.CourseStarted(COURSE, CANDIDATE, USER, SESSION, CENTER, 33, "P-Y468BCDF", 1, NOW),
    e.CourseEndedByInvigilator(COURSE, CANDIDATE, USER, SESSION, CENTER, uuid.uuid4(), NOW),
    e.LiveAlertDecided(uuid.uuid4(), 2, COURSE, CANDIDATE, SESSION, "VALIDATED", uuid.uuid4(), NOW),
    e.LiveAlertDecided(uuid.uuid4(), 2, COURSE, CANDIDATE, SESSION, "DISMISSED", uuid.uuid4(), NOW),
    e.ResultPublished(COURSE, 3, CANDIDATE, SESSION, 1042, date(2026, 12, 14), CENTER, "Collège Victor Hugo", "SCO",
                      CENTER, "0751234A", USER, uuid.uuid4(), "3A", "Zoé", "Lefèvre", date(2011, 4, 2), None,
                      "P-Y468BCDF", "validated", "COMPLETE", 312, 3, {"1.1": 3, "5.2": 2}, "v1", NOW),
    e.ResultPublished(COURSE, 2, CANDIDATE, SESSION, 1042, date(2026, 12, 14), CENTER, "Formations Dupont", "PRO",
                      None, None, USER, None, None, "Zoé", "Lefèvre", date(1990, 1, 2), "E-42", "P-Y468BCDF",
                      "rejected", "REJECTED_DUE_TO_LACK_OF_ANSWERS", None, None, {}, "v1", NOW),
]


@pytest.mark.parametrize("domain_event", EVENTS, ids=lambda event: type(event).__name__)
def test_the_published_event_matches_its_contract(domain_event):
    envelope = envelope_for("certification", to_integration(domain_event))
    contract = load_contract(envelope.event_type, Path(__file__).parent)
    contract.validate_payload(envelope.payload)
    assert set(envelope.payload) == set(contract.example["payload"])
    # A course's versions are fixed (started 1, ended 2); the other aggregates' are their own.
    expected = getattr(domain_event, "version", contract.example["aggregate_version"])
    assert envelope.aggregate_version == expected


def test_a_course_is_its_own_aggregate_started_then_ended():
    started = to_integration(EVENTS[4])
    ended = to_integration(EVENTS[5])
    assert started.aggregate_id == ended.aggregate_id == str(COURSE)
    assert (started.aggregate_version, ended.aggregate_version) == (1, 2)


def test_a_member_joining_a_centre_is_not_published():
    assert to_integration(e.MemberJoined(CENTER, 2, USER, "ADMIN", NOW)) is None


def test_a_decision_is_published_as_the_alert_s_fact_naming_its_course():
    alert_id = uuid.uuid4()
    envelope = envelope_for("certification", to_integration(
        e.LiveAlertDecided(alert_id, 2, COURSE, CANDIDATE, SESSION, "VALIDATED", USER, NOW)))
    assert (envelope.aggregate_id, envelope.payload["alert_id"], envelope.payload["course_id"]) == (
        str(alert_id), str(alert_id), str(COURSE))
    assert envelope.payload["decided_at"] == "2026-12-14T08:05:12Z"
