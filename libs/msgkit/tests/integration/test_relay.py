"""The relay against the real broker: confirms, outages, unroutable events, two replicas."""

import time

import pytest
from msgkit_it import event, unique_name, unpublished, write_events
from sqlalchemy import text

from msgkit import OutboxRelay, add_to_outbox
from msgkit.envelope import Envelope
from msgkit.testing import blocking_channel, get_messages, wait_until
from msgkit.topology import declare_exchange, exchange_name, unrouted_name


def bind_queue(amqp_url: str, producer: str, name: str = "observer") -> str:
    """A plain queue bound to every event of the producer, to see what was published."""
    queue = f"{producer}.{name}"
    with blocking_channel(amqp_url) as channel:
        declare_exchange(channel, producer)
        channel.queue_declare(queue=queue, durable=True, arguments={"x-queue-type": "quorum"})
        channel.queue_bind(queue=queue, exchange=exchange_name(producer), routing_key="#")
    return queue


def received(amqp_url: str, queue: str, into: list[Envelope]) -> list[Envelope]:
    into.extend(Envelope.from_json(body) for _, body in get_messages(amqp_url, queue))
    return into


def make_relay(engine, amqp_url, producer, **options):
    from msgkit_it import outbox

    return OutboxRelay(engine=engine, outbox=outbox, amqp_url=amqp_url, producer=producer, idle_interval=0.05, **options)


def test_committed_rows_are_published_with_their_envelope_and_marked_after_the_confirm(engine, amqp_url, running):
    producer = unique_name("p")
    queue = bind_queue(amqp_url, producer)
    sent = write_events(engine, producer, 25)
    running(make_relay(engine, amqp_url, producer))

    wait_until(lambda: unpublished(engine) == 0, message="all rows marked published")
    got = wait_until(lambda: len(received(amqp_url, queue, got_so_far)) == 25 and got_so_far, message="25 messages")
    assert sorted(e.message_id for e in got) == sorted(e.message_id for e in sent)
    assert {e.payload["n"] for e in got} == set(range(25))


got_so_far: list = []


@pytest.fixture(autouse=True)
def _reset_received():
    got_so_far.clear()


def test_properties_carry_the_message_id_the_type_and_the_correlation_id(engine, amqp_url, running):
    producer = unique_name("p")
    queue = bind_queue(amqp_url, producer)
    envelope = Envelope(event_type=f"{producer}.thing.happened.v1", producer=producer, aggregate_id="a",
                        aggregate_version=3, payload={"n": 1}, correlation_id="corr-42")
    from msgkit_it import outbox

    with engine.begin() as connection:
        add_to_outbox(connection, outbox, envelope)
    running(make_relay(engine, amqp_url, producer))
    wait_until(lambda: unpublished(engine) == 0)
    [(properties, _)] = wait_until(lambda: get_messages(amqp_url, queue))
    assert properties.message_id == envelope.message_id
    assert properties.type == envelope.event_type
    assert properties.correlation_id == "corr-42"
    assert properties.headers["x-correlation-id"] == "corr-42"
    assert properties.delivery_mode == 2


def test_events_written_while_the_broker_is_unreachable_are_all_published_once_it_is_back(engine, amqp_url, proxy, running):
    producer = unique_name("p")
    queue = bind_queue(amqp_url, producer)
    relay = running(make_relay(engine, proxy.url(amqp_url), producer, max_backoff=0.5))
    wait_until(lambda: relay.connected)

    proxy.cut()
    wait_until(lambda: not relay.connected, message="the relay saw the broker go")
    sent = write_events(engine, producer, 300)
    assert unpublished(engine) == 300  # nothing can leave while the broker is away

    proxy.restore()
    wait_until(lambda: unpublished(engine) == 0, timeout=30, message="the backlog published")
    got = wait_until(lambda: len(received(amqp_url, queue, got_so_far)) >= 300 and got_so_far)
    assert {e.message_id for e in got} == {e.message_id for e in sent}


def test_a_broker_cut_in_the_middle_of_publishing_loses_nothing(engine, amqp_url, proxy, running):
    producer = unique_name("p")
    queue = bind_queue(amqp_url, producer)
    sent = write_events(engine, producer, 5000)
    relay = running(make_relay(engine, proxy.url(amqp_url), producer, batch_size=200, max_backoff=0.5))

    wait_until(lambda: unpublished(engine) < 4500, message="publishing under way")
    proxy.cut()
    proxy.restore()
    wait_until(lambda: unpublished(engine) == 0, timeout=60, message="everything published in the end")
    assert relay.connected
    got = wait_until(lambda: len(received(amqp_url, queue, got_so_far)) >= 5000 and got_so_far, timeout=30)
    # At least once: every event arrived; a batch whose confirms were lost may come twice.
    assert {e.message_id for e in got} == {e.message_id for e in sent}


def test_two_relays_at_once_publish_every_row_exactly_once(engine, amqp_url, running):
    producer = unique_name("p")
    queue = bind_queue(amqp_url, producer)
    sent = write_events(engine, producer, 4000)
    running(make_relay(engine, amqp_url, producer, batch_size=100))
    running(make_relay(engine, amqp_url, producer, batch_size=100))

    wait_until(lambda: unpublished(engine) == 0, timeout=60)
    got = wait_until(lambda: len(received(amqp_url, queue, got_so_far)) >= 4000 and got_so_far, timeout=30)
    ids = [e.message_id for e in got]
    assert len(ids) == len(set(ids)) == 4000  # SKIP LOCKED: no row taken by both
    assert set(ids) == {e.message_id for e in sent}


def test_an_event_nobody_subscribes_to_is_kept_in_the_unrouted_queue(engine, amqp_url, running):
    producer = unique_name("p")
    [envelope] = write_events(engine, producer, 1)
    running(make_relay(engine, amqp_url, producer))
    wait_until(lambda: unpublished(engine) == 0)
    [(properties, _)] = wait_until(lambda: get_messages(amqp_url, unrouted_name(producer)))
    assert properties.message_id == envelope.message_id


def test_a_message_the_broker_returns_stays_in_the_outbox_for_a_later_attempt(engine, amqp_url, running):
    producer = unique_name("p")
    # A topology broken on purpose: the exchange exists without its alternate exchange's
    # queue, so the mandatory publish is returned.
    with blocking_channel(amqp_url) as channel:
        declare_exchange(channel, producer)
        channel.queue_delete(unrouted_name(producer))
    from msgkit_it import outbox

    with engine.begin() as connection:
        add_to_outbox(connection, outbox, event(producer, 1))
    relay = make_relay(engine, amqp_url, producer)
    relay._declare_topology = lambda: True  # keep the broken topology as it is
    running(relay)

    def attempted():
        with engine.connect() as connection:
            return connection.execute(text("SELECT attempts, last_error, published_at FROM outbox")).one()

    row = wait_until(lambda: attempted().attempts >= 1 and attempted())
    assert row.published_at is None
    assert row.last_error.startswith("UNROUTABLE")


def test_a_consumer_that_subscribes_later_gets_the_events_replayed_with_their_own_ids(engine, amqp_url, running):
    from msgkit_it import outbox

    from msgkit import replay_outbox

    producer = unique_name("p")
    early = bind_queue(amqp_url, producer)
    sent = write_events(engine, producer, 5)
    running(make_relay(engine, amqp_url, producer))
    wait_until(lambda: unpublished(engine) == 0, message="first publication")
    late = bind_queue(amqp_url, producer, "late")  # a consumer that did not exist then
    with engine.begin() as connection:
        assert replay_outbox(connection, outbox, [sent[0].event_type]) >= 5
    wait_until(lambda: unpublished(engine) == 0, message="the replay")
    again = wait_until(lambda: len(get_messages(amqp_url, late, ack=False)) >= 5 and get_messages(amqp_url, late))
    assert {p.message_id for p, _ in again} >= {e.message_id for e in sent}
    twice = wait_until(lambda: len(get_messages(amqp_url, early, ack=False)) >= 10 and get_messages(amqp_url, early))
    ids = [p.message_id for p, _ in twice]
    assert all(ids.count(e.message_id) == 2 for e in sent)  # the early consumer skips them by message id


def test_a_relay_and_a_consumer_reconnect_within_seconds_of_the_broker_return(engine, amqp_url, proxy, running):
    """With the default back-off: a long cut must not make the processes wait as long again once it ends."""
    from msgkit import Consumer, subscribe

    producer = unique_name("p")
    relay = running(make_relay(engine, proxy.url(amqp_url), producer))
    consumer = running(Consumer(amqp_url=proxy.url(amqp_url), consumer=unique_name("c"),
                                subscriptions=[subscribe(lambda envelope: None, f"{producer}.thing.happened.v1",
                                                         name="on_thing")]))
    wait_until(lambda: relay.connected and consumer.connected)

    proxy.cut()
    wait_until(lambda: not relay.connected and not consumer.connected, message="both saw the broker go")
    time.sleep(8)  # long enough for a back-off capped high to have grown past the cut
    proxy.restore()
    restored = time.monotonic()
    back = {}
    while time.monotonic() - restored < 20 and len(back) < 2:
        for name, worker in (("relay", relay), ("consumer", consumer)):
            if worker.connected and name not in back:
                back[name] = round(time.monotonic() - restored, 2)
        time.sleep(0.05)
    print(f"reconnected after the restore, in seconds: {back}")
    assert back.keys() == {"relay", "consumer"}, back
    assert max(back.values()) <= 3.0, back


def test_a_batch_waiting_for_slow_confirms_outlives_the_database_idle_bound(engine, amqp_url, running):
    """The batch's transaction holds its rows locked, idle, while the confirms come: its idle bound is set
    well above the confirm wait, whatever the process's own. When the two were equal (30 s), slow confirms
    had the session ended under the relay, the rows unmarked, and the whole batch published again."""
    from sqlalchemy import create_engine

    producer = unique_name("p")
    queue = bind_queue(amqp_url, producer)
    sent = write_events(engine, producer, 5)
    strict = create_engine(engine.url.render_as_string(hide_password=False),
                           connect_args={"options": "-c idle_in_transaction_session_timeout=200"})
    relay = make_relay(strict, amqp_url, producer, confirm_timeout=2.0)
    on_confirm = relay._on_confirm

    def late(frame):  # the broker's confirms, as the relay sees them from a slow broker: 0.6 s late
        relay._connection.ioloop.call_later(0.6, lambda: on_confirm(frame))

    relay._on_confirm = late
    try:
        running(relay)
        wait_until(lambda: unpublished(engine) == 0, timeout=15, message="every row marked published")
        time.sleep(1.0)  # a second publication of the batch would show now
        got = received(amqp_url, queue, got_so_far)
        assert sorted(e.message_id for e in got) == sorted(e.message_id for e in sent)  # each once
    finally:
        relay.stop()
        strict.dispose()


def listening_sessions(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'"
        )).scalar_one()


def publication_delays(engine) -> list[float]:
    with engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT extract(epoch FROM published_at - created_at) FROM outbox WHERE published_at > now() - interval '1 minute'"
        )).scalars())


def test_rows_committed_while_the_relay_waits_are_published_at_once_not_at_its_next_poll(engine, amqp_url, running):
    """The outbox's trigger notifies the relay's channel at commit: with a poll every 5 s, rows written while the
    relay waits still go out well within a second (by the poll alone, each of five rounds would have a one in
    five chance of it)."""
    producer = unique_name("p")
    bind_queue(amqp_url, producer)
    relay = make_relay(engine, amqp_url, producer)
    relay.idle_interval = 5.0
    running(relay)
    wait_until(lambda: relay.connected and unpublished(engine) == 0 and listening_sessions(engine) == 1,
               message="the relay connected, listening, nothing left to publish")
    time.sleep(0.2)
    with engine.begin() as connection:
        connection.execute(text("UPDATE outbox SET published_at = published_at - interval '1 hour'"))
    for round_ in range(5):
        write_events(engine, producer, 4, start=4 * round_)
        wait_until(lambda: unpublished(engine) == 0, timeout=8, message="rows published")
        time.sleep(0.3)
    delays = publication_delays(engine)
    assert len(delays) == 20
    assert max(delays) < 1.0, delays


def test_a_relay_that_loses_its_listening_session_polls_then_listens_again(engine, amqp_url, running):
    producer = unique_name("p")
    bind_queue(amqp_url, producer)
    relay = make_relay(engine, amqp_url, producer)
    relay.idle_interval = 0.3
    running(relay)
    wait_until(lambda: relay.connected and listening_sessions(engine) == 1, message="the relay listening")
    with engine.connect() as connection:  # the session cut under the relay, as a database restart would
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND query LIKE 'LISTEN %'"))
    write_events(engine, producer, 3)
    wait_until(lambda: unpublished(engine) == 0, message="rows published by the poll meanwhile")
    wait_until(lambda: relay._listener is not None and listening_sessions(engine) == 1,
               message="the relay listening again after its next poll")
    relay.idle_interval = 5.0
    time.sleep(0.5)  # the poll scheduled before the change comes, then the next is 5 s away
    with engine.begin() as connection:
        connection.execute(text("UPDATE outbox SET published_at = published_at - interval '1 hour'"))
    write_events(engine, producer, 3, start=3)
    wait_until(lambda: unpublished(engine) == 0, timeout=8, message="rows published")
    assert max(publication_delays(engine)) < 1.0  # on the notification, not at the poll


def test_a_relay_without_the_wake_up_finds_rows_by_polling(engine, amqp_url, running):
    producer = unique_name("p")
    bind_queue(amqp_url, producer)
    relay = make_relay(engine, amqp_url, producer, wake_delay=None)
    running(relay)
    wait_until(lambda: relay.connected, message="the relay connected")
    assert listening_sessions(engine) == 0
    write_events(engine, producer, 3)
    wait_until(lambda: unpublished(engine) == 0, message="rows published by the poll")
