import json

import pytest

from msgkit.envelope import Envelope, MalformedMessage, producer_of


def an_envelope(**overrides):
    fields = {"event_type": "identity.user.registered.v1", "producer": "identity", "aggregate_id": "u-1",
              "aggregate_version": 1, "payload": {"user_id": "u-1"}}
    return Envelope(**{**fields, **overrides})


def test_an_envelope_round_trips_through_json():
    envelope = an_envelope(correlation_id="c-1", causation_id="m-0")
    assert Envelope.from_json(envelope.to_json().encode()) == envelope


def test_the_envelope_carries_every_field_of_the_design():
    data = json.loads(an_envelope().to_json())
    assert set(data) == {"message_id", "event_type", "occurred_at", "producer", "correlation_id", "causation_id",
                         "aggregate_id", "aggregate_version", "payload"}
    assert data["occurred_at"].endswith("Z")


def test_the_producer_is_the_first_part_of_the_event_type():
    assert producer_of("campaigns.participation.results_shared.v1") == "campaigns"
    with pytest.raises(ValueError):
        an_envelope(producer="organizations")


@pytest.mark.parametrize("event_type", ["identity.user.registered", "Identity.user.registered.v1",
                                        "identity.registered.v1", "identity.user.registered.v0"])
def test_event_types_must_follow_the_naming_rule(event_type):
    with pytest.raises(ValueError):
        producer_of(event_type)


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe", json.dumps({"event_type": "x"}).encode(),
                                  json.dumps({**json.loads(an_envelope().to_json()), "aggregate_version": "two"}).encode(),
                                  json.dumps({**json.loads(an_envelope().to_json()), "message_id": "nope"}).encode(),
                                  json.dumps({**json.loads(an_envelope().to_json()), "payload": [1]}).encode()])
def test_unreadable_bodies_are_malformed_messages(body):
    with pytest.raises(MalformedMessage):
        Envelope.from_json(body)


def test_unknown_envelope_fields_are_ignored():
    data = {**json.loads(an_envelope().to_json()), "added_later": True}
    assert Envelope.from_dict(data).aggregate_id == "u-1"
