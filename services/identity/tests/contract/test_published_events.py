"""What identity publishes follows its contracts (contracts/events/identity/)."""

from datetime import datetime, timezone
from pathlib import Path
from uuid import uuid4

import pytest

from identity.domain.events import (
    EmailVerificationRequested,
    EmailVerified,
    GarLinked,
    OrgaTermsAccepted,
    PasswordResetRequested,
    UserRegistered,
)
from identity.integration_events import to_integration
from svckit.contracts import load_contract
from svckit.uow import envelope_for

NOW = datetime(2026, 11, 23, 9, 15, 2, 120000, tzinfo=timezone.utc)
USER = uuid4()

REQUEST = uuid4()

EVENTS = [
    UserRegistered(USER, "lou@example.org", "Lou", "Apprenant", "fr", NOW, 1),
    UserRegistered(USER, None, "Chloé", "Cœur-de-Roy", "fr", NOW, 1, "chloe.coeurderoy1402"),  # a pupil's username
    UserRegistered(USER, None, "Zoë", "Öztürk", "fr", NOW, 1),  # a pupil's GAR account
    OrgaTermsAccepted(USER, NOW, 2),
    EmailVerified(USER, "lou@example.org", NOW, 3),
    GarLinked(USER, "0751234A", NOW, 2),
]
REQUESTS = [
    PasswordResetRequested(REQUEST, "lou@example.org", None, "learner", NOW),
    EmailVerificationRequested(REQUEST, USER, "en", "orga", NOW),
]


@pytest.mark.parametrize("domain_event", EVENTS, ids=lambda e: f"{type(e).__name__}-{getattr(e, 'username', '')}-"
                                                                 f"{getattr(e, 'email', '')}")
def test_the_published_event_matches_its_contract(domain_event):
    envelope = envelope_for("identity", to_integration(domain_event))
    contract = load_contract(envelope.event_type, Path(__file__).parent)
    contract.validate_payload(envelope.payload)
    assert set(envelope.payload) == set(contract.example["payload"])
    assert envelope.aggregate_id == str(USER) and envelope.aggregate_version == domain_event.version


@pytest.mark.parametrize("domain_event", REQUESTS, ids=lambda e: type(e).__name__)
def test_a_mail_request_is_published_as_its_contract_says_and_the_request_is_its_aggregate(domain_event):
    envelope = envelope_for("identity", to_integration(domain_event))
    contract = load_contract(envelope.event_type, Path(__file__).parent)
    contract.validate_payload(envelope.payload)
    assert set(envelope.payload) == set(contract.example["payload"])
    assert (envelope.aggregate_id, envelope.aggregate_version) == (str(REQUEST), 1)


@pytest.mark.parametrize("domain_event", [*EVENTS, *REQUESTS], ids=lambda e: type(e).__name__)
def test_no_secret_ever_leaves_identity(domain_event):
    envelope = envelope_for("identity", to_integration(domain_event))
    assert not {"password", "password_hash", "roles", "token", "token_hash"} & set(envelope.payload)


def test_a_registration_without_email_or_username_breaks_the_contract_when_they_are_malformed():
    import jsonschema

    contract = load_contract("identity.user.registered.v1", Path(__file__).parent)
    payload = envelope_for("identity", to_integration(EVENTS[1])).payload
    assert payload["email"] is None and payload["username"] == "chloe.coeurderoy1402"
    for broken in ({"username": "chloe@coeurderoy"}, {"username": ""}, {"email": "not an address"}):
        with pytest.raises(jsonschema.ValidationError):
            contract.validate_payload({**payload, **broken})
    older = {name: value for name, value in payload.items() if name != "username"}  # before issue 19
    contract.validate_payload({**older, "email": "lou@example.org"})
