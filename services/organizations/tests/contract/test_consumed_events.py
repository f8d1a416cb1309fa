"""organizations reads the events it consumes as their contracts show them, unknown fields ignored."""

from pathlib import Path

from msgkit import Envelope
from organizations.entrypoints.consumers.schemas import UserRegisteredSchema
from svckit.consumers import read_payload
from svckit.contracts import load_contract


def test_it_reads_the_user_registered_example_even_with_fields_added_later():
    example = load_contract("identity.user.registered.v1", Path(__file__).parent).example
    example["payload"]["favourite_colour"] = "blue"  # an optional field added by identity one day
    data = read_payload(UserRegisteredSchema(), Envelope.from_dict(example))
    assert str(data["user_id"]) == example["payload"]["user_id"]
    assert data["email"] == "lou.apprenant@example.org"
    assert "favourite_colour" not in data


def test_it_reads_an_account_without_an_email_address_a_pupils_username_or_gar_account():
    contract = load_contract("identity.user.registered.v1", Path(__file__).parent)
    for username in ("chloe.coeurderoy1402", None):
        example = contract.example
        example["payload"] |= {"email": None, "username": username}
        contract.validate_payload(example["payload"])
        data = read_payload(UserRegisteredSchema(), Envelope.from_dict(example))
        assert data["email"] is None and data["username"] == username


def test_it_reads_a_registration_published_before_usernames_existed():
    example = load_contract("identity.user.registered.v1", Path(__file__).parent).example
    del example["payload"]["username"]
    assert read_payload(UserRegisteredSchema(), Envelope.from_dict(example))["username"] is None


def test_it_reads_the_orga_terms_and_its_own_invitation_examples():
    from organizations.entrypoints.consumers.schemas import (
        EmailVerifiedSchema,
        GarLinkedSchema,
        InvitationIssuedSchema,
        OrgaTermsAcceptedSchema,
    )

    for event_type, schema in (("identity.user.orga_terms_accepted.v1", OrgaTermsAcceptedSchema),
                               ("identity.user.email_verified.v1", EmailVerifiedSchema),
                               ("identity.user.gar_linked.v1", GarLinkedSchema),
                               ("organizations.invitation.issued.v1", InvitationIssuedSchema)):
        example = load_contract(event_type, Path(__file__).parent).example
        assert read_payload(schema(), Envelope.from_dict(example))
