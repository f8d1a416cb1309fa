"""What organizations publishes follows its contracts (contracts/events/organizations/)."""

from datetime import date, datetime, timezone
from pathlib import Path
from uuid import uuid4

import pytest

from organizations.domain import events as e
from organizations.integration_events import LEARNER_BATCH, to_integration
from svckit.contracts import load_contract
from svckit.uow import envelope_for

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc)
ORG, USER, MEMBERSHIP = uuid4(), uuid4(), uuid4()


def change(n: int = 0) -> e.LearnerChange:
    return e.LearnerChange(uuid4(), "CREATED", 1, "Zoé", f"Lefèvre{n}", None, date(2011, 4, 2), f"12345678{n:03d}",
                           None, "5B", None, None, False)


EVENTS = [
    e.OrganizationCreated(ORG, "Collège Victor Hugo", "SCO", "0751234A", True, NOW, 1),
    e.OrganizationArchived(ORG, NOW, 4),
    e.OrganizationFeaturesChanged(ORG, True, NOW, 5),
    e.MembershipGranted(MEMBERSHIP, ORG, USER, "ADMIN", NOW, 2),
    e.MembershipRoleChanged(MEMBERSHIP, ORG, USER, "MEMBER", NOW, 3),
    e.MembershipRevoked(MEMBERSHIP, ORG, USER, "LEFT", NOW, 5),
    e.InvitationIssued(uuid4(), ORG, "prof@example.org", "MEMBER", "fr", NOW, 2),
    e.LearnersImported(uuid4(), ORG, NOW, (change(),), 1),
    e.LearnerLinked(uuid4(), ORG, USER, NOW, 2),
    e.LearnerUnlinked(uuid4(), ORG, USER, uuid4(), NOW, 3),
]


@pytest.mark.parametrize("domain_event", EVENTS, ids=lambda event: type(event).__name__)
def test_the_published_event_matches_its_contract(domain_event):
    published = to_integration(domain_event)
    for integration in published if isinstance(published, list) else [published]:
        envelope = envelope_for("organizations", integration)
        contract = load_contract(envelope.event_type, Path(__file__).parent)
        contract.validate_payload(envelope.payload)
        assert set(envelope.payload) == set(contract.example["payload"])
        assert envelope.aggregate_version == domain_event.version


def test_a_large_import_is_published_in_batches_the_broker_handles_well():
    changes = tuple(change(n) for n in range(LEARNER_BATCH * 2 + 1))
    published = to_integration(e.LearnersImported(uuid4(), ORG, NOW, changes, 7))
    assert [(event.payload["batch"], event.payload["batches"], len(event.payload["learners"])) for event in published] \
        == [(1, 3, LEARNER_BATCH), (2, 3, LEARNER_BATCH), (3, 3, 1)]
    contract = load_contract("organizations.learners.imported.v1", Path(__file__).parent)
    for event in published:
        contract.validate_payload(event.payload)
    assert len(envelope_for("organizations", published[0]).to_json()) < 400_000


def test_the_invitation_event_never_carries_the_code():
    published = to_integration(next(event for event in EVENTS if isinstance(event, e.InvitationIssued)))
    assert published.event_type == "organizations.invitation.issued.v1" and "code" not in published.payload
