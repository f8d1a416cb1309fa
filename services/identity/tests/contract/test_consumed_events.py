"""identity reads organizations' events as their contracts show them, unknown fields ignored."""

from pathlib import Path

import pytest

from identity.entrypoints.consumers.schemas import (
    EmailVerificationRequestedSchema,
    LearnerAccountSchema,
    MembershipSchema,
    OrganizationArchivedSchema,
    OrganizationCreatedSchema,
    PasswordResetRequestedSchema,
)
from msgkit import Envelope
from svckit.consumers import read_payload
from svckit.contracts import load_contract


@pytest.mark.parametrize("event_type, schema", [
    ("organizations.organization.created.v1", OrganizationCreatedSchema),
    ("organizations.organization.archived.v1", OrganizationArchivedSchema),
    ("organizations.membership.granted.v1", MembershipSchema),
    ("organizations.membership.role_changed.v1", MembershipSchema),
    ("organizations.membership.revoked.v1", MembershipSchema),
    ("organizations.learner.linked.v1", LearnerAccountSchema),
    ("organizations.learner.unlinked.v1", LearnerAccountSchema),
])
def test_identity_reads_the_example_with_an_added_field(event_type, schema):
    example = load_contract(event_type, Path(__file__).parent).example
    example["payload"]["added_later"] = 1
    data = read_payload(schema(), Envelope.from_dict(example))
    assert str(data["organization_id"]) == example["payload"]["organization_id"]
    assert "added_later" not in data


@pytest.mark.parametrize("event_type, schema, who", [
    ("identity.password_reset.requested.v1", PasswordResetRequestedSchema, "email"),
    ("identity.email_verification.requested.v1", EmailVerificationRequestedSchema, "user_id"),
])
def test_identity_reads_its_own_mail_requests_with_an_added_field(event_type, schema, who):
    example = load_contract(event_type, Path(__file__).parent).example
    example["payload"]["added_later"] = 1
    data = read_payload(schema(), Envelope.from_dict(example))
    assert str(data[who]) == example["payload"][who] and data["face"] == example["payload"]["face"]
    assert "added_later" not in data
