import pytest

from msgkit.backoff import Backoff
from msgkit.consumer import Consumer
from msgkit.topology import HandlerQueues, exchange_name, subscribe


def on_user_registered(envelope):
    pass


def test_each_handler_gets_its_queue_its_retry_queues_and_its_dead_letter_queue():
    queues = HandlerQueues.of("organizations", "on_user_registered", [1000, 10000])
    assert queues.main == "organizations.on_user_registered"
    assert queues.retries == (("organizations.on_user_registered.retry.1000ms", 1000),
                              ("organizations.on_user_registered.retry.10000ms", 10000))
    assert queues.dead == "organizations.on_user_registered.dlq"


def test_a_subscription_is_named_after_its_handler_and_checks_its_event_types():
    assert subscribe(on_user_registered, "identity.user.registered.v1").name == "on_user_registered"
    assert exchange_name("identity") == "identity.events"
    with pytest.raises(ValueError):
        subscribe(on_user_registered, "not-an-event")
    with pytest.raises(ValueError):
        subscribe(on_user_registered)


def test_the_consumer_uses_heartbeats_of_fifteen_seconds_and_a_prefetch_of_one_hundred():
    consumer = Consumer(amqp_url="amqp://guest:guest@localhost:5672/%2F", consumer="c",
                        subscriptions=[subscribe(on_user_registered, "identity.user.registered.v1")])
    assert consumer._parameters.heartbeat == 15
    assert consumer.prefetch == 100


def test_backoff_grows_to_its_cap_and_starts_over_after_a_reset():
    backoff = Backoff(initial=1, maximum=8, jitter=0)
    assert [backoff.next() for _ in range(6)] == [1, 2, 4, 8, 8, 8]
    backoff.reset()
    assert backoff.next() == 1


def test_backoff_jitter_stays_within_its_bounds():
    backoff = Backoff(initial=10, maximum=10, jitter=0.2)
    assert all(8 <= backoff.next() <= 12 for _ in range(100))
