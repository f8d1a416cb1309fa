"""reporting reads every event it consumes as its contract shows it, unknown fields ignored."""

from pathlib import Path

import pytest

from msgkit import Envelope
from reporting.entrypoints.consumers.schemas import SCHEMAS
from reporting.service_layer.projections import PROJECTIONS
from svckit.consumers import read_payload
from svckit.contracts import load_contract

CONSUMED = [(event_type, p.handler) for p in PROJECTIONS for event_type in p.event_types]


@pytest.mark.parametrize(("event_type", "handler"), CONSUMED, ids=[c[0] for c in CONSUMED])
def test_it_reads_the_example_even_with_fields_added_later(event_type, handler):
    example = load_contract(event_type, Path(__file__).parent).example
    example["payload"]["favourite_colour"] = "blue"  # an optional field added one day
    assert "favourite_colour" not in read_payload(SCHEMAS[handler](), Envelope.from_dict(example))


def test_every_handler_has_a_schema_and_every_event_one_handler():
    event_types = [event_type for p in PROJECTIONS for event_type in p.event_types]
    assert len(event_types) == len(set(event_types))
    assert {p.handler for p in PROJECTIONS} == set(SCHEMAS)


def test_a_certification_result_is_read_with_every_field_the_projection_keeps():
    from reporting.service_layer.projections import CERTIFICATION_RESULT_FIELDS

    read = read_payload(SCHEMAS["on_certification_result_published"](),
                        Envelope.from_dict(load_contract("certification.results.published.v1",
                                                         Path(__file__).parent).example))
    assert set(CERTIFICATION_RESULT_FIELDS) | {"course_id"} <= set(read)
    assert (read["score"], read["mesh_level"], read["status"]) == (312, 3, "validated")
    assert read["competence_levels"][0] == {"competence_code": "1.1", "level": 3}


def test_a_rejected_result_of_a_candidate_outside_any_school_is_read_too():
    contract = load_contract("certification.results.published.v1", Path(__file__).parent)
    example = contract.example
    example["payload"].update(organization_id=None, uai=None, user_id=None, organization_learner_id=None,
                              division=None, center_type="PRO", status="rejected", reason="FRAUD", score=None,
                              mesh_level=None, competence_levels=[])
    contract.validate_payload(example["payload"])  # what the contract allows, not only its example

    read = read_payload(SCHEMAS["on_certification_result_published"](), Envelope.from_dict(example))

    assert (read["organization_id"], read["organization_learner_id"], read["score"], read["status"]) == (
        None, None, None, "rejected")


def test_an_account_without_an_email_address_is_read_with_its_username():
    contract = load_contract("identity.user.registered.v1", Path(__file__).parent)
    example = contract.example
    example["payload"] |= {"email": None, "username": "chloe.coeurderoy1402", "first_name": "Chloé",
                           "last_name": "Cœur-de-Roy"}
    contract.validate_payload(example["payload"])  # what the contract allows since issue 19
    read = read_payload(SCHEMAS["on_user_registered"](), Envelope.from_dict(example))
    assert (read["first_name"], read["last_name"]) == ("Chloé", "Cœur-de-Roy")
    assert (read["email"], read["username"]) == (None, "chloe.coeurderoy1402")


def test_a_registration_of_before_usernames_is_read_without_one():
    example = load_contract("identity.user.registered.v1", Path(__file__).parent).example
    del example["payload"]["username"]  # absent from the events of before issue 19
    read = read_payload(SCHEMAS["on_user_registered"](), Envelope.from_dict(example))
    assert (read["email"], read["username"]) == ("lou.apprenant@example.org", None)


def test_a_gar_link_is_read_with_the_account_and_its_date():
    contract = load_contract("identity.user.gar_linked.v1", Path(__file__).parent)
    read = read_payload(SCHEMAS["on_gar_linked"](), Envelope.from_dict(contract.example))
    assert (str(read["user_id"]), read["linked_at"].isoformat()) == (
        "5e2f7a91-3c4d-4b8e-9f10-2a3b4c5d6e7f", "2026-12-07T08:02:11.201000+00:00")
