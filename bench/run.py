"""Throughput and latency figures of the foundation, on this machine's real PostgreSQL and RabbitMQ.

    make bench                      # everything
    python bench/run.py relay       # or: consumer, gateway

- relay: events/s from the outbox to a durable quorum queue, publisher confirms on, with the
  relay's window of unconfirmed messages, against a baseline that waits for each confirm.
- consumer: events/s through the consumer loop, each in its own transaction with its inbox
  row and one effect row, prefetch 100 (and prefetch 1 for comparison).
- gateway: the same authenticated request (GET /api/users/me) sent to identity directly and
  through the gateway, sequentially; medians, p95 and their ratio.

Each run uses its own database and vhost, dropped at the end. Figures go to stdout and to
bench/results/<date>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

import pika
import requests
from sqlalchemy import Column, Integer, MetaData, String, Table, Uuid, create_engine, insert, text

from msgkit import Consumer, Envelope, OutboxRelay, claim_message, inbox_table, outbox_table, subscribe
from msgkit.testing import blocking_channel, isolated_vhost, queue_depth, running, wait_until
from msgkit.topology import declare_exchange, exchange_name
from svckit.config import DEFAULT_RABBITMQ_URL
from svckit.testing import ServiceProcess, free_port, fresh_database, service_command

ROOT = Path(__file__).resolve().parent.parent
RABBITMQ_URL = os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)

metadata = MetaData()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
effects = Table("effects", metadata, Column("message_id", Uuid), Column("handler", String(100)), Column("n", Integer))


def envelope(n: int) -> Envelope:
    return Envelope(event_type="bench.thing.happened.v1", producer="bench", aggregate_id=f"thing-{n}",
                    aggregate_version=1, payload={"n": n, "text": "x" * 200})


def fill_outbox(engine, count: int) -> None:
    with engine.begin() as connection:
        for start in range(0, count, 1000):
            connection.execute(insert(outbox), [
                {"message_id": uuid.UUID(e.message_id), "event_type": e.event_type, "aggregate_id": e.aggregate_id,
                 "aggregate_version": 1, "correlation_id": None, "body": e.to_json()}
                for e in map(envelope, range(start, min(start + 1000, count)))
            ])


def unpublished(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar_one()


def bind_sink(amqp_url: str, queue: str) -> None:
    with blocking_channel(amqp_url) as channel:
        declare_exchange(channel, "bench")
        channel.queue_declare(queue=queue, durable=True, arguments={"x-queue-type": "quorum"})
        channel.queue_bind(queue=queue, exchange=exchange_name("bench"), routing_key="#")


def bench_relay(count: int) -> dict:
    with ExitStack() as stack:
        url = stack.enter_context(fresh_database("bench"))
        amqp_url = stack.enter_context(isolated_vhost(RABBITMQ_URL, "bench"))
        engine = create_engine(url)
        metadata.create_all(engine)
        bind_sink(amqp_url, "sink")

        fill_outbox(engine, count)
        relay = OutboxRelay(engine=engine, outbox=outbox, amqp_url=amqp_url, producer="bench", idle_interval=0.01)
        started = time.perf_counter()
        with running(relay):
            wait_until(lambda: unpublished(engine) == 0, timeout=600, interval=0.01)
            windowed = time.perf_counter() - started
        assert queue_depth(amqp_url, "sink") == count

        # Baseline: the same rows, one synchronous confirm per message, each row marked after it.
        with engine.begin() as connection:
            connection.execute(text("UPDATE outbox SET published_at = NULL"))
        baseline_count = min(count, 5000)
        started = time.perf_counter()
        with blocking_channel(amqp_url) as channel, engine.connect() as connection:
            channel.confirm_delivery()
            rows = connection.execute(text("SELECT id, message_id, event_type, body FROM outbox ORDER BY id LIMIT :n"),
                                      {"n": baseline_count}).all()
            for row in rows:
                channel.basic_publish(exchange_name("bench"), row.event_type, row.body.encode(),
                                      pika.BasicProperties(message_id=str(row.message_id), delivery_mode=2), mandatory=True)
                connection.execute(text("UPDATE outbox SET published_at = now() WHERE id = :id"), {"id": row.id})
                connection.commit()
        synchronous = time.perf_counter() - started
        engine.dispose()
    result = {"events": count, "windowed_events_per_s": round(count / windowed),
              "sync_confirm_events": baseline_count, "sync_confirm_events_per_s": round(baseline_count / synchronous)}
    result["speedup"] = round(result["windowed_events_per_s"] / result["sync_confirm_events_per_s"], 1)
    print(f"relay: {result['windowed_events_per_s']:,} events/s with the confirm window "
          f"({count:,} events, batch 500); {result['sync_confirm_events_per_s']:,} events/s waiting for each "
          f"confirm; x{result['speedup']}")
    return result


def bench_consumer(count: int, prefetch: int) -> dict:
    with ExitStack() as stack:
        url = stack.enter_context(fresh_database("bench"))
        amqp_url = stack.enter_context(isolated_vhost(RABBITMQ_URL, "bench"))
        engine = create_engine(url, pool_size=2)
        metadata.create_all(engine)

        def on_thing(message: Envelope) -> None:
            with engine.begin() as connection:
                if claim_message(connection, inbox, "on_thing", message):
                    connection.execute(insert(effects).values(message_id=uuid.UUID(message.message_id),
                                                              handler="on_thing", n=message.payload["n"]))

        consumer = Consumer(amqp_url=amqp_url, consumer="bench", prefetch=prefetch,
                            subscriptions=[subscribe(on_thing, "bench.thing.happened.v1")])
        with running(consumer):  # declares the queue, then stop it to pre-fill
            wait_until(lambda: consumer.connected)
        with blocking_channel(amqp_url) as channel:
            channel.confirm_delivery()
            for n in range(count):
                e = envelope(n)
                channel.basic_publish(exchange_name("bench"), e.event_type, e.to_json().encode(),
                                      pika.BasicProperties(message_id=e.message_id, delivery_mode=2))

        def done() -> bool:
            with engine.connect() as connection:
                return connection.execute(text("SELECT count(*) FROM effects")).scalar_one() == count

        consumer = Consumer(amqp_url=amqp_url, consumer="bench", prefetch=prefetch,
                            subscriptions=[subscribe(on_thing, "bench.thing.happened.v1")])
        logging_off()
        started = time.perf_counter()
        with running(consumer):
            wait_until(done, timeout=600, interval=0.02)
            elapsed = time.perf_counter() - started
        engine.dispose()
    rate = round(count / elapsed)
    print(f"consumer: {rate:,} events/s with prefetch {prefetch} ({count:,} events, one transaction with inbox row "
          "and effect per event)")
    return {"events": count, "prefetch": prefetch, "events_per_s": rate}


def logging_off() -> None:
    # One JSON line per message is the production setting; here it would measure the terminal.
    import logging

    logging.getLogger("msgkit").setLevel(logging.WARNING)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def bench_gateway(requests_count: int) -> dict:
    with ExitStack() as stack:
        url = stack.enter_context(fresh_database("bench"))
        amqp_url = stack.enter_context(isolated_vhost(RABBITMQ_URL, "bench"))
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        env = {"SERVICE_ENV": "test", "DATABASE_URL": url, "RABBITMQ_URL": amqp_url, "LOG_LEVEL": "WARNING"}
        ServiceProcess([*service_command("identity"), "migrate"], env, logs / "migrate.log").start().process.wait(60)
        identity_port, gateway_port = free_port(), free_port()
        identity = ServiceProcess([*service_command("identity"), "api", "--bind", f"127.0.0.1:{identity_port}"],
                                  env, logs / "identity.log", f"http://127.0.0.1:{identity_port}/health/ready")
        gateway = ServiceProcess(
            [*service_command("gateway"), "api", "--bind", f"127.0.0.1:{gateway_port}"],
            {**env, "IDENTITY_URL": f"http://127.0.0.1:{identity_port}", "RATELIMIT_ENABLED": "false",
             "JWKS_URL": f"http://127.0.0.1:{identity_port}/.well-known/jwks.json"},
            logs / "gateway.log", f"http://127.0.0.1:{gateway_port}/health/ready")
        for process in (identity, gateway):
            process.start()
            stack.callback(process.stop)
        identity.wait_ready()
        gateway.wait_ready()
        direct, through = f"http://127.0.0.1:{identity_port}", f"http://127.0.0.1:{gateway_port}"
        session = requests.Session()
        email = f"bench-{uuid.uuid4().hex[:8]}@example.org"
        session.post(f"{direct}/api/users", json={"first_name": "Gaby", "last_name": "Mesure", "email": email,
                                                  "password": "Bench-Pass-2026!", "accepted_terms": True}).raise_for_status()
        token = session.post(f"{direct}/api/token", json={"email": email, "password": "Bench-Pass-2026!"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        def measure(base: str) -> list[float]:
            samples = []
            for _ in range(requests_count):
                started = time.perf_counter()
                response = session.get(f"{base}/api/users/me", headers=headers)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text
            return samples

        measure(direct), measure(through)  # warm both paths (key caches, pools)
        direct_ms, gateway_ms = measure(direct), measure(through)
    result = {
        "requests": requests_count,
        "direct_p50_ms": round(statistics.median(direct_ms), 2), "direct_p95_ms": round(percentile(direct_ms, 0.95), 2),
        "gateway_p50_ms": round(statistics.median(gateway_ms), 2),
        "gateway_p95_ms": round(percentile(gateway_ms, 0.95), 2),
    }
    result["added_p50_ms"] = round(result["gateway_p50_ms"] - result["direct_p50_ms"], 2)
    result["ratio_p50"] = round(result["gateway_p50_ms"] / result["direct_p50_ms"], 2)
    print(f"gateway: GET /api/users/me p50 {result['direct_p50_ms']} ms direct, {result['gateway_p50_ms']} ms through "
          f"the gateway (+{result['added_p50_ms']} ms, x{result['ratio_p50']}); p95 {result['direct_p95_ms']} / "
          f"{result['gateway_p95_ms']} ms ({requests_count} sequential requests each)")
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Choices checked by hand: Python 3.11's argparse refuses an empty nargs="*" list with choices.
    parser.add_argument("what", nargs="*", help="relay, consumer, gateway or all (the default)")
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=1_000)
    args = parser.parse_args(argv)
    args.what = set(args.what or ["all"])
    unknown = args.what - {"relay", "consumer", "gateway", "all"}
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))} (choose from relay, consumer, gateway, all)")
    return args


def main() -> None:
    args = parse_args()
    chosen = args.what
    everything = "all" in chosen
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                     "at": datetime.now(timezone.utc).isoformat()}
    if everything or "relay" in chosen:
        results["relay"] = bench_relay(args.events)
    if everything or "consumer" in chosen:
        results["consumer"] = bench_consumer(args.events // 2, prefetch=100)
        results["consumer_prefetch_1"] = bench_consumer(min(args.events // 4, 5000), prefetch=1)
    if everything or "gateway" in chosen:
        results["gateway"] = bench_gateway(args.requests)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"{datetime.now(timezone.utc):%Y-%m-%dT%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nfigures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    threading.excepthook = lambda args: print(f"thread failed: {args.exc_value!r}", file=sys.stderr)
    main()
