"""Batches of messages in one transaction (``Consumer(batch=...)`` with a ``batch_handler``): a failing message
isolated, a crash between the commit and the acks, the order of versions within and across batches."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pika
from msgkit_it import effect_batch_handler, effect_counts, effect_handler, event, inbox, latest_of, unique_name
from sqlalchemy import func, select

from msgkit import Consumer, Envelope, subscribe
from msgkit.amqp import blocking_channel
from msgkit.testing import get_messages, queue_consumers, queue_depth, wait_until
from msgkit.topology import declare_consumer_topology, declare_exchange, exchange_name

HERE = Path(__file__).parent


def publish_all(amqp_url: str, envelopes: list[Envelope]) -> None:
    with blocking_channel(amqp_url) as channel:
        declare_exchange(channel, envelopes[0].producer)
        channel.confirm_delivery()
        for envelope in envelopes:
            channel.basic_publish(exchange_name(envelope.producer), envelope.event_type, envelope.to_json().encode(),
                                  pika.BasicProperties(message_id=envelope.message_id, delivery_mode=2))


def declare(amqp_url: str, name: str, subscription, retry_delays_ms=(50,)) -> None:
    """The queues before anything is published, so that a whole backlog waits for the consumer's first batch."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        declare_consumer_topology(connection, name, [subscription], retry_delays_ms)
    finally:
        connection.close()


def batch_consumer(amqp_url, name, producer, engine, *, batch=10, **handler_options):
    one = effect_handler(engine, "on_thing", fail_when=handler_options.get("fail_when", lambda envelope: False))
    subscription = subscribe(one, f"{producer}.thing.happened.v1",
                             batch_handler=effect_batch_handler(engine, "on_thing", **handler_options))
    declare(amqp_url, name, subscription)
    return Consumer(amqp_url=amqp_url, consumer=name, subscriptions=[subscription], retry_delays_ms=(50,),
                    max_backoff=0.5, batch=batch)


def test_a_failing_message_in_a_batch_is_retried_then_dead_lettered_alone_and_the_others_applied_once(
        engine, amqp_url, running):
    producer, name = unique_name("p"), unique_name("c")
    batches: list[int] = []
    consumer = batch_consumer(amqp_url, name, producer, engine, batches=batches,
                              fail_when=lambda envelope: envelope.payload["n"] == 4)
    poison = event(producer, 4)
    publish_all(amqp_url, [event(producer, n) for n in range(4)] + [poison] + [event(producer, n) for n in range(5, 30)])
    running(consumer)
    wait_until(lambda: effect_counts(engine, "on_thing") == {n: 1 for n in range(30) if n != 4}, timeout=20,
               message="every other message applied once")
    [(properties, _)] = wait_until(lambda: get_messages(amqp_url, f"{name}.all.dlq"), timeout=20,
                                   message="the failing message dead-lettered")
    assert properties.message_id == poison.message_id
    assert properties.headers["x-attempt"] == 2 and properties.headers["x-dead-letter-reason"] == "failed"
    assert "RuntimeError: handler refuses 4" in properties.headers["x-last-error"]
    assert max(batches) > 1, batches  # the messages did come in batches
    assert effect_counts(engine, "on_thing") == {n: 1 for n in range(30) if n != 4}  # its effect never committed
    assert queue_depth(amqp_url, f"{name}.on_thing") == 0 and consumer.connected


def test_an_unreadable_body_never_enters_a_batch(engine, amqp_url, running):
    producer, name = unique_name("p"), unique_name("c")
    batches: list[int] = []
    consumer = batch_consumer(amqp_url, name, producer, engine, batches=batches)
    envelopes = [event(producer, n) for n in range(6)]
    publish_all(amqp_url, envelopes[:3])
    with blocking_channel(amqp_url) as channel:
        channel.confirm_delivery()
        channel.basic_publish(exchange_name(producer), f"{producer}.thing.happened.v1", b"{not json",
                              pika.BasicProperties(message_id="bad", delivery_mode=2))
    publish_all(amqp_url, envelopes[3:])
    running(consumer)
    wait_until(lambda: effect_counts(engine, "on_thing") == {n: 1 for n in range(6)}, timeout=20)
    [(properties, body)] = wait_until(lambda: get_messages(amqp_url, f"{name}.all.dlq"), timeout=20)
    assert body == b"{not json" and properties.headers["x-dead-letter-reason"] == "unreadable"
    assert sum(batches) == 6  # the readable ones, in batches that did not fail


def test_versions_keep_their_order_within_and_across_batches(engine, amqp_url, running):
    """One aggregate's versions delivered in order are applied in that order, batch after batch; a stale
    version (an older event published late) changes nothing, in whichever batch it comes."""
    producer, name = unique_name("p"), unique_name("c")
    batches: list[int] = []
    applied: list[int] = []
    consumer = batch_consumer(amqp_url, name, producer, engine, batch=7, batches=batches, applied=applied)
    thing = unique_name("thing")
    ordered = [Envelope(event_type=f"{producer}.thing.happened.v1", producer=producer, aggregate_id=thing,
                        aggregate_version=version, payload={"n": version}) for version in range(1, 41)]
    stale = Envelope(event_type=f"{producer}.thing.happened.v1", producer=producer, aggregate_id=thing,
                     aggregate_version=20, payload={"n": 1000})
    publish_all(amqp_url, [*ordered[:25], stale, *ordered[25:]])
    running(consumer)
    wait_until(lambda: len(applied) == 41, timeout=20)
    assert applied == [*range(1, 26), 1000, *range(26, 41)]  # delivery order, batch after batch
    assert len(batches) > 1 and max(batches) > 1, batches
    assert latest_of(engine, thing) == (40, 40)  # the stale version changed nothing


def test_a_crash_between_the_commit_and_the_acks_redelivers_the_batch_and_the_inbox_skips_it(engine, amqp_url,
                                                                                             tmp_path):
    producer, name = unique_name("p"), unique_name("c")
    url = engine.url.render_as_string(hide_password=False)
    envelopes = [event(producer, n) for n in range(20)]
    declare(amqp_url, name, subscribe(lambda envelope: None, f"{producer}.thing.happened.v1", name="on_thing"), (100,))
    publish_all(amqp_url, envelopes)

    def start(**env):
        log = open(tmp_path / f"{name}.log", "ab")
        return subprocess.Popen([sys.executable, str(HERE / "consumer_process.py"), url, amqp_url, name, producer, "0",
                                 "10"], env={**os.environ, "SHARED_TRANSACTION": "1", **env}, stdout=log,
                                stderr=subprocess.STDOUT)

    first = start(DIE_AFTER_COMMIT="1")
    try:
        assert first.wait(30) == 9  # died right after its first batch's commit
    finally:
        first.kill()
    committed = effect_counts(engine, "on_thing")
    assert committed and all(count == 1 for count in committed.values())
    assert queue_depth(amqp_url, f"{name}.on_thing") == 20  # nothing was acked: all of them come back

    second = start()
    try:
        wait_until(lambda: queue_consumers(amqp_url, f"{name}.on_thing") == 1)
        wait_until(lambda: queue_depth(amqp_url, f"{name}.on_thing") == 0, timeout=30)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)
    assert effect_counts(engine, "on_thing") == {n: 1 for n in range(20)}  # the redelivered batch: no second effect
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(inbox)).scalar_one() == 20
