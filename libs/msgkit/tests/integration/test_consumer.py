"""The consumer loop against the real broker: duplicates, kills, poison, retries, outages, SIGTERM."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pika
import pytest
from msgkit_it import effect_counts, effect_handler, event, started, unique_name
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from msgkit import Consumer, Envelope, subscribe
from msgkit.testing import blocking_channel, get_messages, queue_consumers, queue_depth, wait_until
from msgkit.topology import declare_exchange, exchange_name

HERE = Path(__file__).parent


def publish(amqp_url: str, envelope, body: bytes | None = None) -> None:
    with blocking_channel(amqp_url) as channel:
        declare_exchange(channel, envelope.producer)
        channel.confirm_delivery()
        channel.basic_publish(exchange_name(envelope.producer), envelope.event_type,
                              body if body is not None else envelope.to_json().encode(),
                              pika.BasicProperties(message_id=envelope.message_id, delivery_mode=2))


@pytest.fixture(autouse=True, params=["one", "batch"])
def path(request, monkeypatch):
    """Every test against both paths: one message at a time, and batches (``batch`` > 1) whose batch handler
    applies each message with the test's handler, so that a failing message fails its batch and the consumer
    falls back to one by one (the batch's shared transaction has its own tests, in test_consumer_batches)."""
    monkeypatch.setitem(PATH, "batch", request.param == "batch")
    return request.param


PATH = {"batch": False}


def each(handler):
    def batch_handler(envelopes):
        for envelope in envelopes:
            handler(envelope)
    return batch_handler


def make_consumer(amqp_url, name, producer, handler, **options):
    options.setdefault("retry_delays_ms", (100, 200))
    if PATH["batch"]:
        options.setdefault("batch", 10)
    batch_handler = each(handler) if PATH["batch"] else None
    return Consumer(amqp_url=amqp_url, consumer=name, subscriptions=[subscribe(
        handler, f"{producer}.thing.happened.v1", batch_handler=batch_handler)], max_backoff=0.5, **options)


def test_a_message_delivered_twice_has_one_effect(engine, amqp_url, running):
    producer, name = unique_name("p"), unique_name("c")
    consumer = running(make_consumer(amqp_url, name, producer, effect_handler(engine, "on_thing")))
    wait_until(lambda: consumer.connected)
    envelope = event(producer, 7)
    publish(amqp_url, envelope)
    publish(amqp_url, envelope)  # the relay may publish twice: same message id
    publish(amqp_url, event(producer, 8))
    wait_until(lambda: effect_counts(engine, "on_thing") == {7: 1, 8: 1})
    time.sleep(0.3)  # leave time for a wrong second effect to show
    assert effect_counts(engine, "on_thing") == {7: 1, 8: 1}


def test_a_poison_message_goes_to_the_dead_letter_queue_and_the_consumer_keeps_going(engine, amqp_url, running):
    producer, name = unique_name("p"), unique_name("c")
    consumer = running(make_consumer(amqp_url, name, producer, effect_handler(engine, "on_thing")))
    wait_until(lambda: consumer.connected)
    publish(amqp_url, event(producer, 1), body=b"{this is not json")
    publish(amqp_url, event(producer, 2))
    wait_until(lambda: effect_counts(engine, "on_thing") == {2: 1}, message="the next message handled")
    [(_, body)] = wait_until(lambda: get_messages(amqp_url, f"{name}.all.dlq"))
    assert body == b"{this is not json"
    assert consumer.connected


def test_a_failing_handler_is_retried_with_a_delay_then_dead_lettered_with_its_error(engine, amqp_url, running):
    producer, name = unique_name("p"), unique_name("c")
    attempts: list[float] = []

    def on_thing(envelope):
        attempts.append(time.monotonic())
        raise ValueError("the handler cannot do it")

    consumer = running(make_consumer(amqp_url, name, producer, on_thing, retry_delays_ms=(300, 600)))
    wait_until(lambda: consumer.connected)
    envelope = event(producer, 1)
    publish(amqp_url, envelope)
    [(properties, _)] = wait_until(lambda: get_messages(amqp_url, f"{name}.all.dlq"), timeout=20)
    # A batch that fails is handled again one by one: on that path each delivery is tried twice.
    attempts = attempts[1::2] if PATH["batch"] else attempts
    assert len(attempts) == 3  # the first try and one per delay
    assert attempts[1] - attempts[0] >= 0.25 and attempts[2] - attempts[1] >= 0.5
    assert properties.message_id == envelope.message_id
    assert properties.headers["x-attempt"] == 3
    assert "ValueError: the handler cannot do it" in properties.headers["x-last-error"]


def test_a_handler_that_fails_once_succeeds_on_retry_with_one_effect(engine, amqp_url, running):
    producer, name = unique_name("p"), unique_name("c")
    failures = {"left": 1}

    def flaky(envelope):
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("flaky")

    handler = effect_handler(engine, "on_thing")

    def on_thing(envelope):
        flaky(envelope)
        handler(envelope)

    consumer = running(make_consumer(amqp_url, name, producer, on_thing))
    wait_until(lambda: consumer.connected)
    publish(amqp_url, event(producer, 5))
    wait_until(lambda: effect_counts(engine, "on_thing") == {5: 1})
    assert queue_depth(amqp_url, f"{name}.all.dlq") == 0


def test_a_database_outage_does_not_spend_the_message_retries(engine, amqp_url, running):
    producer, name = unique_name("p"), unique_name("c")
    outage = {"calls": 0}
    handler = effect_handler(engine, "on_thing")
    ready_checks: list[bool] = []

    def on_thing(envelope):
        outage["calls"] += 1
        if outage["calls"] <= 5:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        handler(envelope)

    consumer = running(make_consumer(amqp_url, name, producer, on_thing, retry_delays_ms=(50,),
                                     ready_check=lambda: ready_checks.append(True) or True))
    wait_until(lambda: consumer.connected)
    publish(amqp_url, event(producer, 3))
    wait_until(lambda: effect_counts(engine, "on_thing") == {3: 1}, timeout=30)
    assert outage["calls"] == 6
    assert len(ready_checks) == 5  # it waited for the database after each failure
    assert queue_depth(amqp_url, f"{name}.all.dlq") == 0  # five failures, yet not dead-lettered


def test_the_consumer_reconnects_after_losing_the_broker(engine, amqp_url, proxy, running):
    producer, name = unique_name("p"), unique_name("c")
    consumer = running(make_consumer(proxy.url(amqp_url), name, producer, effect_handler(engine, "on_thing")))
    wait_until(lambda: consumer.connected)
    publish(amqp_url, event(producer, 1))
    wait_until(lambda: effect_counts(engine, "on_thing") == {1: 1})

    proxy.cut()
    wait_until(lambda: not consumer.connected)
    publish(amqp_url, event(producer, 2))  # produced while the consumer is cut off
    proxy.restore()
    wait_until(lambda: effect_counts(engine, "on_thing") == {1: 1, 2: 1}, timeout=30)
    assert consumer.connected


def start_consumer_process(database_url, amqp_url, name, producer, slow_seconds, tmp_path):
    log = open(tmp_path / f"{name}.log", "ab")
    return subprocess.Popen([sys.executable, str(HERE / "consumer_process.py"), database_url, amqp_url, name, producer,
                             str(slow_seconds), "10" if PATH["batch"] else "1"], stdout=log, stderr=subprocess.STDOUT)


def started_count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(started)).scalar_one()


def test_a_consumer_killed_in_the_middle_of_a_message_loses_nothing(engine, amqp_url, tmp_path):
    producer, name = unique_name("p"), unique_name("c")
    url = engine.url.render_as_string(hide_password=False)
    first = start_consumer_process(url, amqp_url, name, producer, 30, tmp_path)
    try:
        wait_until(lambda: queue_consumers(amqp_url, f"{name}.on_thing") == 1, message="the consumer subscribed")
        publish(amqp_url, event(producer, 1, slow=True))
        for n in range(2, 12):
            publish(amqp_url, event(producer, n))
        wait_until(lambda: started_count(engine) == 1, message="the slow message in hand")
        first.kill()  # SIGKILL: no goodbye, no ack
        first.wait(10)
    finally:
        first.kill()
    assert effect_counts(engine, "on_thing") == {}  # its transaction died with it

    second = start_consumer_process(url, amqp_url, name, producer, 0, tmp_path)
    try:
        wait_until(lambda: effect_counts(engine, "on_thing") == {n: 1 for n in range(1, 12)}, timeout=30)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)


def test_sigterm_finishes_the_message_in_hand_then_exits(engine, amqp_url, tmp_path):
    producer, name = unique_name("p"), unique_name("c")
    url = engine.url.render_as_string(hide_password=False)
    process = start_consumer_process(url, amqp_url, name, producer, 2, tmp_path)
    try:
        wait_until(lambda: queue_consumers(amqp_url, f"{name}.on_thing") == 1, message="the consumer subscribed")
        publish(amqp_url, event(producer, 1, slow=True))
        for n in range(2, 6):
            publish(amqp_url, event(producer, n))
        wait_until(lambda: started_count(engine) == 1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0
    finally:
        process.kill()
    assert effect_counts(engine, "on_thing") == {1: 1}  # finished and committed, nothing more started
    # ...and acked: the message in hand is not waiting to be delivered again, the others are.
    assert queue_depth(amqp_url, f"{name}.on_thing") == 4


def test_dead_letters_can_be_listed_then_replayed_once_the_cause_is_fixed(engine, amqp_url, running):
    from msgkit.dead_letters import list_dead_letters, replay_dead_letters

    producer, name = unique_name("p"), unique_name("c")
    broken = {"yes": True}
    handler = effect_handler(engine, "on_thing")

    def on_thing(envelope):
        if broken["yes"]:
            raise LookupError("a bug, fixed since")
        handler(envelope)

    consumer = running(make_consumer(amqp_url, name, producer, on_thing, retry_delays_ms=(50,)))
    wait_until(lambda: consumer.connected)
    for n in (1, 2):
        publish(amqp_url, event(producer, n))
    wait_until(lambda: queue_depth(amqp_url, f"{name}.all.dlq") == 2)
    letters = list_dead_letters(amqp_url, name, "on_thing")
    assert [(d.handler, d.reason, d.attempts) for d in letters] == [("on_thing", "failed", 2)] * 2
    assert all("LookupError: a bug, fixed since" in d.error for d in letters)
    assert queue_depth(amqp_url, f"{name}.all.dlq") == 2  # listing takes nothing away

    broken["yes"] = False
    assert replay_dead_letters(amqp_url, name, "on_thing") == 2
    wait_until(lambda: effect_counts(engine, "on_thing") == {1: 1, 2: 1})
    assert queue_depth(amqp_url, f"{name}.all.dlq") == 0


def test_a_poison_message_reaches_the_dead_letter_queue_with_its_error(engine, amqp_url, running):
    from msgkit import MalformedMessage
    from msgkit.dead_letters import list_dead_letters

    producer, name = unique_name("p"), unique_name("c")
    handler = effect_handler(engine, "on_thing")

    def on_thing(envelope):
        if envelope.payload["n"] == 2:
            raise MalformedMessage("thing.happened payload is unreadable: {'n': ['Not a valid string.']}")
        handler(envelope)

    consumer = running(make_consumer(amqp_url, name, producer, on_thing))
    wait_until(lambda: consumer.connected)
    unreadable, breaks_schema = event(producer, 1), event(producer, 2)
    publish(amqp_url, unreadable, body=b"{this is not json")
    publish(amqp_url, breaks_schema)
    publish(amqp_url, event(producer, 3))
    wait_until(lambda: effect_counts(engine, "on_thing") == {3: 1}, message="the next message handled")
    letters = wait_until(lambda: (found := list_dead_letters(amqp_url, name, "on_thing")) and len(found) == 2
                         and found)
    by_id = {letter.message_id: letter for letter in letters}
    assert by_id[unreadable.message_id].reason == by_id[breaks_schema.message_id].reason == "unreadable"
    assert by_id[unreadable.message_id].handler == by_id[breaks_schema.message_id].handler == "on_thing"
    assert "the body is not JSON" in by_id[unreadable.message_id].error
    assert "Not a valid string" in by_id[breaks_schema.message_id].error


def publish_with_headers(amqp_url: str, envelope, headers: dict, *, queue: str | None = None) -> None:
    """Publish as a foreign or broken publisher might: to the producer's exchange, or straight into ``queue``."""
    with blocking_channel(amqp_url) as channel:
        declare_exchange(channel, envelope.producer)
        channel.confirm_delivery()
        channel.basic_publish("" if queue else exchange_name(envelope.producer), queue or envelope.event_type,
                              envelope.to_json().encode(),
                              pika.BasicProperties(message_id=envelope.message_id, type=envelope.event_type,
                                                   delivery_mode=2, headers=headers))


def test_bad_bookkeeping_in_a_message_neither_kills_the_consumer_nor_the_dead_letter_listing(engine, amqp_url,
                                                                                             running):
    """An ``x-attempt`` that is not a count (text, negative) is read as 0: the message gets its retries, and the
    consumer goes on; an ``occurred_at`` without a zone (the envelope accepts it) does not kill it either."""
    from msgkit.dead_letters import list_dead_letters

    producer, name = unique_name("p"), unique_name("c")
    on_thing = effect_handler(engine, "on_thing", fail_when=lambda envelope: envelope.payload["n"] == 1)
    consumer = running(make_consumer(amqp_url, name, producer, on_thing, retry_delays_ms=(50,)))
    wait_until(lambda: consumer.connected)
    failing = event(producer, 1)
    publish_with_headers(amqp_url, failing, {"x-attempt": "not-a-number"})
    publish_with_headers(amqp_url, event(producer, 2), {"x-attempt": -5})
    naive = Envelope(event_type=failing.event_type, producer=producer, aggregate_id="thing-3", aggregate_version=1,
                     payload={"n": 3}, occurred_at="2026-01-01T00:00:00")
    publish(amqp_url, naive)
    publish(amqp_url, event(producer, 4))
    wait_until(lambda: effect_counts(engine, "on_thing") == {2: 1, 3: 1, 4: 1}, timeout=20,
               message="every readable message handled")
    # The failing one went through its retries (from 0) to the dead-letter queue, with a clean count.
    [letter] = wait_until(lambda: list_dead_letters(amqp_url, name, "on_thing"))
    assert (letter.message_id, letter.reason, letter.attempts) == (failing.message_id, "failed", 2)
    assert consumer.connected

    # A dead letter whose bookkeeping is broken is still listed.
    broken = event(producer, 5)
    publish_with_headers(amqp_url, broken, {"x-attempt": "garbage", "x-original-queue": f"{name}.on_thing",
                                            "x-death": "not a list"}, queue=f"{name}.all.dlq")
    listed = wait_until(lambda: (found := list_dead_letters(amqp_url, name)) and len(found) == 2 and found)
    letters = {letter.message_id: letter for letter in listed}
    assert (letters[broken.message_id].handler, letters[broken.message_id].attempts) == ("on_thing", 0)


@pytest.mark.parametrize("overrun", ["statement_timeout", "idle_in_transaction_session_timeout"])
def test_a_handler_cut_by_a_time_bound_of_its_database_is_retried_not_taken_for_an_outage(engine, amqp_url, running,
                                                                                          overrun):
    """PostgreSQL cancelling a slow statement (QueryCanceled) or ending a transaction left idle is the handler's
    failure, with a database that is up: the message goes through its retries to the dead-letter queue. Taken for
    an outage, it came back for ever without spending a retry (with its prefetched batch, at each reconnection)."""
    producer, name = unique_name("p"), unique_name("c")
    bounded = create_engine(engine.url.render_as_string(hide_password=False), connect_args={
        "options": "-c statement_timeout=200 -c idle_in_transaction_session_timeout=200"})
    calls, ready_checks = [], []

    def on_thing(envelope):
        calls.append(envelope.message_id)
        with bounded.begin() as connection:
            if overrun == "statement_timeout":
                connection.execute(text("SELECT pg_sleep(1)"))
            else:
                connection.execute(text("SELECT 1"))
                time.sleep(0.6)  # outside work (a mail sent) with the transaction open
                connection.execute(text("SELECT 1"))

    consumer = running(make_consumer(amqp_url, name, producer, on_thing, retry_delays_ms=(50, 50),
                                     ready_check=lambda: ready_checks.append(True) or True))
    wait_until(lambda: consumer.connected)
    publish(amqp_url, event(producer, 1))
    try:
        [(properties, _)] = wait_until(lambda: get_messages(amqp_url, f"{name}.all.dlq"), timeout=20,
                                       message="the message dead-lettered after its retries")
    finally:
        bounded.dispose()
    assert len(calls) == 3 * (2 if PATH["batch"] else 1) and properties.headers["x-attempt"] == 3
    assert ready_checks == []  # never taken for the database being down
    assert consumer.connected
