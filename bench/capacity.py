"""What one process of each kind sustains under concurrent load, and the national plan derived from it.

    python bench/capacity.py                    # measure (about 5 minutes), then print the plan
    python bench/capacity.py --learners 800000 --days 5 --questions 30 --busy-share 0.8 --busy-hours 6 \\
        --peak-factor 3                         # the assumption of the plan (these are the defaults)
    python bench/capacity.py --plan-only bench/results/capacity-*.json   # the plan again from earlier runs (the
                                                # median of each figure), e.g. for another assumption
    python bench/capacity.py --plan-only bench/results/capacity-*.json --save-median deploy/capacity-figures.json
                                                # keep the medians the deploy tests plan from

The processes are the real ones (``<service> api|relay|consumer`` as the images run them), each started
alone on this machine's PostgreSQL and RabbitMQ, in databases and a vhost of their own, dropped at the
end. CPU is read from /proc for each process tree (the api's gunicorn worker, PostgreSQL's backends, the
broker, this load generator), so each figure comes both as a rate and as CPU milliseconds per unit of
work: the rate depends on this 2-core machine, the CPU cost carries over to another.

1. **assessment api**: one process (gunicorn, 1 worker, 8 threads). Client threads each loop over their
   own learners' assessments (150-skill target, 60 answers already given): ``GET next-challenge`` then
   ``POST answers``, one *answer*. Several concurrencies, 20 s each after 3 s of warm-up.
2. **through the gateway** (one process, 8 threads) in front of it: the gateway's CPU per request.
3. **assessment relay**: the answers' outbox events (``assessment.answer.recorded.v1``), published by a
   relay process to the broker, where reporting's queue is bound: events/s from first to last publish.
4. **reporting consumer**: one process draining those events (journal, inbox, progress upsert, commit).
5. **reporting api**: teachers following a class live on Orga's Activité tab, which repeats three requests
   (activity, the first page of participants, the filters) every 4 s: polls/s of one process.
6. **identity api**: log-ins (``POST /api/token``, argon2id verification) with one process.

The plan multiplies the peak demand of the assumption by these costs; deploy/CAPACITY.md explains it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WARM_S, MEASURE_S = 3.0, 20.0
REPORTING_QUEUE = "reporting.on_assessment_progressed"
CLASS_SIZE = 30
TIMEOUT_S = 30  # of each request: a process that hangs fails the run rather than stalling it


# -- CPU time from /proc ----------------------------------------------------------------------


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds of the process and of its reaped children)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, rest = raw[raw.index("(") + 1:raw.rindex(")")], raw[raw.rindex(")") + 2:].split()
    # after the name: state ppid ... utime (14th field of the line) stime cutime cstime
    return name, int(rest[1]), sum(int(v) for v in rest[11:15]) / CLOCK_TICKS


def _all_stats() -> dict[int, tuple[str, int, float]]:
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            stats[int(entry)] = stat
    return stats


def tree(root_pids: tuple[int, ...], stats: dict[int, tuple[str, int, float]] | None = None) -> set[int]:
    stats = stats if stats is not None else _all_stats()
    chosen: set[int] = set()
    frontier = [pid for pid in root_pids if pid in stats]
    while frontier:
        chosen.update(frontier)
        frontier = [pid for pid, (_, parent, _) in stats.items() if parent in frontier and pid not in chosen]
    return chosen


def peak_rss_mb(root_pid: int) -> float:
    """The largest peak resident set (VmHWM) of the processes of a tree: the gunicorn worker's, for an api."""
    peaks = []
    for pid in tree((root_pid,)):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return round(max(peaks), 1)


def cpu_seconds(root_pids: tuple[int, ...] = (), names: tuple[str, ...] = ()) -> float:
    """CPU seconds of the trees rooted at ``root_pids`` and of every process named one of ``names``."""
    stats = _all_stats()
    chosen = tree(root_pids, stats) | {pid for pid, (name, _, _) in stats.items() if name in names}
    return sum(stats[pid][2] for pid in chosen)


@dataclass
class CpuMeter:
    """CPU seconds spent by each named party between ``start`` and ``stop``."""
    parties: dict[str, tuple[tuple[int, ...], tuple[str, ...]]]
    spent: dict[str, float] = field(default_factory=dict)

    def _read(self) -> dict[str, float]:
        reading = {name: cpu_seconds(pids, names) for name, (pids, names) in self.parties.items()}
        reading["load generator"] = time.process_time()
        return reading

    def start(self) -> None:
        self._begin = self._read()

    def stop(self) -> dict[str, float]:
        end = self._read()
        self.spent = {name: end[name] - self._begin[name] for name in end}
        return self.spent


def ms_per(spent: dict[str, float], units: int) -> dict[str, float]:
    return {name: round(seconds * 1000 / max(units, 1), 3) for name, seconds in spent.items()}


def loop_ms() -> float:
    """CPU milliseconds of a fixed pure-Python loop: how fast this machine's cores were during a run (a
    shared host's cores vary from one run to the next; compare runs with it)."""
    began, total = time.process_time(), 0
    for n in range(2_000_000):
        total += n * n
    return round((time.process_time() - began) * 1000, 1)


# -- load -------------------------------------------------------------------------------------


def closed_loop(concurrency: int, client, meter: CpuMeter) -> dict:
    """``concurrency`` threads, each doing ``client(n)``'s unit of work again and again: a step returns
    True for a unit done, False for none (a test that ended), and raises on an error. Counts the units
    started and finished inside the measured window, their latencies and the CPU each party spent."""
    started = time.monotonic()
    window = (started + WARM_S, started + WARM_S + MEASURE_S)
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors: list[str] = []

    def loop(n: int) -> None:
        step = client(n)
        while time.monotonic() < window[1]:
            began = time.monotonic()
            try:
                if not step():
                    continue
            except Exception as error:  # noqa: BLE001 - reported, and the run fails
                errors.append(repr(error))
                return
            ended = time.monotonic()
            if window[0] <= began and ended <= window[1]:
                latencies[n].append((ended - began) * 1000)

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, window[0] - time.monotonic()))
    meter.start()
    time.sleep(max(0.0, window[1] - time.monotonic()))
    spent = meter.stop()
    for thread in threads:
        thread.join(60)
    if errors:
        raise RuntimeError(f"{len(errors)} client(s) failed, first: {errors[0]}")
    samples = [s for per_client in latencies for s in per_client]
    return {"concurrency": concurrency, "units": len(samples), "per_s": round(len(samples) / MEASURE_S, 1),
            "p50_ms": round(statistics.median(samples), 1),
            "p99_ms": round(statistics.quantiles(samples, n=100)[98], 1),
            "cpu_ms_per_unit": ms_per(spent, len(samples)),
            "cpu_cores_busy": {name: round(seconds / MEASURE_S, 2) for name, seconds in spent.items()}}


def renamed(figures: dict, unit: str) -> dict:
    """The closed loop's figures named after their unit (answers_per_s, cpu_ms_per_answer...)."""
    names = {"units": f"{unit}s", "per_s": f"{unit}s_per_s", "cpu_ms_per_unit": f"cpu_ms_per_{unit}"}
    return {names.get(key, key): value for key, value in figures.items()}


def answer_load(base: str, learners: list[tuple[uuid.UUID, uuid.UUID]], concurrency: int, meter: CpuMeter) -> dict:
    """Each client loops over its share of the assessments: next challenge, then answer (skipped), with an
    ``Idempotency-Key`` as the faces send it."""
    import requests

    from svckit.testing import token_for

    ended = []

    def client(n: int):
        session, share, turn = requests.Session(), list(learners[n::concurrency]), [0]
        headers = {user: {"Authorization": f"Bearer {token_for(str(user), f'{user}@example.org')}"}
                   for _, user in share}

        def step() -> bool:
            if not share:
                raise RuntimeError("a client ran out of tests: prepare more learners")
            assessment_id, user = share[turn[0] % len(share)]
            body = session.get(f"{base}/api/assessments/{assessment_id}/next-challenge", headers=headers[user],
                               timeout=TIMEOUT_S)
            body.raise_for_status()
            challenge = body.json()["challenge"]
            if challenge is None:  # this learner's test is over
                share.remove((assessment_id, user))
                ended.append(assessment_id)
                return False
            answered = session.post(f"{base}/api/assessments/{assessment_id}/answers",
                                    headers={**headers[user], "Idempotency-Key": str(uuid.uuid4())},
                                    json={"challenge_id": challenge["id"], "skipped": True}, timeout=TIMEOUT_S)
            if answered.status_code != 201:
                raise RuntimeError(f"{answered.status_code} {answered.text[:200]}")
            turn[0] += 1
            return True
        return step

    figures = renamed(closed_loop(concurrency, client, meter), "answer")
    if len(ended) > len(learners) // 2:
        raise RuntimeError("more than half of the prepared tests ended during the run: prepare more learners")
    return figures


def login_load(base: str, accounts: list[str], password: str, concurrency: int, meter: CpuMeter) -> dict:
    """``concurrency`` clients logging in again and again, each cycling over its share of ``accounts`` (all of
    them when there are fewer accounts than clients)."""
    import requests

    def client(n: int):
        session, mine, turn = requests.Session(), accounts[n::concurrency] or accounts, [0]

        def step() -> bool:
            email = mine[turn[0] % len(mine)]
            turn[0] += 1
            response = session.post(f"{base}/api/token", json={"email": email, "password": password},
                                    timeout=TIMEOUT_S)
            if response.status_code != 200:
                raise RuntimeError(f"log-in refused: {response.status_code} {response.text[:200]}")
            return True
        return step

    return renamed(closed_loop(concurrency, client, meter), "login")


def poll_load(base: str, campaign_ids: list, token: str, concurrency: int, meter: CpuMeter) -> dict:
    """Teachers on Orga's Activité tab: each poll is the three requests the page repeats every 4 s."""
    import requests

    headers = {"Authorization": f"Bearer {token}"}

    def client(n: int):
        session, turn = requests.Session(), [n]

        def step() -> bool:
            base_url = f"{base}/api/campaigns/{campaign_ids[turn[0] % len(campaign_ids)]}"
            for path, params in (("/activity", None), ("/participants", {"page": 1, "page_size": 20}),
                                 ("/participants/filters", None)):
                session.get(base_url + path, headers=headers, params=params, timeout=TIMEOUT_S).raise_for_status()
            turn[0] += 1
            return True
        return step

    return renamed(closed_loop(concurrency, client, meter), "poll")


# -- the stages -------------------------------------------------------------------------------


def wait_for(predicate, timeout: float, interval: float = 0.1, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout} s waiting for {what}")


def measure(concurrencies: list[int], gateway_concurrency: int, learners_count: int, login_concurrency: int) -> dict:
    import requests
    from adaptive_test import load_content, prepared_assessments, read_document, serving_test_jwks
    from sqlalchemy import create_engine, text

    from assessment.bootstrap import bootstrap
    from assessment.config import Settings
    from assessment.entrypoints.cli import checksum
    from assessment.service_layer import handlers
    from msgkit.testing import isolated_vhost, queue_depth
    from svckit.config import DEFAULT_RABBITMQ_URL, normalize_database_url
    from svckit.testing import ServiceProcess, free_port, fresh_database, service_command, token_for

    broker = ((), ("beam.smp",))
    postgres = ((), ("postgres",))
    results: dict = {"machine": {"cores": os.cpu_count(), "loop_ms_before": loop_ms()}, "measure_s": MEASURE_S}
    with ExitStack() as stack:
        amqp_url = stack.enter_context(isolated_vhost(os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL), "bench"))
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        jwks_url = stack.enter_context(serving_test_jwks())
        common = {"SERVICE_ENV": "test", "RABBITMQ_URL": amqp_url, "LOG_LEVEL": "WARNING", "JWKS_URL": jwks_url,
                  "RATELIMIT_ENABLED": "false"}
        envs = {name: {**common, "DATABASE_URL": stack.enter_context(fresh_database(f"bench_{name}"))}
                for name in ("assessment", "reporting", "identity")}

        def process(service: str, kind: str, port: int | None = None, *extra: str, ops: bool = False,
                    env: dict | None = None):
            args = [*service_command(service), kind, *extra]
            env = dict(env or envs.get(service, common))
            ready = None
            if port is not None and not ops:
                args += ["--bind", f"127.0.0.1:{port}"]
                ready = f"http://127.0.0.1:{port}/health/ready"
            elif port is not None:
                env["OPS_PORT"] = str(port)
                ready = f"http://127.0.0.1:{port}/health/ready"
            if service == "gateway":
                env["ASSESSMENT_URL"] = upstreams["assessment"]
            started = ServiceProcess(args, env, logs / f"{service}-{kind}.log", ready).start()
            stack.callback(started.stop)
            return started

        upstreams: dict[str, str] = {}
        for service in ("assessment", "reporting", "identity"):
            migration = ServiceProcess([*service_command(service), "migrate"], envs[service], logs / f"{service}-m.log")
            if migration.start().process.wait(120) != 0:
                raise RuntimeError(f"{service} migrate failed: {migration.log_path.read_text()[-2000:]}")
        if ServiceProcess([*service_command("reporting"), "declare-topology"], envs["reporting"],
                          logs / "reporting-topology.log").start().process.wait(60) != 0:
            raise RuntimeError("reporting declare-topology failed")

        runtime = bootstrap(Settings.from_env(envs["assessment"]))
        stack.callback(runtime.engine.dispose)
        document = read_document()
        handlers.release_content(document, checksum(document), "bench", runtime.uow(), runtime.now())
        content = load_content()

        def unpublished() -> int:
            with runtime.engine.connect() as connection:
                return connection.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar_one()

        began = time.perf_counter()
        learners = prepared_assessments(runtime, content, learners_count, campaign_id=uuid.uuid4())
        with runtime.engine.begin() as connection:  # as autovacuum would have: fresh tables have no statistics
            connection.execute(text("ANALYZE"))
        print(f"prepared {len(learners):,} assessments (150-skill target, 60 answers given) in "
              f"{time.perf_counter() - began:.0f} s")

        # 0. what a relay process costs to start (and to publish the content release's one event), taken off
        # the relay's figures below
        relay_port = free_port()
        relay = process("assessment", "relay", relay_port, ops=True)
        relay.wait_ready()
        wait_for(lambda: unpublished() == 0, timeout=60, what="the content release's event")
        relay_start_cpu = cpu_seconds((relay.process.pid,))
        relay.stop()

        # 1. the assessment api alone, as production runs it today: a test's requests spread over the pods and
        # their workers, so a request almost never finds its test's state kept in its process (STATE_CACHE_SIZE=0:
        # every request reads the test again); 1b, below, the same with the state kept
        def assessment_api(port: int, keeps_state: bool):
            started = process("assessment", "api", port, "--workers", "1", "--threads", "8",
                              env={**envs["assessment"], **({} if keeps_state else {"STATE_CACHE_SIZE": "0"})})
            started.wait_ready()
            return started

        api_port = free_port()
        api = assessment_api(api_port, keeps_state=False)
        upstreams["assessment"] = f"http://127.0.0.1:{api_port}"
        parties = {"assessment api": ((api.process.pid,), ()), "postgresql": postgres}
        rounds, offset = [], 0
        per_round = len(learners) // (len(concurrencies) + 1)
        for concurrency in concurrencies:
            figures = answer_load(upstreams["assessment"], learners[offset:offset + per_round], concurrency,
                                  CpuMeter(parties))
            offset += per_round
            rounds.append(figures)
            print(f"assessment api, {concurrency:>2} clients: {figures['answers_per_s']:>6} answers/s, p50 "
                  f"{figures['p50_ms']} ms, p99 {figures['p99_ms']} ms; CPU ms per answer: "
                  + ", ".join(f"{k} {v}" for k, v in figures["cpu_ms_per_answer"].items()))
        results["assessment_api"] = rounds
        results["assessment_api_peak_rss_mb"] = peak_rss_mb(api.process.pid)
        print(f"assessment api worker: peak RSS {results['assessment_api_peak_rss_mb']} MB")
        api.stop()

        # 1b. the same process keeping each test's state (what the edge's affinity by test would give: every
        # request of a test to the same process), the busiest round's concurrency
        kept_port = free_port()
        kept_api = assessment_api(kept_port, keeps_state=True)
        kept_concurrency = best_round(rounds)["concurrency"]
        kept = answer_load(f"http://127.0.0.1:{kept_port}", learners[offset:offset + per_round // 2],
                           kept_concurrency, CpuMeter({"assessment api": ((kept_api.process.pid,), ()),
                                                       "postgresql": postgres}))
        offset += per_round // 2
        results["assessment_api_kept"] = kept
        print(f"assessment api keeping each test's state, {kept_concurrency} clients: {kept['answers_per_s']} answers/s, "
              f"p50 {kept['p50_ms']} ms; CPU ms per answer: "
              + ", ".join(f"{k} {v}" for k, v in kept["cpu_ms_per_answer"].items()))
        kept_api.stop()
        api = assessment_api(api_port, keeps_state=False)
        parties = {"assessment api": ((api.process.pid,), ()), "postgresql": postgres}

        def through(front: str, port: int, pid: int) -> dict:
            """The same answers through a front door: its CPU per request (two requests an answer)."""
            figures = answer_load(f"http://127.0.0.1:{port}", learners[offset:], gateway_concurrency,
                                  CpuMeter({**parties, front: ((pid,), ())}))
            figures["cpu_ms_per_request"] = round(figures["cpu_ms_per_answer"][front] / 2, 3)
            print(f"through the {front}, {gateway_concurrency} clients: {figures['answers_per_s']} answers/s, p50 "
                  f"{figures['p50_ms']} ms, p99 {figures['p99_ms']} ms; {front} CPU {figures['cpu_ms_per_request']} "
                  "ms per request; CPU ms per answer: "
                  + ", ".join(f"{k} {v}" for k, v in figures["cpu_ms_per_answer"].items()))
            return figures

        # 2. the same through the gateway
        gateway_port = free_port()
        gateway = process("gateway", "api", gateway_port)
        gateway.wait_ready()
        results["through_gateway"] = through("gateway", gateway_port, gateway.process.pid)

        # 2b. the same through the HAProxy edge (`gateway edge`, deploy/base/gateway/edge.yaml), its rate limits on
        # (figures high enough never to refuse) and tokens verified, the Python gateway behind it for the rest
        edge_port = free_port()
        edge_env = {**common, "ASSESSMENT_URL": upstreams["assessment"], "RATELIMIT_ENABLED": "true",
                    "RATELIMIT_ACCOUNT": "1000000/minute", "RATELIMIT_ADDRESS": "1000000/minute",
                    "TRUSTED_PROXIES": "0"}
        edge = process("gateway", "edge", edge_port, "--gateway-url", f"http://127.0.0.1:{gateway_port}",
                       "--workdir", str(logs / "edge"), env=edge_env)
        edge.wait_ready()
        results["through_edge"] = through("edge", edge_port, edge.process.pid)
        edge.stop()
        gateway.stop()
        api.stop()

        # 3. the relay publishes every answer's event
        events = unpublished()
        meter = CpuMeter({"relay": ((), ()), "broker": broker, "postgresql": postgres})
        meter.start()
        relay = process("assessment", "relay", relay_port, ops=True)
        meter.parties["relay"] = ((relay.process.pid,), ())
        relay.wait_ready()
        wait_for(lambda: unpublished() == 0, timeout=600, what="the relay to publish the outbox")
        relay_cpu = meter.stop()
        relay_cpu["relay"] -= relay_start_cpu
        relay.stop()
        with runtime.engine.connect() as connection:
            first, last = connection.execute(text("SELECT min(published_at), max(published_at) FROM outbox WHERE "
                                                  "event_type = 'assessment.answer.recorded.v1'")).one()
        seconds = max((last - first).total_seconds(), 0.001)  # a handful of events may share one timestamp
        results["relay"] = {"events": events, "seconds": round(seconds, 2),
                            "events_per_s": round((events - 1) / seconds), "cpu_ms_per_event": ms_per(relay_cpu, events)}
        print(f"assessment relay: {events:,} events published in {seconds:.2f} s: {results['relay']['events_per_s']:,} "
              f"events/s; CPU ms per event (the process's start taken off): "
              + ", ".join(f"{k} {v}" for k, v in results["relay"]["cpu_ms_per_event"].items()))
        queued = queue_depth(amqp_url, REPORTING_QUEUE)
        if queued != events:
            raise RuntimeError(f"{queued} events in {REPORTING_QUEUE}, {events} published")

        # 4. reporting's consumer drains them
        consumer_port = free_port()
        consumer = process("reporting", "consumer", consumer_port, ops=True)
        meter = CpuMeter({"consumer": ((consumer.process.pid,), ()), "broker": broker, "postgresql": postgres})
        consumer.wait_ready()
        reporting_db = create_engine(normalize_database_url(envs["reporting"]["DATABASE_URL"]))
        stack.callback(reporting_db.dispose)

        def consumed() -> int:
            with reporting_db.connect() as connection:
                return connection.execute(text("SELECT count(*) FROM journal WHERE event_type = "
                                               "'assessment.answer.recorded.v1'")).scalar_one()

        wait_for(lambda: consumed() > 0, timeout=60, interval=0.01, what="the consumer's first event")
        start_count, began = consumed(), time.monotonic()
        meter.start()
        wait_for(lambda: consumed() >= events, timeout=1800, interval=0.05, what="the consumer to drain the queue")
        drained = time.monotonic() - began
        spent = meter.stop()
        consumer.stop()
        measured_events = events - start_count
        results["reporting_consumer"] = {"events": measured_events, "seconds": round(drained, 2),
                                         "events_per_s": round(measured_events / drained, 1),
                                         "cpu_ms_per_event": ms_per(spent, measured_events),
                                         "cpu_cores_busy": {k: round(v / drained, 2) for k, v in spent.items()}}
        print(f"reporting consumer: {measured_events:,} answer events in {drained:.1f} s: "
              f"{results['reporting_consumer']['events_per_s']} events/s; CPU ms per event: "
              + ", ".join(f"{k} {v}" for k, v in results["reporting_consumer"]["cpu_ms_per_event"].items()))

        # 5. reporting api: teachers following a class live (a fresh database holding one school's read models:
        # a class of CLASS_SIZE in a campaign, as the projections leave them)
        from reporting_export import fill

        from svckit import migrations

        orga_env = {**common, "DATABASE_URL": stack.enter_context(fresh_database("bench_orga"))}
        migrations.upgrade(orga_env["DATABASE_URL"], "reporting:migrations")
        orga_db = create_engine(normalize_database_url(orga_env["DATABASE_URL"]))
        stack.callback(orga_db.dispose)
        school = fill(orga_db, CLASS_SIZE, datetime.now(timezone.utc))
        reporting_port = free_port()
        reporting = process("reporting", "api", reporting_port, "--workers", "1", "--threads", "8", env=orga_env)
        reporting.wait_ready()
        teacher = token_for(str(school["member"]), "prof@example.org")
        polls = poll_load(f"http://127.0.0.1:{reporting_port}", [school["campaign_id"]], teacher, 8,
                          CpuMeter({"reporting api": ((reporting.process.pid,), ()), "postgresql": postgres}))
        results["reporting_poll"] = {**polls, "class_size": CLASS_SIZE}
        print(f"reporting api, 8 teachers polling a class of {CLASS_SIZE} (activity, participants, filters): "
              f"{polls['polls_per_s']} polls/s, p50 {polls['p50_ms']} ms; CPU ms per poll: "
              + ", ".join(f"{k} {v}" for k, v in polls["cpu_ms_per_poll"].items()))
        reporting.stop()

        # 6. identity: log-ins
        identity_port = free_port()
        identity = process("identity", "api", identity_port, "--workers", "1", "--threads", "8")
        identity.wait_ready()
        base = f"http://127.0.0.1:{identity_port}"
        # one account per client: attempts racing on one account from one address count as failures until
        # each succeeds (identity's throttle), as a guesser's would
        password, accounts = "Quiet-River-2026!", [f"bench.learner{n}@example.org" for n in range(login_concurrency)]
        for email in accounts:
            created = requests.post(f"{base}/api/users", json={"first_name": "Bench", "last_name": "Learner",
                                                                 "email": email, "password": password,
                                                                 "accepted_terms": True}, timeout=TIMEOUT_S)
            if created.status_code != 201:
                raise RuntimeError(f"sign-up refused: {created.status_code} {created.text[:300]}")
        logins = login_load(base, accounts, password, login_concurrency, CpuMeter({"identity api": ((identity.process.pid,), ()),
                                                               "postgresql": postgres}))
        logins["peak_rss_mb"] = peak_rss_mb(identity.process.pid)
        results["identity_login"] = logins
        print(f"identity api, {login_concurrency} clients: {logins['logins_per_s']} log-ins/s, p50 {logins['p50_ms']} ms; CPU ms per "
              "log-in: " + ", ".join(f"{k} {v}" for k, v in logins["cpu_ms_per_login"].items())
              + f"; worker peak RSS {logins['peak_rss_mb']} MB")
    results["machine"]["loop_ms_after"] = loop_ms()
    print(f"this machine's speed: a fixed loop took {results['machine']['loop_ms_before']} ms of CPU before the "
          f"measures, {results['machine']['loop_ms_after']} ms after")
    return results


# -- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assumption:
    learners: int = 800_000
    days: int = 5
    questions: int = 30
    busy_share: float = 0.8  # of each day's load, in the busy hours
    busy_hours: float = 6
    peak_factor: float = 3  # the peak minute over the busy hours' average
    # per learner, besides the answers: checkpoint every 5 answers, and about 15 other requests (pages'
    # /users/me, landing, sign-up or log-in, matching, join, participation, results, profile, share)
    other_requests_per_learner: int = 15
    # what the faces ask of the Python gateway behind the edge per learner: the pages and their files (each
    # page load asks for its HTML; the hashed scripts and styles are cached after the first)
    face_requests_per_learner: int = 10
    # events reporting consumes per learner besides the answers: started, completed, shared, account,
    # learner linked
    other_reporting_events_per_learner: int = 5
    # queue consumers and relays have no CPU autoscaler: the share of a pod's measured rate counted on
    headroom: float = 0.65
    # teachers following their classes live: a test lasts about this long, a class takes it together with
    # its teacher on Orga's Activité tab, which polls every 4 s (an upper bound: every class watched)
    test_minutes: float = 30
    class_size: int = 30
    poll_seconds: float = 4


def cores(quantity: str | int | float) -> float:
    text_ = str(quantity)
    return int(text_[:-1]) / 1000 if text_.endswith("m") else float(text_)


class Deployed:
    """The production overlay as ``kubectl kustomize`` renders it: the resources, settings and scaling the
    plan is checked against, read rather than copied so that the plan follows the manifests."""

    def __init__(self, objects: list[dict] | None = None) -> None:
        if objects is not None:  # already rendered (the deploy tests pass theirs)
            self.objects = objects
            return
        import yaml

        rendered = subprocess.run([str(Path(sys.executable).parent / "kubectl"), "kustomize",
                                   str(ROOT / "deploy" / "overlays" / "production")],
                                  capture_output=True, text=True, timeout=120, check=True).stdout
        self.objects = [o for o in yaml.safe_load_all(rendered) if o]

    def find(self, kind: str, name: str) -> dict:
        return next(o for o in self.objects if o["kind"] == kind and o["metadata"]["name"] == name)

    def cpu(self, deployment: str) -> tuple[float, float]:
        """(request, limit) of the Deployment's container, in cores."""
        resources = self.find("Deployment", deployment)["spec"]["template"]["spec"]["containers"][0]["resources"]
        return cores(resources["requests"]["cpu"]), cores(resources["limits"]["cpu"])

    def setting(self, service: str, key: str) -> int:
        return int(self.find("ConfigMap", f"{service}-settings")["data"][key])

    def scaling(self, deployment: str) -> dict:
        """min, max, CPU target and the certification window's pods; a fixed count for a Deployment KEDA
        does not scale (its target: None)."""
        scaled = next((o for o in self.objects if o["kind"] == "ScaledObject"
                       and o["spec"]["scaleTargetRef"]["name"] == deployment), None)
        if scaled is None:
            replicas = self.find("Deployment", deployment)["spec"].get("replicas", 1)
            return {"min": replicas, "max": replicas, "target": None, "window": replicas}
        triggers = {t["type"]: t["metadata"] for t in scaled["spec"]["triggers"]}
        return {"min": scaled["spec"]["minReplicaCount"], "max": scaled["spec"]["maxReplicaCount"],
                "target": int(triggers["cpu"]["value"]) / 100 if "cpu" in triggers else None,
                "window": int(triggers["cron"]["desiredReplicas"]) if "cron" in triggers else None}


def median_figures(runs: list):
    """The median of each number over several runs' figures, matched by key (and by position in lists)."""
    first = runs[0]
    if isinstance(first, dict):  # over the runs that have the key (a figure added later is not in older runs)
        keys = dict.fromkeys(key for run in runs for key in run)
        return {key: median_figures([run[key] for run in runs if key in run]) for key in keys}
    if isinstance(first, list):
        return [median_figures(list(items)) for items in zip(*runs, strict=True)]
    if isinstance(first, (int, float)) and not isinstance(first, bool):
        return round(statistics.median(runs), 3)
    return first


def best_round(rounds: list[dict]) -> dict:
    return max(rounds, key=lambda r: r["answers_per_s"])


def plan(figures: dict, a: Assumption, deployed: Deployed) -> dict:
    """Peak demand of the assumption x measured cost per unit = cores; cores / what a pod may use at its
    autoscaler's target = pods; each compared with what the production overlay allows."""
    busy_seconds = a.busy_hours * 3600
    learners_per_s = a.learners / a.days * a.busy_share / busy_seconds * a.peak_factor
    answers_per_s = learners_per_s * a.questions
    classes_watched = learners_per_s * a.test_minutes * 60 / a.class_size
    polls_per_s = classes_watched / a.poll_seconds
    requests_per_s = (answers_per_s * (2 + 1 / 5) + learners_per_s * a.other_requests_per_learner
                      + 3 * polls_per_s)
    reporting_events_per_s = answers_per_s + learners_per_s * a.other_reporting_events_per_learner
    api = best_round(figures["assessment_api"])
    alone = min(figures["assessment_api"], key=lambda r: r["concurrency"])
    rows, checks = {}, []

    def front(name: str, deployment: str, demand_per_s: float, cpu_ms: float, unit: str) -> None:
        request, limit = deployed.cpu(deployment)
        scaling = deployed.scaling(deployment)
        scaling["target"] = scaling["target"] or a.headroom
        per_pod = scaling["target"] * request / (cpu_ms / 1000)
        pods = math.ceil(demand_per_s / per_pod)
        rows[name] = {"cpu_ms_per_unit": cpu_ms, "unit": unit, "demand_per_s": round(demand_per_s, 1),
                      "cores": round(demand_per_s * cpu_ms / 1000, 2), "request": request, "limit": limit,
                      "target": scaling["target"], "per_pod_per_s": round(per_pod, 1), "pods": pods,
                      "window": scaling["window"], "max": scaling["max"]}
        checks.append((f"{deployment}: the window's {scaling['window']} pods cover the {pods} needed, "
                       f"within the maximum {scaling['max']}", scaling["window"] >= pods <= scaling["max"]))

    front("assessment api", "assessment-api", answers_per_s, api["cpu_ms_per_answer"]["assessment api"], "answer")
    if "assessment_api_kept" in figures:  # what the affinity of a test to one process would save
        row = rows["assessment api"]
        kept_ms = figures["assessment_api_kept"]["cpu_ms_per_answer"]["assessment api"]
        row["kept"] = {"cpu_ms_per_unit": kept_ms, "pods": math.ceil(answers_per_s * kept_ms / 1000
                                                                        / (row["target"] * row["request"]))}
    if "through_edge" in figures:  # the edge takes every request; the Python gateway behind it, the faces' pages
        front("edge", "edge", requests_per_s, figures["through_edge"]["cpu_ms_per_request"], "request")
        front("gateway", "gateway", learners_per_s * a.face_requests_per_learner,
              figures["through_gateway"]["cpu_ms_per_request"], "page request")
    else:
        front("gateway", "gateway", requests_per_s, figures["through_gateway"]["cpu_ms_per_request"], "request")
    front("identity api", "identity-api", learners_per_s, figures["identity_login"]["cpu_ms_per_login"]["identity api"],
          "log-in")

    if "reporting_poll" in figures:
        front("reporting api", "reporting-api", polls_per_s, figures["reporting_poll"]["cpu_ms_per_poll"]["reporting api"],
              "poll")

    consumer = figures["reporting_consumer"]
    _, consumer_limit = deployed.cpu("reporting-consumer")
    consumer_cpu = consumer["cpu_ms_per_event"]["consumer"] / 1000
    per_consumer = min(consumer["events_per_s"], consumer_limit / consumer_cpu)
    consumers = math.ceil(reporting_events_per_s / (a.headroom * per_consumer))
    consumer_max = deployed.scaling("reporting-consumer")["max"]
    rows["reporting consumer"] = {"events_per_s": round(reporting_events_per_s), "per_pod_per_s": round(per_consumer),
                                  "pods": consumers, "max": consumer_max}
    checks.append((f"reporting-consumer: scales to {consumer_max} pods, {consumers} needed", consumer_max >= consumers))

    relay = figures["relay"]
    _, relay_limit = deployed.cpu("assessment-relay")
    per_relay = min(relay["events_per_s"], relay_limit / max(relay["cpu_ms_per_event"]["relay"] / 1000, 1e-9))
    busy = answers_per_s / per_relay
    rows["assessment relay"] = {"events_per_s": round(answers_per_s), "per_pod_per_s": round(per_relay),
                                "busy": round(busy, 2)}
    checks.append((f"assessment-relay: one pod {busy:.0%} busy", busy <= a.headroom))

    database = deployed.find("Cluster", "assessment-db")["spec"]
    pooler = deployed.find("Pooler", "assessment-db-pooler-rw")["spec"]
    db_limit = cores(database["resources"]["limits"]["cpu"])
    db_cores = answers_per_s * api["cpu_ms_per_answer"]["postgresql"] / 1000
    api_pods = max(rows["assessment api"]["pods"], rows["assessment api"]["window"])
    clients = api_pods * deployed.setting("assessment", "WEB_CONCURRENCY") * deployed.setting("assessment",
                                                                                              "DB_POOL_SIZE") * 2
    busy_connections = answers_per_s * alone["p50_ms"] / 1000  # a connection is held at most one answer's time
    bouncer = pooler["pgbouncer"]
    server_connections = int(bouncer["parameters"]["default_pool_size"]) * pooler["instances"]
    max_connections = int(database["postgresql"]["parameters"]["max_connections"])
    rows["assessment database"] = {"cores": round(db_cores, 2), "limit": db_limit, "instances": database["instances"],
                                   "client_connections": clients, "busy_connections": round(busy_connections, 1),
                                   "pool_mode": bouncer["poolMode"], "server_connections": server_connections,
                                   "max_connections": max_connections}
    checks.append((f"assessment-db: {db_cores:.2f} cores at the peak, at most half its limit of {db_limit:g}",
                   db_cores <= db_limit / 2))
    checks.append((f"assessment-db-pooler-rw: {clients} client connections of {api_pods} api pods, within "
                   f"{int(bouncer['parameters']['max_client_conn']) * pooler['instances']}",
                   clients <= int(bouncer["parameters"]["max_client_conn"]) * pooler["instances"]))
    checks.append((f"assessment-db-pooler-rw: {bouncer['poolMode']} mode, {server_connections} server connections "
                   f"for about {busy_connections:.0f} busy, within max_connections {max_connections}",
                   bouncer["poolMode"] == "transaction" and busy_connections * 2 <= server_connections < max_connections))

    if "reporting_poll" in figures:  # reporting's database: the consumer's writes and the teachers' reads
        reporting_db = deployed.find("Cluster", "reporting-db")["spec"]
        reporting_limit = cores(reporting_db["resources"]["limits"]["cpu"])
        reporting_cores = (reporting_events_per_s * consumer["cpu_ms_per_event"]["postgresql"]
                           + polls_per_s * figures["reporting_poll"]["cpu_ms_per_poll"]["postgresql"]) / 1000
        rows["reporting database"] = {"cores": round(reporting_cores, 2), "limit": reporting_limit}
        checks.append((f"reporting-db: {reporting_cores:.2f} cores at the peak, at most half its limit of "
                       f"{reporting_limit:g}", reporting_cores <= reporting_limit / 2))

    broker_cpu = relay["cpu_ms_per_event"]["broker"] + consumer["cpu_ms_per_event"]["broker"]
    rabbitmq = deployed.find("RabbitmqCluster", "rabbitmq")["spec"]
    broker_cores = reporting_events_per_s * broker_cpu / 1000
    rows["broker"] = {"cpu_ms_per_event": round(broker_cpu, 3), "cores": round(broker_cores, 2),
                      "nodes": rabbitmq["replicas"], "node_limit": cores(rabbitmq["resources"]["limits"]["cpu"])}
    checks.append((f"rabbitmq: {broker_cores:.2f} cores of events (one node's copy), {rabbitmq['replicas']} nodes of "
                   f"{rows['broker']['node_limit']:g}", broker_cores <= rows["broker"]["node_limit"] / 2))
    return {"assumption": a.__dict__,
            "demand": {"learners_starting_per_s": round(learners_per_s, 1), "answers_per_s": round(answers_per_s),
                       "classes_watched": round(classes_watched), "polls_per_s": round(polls_per_s),
                       "gateway_requests_per_s": round(requests_per_s),
                       "reporting_events_per_s": round(reporting_events_per_s)},
            "processes": rows, "checks": [{"what": what, "ok": ok} for what, ok in checks]}


def print_plan(p: dict) -> None:
    a, d, rows = p["assumption"], p["demand"], p["processes"]
    print(f"\nplan for {a['learners']:,} learners over {a['days']} days, {a['questions']} questions each, "
          f"{a['busy_share']:.0%} of a day's load in {a['busy_hours']:g} h, peak x{a['peak_factor']:g}:")
    print(f"  peak: {d['learners_starting_per_s']} learners starting/s, {d['answers_per_s']:,} answers/s, "
          f"{d['gateway_requests_per_s']:,} gateway requests/s, {d['reporting_events_per_s']:,} reporting events/s")
    print(f"  teachers: {d['classes_watched']:,} classes in a test at once, each watched live: {d['polls_per_s']:,} "
          "polls/s of Orga's activity page (3 requests each)")
    for name in ("assessment api", "edge", "gateway", "identity api", "reporting api"):
        if name not in rows:
            continue
        r = rows[name]
        print(f"  {name}: {r['demand_per_s']:,}/s x {r['cpu_ms_per_unit']} CPU ms per {r['unit']} = {r['cores']} cores; "
              f"a pod at {r['target']:.0%} of its {r['request']:g}-core request serves {r['per_pod_per_s']}/s "
              f"-> {r['pods']} pods")
        if "kept" in r:
            print(f"    (each test's state kept in its process, as affinity by test would have it: "
                  f"{r['kept']['cpu_ms_per_unit']} CPU ms per {r['unit']} -> {r['kept']['pods']} pods)")
    r = rows["reporting consumer"]
    print(f"  reporting consumer: {r['events_per_s']:,} events/s, {r['per_pod_per_s']}/s per pod at most "
          f"-> {r['pods']} pods")
    r = rows["assessment relay"]
    print(f"  assessment relay: {r['events_per_s']:,} events/s, {r['per_pod_per_s']:,}/s per pod -> one pod, "
          f"{r['busy']:.0%} busy")
    r = rows["assessment database"]
    print(f"  assessment database: {r['cores']} cores on the primary; {r['client_connections']} client connections "
          f"at most, about {r['busy_connections']} busy at once")
    if "reporting database" in rows:
        print(f"  reporting database: {rows['reporting database']['cores']} cores on the primary (projections and "
              "teachers' reads)")
    r = rows["broker"]
    print(f"  broker: {r['cpu_ms_per_event']} CPU ms per event -> {r['cores']} cores")
    print("\nthe production overlay against the plan:")
    for check in p["checks"]:
        print(f"  {'ok ' if check['ok'] else 'NO '} {check['what']}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = Assumption()
    for name, value in defaults.__dict__.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8, 16],
                        help="client threads of each round against the assessment api")
    parser.add_argument("--gateway-concurrency", type=int, default=8)
    parser.add_argument("--login-concurrency", type=int, default=8)
    parser.add_argument("--prepared", type=int, default=1500, help="assessments prepared for the load")
    parser.add_argument("--save-median", type=Path,
                        help="with --plan-only: write the median figures there (deploy/capacity-figures.json)")
    parser.add_argument("--seconds", type=float, default=MEASURE_S, help="measured seconds of each round")
    parser.add_argument("--plan-only", type=Path, nargs="+",
                        help="results files of earlier runs: the plan again, from the median of each figure")
    return parser.parse_args(argv)


def main() -> None:
    global MEASURE_S
    args = parse_args()
    MEASURE_S = args.seconds
    assumption = Assumption(**{name: getattr(args, name) for name in Assumption().__dict__})
    if args.plan_only:
        figures = median_figures([json.loads(path.read_text())["figures"] for path in args.plan_only])
        if args.save_median:
            args.save_median.write_text(json.dumps({
                "what": "the median of each figure over these runs of bench/capacity.py (deploy/CAPACITY.md)",
                "runs": sorted(path.name for path in args.plan_only), "figures": figures}, indent=1) + "\n")
    else:
        figures = measure(args.concurrency, args.gateway_concurrency, args.prepared, args.login_concurrency)
    result = {"at": datetime.now(timezone.utc).isoformat(), "figures": figures,
              "plan": plan(figures, assumption, Deployed())}
    print_plan(result["plan"])
    if not args.plan_only:
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        path = out / f"capacity-{datetime.now(timezone.utc):%Y-%m-%dT%H%M%S}.json"
        path.write_text(json.dumps(result, indent=2, default=str))
        print(f"\nfigures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
