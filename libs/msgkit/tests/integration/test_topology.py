"""The queues of a consuming service against the real broker: how many, where a retry goes, dead
letters per handler in the shared dead-letter queue, and the queues an earlier version declared."""

import time

import pika
import pytest
from msgkit_it import declare_pre_issue_16_queues, effect_counts, effect_handler, event, unique_name

from msgkit import Consumer, Envelope, TopologyConflict, declare_consumer_topology, subscribe
from msgkit.dead_letters import list_dead_letters, replay_dead_letters
from msgkit.testing import (
    blocking_channel,
    isolated_vhost,
    queue_depth,
    queue_names,
    wait_until,
)
from msgkit.topology import DELIVERY_LIMIT, exchange_name


def publish(amqp_url, envelope, headers=None):
    with blocking_channel(amqp_url) as channel:
        channel.confirm_delivery()
        channel.basic_publish(exchange_name(envelope.producer), envelope.event_type, envelope.to_json().encode(),
                              pika.BasicProperties(message_id=envelope.message_id, type=envelope.event_type,
                                                   delivery_mode=2, headers=headers))


def declare(amqp_url, name, subscriptions, delays, migrate=False):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        return declare_consumer_topology(connection, name, subscriptions, delays, migrate=migrate)
    finally:
        connection.close()


def noop(envelope):
    pass


def test_a_service_has_one_queue_per_handler_and_one_set_of_retry_and_dead_letter_queues(rabbitmq_root_url):
    with isolated_vhost(rabbitmq_root_url, prefix="test-msgkit-count") as url:
        subscriptions = [subscribe(noop, "p.thing.happened.v1", name=f"on_{n}") for n in range(6)]
        declared = declare(url, "c", subscriptions, (1000, 10000, 60000))
        # 6 handlers: 6 queues, plus 3 retry queues and 1 dead-letter queue for the whole service
        # (the earlier layout had 5 per handler, 30), plus the producer's unrouted queue.
        assert queue_names(url) == sorted([*(f"c.on_{n}" for n in range(6)), "c.retry.1000ms", "c.retry.10000ms",
                                           "c.retry.60000ms", "c.all.dlq", "p.unrouted"])
        assert declared.created == {f"c.on_{n}": ("p.thing.happened.v1",) for n in range(6)}
        assert declared.changes == []
        # Declaring again is a no-op, and reports nothing new.
        again = declare(url, "c", subscriptions, (1000, 10000, 60000))
        assert again.created == {} and again.changes == []


def test_a_retry_comes_back_to_its_own_handler_only(engine, amqp_url, running):
    producer, name = unique_name("p"), unique_name("c")
    calls = {"on_a": 0, "on_b": 0}
    record_a = effect_handler(engine, "on_a")

    def on_a(envelope):
        calls["on_a"] += 1
        if calls["on_a"] == 1:
            raise RuntimeError("fails once")
        record_a(envelope)

    def on_b(envelope):
        calls["on_b"] += 1

    # Both handlers read the same event: a retry keyed by anything but A's queue would reach B again.
    event_type = f"{producer}.thing.happened.v1"
    consumer = running(Consumer(amqp_url=amqp_url, consumer=name, retry_delays_ms=(200, 400), max_backoff=0.5,
                                subscriptions=[subscribe(on_a, event_type), subscribe(on_b, event_type)]))
    wait_until(lambda: consumer.connected)
    publish(amqp_url, event(producer, 1))
    wait_until(lambda: effect_counts(engine, "on_a") == {1: 1}, message="A handled it on its retry")
    time.sleep(0.6)  # longer than the delays: a stray copy would have come back by now
    assert calls == {"on_a": 2, "on_b": 1}
    assert queue_depth(amqp_url, f"{name}.all.dlq") == 0


def test_dead_letters_are_listed_and_replayed_per_handler_in_the_shared_queue(engine, amqp_url, running):
    producer, name = unique_name("p"), unique_name("c")
    broken = {"on_a": True, "on_b": True}
    effects = {handler: effect_handler(engine, handler) for handler in broken}

    def failing(handler):
        def handle(envelope):
            if broken[handler]:
                raise LookupError(f"{handler} has a bug")
            effects[handler](envelope)
        handle.__name__ = handler
        return handle

    subscriptions = [subscribe(failing("on_a"), f"{producer}.a.happened.v1"),
                     subscribe(failing("on_b"), f"{producer}.b.happened.v1")]
    consumer = running(Consumer(amqp_url=amqp_url, consumer=name, retry_delays_ms=(50,), max_backoff=0.5,
                                subscriptions=subscriptions))
    wait_until(lambda: consumer.connected)
    sent: dict[str, list[str]] = {"on_a": [], "on_b": []}
    for n in range(3):  # interleaved in the dead-letter queue: a, b, a, b, a, b
        for kind in ("a", "b"):
            envelope = Envelope(event_type=f"{producer}.{kind}.happened.v1", producer=producer, aggregate_id=f"{n}",
                                aggregate_version=1, payload={"n": n})
            sent[f"on_{kind}"].append(envelope.message_id)
            publish(amqp_url, envelope)
            expected = len(sent["on_a"]) + len(sent["on_b"])
            wait_until(lambda expected=expected: queue_depth(amqp_url, f"{name}.all.dlq") == expected)

    everything = list_dead_letters(amqp_url, name)
    assert [(d.handler, d.reason, d.attempts) for d in everything] == [("on_a", "failed", 2), ("on_b", "failed", 2)] * 3
    of_a = list_dead_letters(amqp_url, name, "on_a")
    assert sorted(d.message_id for d in of_a) == sorted(sent["on_a"])
    assert all("LookupError: on_a has a bug" in d.error for d in of_a)
    of_b = list_dead_letters(amqp_url, name, "on_b", limit=2)
    assert len(of_b) == 2 and {d.message_id for d in of_b} < set(sent["on_b"])

    broken["on_a"] = False
    assert replay_dead_letters(amqp_url, name, "on_a") == 3
    wait_until(lambda: effect_counts(engine, "on_a") == {0: 1, 1: 1, 2: 1})
    # B's letters are still there, and B never saw A's replay
    # (in some order: RabbitMQ does not promise that messages returned by a closing channel keep theirs)
    assert sorted(d.message_id for d in list_dead_letters(amqp_url, name)) == sorted(sent["on_b"])
    assert effect_counts(engine, "on_b") == {}
    assert queue_depth(amqp_url, f"{name}.all.dlq") == 3


def test_a_message_over_the_delivery_limit_is_listed_with_what_the_broker_says(amqp_url):
    producer, name = unique_name("p"), unique_name("c")
    declare(amqp_url, name, [subscribe(noop, f"{producer}.thing.happened.v1", name="on_thing")], (100,))
    envelope = event(producer, 1)
    publish(amqp_url, envelope)
    # A consumer that dies holding the message, again and again: each death returns it to the queue.
    for _ in range(DELIVERY_LIMIT + 1):
        with blocking_channel(amqp_url) as channel:
            method, _, _ = channel.basic_get(queue=f"{name}.on_thing", auto_ack=False)
            assert method is not None
            channel.basic_nack(method.delivery_tag, requeue=True)
    wait_until(lambda: queue_depth(amqp_url, f"{name}.all.dlq") == 1)
    [letter] = list_dead_letters(amqp_url, name, "on_thing")
    assert (letter.message_id, letter.handler, letter.reason, letter.attempts) == (envelope.message_id, "on_thing",
                                                                                   "delivery-limit", 0)
    assert f"delivered more than {DELIVERY_LIMIT} times without an ack" in letter.error


# -- queues of the earlier layout -----------------------------------------------------------------


def old_layout_with_messages(amqp_url, name, producer, delays):
    """One handler's queues as declared before issue 16, holding what a running system leaves in them."""
    event_type = f"{producer}.thing.happened.v1"
    main = f"{name}.on_thing"
    with blocking_channel(amqp_url) as channel:
        declare_pre_issue_16_queues(channel, name, "on_thing", (event_type,), delays)
    waiting = [event(producer, n) for n in range(3)]
    for envelope in waiting:
        publish(amqp_url, envelope)
    failed, poison, retrying = event(producer, 10), event(producer, 11), event(producer, 12)
    with blocking_channel(amqp_url) as channel:
        channel.confirm_delivery()
        # a handler failure dead-lettered by the earlier consumer, and poison it rejected (the broker dead-letters it)
        channel.basic_publish("", f"{main}.dlq", failed.to_json().encode(), pika.BasicProperties(
            message_id=failed.message_id, type=failed.event_type, delivery_mode=2,
            headers={"x-attempt": 3, "x-original-queue": main, "x-last-error": "ValueError: old bug"}))
        channel.basic_publish("", main, b"{not json", pika.BasicProperties(message_id=poison.message_id, delivery_mode=2))
        channel.basic_publish("", f"{main}.retry.{delays[-1]}ms", retrying.to_json().encode(),
                              pika.BasicProperties(message_id=retrying.message_id, delivery_mode=2,
                                                   headers={"x-attempt": 1}))
    # Take the poison (the last message of the queue) and reject it, as the earlier consumer did.
    with blocking_channel(amqp_url) as channel:
        taken = [channel.basic_get(queue=main, auto_ack=False) for _ in range(4)]
        for method, _, body in taken:
            if body == b"{not json":
                channel.basic_reject(method.delivery_tag, requeue=False)
    wait_until(lambda: queue_depth(amqp_url, main) == 3 and queue_depth(amqp_url, f"{main}.dlq") == 2)
    return waiting, failed, poison


def test_a_consumer_meeting_queues_of_the_earlier_layout_says_what_to_do_and_changes_nothing(amqp_url):
    producer, name = unique_name("p"), unique_name("c")
    old_layout_with_messages(amqp_url, name, producer, (100, 60000))
    with pytest.raises(TopologyConflict, match=f"run '{name} declare-topology' once"):
        declare(amqp_url, name, [subscribe(noop, f"{producer}.thing.happened.v1", name="on_thing")], (100, 60000))
    assert queue_depth(amqp_url, f"{name}.on_thing") == 3
    assert queue_depth(amqp_url, f"{name}.on_thing.dlq") == 2


def test_declare_topology_replaces_queues_of_the_earlier_layout_and_keeps_every_message(engine, amqp_url, running):
    producer, name = unique_name("p"), unique_name("c")
    delays = (100, 60000)
    waiting, failed, poison = old_layout_with_messages(amqp_url, name, producer, delays)
    subscriptions = [subscribe(effect_handler(engine, "on_thing"), f"{producer}.thing.happened.v1", name="on_thing")]
    main = f"{name}.on_thing"

    declared = declare(amqp_url, name, subscriptions, delays, migrate=True)
    assert declared.created == {}  # the queue existed: its consumer missed nothing
    assert declared.changes == [
        f"{main}.retry.100ms: empty, deleted",
        f"{main}.retry.60000ms: 1 message(s) moved to {main}.moving (retried now rather than after their delay), "
        "deleted",
        f"{main}: declared again with this version's arguments, its 3 message(s) kept (moved through {main}.moving)",
        f"{name}.on_thing.dlq: 2 dead letter(s) moved to {name}.all.dlq, deleted",
    ]
    assert {f"{main}.dlq", f"{main}.retry.100ms", f"{main}.retry.60000ms", f"{main}.moving"}.isdisjoint(
        queue_names(amqp_url))
    assert queue_depth(amqp_url, main) == 4  # the three waiting and the one that was waiting for its retry
    letters = {letter.message_id: letter for letter in list_dead_letters(amqp_url, name, "on_thing")}
    assert (letters[failed.message_id].reason, letters[failed.message_id].error) == ("failed", "ValueError: old bug")
    assert letters[poison.message_id].reason == "rejected"  # the broker's word, from x-death

    # The new consumer starts on the replaced queue, and what waited is handled.
    consumer = running(Consumer(amqp_url=amqp_url, consumer=name, subscriptions=subscriptions,
                                retry_delays_ms=delays, max_backoff=0.5))
    wait_until(lambda: consumer.connected)
    wait_until(lambda: effect_counts(engine, "on_thing") == {0: 1, 1: 1, 2: 1, 12: 1})
    # An event published now reaches the queue through its bindings, declared again.
    publish(amqp_url, event(producer, 5))
    wait_until(lambda: effect_counts(engine, "on_thing") == {0: 1, 1: 1, 2: 1, 12: 1, 5: 1})


def test_declare_topology_leaves_a_queue_an_earlier_consumer_still_reads(amqp_url):
    producer, name = unique_name("p"), unique_name("c")
    old_layout_with_messages(amqp_url, name, producer, (100, 60000))
    subscriptions = [subscribe(noop, f"{producer}.thing.happened.v1", name="on_thing")]
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        old_consumer = connection.channel()
        old_consumer.basic_qos(prefetch_count=1)
        old_consumer.basic_consume(queue=f"{name}.on_thing", on_message_callback=lambda *_: None)
        with pytest.raises(TopologyConflict, match="1 consumer.s. still read it"):
            declare(amqp_url, name, subscriptions, (100, 60000), migrate=True)
    finally:
        connection.close()
    wait_until(lambda: queue_depth(amqp_url, f"{name}.on_thing") == 3, message="nothing taken from the old queue")
    assert f"{name}.on_thing.moving" not in queue_names(amqp_url)


def test_declare_topology_finishes_a_replacement_that_stopped_half_way(amqp_url):
    producer, name = unique_name("p"), unique_name("c")
    subscriptions = [subscribe(noop, f"{producer}.thing.happened.v1", name="on_thing")]
    declare(amqp_url, name, subscriptions, (100,))
    stranded = event(producer, 1)
    with blocking_channel(amqp_url) as channel:  # what a run killed after the holding queue got messages leaves
        channel.queue_declare(queue=f"{name}.on_thing.moving", durable=True, arguments={"x-queue-type": "quorum"})
        channel.confirm_delivery()
        channel.basic_publish("", f"{name}.on_thing.moving", stranded.to_json().encode(),
                              pika.BasicProperties(message_id=stranded.message_id, delivery_mode=2))
    declared = declare(amqp_url, name, subscriptions, (100,), migrate=True)
    assert declared.changes == [f"{name}.on_thing.moving: left by an interrupted run; 1 message(s) moved to "
                                f"{name}.on_thing, deleted"]
    assert queue_depth(amqp_url, f"{name}.on_thing") == 1
    assert f"{name}.on_thing.moving" not in queue_names(amqp_url)


def test_a_consumer_waits_on_the_earlier_layout_and_starts_once_declare_topology_replaced_it(engine, amqp_url,
                                                                                              running, caplog):
    producer, name = unique_name("p"), unique_name("c")
    delays = (100, 60000)
    old_layout_with_messages(amqp_url, name, producer, delays)
    subscriptions = [subscribe(effect_handler(engine, "on_thing"), f"{producer}.thing.happened.v1", name="on_thing")]
    consumer = running(Consumer(amqp_url=amqp_url, consumer=name, subscriptions=subscriptions, retry_delays_ms=delays,
                                max_backoff=0.5))
    wait_until(lambda: "cannot declare the queues" in caplog.text, message="the consumer said why it waits")
    assert not consumer.connected and effect_counts(engine, "on_thing") == {}
    # What an operator does: with the consumers of the earlier version stopped, declare-topology once.
    declare(amqp_url, name, subscriptions, delays, migrate=True)
    wait_until(lambda: effect_counts(engine, "on_thing") == {0: 1, 1: 1, 2: 1, 12: 1}, timeout=30)
    assert consumer.connected
