"""What identity publishes follows its contracts (contracts/events/identity/)."""

from datetime import datetime, timezone
from pathlib import Path
from uuid import uuid4

import pytest

from identity.domain.events import OrgaTermsAccepted, UserRegistered
from identity.integration_events import to_integration
from svckit.contracts import load_contract
from svckit.uow import envelope_for

NOW = datetime(2026, 11, 23, 9, 15, 2, 120000, tzinfo=timezone.utc)
USER = uuid4()

EVENTS = [
    UserRegistered(USER, "lou@example.org", "Lou", "Apprenant", "fr", NOW, 1),
    OrgaTermsAccepted(USER, NOW, 2),
]


@pytest.mark.parametrize("domain_event", EVENTS, ids=lambda e: type(e).__name__)
def test_the_published_event_matches_its_contract(domain_event):
    envelope = envelope_for("identity", to_integration(domain_event))
    contract = load_contract(envelope.event_type, Path(__file__).parent)
    contract.validate_payload(envelope.payload)
    assert set(envelope.payload) == set(contract.example["payload"])
    assert envelope.aggregate_id == str(USER) and envelope.aggregate_version == domain_event.version


def test_no_secret_ever_leaves_identity():
    envelope = envelope_for("identity", to_integration(EVENTS[0]))
    assert not {"password", "password_hash", "roles"} & set(envelope.payload)
