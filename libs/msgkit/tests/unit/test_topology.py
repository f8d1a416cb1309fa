import datetime

import pika
import pytest

from msgkit.backoff import Backoff, reconnect_backoff
from msgkit.consumer import Consumer
from msgkit.dead_letters import describe
from msgkit.topology import ConsumerQueues, attempts_of, exchange_name, subscribe


def on_user_registered(envelope):
    pass


def test_each_handler_gets_its_queue_and_the_service_one_retry_queue_per_delay_and_one_dead_letter_queue():
    queues = ConsumerQueues.of("organizations", [1000, 10000])
    assert queues.main("on_user_registered") == "organizations.on_user_registered"
    assert queues.retries == (("organizations.retry.1000ms", 1000), ("organizations.retry.10000ms", 10000))
    assert queues.dead == "organizations.all.dlq"


def test_the_handler_of_a_queue_is_read_from_its_name_and_plumbing_queues_have_none():
    queues = ConsumerQueues.of("organizations", [1000])
    assert queues.handler_of("organizations.on_user_registered") == "on_user_registered"
    for other in ("organizations.retry.1000ms", "organizations.all.dlq", "identity.on_user_registered", None, ""):
        assert queues.handler_of(other) is None


def test_a_handler_name_has_no_dot_so_that_it_never_collides_with_the_plumbing_queues():
    with pytest.raises(ValueError, match="no dot"):
        subscribe(on_user_registered, "identity.user.registered.v1", name="retry.1000ms")


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


def test_reconnecting_waits_at_most_two_and_a_quarter_seconds_however_long_the_outage():
    backoff = reconnect_backoff()
    delays = [backoff.next() for _ in range(200)]
    assert delays[0] <= 0.375  # the first attempt comes quickly (a node restart: another node answers)
    assert all(0.75 <= delay <= 2.25 for delay in delays[4:])
    assert len({round(delay, 3) for delay in delays[4:]}) > 100  # jittered: replicas do not knock together


def test_the_relay_and_the_consumer_reconnect_with_that_back_off_by_default():
    from msgkit.relay import OutboxRelay

    consumer = Consumer(amqp_url="amqp://guest:guest@localhost:5672/%2F", consumer="c",
                        subscriptions=[subscribe(on_user_registered, "identity.user.registered.v1")])
    relay = OutboxRelay(engine=None, outbox=None, amqp_url="amqp://guest:guest@localhost:5672/%2F", producer="p")
    for backoff in (consumer._backoff, relay._backoff, relay._db_backoff):
        assert (backoff.initial, backoff.maximum, backoff.jitter) == (0.25, 1.5, 0.5)


QUEUES = ConsumerQueues.of("organizations", [1000])


def properties(**headers):
    return pika.BasicProperties(message_id="m-1", type="identity.user.registered.v1", headers=headers)


def test_a_dead_letter_says_whose_it_is_and_why():
    failed = describe(properties(**{"x-attempt": 4, "x-original-queue": "organizations.on_user_registered",
                                    "x-dead-letter-reason": "failed", "x-last-error": "KeyError: 'x'"}), QUEUES)
    assert (failed.handler, failed.reason, failed.attempts, failed.error) == (
        "on_user_registered", "failed", 4, "KeyError: 'x'")
    unreadable = describe(properties(**{"x-attempt": 0, "x-original-queue": "organizations.on_user_registered",
                                        "x-dead-letter-reason": "unreadable",
                                        "x-last-error": "MalformedMessage: the body is not JSON"}), QUEUES)
    assert (unreadable.reason, unreadable.error) == ("unreadable", "MalformedMessage: the body is not JSON")


def test_a_dead_letter_of_the_broker_is_described_from_x_death():
    death = {"count": 1, "reason": "delivery_limit", "queue": "organizations.on_user_registered", "exchange": "",
             "time": datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)}
    over_limit = describe(properties(**{"x-death": [death]}), QUEUES)
    assert (over_limit.handler, over_limit.reason) == ("on_user_registered", "delivery-limit")
    assert over_limit.error.startswith("delivered more than 20 times without an ack")
    # a retry's expiry is not a dead-lettering: the consumer's copy to the dead-letter queue decides
    expired = {**death, "reason": "expired", "queue": "organizations.retry.1000ms"}
    failed = describe(properties(**{"x-death": [expired], "x-original-queue": "organizations.on_user_registered",
                                    "x-last-error": "KeyError: 'x'", "x-attempt": 2}), QUEUES)
    assert (failed.handler, failed.reason) == ("on_user_registered", "failed")


@pytest.mark.parametrize(("headers", "attempts"), [
    (None, 0), ({}, 0), ({"x-attempt": 2}, 2), ({"x-attempt": "3"}, 3), ({"x-attempt": b"4"}, 4),
    ({"x-attempt": "not-a-number"}, 0), ({"x-attempt": -5}, 0), ({"x-attempt": 1.5}, 0), ({"x-attempt": True}, 0),
    ({"x-attempt": None}, 0), ({"x-attempt": {"a": 1}}, 0),
])
def test_an_attempt_count_that_is_not_one_reads_as_zero(headers, attempts):
    assert attempts_of(headers) == attempts


def test_a_backoff_made_without_figures_is_the_processes_own():
    plain, processes = Backoff(), reconnect_backoff()
    assert (plain.initial, plain.maximum, plain.factor, plain.jitter) == (
        processes.initial, processes.maximum, processes.factor, processes.jitter) == (0.25, 1.5, 2.0, 0.5)
