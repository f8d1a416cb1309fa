"""A broker too slow to finish the AMQP handshake is a broker to wait for, not a reason to die."""

import pika
import pytest
from pika.adapters.utils.connection_workflow import AMQPConnectorStackTimeout
from sqlalchemy import MetaData

from msgkit import outbox_table
from msgkit.consumer import Consumer
from msgkit.relay import OutboxRelay
from msgkit.topology import subscribe


def on_user_registered(envelope):
    pass


@pytest.fixture
def handshake_times_out(monkeypatch):
    attempts = []

    def slow(parameters):
        attempts.append(parameters)
        raise AMQPConnectorStackTimeout("Timeout during AMQP handshake")

    monkeypatch.setattr(pika, "BlockingConnection", slow)
    return attempts


def test_the_relay_retries_when_the_handshake_times_out(handshake_times_out):
    relay = OutboxRelay(engine=None, outbox=outbox_table(MetaData()), amqp_url="amqp://guest:guest@localhost/%2F",
                        producer="identity")
    assert relay._declare_topology() is False  # the caller backs off and tries again
    assert len(handshake_times_out) == 1


def test_the_consumer_retries_when_the_handshake_times_out(handshake_times_out, monkeypatch):
    consumer = Consumer(amqp_url="amqp://guest:guest@localhost/%2F", consumer="c",
                        subscriptions=[subscribe(on_user_registered, "identity.user.registered.v1")])
    monkeypatch.setattr("msgkit.consumer.sleep_unless", lambda _stopping, _delay: consumer.stop())
    consumer.run()  # returns after one failed attempt and its back-off, instead of raising
    assert len(handshake_times_out) == 1
