"""Faults on the whole running platform, under load: what is lost, doubled, failed, and how long it takes
to recover alone.

    python bench/faults.py                    # about 6 minutes; prints the table, writes bench/results/faults-*.json
    python bench/faults.py --learners 12 --think 0.5 --broker-cut 15 --database-cut 10 --kills 3

It starts the platform as ``make up`` does (``tools/devstack.py up``: every api, relay and consumer under
supervisord, the gateway, the demo data), with ``API_REPLICAS=2``, on databases and a RabbitMQ vhost of its
own, with two TCP proxies this process holds: one between every process and RabbitMQ, one between
assessment's processes (apis, relay, consumer) and their PostgreSQL. Learners then take the initial
diagnosis through the gateway as the learner face does (an ``Idempotency-Key`` on every write; a request
that fails is sent again with the same key, like a careful client), one after the other, while the faults
come one after the other:

1. **broker cut**: the broker's proxy refuses and drops every connection for ``--broker-cut`` seconds;
2. **consumers killed**: each consumer is killed with SIGKILL ``--kills`` times (supervisord starts it again);
3. **database cut**: assessment's PostgreSQL is cut for ``--database-cut`` seconds;
4. **restarts**: every process is restarted one after the other, as an operator rolls a release
   (``tools/devstack.py restart``: graceful for the apis and the gateway).

Then the learners stop, the platform drains, and the audit counts from the databases and the broker:

- **lost**: for every queue and every event type bound to it, events in the producer's outbox that never
  reached the consumer's inbox; outbox rows never published; messages left in dead-letter queues;
- **doubled**: an effect applied twice: two outbox events for one aggregate version, two journal rows in
  reporting for one, two live participations of one learner in one campaign;
- **failed**: requests that did not get their answer, per fault, with what they got (status and code);
  during the database cut, what learners were told;
- **recovered**: seconds from the end of a fault until the platform works again on its own (every probe
  ready and an answer's event seen in reporting's journal).

The table goes to stdout and, with every figure, to ``bench/results/faults-<time>.json``. The platform, its
databases and its vhost are removed at the end. ``make up`` must not be running (the same ports).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # journeys.py: the steps the e2e tests take through the gateway
sys.path.insert(0, str(ROOT / "tools"))  # devstack.py: the demo logins

from devstack import DEMO_LOGINS, DEMO_PASSWORD  # noqa: E402
from journeys import (  # noqa: E402
    PASSWORD,
    answer_knowing_up_to,
    bearer,
    log_in,
    organization_with_admin,
    shipped_content,
)

from msgkit.testing import TcpProxy, check_broker, create_vhost, delete_vhost  # noqa: E402
from svckit.testing import admin_database_url, create_database, drop_database  # noqa: E402

SERVICES = ("identity", "organizations", "campaigns", "assessment", "reporting")
CUT_SERVICE = "assessment"  # the service whose database is cut
DEVSTACK = ROOT / "tools" / "devstack.py"
RESULTS = ROOT / "bench" / "results"
REQUEST_TIMEOUT = 30


# -- the platform --------------------------------------------------------------------------------


@dataclass
class Platform:
    gateway: str
    databases: dict[str, str]  # service -> direct URL (not through the proxy), for the audit
    vhost_url: str
    broker_proxy: TcpProxy
    database_proxy: TcpProxy
    env: dict[str, str]
    mail_dir: Path
    identity_env: dict[str, str]

    def devstack(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, str(DEVSTACK), *args], env={**os.environ, **self.env},
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"devstack {' '.join(args)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
        return result

    def pid(self, program: str) -> int:
        conf = ROOT / ".run" / "supervisord.conf"
        out = subprocess.run([str(Path(sys.executable).parent / "supervisorctl"), "-c", str(conf), "pid", program],
                             capture_output=True, text=True).stdout.strip()
        return int(out)

    def probes(self) -> dict[str, str]:
        """Every process's readiness URL, read from the configuration make up wrote."""
        return json.loads((ROOT / ".run" / "checks.json").read_text())

    def all_ready(self) -> bool:
        return all(_ready(url) for url in self.probes().values())


def _ready(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


@contextmanager
def platform(run_id: str, gateway_port: int):
    """The whole platform on databases and a vhost of its own, behind the two proxies; removed at the end."""
    with ExitStack() as stack:
        amqp_root = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
        check_broker(amqp_root)
        vhost = f"faults-{run_id}"
        vhost_url = create_vhost(amqp_root, vhost)
        stack.callback(delete_vhost, amqp_root, vhost)
        broker_proxy = TcpProxy.for_url(amqp_root)
        stack.callback(broker_proxy.close)
        admin = admin_database_url()
        pg_host, pg_port = _host_port(admin, 5432)
        database_proxy = TcpProxy(pg_host, pg_port)
        stack.callback(database_proxy.close)
        databases: dict[str, str] = {}
        env = {"API_REPLICAS": "2", "GATEWAY_PORT": str(gateway_port), "RABBITMQ_URL": broker_proxy.url(vhost_url),
               "DEV_DATABASE_ADMIN_URL": admin}
        for service in SERVICES:
            name = f"faults_{run_id}_{service}"
            databases[service] = create_database(name)
            stack.callback(drop_database, name)
            url = databases[service]
            if service == CUT_SERVICE:
                url = url.replace(f"{pg_host}:{pg_port}", f"127.0.0.1:{database_proxy.port}")
            env[f"{service.upper()}_DATABASE_URL"] = url
        mail_dir = ROOT / ".run" / "mail"
        identity_env = {"SERVICE_ENV": "development", "DATABASE_URL": databases["identity"],
                        "RABBITMQ_URL": vhost_url}
        handle = Platform(gateway=f"http://127.0.0.1:{gateway_port}", databases=databases, vhost_url=vhost_url,
                          broker_proxy=broker_proxy, database_proxy=database_proxy, env=env, mail_dir=mail_dir,
                          identity_env=identity_env)
        say("starting the platform (tools/devstack.py up, two apis per service)")
        started = time.monotonic()
        stack.callback(lambda: handle.devstack("down", check=False))
        handle.devstack("up")
        say(f"platform up in {time.monotonic() - started:.0f} s")
        yield handle


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.host or "127.0.0.1", parsed.port or default_port


# -- what the learners see -----------------------------------------------------------------------


@dataclass
class Outcome:
    at: float  # when the answer came (or the request failed): a request in flight when a fault began is the fault's
    what: str  # e.g. "POST answers"
    status: int  # 0 when no answer came (connection refused, timeout)
    code: str | None
    ok: bool


class Journal:
    """Every request the learners sent, with its outcome; the fault in progress is named by time."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []
        self.lock = threading.Lock()
        self.phases: list[tuple[float, str]] = [(0.0, "before")]
        self.recorded_answers: dict[tuple[str, str], bool] = {}  # (assessment, challenge) -> the learner saw 201

    def phase(self, name: str) -> None:
        with self.lock:
            self.phases.append((time.monotonic(), name))

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    def phase_of(self, moment: float) -> str:
        current = "before"
        for start, name in self.phases:
            if moment >= start:
                current = name
        return current


def call(journal: Journal, what: str, method: str, url: str, ok: set[int], *, retries: int = 60,
         pause: float = 0.5, waits: frozenset[str] = frozenset(), **kwargs) -> requests.Response | None:
    """One logical request, sent again (same Idempotency-Key) until it gets an expected answer.

    An answer whose code is in ``waits`` is the platform saying "not yet" (eventual consistency, as the
    faces retry it): it is sent again but not counted as a failure, and with a new key, as the face sends a
    new click (the "not yet" is the stored answer of its key: the same key would replay it)."""
    headers = dict(kwargs.pop("headers", {}))
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        headers.setdefault("Idempotency-Key", str(uuid.uuid4()))
    for _ in range(retries):
        try:
            response = requests.request(method, url, headers=headers, timeout=REQUEST_TIMEOUT, **kwargs)
        except requests.RequestException as error:
            journal.add(Outcome(time.monotonic(), what, 0, type(error).__name__, False))
            time.sleep(pause)
            continue
        good = response.status_code in ok
        code = None
        if not good:
            try:
                code = response.json()["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = "(not the common shape)"
        journal.add(Outcome(time.monotonic(), what, response.status_code, code, good or code in waits))
        if good:
            return response
        if code in waits and "Idempotency-Key" in headers:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        time.sleep(pause)
    return None


@dataclass
class Learners:
    platform: Platform
    journal: Journal
    campaign_code: str
    count: int
    think: float
    stop: threading.Event = field(default_factory=threading.Event)
    finished: int = 0
    answers_acknowledged: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._learner_loop, args=(n,), daemon=True) for n in range(self.count)]
        for thread in threads:
            thread.start()
        return threads

    def _learner_loop(self, n: int) -> None:
        rng = random.Random(n)
        while not self.stop.is_set():
            self._one_learner(rng)

    def _one_learner(self, rng: random.Random) -> None:
        base, journal = self.platform.gateway, self.journal
        address = f"learner.{uuid.uuid4().hex[:10]}@example.org"
        signed = call(journal, "POST users", "POST", f"{base}/api/users", {201}, json={
            "first_name": "Lou", "last_name": "Apprenant", "email": address, "password": PASSWORD,
            "accepted_terms": True})
        if signed is None:
            return
        tokens = call(journal, "POST token", "POST", f"{base}/api/token", {200},
                      json={"email": address, "password": PASSWORD})
        if tokens is None:
            return
        auth = bearer(tokens.json()["access_token"])
        refresh = tokens.json()["refresh_token"]
        joined = call(journal, "POST campaign-participations", "POST", f"{base}/api/campaign-participations",
                      {200, 201}, headers=auth, json={"campaign_code": self.campaign_code})
        if joined is None:
            return
        participation = joined.json()["id"]
        # The assessment is made from an event: the face waits for it ("Préparation de votre test…").
        assessment = None
        deadline = time.monotonic() + 120
        while assessment is None and time.monotonic() < deadline and not self.stop.is_set():
            got = call(journal, "GET assessment", "GET", f"{base}/api/campaign-participations/{participation}/assessment",
                       {200, 404}, headers=auth)
            if got is not None and got.status_code == 200:
                assessment = got.json()["id"]
            else:
                time.sleep(0.5)
        if assessment is None:
            return
        level = rng.randint(0, 5)
        token_born = time.monotonic()
        while not self.stop.is_set():
            if time.monotonic() - token_born > 600:  # access tokens live 15 minutes
                renewed = call(journal, "POST token/refresh", "POST", f"{base}/api/token/refresh", {200},
                               json={"refresh_token": refresh})
                if renewed is None:
                    return
                auth, refresh = bearer(renewed.json()["access_token"]), renewed.json()["refresh_token"]
                token_born = time.monotonic()
            asked = call(journal, "GET next-challenge", "GET", f"{base}/api/assessments/{assessment}/next-challenge",
                         {200}, headers=auth)
            if asked is None:
                return
            challenge = asked.json()["challenge"]
            if challenge is None:
                break
            time.sleep(self.think * rng.uniform(0.5, 1.5))
            # 200: the same answer sent again after its first reply was lost gives back the recorded one
            answered = call(journal, "POST answers", "POST", f"{base}/api/assessments/{assessment}/answers", {200, 201},
                            headers=auth, json=answer_knowing_up_to(level, challenge["id"]))
            with journal.lock:
                journal.recorded_answers[(assessment, challenge["id"])] = answered is not None
            if answered is None:
                return
            with self.lock:
                self.answers_acknowledged += 1
        else:
            return
        # Finished: send the results once campaigns heard of the completion (an event away).
        shared = call(journal, "POST share", "POST", f"{base}/api/campaign-participations/{participation}/share",
                      {200, 201}, headers=auth, retries=240,
                      waits=frozenset({"NOTHING_TO_SHARE_YET"}))
        if shared is not None:
            with self.lock:
                self.finished += 1


# -- the faults ----------------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def wait_for(predicate, timeout: float, interval: float = 0.2) -> float | None:
    """Seconds until ``predicate()`` held, or None after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(interval)
    return None


class Probe:
    """An answer's event reaching reporting's journal: the end-to-end sign that events flow again."""

    def __init__(self, platform: Platform) -> None:
        self.engine = create_engine(platform.databases["reporting"].replace("postgresql://", "postgresql+psycopg://", 1)
                                    if platform.databases["reporting"].startswith("postgresql://")
                                    else platform.databases["reporting"], pool_size=1)

    def latest_journal(self) -> datetime | None:
        with self.engine.connect() as connection:
            return connection.execute(text("SELECT max(received_at) FROM journal "
                                           "WHERE event_type = 'assessment.answer.recorded.v1'")).scalar()

    def events_flow_after(self, moment: datetime) -> bool:
        latest = self.latest_journal()
        return latest is not None and latest > moment


def recovered(platform: Platform, probe: Probe, since: datetime, timeout: float = 120) -> float | None:
    """Seconds until every process is ready and a new answer's event has reached reporting."""
    return wait_for(lambda: platform.all_ready() and probe.events_flow_after(since), timeout)


@dataclass
class FaultRecord:
    name: str
    duration_s: float
    recovery_s: list[float | None] = field(default_factory=list)


def run_faults(platform: Platform, journal: Journal, args) -> list[FaultRecord]:
    probe = Probe(platform)
    records: list[FaultRecord] = []

    def cut(phase: str, name: str, proxy: TcpProxy, seconds: float) -> None:
        journal.phase(phase)
        say(f"cutting the {name} for {seconds} s")
        proxy.cut()
        time.sleep(seconds)
        proxy.restore()
        record = FaultRecord(f"{name} cut", seconds, [recovered(platform, probe, datetime.now(timezone.utc))])
        say(f"  recovered after {record.recovery_s[-1]} s")
        records.append(record)
        time.sleep(3)

    cut("broker cut", "broker", platform.broker_proxy, args.broker_cut)

    journal.phase("consumers killed")
    record = FaultRecord(f"each consumer killed -9 x{args.kills}", 0)
    consumers = [name for name in platform.probes() if name.endswith("-consumer")]
    for _ in range(args.kills):
        for name in consumers:
            pid = platform.pid(name)
            os.kill(pid, signal.SIGKILL)
            killed = datetime.now(timezone.utc)
            probe_url = platform.probes()[name]
            # supervisord starts it again; recovered = its probe answers and events flow
            record.recovery_s.append(wait_for(lambda pid=pid, name=name, url=probe_url, killed=killed:
                                              _restarted(platform, name, pid) and _ready(url)
                                              and probe.events_flow_after(killed), 120))
            say(f"  {name} killed; back after {record.recovery_s[-1]} s")
    records.append(record)
    time.sleep(3)

    cut("database cut", f"{CUT_SERVICE} database", platform.database_proxy, args.database_cut)

    journal.phase("restarts")
    record = FaultRecord("every process restarted, one after the other", 0)
    probes = platform.probes()
    for name in [name for name in probes if name != "gateway"] + ["gateway"]:  # as `restart all` does
        started = time.monotonic()
        platform.devstack("restart", name)
        wait_for(lambda name=name: _ready(platform.probes()[name]), 60)
        record.recovery_s.append(round(time.monotonic() - started, 1))
        say(f"  {name} restarted in {record.recovery_s[-1]} s")
    records.append(record)
    journal.phase("after")
    return records


def _restarted(platform: Platform, name: str, old_pid: int) -> bool:
    try:
        return platform.pid(name) not in (0, old_pid)
    except ValueError:
        return False


# -- the audit -----------------------------------------------------------------------------------


def _engine(url: str):
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)
                         if url.startswith("postgresql://") else url, pool_size=1)


def bindings(vhost: str) -> dict[str, set[str]]:
    """queue -> the event types bound to it, as the broker holds them."""
    output = subprocess.run(["rabbitmqctl", "-q", "--no-table-headers", "list_bindings", "-p", vhost, "source_name", "destination_name",
                             "routing_key"], capture_output=True, text=True, check=True).stdout
    bound: dict[str, set[str]] = defaultdict(set)
    for line in output.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0].endswith(".events"):
            bound[parts[1]].add(parts[2])
    return bound


def queue_messages(vhost: str) -> dict[str, int]:
    output = subprocess.run(["rabbitmqctl", "-q", "--no-table-headers", "list_queues", "-p", vhost, "name", "messages"],
                            capture_output=True, text=True, check=True).stdout
    return {name: int(count) for name, count in (line.split("\t") for line in output.splitlines() if "\t" in line)}


def drained(platform: Platform, vhost: str) -> bool:
    for service in SERVICES:
        with _engine(platform.databases[service]).connect() as connection:
            if connection.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar():
                return False
    depths = queue_messages(vhost)
    return all(count == 0 for name, count in depths.items()
               if not name.endswith((".unrouted", ".dlq")) and ".retry." not in name)


def audit(platform: Platform, vhost: str, journal: Journal) -> dict:
    outboxes: dict[str, dict[str, set[str]]] = {}
    doubled: dict[str, int] = {}
    unpublished = 0
    for service in SERVICES:
        with _engine(platform.databases[service]).connect() as connection:
            by_type: dict[str, set[str]] = defaultdict(set)
            for message_id, event_type in connection.execute(text("SELECT message_id, event_type FROM outbox")):
                by_type[event_type].add(str(message_id))
            outboxes[service] = by_type
            unpublished += connection.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar()
            doubled[f"{service}: two events for one aggregate version"] = connection.execute(text(
                "SELECT count(*) FROM (SELECT 1 FROM outbox GROUP BY event_type, aggregate_id, aggregate_version "
                "HAVING count(*) > 1) twice")).scalar()
    lost: dict[str, int] = {}
    for queue, event_types in sorted(bindings(vhost).items()):
        consumer, _, handler = queue.partition(".")
        if consumer not in SERVICES:
            continue
        with _engine(platform.databases[consumer]).connect() as connection:
            received = {str(m) for (m,) in connection.execute(
                text("SELECT message_id FROM inbox WHERE handler = :handler"), {"handler": handler})}
        for event_type in sorted(event_types):
            sent = outboxes.get(event_type.split(".")[0], {}).get(event_type, set())
            missing = len(sent - received)
            if sent:
                lost[f"{queue} <- {event_type} ({len(sent)} sent)"] = missing
    with _engine(platform.databases["reporting"]).connect() as connection:
        doubled["reporting: two journal rows for one event"] = connection.execute(text(
            "SELECT count(*) FROM (SELECT 1 FROM journal GROUP BY event_type, aggregate_id, aggregate_version "
            "HAVING count(*) > 1) twice")).scalar()
        journaled_answers = connection.execute(text(
            "SELECT count(*) FROM journal WHERE event_type = 'assessment.answer.recorded.v1'")).scalar()
    with _engine(platform.databases["campaigns"]).connect() as connection:
        doubled["campaigns: two live participations of one learner in one campaign"] = connection.execute(text(
            "SELECT count(*) FROM (SELECT 1 FROM participations WHERE deleted_at IS NULL AND superseded_at IS NULL "
            "GROUP BY campaign_id, user_id HAVING count(*) > 1) twice")).scalar()
    with _engine(platform.databases["assessment"]).connect() as connection:
        recorded = {(str(a), c) for a, c in connection.execute(text("SELECT assessment_id, challenge_id FROM answers"))}
    told_failure_but_recorded = sum(1 for key, seen in journal.recorded_answers.items() if not seen and key in recorded)
    acknowledged_not_recorded = sum(1 for key, seen in journal.recorded_answers.items() if seen and key not in recorded)
    dead = {name: count for name, count in queue_messages(vhost).items() if name.endswith(".dlq") and count}
    return {
        "lost": lost, "lost_total": sum(lost.values()) + unpublished + sum(dead.values()) + acknowledged_not_recorded,
        "unpublished_outbox_rows": unpublished, "dead_letters": dead,
        "answers_acknowledged_but_not_recorded": acknowledged_not_recorded,
        "answers_recorded_while_the_learner_was_told_a_failure": told_failure_but_recorded,
        "doubled": doubled, "doubled_total": sum(doubled.values()),
        "answers_recorded": len(recorded),
        "answer_events_in_outbox": len(outboxes["assessment"].get("assessment.answer.recorded.v1", set())),
        "answer_events_in_reporting_journal": journaled_answers,
    }


# -- the report ----------------------------------------------------------------------------------


def failures_by_phase(journal: Journal) -> dict[str, dict]:
    table: dict[str, dict] = {}
    for outcome in journal.outcomes:
        phase = journal.phase_of(outcome.at)
        row = table.setdefault(phase, {"requests": 0, "failed": 0, "answers_posted": 0, "answers_failed": 0,
                                       "got": Counter()})
        row["requests"] += 1
        if outcome.what == "POST answers":
            row["answers_posted"] += 1
        if not outcome.ok:
            row["failed"] += 1
            row["answers_failed"] += outcome.what == "POST answers"
            row["got"][" ".join(str(part) for part in (outcome.what, outcome.status, outcome.code) if part)] += 1
    for row in table.values():
        row["got"] = dict(row["got"].most_common())
    return table


def print_report(result: dict) -> None:
    print("\n## Faults on the whole running platform\n")
    print("| fault | requests | failed | of them answer POSTs | recovered alone after (s) | what learners got |")
    print("|---|---|---|---|---|---|")
    phases = result["requests_by_phase"]
    names = {"broker cut": "broker cut", "consumers killed": "consumers killed",
             "database cut": "database cut", "restarts": "restarts"}
    recovery = {record["name"]: record["recovery_s"] for record in result["faults"]}
    rows = [("before", "before the faults", None), *[(phase, record["name"], record["name"]) for record, phase
                                                       in zip(result["faults"], names, strict=False)],
            ("after", "after the faults", None)]
    for phase, label, fault in rows:
        row = phases.get(phase, {"requests": 0, "failed": 0, "answers_failed": 0, "got": {}})
        values = [v for v in recovery.get(fault, []) if v is not None]
        missing = len(recovery.get(fault, [])) - len(values)
        shown = (f"{min(values):.1f}–{max(values):.1f}" if len(values) > 1 else f"{values[0]:.1f}") if values else "—"
        if missing:
            shown += f" ({missing} never)"
        got = "; ".join(f"{k} ×{v}" for k, v in list(row["got"].items())[:4]) or "—"
        print(f"| {label} | {row['requests']} | {row['failed']} | {row['answers_failed']} | {shown} | {got} |")
    audit_result = result["audit"]
    print(f"\nevents lost: {audit_result['lost_total']}   effects doubled: {audit_result['doubled_total']}   "
          f"answers recorded: {audit_result['answers_recorded']} = outbox {audit_result['answer_events_in_outbox']} "
          f"= reporting's journal {audit_result['answer_events_in_reporting_journal']}")
    print(f"answers recorded while the learner was told a failure: "
          f"{audit_result['answers_recorded_while_the_learner_was_told_a_failure']}; "
          f"acknowledged but not recorded: {audit_result['answers_acknowledged_but_not_recorded']}; "
          f"dead letters: {audit_result['dead_letters'] or 0}; learners finished: {result['learners_finished']}")
    for name, count in {**audit_result["lost"], **audit_result["doubled"]}.items():
        if count:
            print(f"  NOT ZERO: {name}: {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=12)
    parser.add_argument("--think", type=float, default=0.5, help="seconds a learner thinks before answering")
    parser.add_argument("--broker-cut", type=float, default=15.0)
    parser.add_argument("--database-cut", type=float, default=10.0)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--gateway-port", type=int, default=8080)
    args = parser.parse_args()

    run_id = uuid.uuid4().hex[:6]
    journal = Journal()
    with platform(run_id, args.gateway_port) as running:
        vhost = f"faults-{run_id}"
        platform_admin = log_in(running, DEMO_LOGINS[0][1], DEMO_PASSWORD)
        stand_in = SimpleNamespace(gateway=running.gateway, mail_dir=running.mail_dir,
                                   identity_env=running.identity_env)
        organization, admin = organization_with_admin(stand_in, platform_admin, name="Faults & Co", type="PRO")
        campaign = None
        deadline = time.monotonic() + 60
        while campaign is None and time.monotonic() < deadline:  # campaigns hears of the organization by events
            created = requests.post(f"{running.gateway}/api/organizations/{organization}/campaigns", headers=admin,
                                    timeout=10, json={"type": "ASSESSMENT", "name": "Faults",
                                                      "target_profile_id": "initial-diagnosis"})
            campaign = created.json() if created.status_code == 201 else None
            time.sleep(0.5 if campaign is None else 0)
        if campaign is None:
            raise RuntimeError(f"the campaign was not created: {created.status_code} {created.text}")
        learners = Learners(running, journal, campaign["code"], args.learners, args.think)
        shipped_content()  # the learners' right answers: parsed here, once, not during the faults (its CPU would
        # starve this process's broker proxy)
        threads = learners.run()
        say(f"{args.learners} learners answering through the gateway; warming up")
        time.sleep(15)
        faults = run_faults(running, journal, args)
        time.sleep(5)
        learners.stop.set()
        for thread in threads:
            thread.join(REQUEST_TIMEOUT * 2)
        say("learners stopped; waiting for the platform to drain")
        drain_s = wait_for(lambda: drained(running, vhost), 180, interval=1.0)
        time.sleep(3)  # the last acks and commits
        result = {
            "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "settings": vars(args),
            "faults": [record.__dict__ for record in faults],
            "requests_by_phase": failures_by_phase(journal),
            "requests_total": len(journal.outcomes),
            "learners_finished": learners.finished,
            "answers_acknowledged": learners.answers_acknowledged,
            "drained_after_s": drain_s,
            "audit": audit(running, vhost, journal),
        }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"faults-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    print_report(result)
    print(f"\n(written to {path.relative_to(ROOT)})")
    if result["audit"]["lost_total"] or result["audit"]["doubled_total"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
