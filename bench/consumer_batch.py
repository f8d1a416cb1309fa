"""reporting's consumer on the answers' events, one event per transaction (today's path) beside batches
(the new path), in the same run, on the real broker and the real ``reporting consumer`` process.

    python bench/consumer_batch.py [--events 6000] [--sizes 30,100000] [--runs 3] [--batch 100]
    python bench/consumer_batch.py --quick          # 2,000 events, a class of 30, 1 run

For each campaign size (a class of 30, then a school's 100,000 participations, the table holding twice
as many: ``reporting_export.fill``), each run publishes ``--events`` ``assessment.answer.recorded.v1``
events (as assessment's relay does: persistent, a message id each) spread over the campaign's
participations into ``reporting.on_assessment_progressed`` of a fresh vhost, then starts one
``reporting consumer`` (``CONSUMER_BATCH=1``: today's path; ``CONSUMER_BATCH=<n>``: the batch) and times
it from its first journaled event to the last: events/s per process, and the CPU of the process, of
PostgreSQL and of the broker per event (from /proc). Old and new alternate within a run; each figure is
the median of the runs, printed beside the issue's goal (1,500 events/s per process) with the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

GOAL = 1500.0
QUEUE = "reporting.on_assessment_progressed"
EVENT = "assessment.answer.recorded.v1"
ONE_BY_ONE = "one transaction per event (CONSUMER_BATCH=1)"
SOURCES = ("libs/svckit/src", "libs/msgkit/src", "services/reporting/src")  # the consumer's code, for --old-ref


def participations_of(engine, size: int, now: datetime) -> list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]]:
    """(participation, campaign, user) of a campaign of ``size``: a class of ``size`` when small, else the
    bulk-filled school of ``reporting_export`` (two campaigns of ``size``: the table holds twice as many)."""
    from sqlalchemy import insert, select

    from reporting.adapters import orm

    if size >= 1000:
        from reporting_export import fill

        ids = fill(engine, size, now)
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(
                select(orm.participations.c.id, orm.participations.c.campaign_id, orm.participations.c.user_id)
                .where(orm.participations.c.campaign_id == ids["campaign_id"])).all()]
    organization_id, campaign_id = uuid.uuid4(), uuid.uuid4()
    rows = [{"id": uuid.uuid4(), "version": 1, "campaign_id": campaign_id, "organization_id": organization_id,
             "campaign_type": "ASSESSMENT", "user_id": uuid.uuid4(), "started_at": now - timedelta(hours=1),
             "progress_rate": 0} for _ in range(size)]
    with engine.begin() as connection:
        connection.execute(insert(orm.participations), rows)
    return [(row["id"], campaign_id, row["user_id"]) for row in rows]


def publish_answers(amqp_url: str, participations: list, count: int, now: datetime, seed: int) -> None:
    """``count`` answers' events, each participation's answers in order, interleaved as a class answers."""
    import pika

    from msgkit import Envelope
    from msgkit.amqp import blocking_channel
    from msgkit.topology import exchange_name

    rng = random.Random(seed)
    answered: dict[uuid.UUID, int] = {}
    with blocking_channel(amqp_url) as channel:
        channel.confirm_delivery()
        for n in range(count):
            participation_id, campaign_id, user_id = rng.choice(participations)
            version = answered[participation_id] = answered.get(participation_id, 1) + 1
            envelope = Envelope(event_type=EVENT, producer="assessment", aggregate_id=str(uuid.uuid5(
                uuid.NAMESPACE_URL, str(participation_id))), aggregate_version=version, payload={
                "assessment_id": str(uuid.uuid5(uuid.NAMESPACE_URL, str(participation_id))),
                "participation_id": str(participation_id), "campaign_id": str(campaign_id), "user_id": str(user_id),
                "answered_at": (now + timedelta(milliseconds=n)).isoformat(),
                "progress_rate": round(min(1.0, version / 40), 4)})
            channel.basic_publish(exchange_name("assessment"), EVENT, envelope.to_json().encode(),
                                  pika.BasicProperties(message_id=envelope.message_id, type=EVENT,
                                                       content_type="application/json",
                                                       delivery_mode=pika.DeliveryMode.Persistent))


def drain(env: dict, engine, events: int, logs: Path, label: str) -> dict:
    from capacity import CpuMeter, ms_per, wait_for
    from sqlalchemy import text

    from svckit.testing import ServiceProcess, free_port, service_command

    def consumed() -> int:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM journal WHERE event_type = :t"),
                                      {"t": EVENT}).scalar_one()

    before = consumed()
    port = free_port()
    consumer = ServiceProcess([*service_command("reporting"), "consumer"], {**env, "OPS_PORT": str(port)},
                              logs / f"consumer-{label}.log", f"http://127.0.0.1:{port}/health/ready").start()
    try:
        meter = CpuMeter({"consumer": ((consumer.process.pid,), ()), "broker": ((), ("beam.smp",)),
                          "postgresql": ((), ("postgres",))})
        consumer.wait_ready()
        wait_for(lambda: consumed() > before, timeout=60, interval=0.005, what="the consumer's first event")
        start_count, began = consumed(), time.monotonic()
        meter.start()
        wait_for(lambda: consumed() >= before + events, timeout=1800, interval=0.02, what="the queue drained")
        seconds = time.monotonic() - began
        spent = meter.stop()
    finally:
        consumer.stop()
    measured = before + events - start_count
    return {"events": measured, "seconds": round(seconds, 2), "events_per_s": round(measured / seconds, 1),
            "cpu_ms_per_event": ms_per(spent, measured)}


def bench(sizes: list[int], events: int, runs: int, batch: int, old_ref: str | None = None) -> dict:


    from old_code import old_pythonpath

    # name -> (CONSUMER_BATCH, the code's PYTHONPATH: None for this tree's)
    paths: dict[str, tuple[str, str | None]] = {ONE_BY_ONE: ("1", None)}
    results: dict = {}
    now = datetime.now(timezone.utc)
    with ExitStack() as code:
        if old_ref:
            old = old_pythonpath(old_ref, SOURCES, Path(code.enter_context(tempfile.TemporaryDirectory())))
            paths[f"batches of up to {batch}, the code of {old_ref}"] = (str(batch), old)
        paths[f"batches of up to {batch} (CONSUMER_BATCH={batch})"] = (str(batch), None)
        for size in sizes:
            results[str(size)] = bench_size(size, events, runs, paths, now)
    return results


def bench_size(size: int, events: int, runs: int, paths: dict[str, tuple[str, str | None]], now: datetime) -> dict:
    from reporting_export import fresh_reporting_database
    from sqlalchemy import text

    from msgkit.testing import isolated_vhost, queue_depth
    from svckit.config import DEFAULT_RABBITMQ_URL
    from svckit.testing import ServiceProcess, service_command

    with ExitStack() as stack:
        database, engine = fresh_reporting_database(stack, "bench_consumer")
        began = time.perf_counter()
        participations = participations_of(engine, size, now)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        print(f"campaign of {size:,} participations ({len(participations):,} answering) ready in "
              f"{time.perf_counter() - began:.1f} s")
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        figures: dict[str, list[dict]] = {name: [] for name in paths}
        for run in range(runs):
            for name, (setting, pythonpath) in (paths.items() if run % 2 == 0 else reversed(paths.items())):
                with isolated_vhost(os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL), "bench-consumer") as url:
                    env = {"SERVICE_ENV": "test", "RABBITMQ_URL": url, "LOG_LEVEL": "WARNING",
                           "DATABASE_URL": database, "CONSUMER_BATCH": setting,
                           **({"PYTHONPATH": pythonpath} if pythonpath else {})}
                    topology = ServiceProcess([*service_command("reporting"), "declare-topology"], env,
                                              logs / "topology.log").start()
                    if topology.process.wait(60) != 0:
                        raise RuntimeError(f"declare-topology failed: {topology.log_path.read_text()[-2000:]}")
                    publish_answers(url, participations, events, now + timedelta(hours=run), seed=run)
                    if queue_depth(url, QUEUE) != events:
                        raise RuntimeError(f"{queue_depth(url, QUEUE)} events queued, {events} published")
                    measured = drain(env, engine, events, logs, f"{size}-{run}-{setting}")
                figures[name].append(measured)
                print(f"  run {run + 1}, {name}: {measured['events_per_s']:,} events/s; CPU ms per event: "
                      + ", ".join(f"{k} {v}" for k, v in measured["cpu_ms_per_event"].items()))
        return {name: {"runs": runs_, "events_per_s": statistics.median(
            r["events_per_s"] for r in runs_), "cpu_ms_per_event": {
            party: round(statistics.median(r["cpu_ms_per_event"][party] for r in runs_), 3)
            for party in runs_[0]["cpu_ms_per_event"]}} for name, runs_ in figures.items()}


def print_table(results: dict, events: int, runs: int) -> None:
    print(f"\nreporting consumer, answers' events, one process ({events:,} events a run, median of {runs}):")
    print(f"{'campaign':>12} | {'path':<46} | {'events/s':>9} | {'goal':>6} | {'ratio':>6} | CPU ms/event")
    for size, paths in results.items():
        for name, figures in paths.items():
            rate = figures["events_per_s"]
            cpu = ", ".join(f"{k} {v}" for k, v in figures["cpu_ms_per_event"].items())
            print(f"{int(size):>12,} | {name:<46} | {rate:>9,.0f} | {GOAL:>6,.0f} | {rate / GOAL:>6.2f} | {cpu}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=6000, help="events per run and path")
    parser.add_argument("--sizes", default="30,100000", help="campaign sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100, help="CONSUMER_BATCH of the new path")
    parser.add_argument("--quick", action="store_true", help="2,000 events, a class of 30, one run")
    parser.add_argument("--old-ref", help="also the batches with this commit's code (bench/old_code.py)")
    parser.add_argument("--json", type=Path, help="also write issue 18's rows there (bench/README.md, issue18.py)")
    args = parser.parse_args(argv)
    if args.quick:
        args.events, args.sizes, args.runs = 2000, "30", 1
    return args


def main() -> None:
    args = parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    results = bench(sizes, args.events, args.runs, args.batch, args.old_ref)
    print_table(results, args.events, args.runs)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / "consumer_batch.json"
    path.write_text(json.dumps({"at": datetime.now(timezone.utc).isoformat(), "events": args.events,
                                "runs": args.runs, "goal_events_per_s": GOAL, "consumer_batch": results}, indent=2))
    print(f"\nfigures written to {path.relative_to(ROOT)}")
    if args.json:
        from issue18 import write_rows

        write_rows(args.json, Path(__file__).name, issue18_rows(results, args.batch))


def issue18_rows(results: dict, batch: int) -> list[dict]:
    """Issue 18's row at the largest campaign measured (``consumer_events_per_s``: "at any campaign size"), one
    more row per smaller size: one transaction per event before, batches now."""
    sizes = sorted(results, key=int, reverse=True)
    rows = []
    for size in sizes:
        paths = list(results[size].values())
        before, now = paths[0], paths[-1]  # one by one first, this tree's batches last (--old-ref's between)
        rows.append({"key": "consumer_events_per_s" if size == sizes[0] else f"consumer_events_per_s_{size}",
                     "label": f"reporting's consumer, answers' events, one process, campaign of {int(size):,}",
                     "unit": "events/s", "goal": GOAL, "better": "higher",
                     "before": before["events_per_s"], "now": now["events_per_s"],
                     "runs_before": [r["events_per_s"] for r in before["runs"]],
                     "runs_now": [r["events_per_s"] for r in now["runs"]],
                     "notes": f"campaign of {int(size):,}: CONSUMER_BATCH=1 before, {batch} now"})
    return rows


if __name__ == "__main__":
    sys.exit(main())
