"""Every contract file is whole and coherent: the example is a valid envelope that its own schema accepts."""

from pathlib import Path

import pytest

from msgkit import Envelope
from svckit.contracts import all_contracts, contracts_dir

CONTRACTS = all_contracts(Path(__file__).parent)


def test_there_are_contracts():
    assert len(CONTRACTS) >= 2


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.event_type)
def test_the_example_is_a_valid_envelope_accepted_by_the_schema(contract):
    envelope = Envelope.from_dict(contract.example)
    assert envelope.event_type == contract.event_type
    contract.validate_payload(envelope.payload)
    assert set(contract.schema["required"]) <= set(envelope.payload)


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.event_type)
def test_each_event_has_its_description(contract):
    producer, rest = contract.event_type.split(".", 1)
    description = contracts_dir(Path(__file__).parent) / producer / f"{rest}.md"
    assert description.read_text().startswith(f"# `{contract.event_type}`")
