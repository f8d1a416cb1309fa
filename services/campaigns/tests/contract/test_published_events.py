"""What campaigns publishes follows its contracts (contracts/events/campaigns/)."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from campaigns.domain import events as e
from campaigns.domain import participations as p
from campaigns.integration_events import to_integration
from svckit.contracts import load_contract
from svckit.uow import envelope_for

NOW = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
CAMPAIGN, ORG, USER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
EVENTS = [
    e.CampaignCreated(CAMPAIGN, 1, ORG, "ASSESSMENT", "QTRZPK472", "Diagnostic", "Rentrée", "initial-diagnosis",
                      ("recherche1", "recherche2"), USER, USER, "Numéro étudiant", "TEXT", False, NOW),
    e.CampaignCreated(CAMPAIGN, 1, ORG, "PROFILES_COLLECTION", "QTRZPK472", "Collecte", None, None, (), USER, USER,
                      None, None, True, NOW),
    e.CampaignUpdated(CAMPAIGN, 2, ORG, "Diagnostic (2026)", None, USER, True, USER, NOW),
    e.CampaignArchived(CAMPAIGN, 3, ORG, USER, NOW),
    e.CampaignUnarchived(CAMPAIGN, 4, ORG, USER, NOW),
    p.ParticipationStarted(uuid.uuid4(), 1, CAMPAIGN, ORG, USER, "ASSESSMENT", "20261234", uuid.uuid4(), False, NOW),
    p.ParticipationStarted(uuid.uuid4(), 1, CAMPAIGN, ORG, USER, "PROFILES_COLLECTION", None, None, False, NOW),
    p.ResultsShared(uuid.uuid4(), 3, CAMPAIGN, ORG, USER, "ASSESSMENT", NOW, {
        "mastery_rate": 0.6, "validated_skills_count": 9, "target_skills_count": 15, "competences": [],
        "profile": {"total_pix": 24, "certifiable": False, "competences": []}}),
    p.ParticipationDeleted(uuid.uuid4(), 4, CAMPAIGN, ORG, USER, NOW),
    p.ImprovementStarted(uuid.uuid4(), 3, CAMPAIGN, ORG, USER, NOW),
    p.ResultsShared(uuid.uuid4(), 2, CAMPAIGN, ORG, USER, "PROFILES_COLLECTION", NOW, {
        "profile": {"total_pix": 24, "certifiable": False, "competences": []}}),
]


@pytest.mark.parametrize("domain_event", EVENTS, ids=lambda event: type(event).__name__)
def test_the_published_event_matches_its_contract(domain_event):
    envelope = envelope_for("campaigns", to_integration(domain_event))
    contract = load_contract(envelope.event_type, Path(__file__).parent)
    contract.validate_payload(envelope.payload)
    assert set(envelope.payload) == set(contract.example["payload"])
    assert envelope.aggregate_version == domain_event.version
