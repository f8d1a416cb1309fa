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
