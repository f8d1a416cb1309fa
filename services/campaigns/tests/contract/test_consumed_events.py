"""campaigns reads the events it consumes as their contracts show them, unknown fields ignored."""

from pathlib import Path

import pytest

from campaigns.entrypoints.consumers.schemas import (
    AssessmentCompletedSchema,
    ContentReleasedSchema,
    LearnerLinkedSchema,
    LearnersImportedSchema,
    LearnerUnlinkedSchema,
    MembershipChangedSchema,
    OrganizationArchivedSchema,
    OrganizationCreatedSchema,
    OrganizationFeaturesChangedSchema,
    OrgaTermsAcceptedSchema,
)
from msgkit import Envelope
from svckit.consumers import read_payload
from svckit.contracts import load_contract

CONSUMED = [("organizations.organization.created.v1", OrganizationCreatedSchema),
            ("organizations.organization.archived.v1", OrganizationArchivedSchema),
            ("organizations.organization.features_changed.v1", OrganizationFeaturesChangedSchema),
            ("organizations.membership.granted.v1", MembershipChangedSchema),
            ("organizations.membership.role_changed.v1", MembershipChangedSchema),
            ("organizations.membership.revoked.v1", MembershipChangedSchema),
            ("organizations.learner.linked.v1", LearnerLinkedSchema),
            ("organizations.learner.unlinked.v1", LearnerUnlinkedSchema),
            ("organizations.learners.imported.v1", LearnersImportedSchema),
            ("identity.user.orga_terms_accepted.v1", OrgaTermsAcceptedSchema),
            ("assessment.content.released.v1", ContentReleasedSchema),
            ("assessment.assessment.completed.v1", AssessmentCompletedSchema)]


@pytest.mark.parametrize(("event_type", "schema"), CONSUMED, ids=[c[0] for c in CONSUMED])
def test_it_reads_the_example_even_with_fields_added_later(event_type, schema):
    example = load_contract(event_type, Path(__file__).parent).example
    example["payload"]["favourite_colour"] = "blue"  # an optional field added one day
    assert "favourite_colour" not in read_payload(schema(), Envelope.from_dict(example))


def test_fields_added_inside_a_release_are_ignored_too():
    example = load_contract("assessment.content.released.v1", Path(__file__).parent).example
    example["payload"]["skills"][0]["difficulty_hint"] = "new"
    example["payload"]["target_profiles"][0]["tubes"][0]["weight"] = 2
    data = read_payload(ContentReleasedSchema(), Envelope.from_dict(example))
    assert data["skills"][0] == {"id": "recherche1", "tube_id": "recherche", "level": 1}
