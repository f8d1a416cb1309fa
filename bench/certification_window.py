"""A certification window on the whole running platform: hundreds of candidates answering at once through the
gateway, their invigilators' pages open; answers per second, latencies, CPU per answer of each process group.

    python bench/certification_window.py                       # 200 candidates, about 5 minutes
    python bench/certification_window.py --candidates 600 --api-replicas 3 --think-scale 0.1

It starts the platform as ``make up`` does (``tools/devstack.py up``: every api, relay and consumer under
supervisord, the gateway, the demo data) on databases and a RabbitMQ vhost of its own, ``--api-replicas``
apis per service. Then, through the gateway, as the faces would:

1. a platform admin creates a PRO centre; its first admin signs up from the mailed invitation, verifies the
   address and accepts; the admin schedules one session per ``--per-session`` candidates (a room) and enrols
   each session's candidates from a CSV file (``POST .../candidates/imports``);
2. every candidate signs up and logs in; their profile (level 1 in five competences) is published on the
   broker as ``assessment.assessment.completed.v1``, as the e2e test does (a real profile needs a long
   campaign test first); each candidate joins their session with its number, names and birth date;
3. one invigilator per session opens it with its number and password and authorizes each candidate through
   the invigilator's route (one ``POST .../authorization`` each: there is no bulk route), and each candidate
   types the access code: the course starts, and assessment makes the test from certification's event.

Then the **window**: every candidate takes their 32 questions at once, as the candidate face does: ``GET
next-challenge``, a think time, ``POST answers`` (an ``Idempotency-Key`` on every write; answers right up to a
level drawn per candidate, skipped above). Think times are drawn uniformly from ``--think-min`` to
``--think-max`` seconds (20 to 60: a question read, worked out and typed) multiplied by ``--think-scale``
(0.05 by default, so a run lasts minutes, not the 20 minutes of a real test: the offered rate is that of
``candidates / think-scale`` real candidates). Each invigilator's page is open as the Certif face opens it
(``--invigilator-page live``, the default): the stream ``GET .../invigilation/events``, read as it comes, opened
again when it ends; every view it pushes is counted, with how long each answer took to show on its session's page
(from the answer's 201 to the first view counting it). ``--invigilator-page poll`` polls ``GET .../invigilation``
every ``--poll`` seconds times the same scale instead, as the page did before it was live: run both to compare.

Measured, over the window (from the first question asked to the last answer): answers per second, p50 and
p99 client-side latency of next-question and answer, errors (anything but the expected answer), and the CPU
seconds per answer of each process group read from /proc before and after (each supervisord program's
process tree; PostgreSQL as the backends of the bench's databases, sampled every 0.2 s, and machine-wide; the
broker machine-wide; this load generator). The table prints each figure beside its goal; it goes with every figure to
``bench/results/certification-window-<time>.json``. ``make up`` must not be running (the same ports).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import requests

ROOT = Path(__file__).resolve().parent.parent
DEVSTACK = ROOT / "tools" / "devstack.py"
RESULTS = ROOT / "bench" / "results"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REQUEST_TIMEOUT = 30
QUESTIONS = 32
PASSWORD = "Blue-Sky-2026!"  # noqa: S105 - the bench accounts' password, as tests/e2e/journeys.py
# Issue 18's target on this machine; today's figures are printed beside it, met or not.
GOALS = {"answers_per_s": 500.0, "p99_ms": 50.0, "errors": 0}
# The page's refresh and the think times, before scaling (seconds).
POLL_S, THINK_MIN_S, THINK_MAX_S = 5.0, 20.0, 60.0


# -- bookkeeping (pure: tests/unit/test_bench_certification_window.py) -------------------------------------


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between the two closest ranks (numpy's default)."""
    if not samples:
        raise ValueError("no samples")
    if not 0 <= q <= 100:
        raise ValueError(f"a percentile is between 0 and 100, not {q}")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(samples_ms: list[float]) -> dict:
    if not samples_ms:
        return {"count": 0, "p50_ms": None, "p99_ms": None, "max_ms": None}
    return {"count": len(samples_ms), "p50_ms": round(percentile(samples_ms, 50), 1),
            "p99_ms": round(percentile(samples_ms, 99), 1), "max_ms": round(max(samples_ms), 1)}


def steady_rate(moments: list[float], low: float = 10, high: float = 90) -> float | None:
    """Events per second between the low-th and the high-th percentile of their moments: the rate once every
    candidate is under way and before the last ones finish (the start and the tail left out)."""
    if len(moments) < 2:
        return None
    began, ended = percentile(moments, low), percentile(moments, high)
    inside = sum(1 for moment in moments if began <= moment <= ended)
    return round(inside / (ended - began), 1) if ended > began else None


def think_time(rng: random.Random, low: float, high: float, scale: float) -> float:
    """Seconds a candidate spends on a question before answering: uniform on [low, high], scaled."""
    return rng.uniform(low, high) * scale


def parse_stat(raw: str) -> tuple[str, int, float]:
    """(command name, parent pid, CPU seconds) from a /proc/<pid>/stat line: utime + stime of the process and
    cutime + cstime of its reaped children (a gunicorn worker replaced keeps counting in its master)."""
    name = raw[raw.index("(") + 1:raw.rindex(")")]
    rest = raw[raw.rindex(")") + 2:].split()
    # after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return name, int(rest[1]), sum(int(v) for v in rest[11:15]) / CLOCK_TICKS


def read_stats() -> dict[int, tuple[str, int, float]]:
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stats[int(entry)] = parse_stat(Path(f"/proc/{entry}/stat").read_text())
            except (OSError, ValueError):
                continue  # gone between the listing and the read
    return stats


def descendants(roots: set[int], stats: dict[int, tuple[str, int, float]]) -> set[int]:
    """The roots and every process below them, as far as ``stats`` knows them."""
    chosen = {pid for pid in roots if pid in stats}
    frontier = set(chosen)
    while frontier:
        frontier = {pid for pid, (_, parent, _) in stats.items() if parent in frontier and pid not in chosen}
        chosen |= frontier
    return chosen


def group_cpu(stats: dict[int, tuple[str, int, float]], groups: dict[str, set[int]],
              names: dict[str, tuple[str, ...]] | None = None) -> dict[str, float]:
    """CPU seconds of each group: the process trees of its root pids, plus (``names``) every process of one of
    those command names. A process is counted once, in the first group that claims it."""
    seen: set[int] = set()
    spent: dict[str, float] = {}
    for group, roots in groups.items():
        pids = descendants(roots, stats) - seen
        seen |= pids
        spent[group] = sum(stats[pid][2] for pid in pids)
    for group, wanted in (names or {}).items():
        pids = {pid for pid, (name, _, _) in stats.items() if name in wanted} - seen
        seen |= pids
        spent[group] = spent.get(group, 0.0) + sum(stats[pid][2] for pid in pids)
    return spent


def cpu_spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Seconds each group spent between two readings (a group new in the second counts from zero)."""
    return {group: round(after[group] - before.get(group, 0.0), 3) for group in after}


@dataclass
class BackendLedger:
    """CPU seconds of PostgreSQL backends sampled during the window (pid -> CPU seconds at each sample): a backend
    seen at the first sample counts from that reading, one born later from zero, and each counts up to its last
    sample. The apis' pools open and close overflow connections under load: a backend that lives between two
    samples is missed, and each loses the CPU of its last moments (sampling often keeps that small)."""
    first: dict[int, float] = field(default_factory=dict)
    last: dict[int, float] = field(default_factory=dict)
    samples: int = 0

    def observe(self, reading: dict[int, float]) -> None:
        for pid, cpu in reading.items():
            if pid not in self.first:
                self.first[pid] = cpu if self.samples == 0 else 0.0
            self.last[pid] = cpu
        self.samples += 1

    def total(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def per_answer_ms(spent: dict[str, float], answers: int) -> dict[str, float]:
    return {group: round(seconds * 1000 / max(answers, 1), 2) for group, seconds in spent.items()}


def program_group(program: str) -> str:
    """The process group of a supervisord program of tools/devstack.py."""
    if program in ("gateway", "edge"):  # EDGE=haproxy: the edge in front, the Python gateway behind it
        return program
    service, _, kind = program.partition("-")
    if kind.startswith("api"):
        return f"{service} api" if service in ("assessment", "certification") else "other apis"
    if kind == "consumer":
        return "consumers"
    if kind == "relay":
        return "relays"
    return "other"


def verdict(value: float | None, goal: float, higher_is_better: bool) -> str:
    if value is None:
        return "—"
    return "ok" if (value >= goal if higher_is_better else value <= goal) else "MISSED"


# -- the national calendar's peak (deploy/CAPACITY.md, section 10) ------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """One national window: its pupils and school days (assumed), how they crowd (assumed), and the candidates'
    pace (the bench's think times)."""
    name: str
    pupils: int
    school_days: int
    peak_day: float = 3.0  # the busiest day over the window's average day (schools crowd before the deadline)
    slots: int = 3  # sessions a room holds in a school day (1 h 45 each, school hours)
    busiest_slot: float = 1.5  # the busiest slot over the day's average slot (mornings)
    think_s: float = (THINK_MIN_S + THINK_MAX_S) / 2  # seconds between two answers of a candidate
    room: int = 25  # candidates per invigilator's page


# 2024/25: weekdays of each window less the school holidays inside it (one zone's) and the bank holidays.
CALENDARS = (
    Calendar("lycée: terminales, CAP and BTS/CPGE 2nd year, 7 Nov 2024 - 7 Mar 2025", 1_000_000, 87 - 10 - 10 - 1),
    Calendar("collège: 3e, 17 Mar - 13 Jun 2025", 840_000, 65 - 10 - 6),
)
# CPU a pod may use at its autoscaler's target: 65 % of its request (deploy/base, deploy/CAPACITY.md).
POD_CORES = {"edge": 0.5 * 0.65, "gateway": 0.5 * 0.65, "assessment api": 0.5 * 0.65,
             "certification api": 0.25 * 0.65}


def calendar_peak(calendar: Calendar) -> dict:
    """Candidates in a test at once at the window's peak, and the answers per second they send."""
    per_day = calendar.pupils / calendar.school_days
    concurrent = per_day * calendar.peak_day / calendar.slots * calendar.busiest_slot
    return {"pupils_per_school_day": round(per_day), "concurrent_candidates": round(concurrent),
            "answers_per_s": round(concurrent / calendar.think_s, 1),
            "invigilator_polls_per_s": round(concurrent / calendar.room / POLL_S, 1)}


def window_sizing(cpu_ms_per_answer: dict[str, float], answers_per_s: float) -> dict:
    """Cores busy per process group at ``answers_per_s``, and pods for those with a pod size."""
    cores = {group: round(ms * answers_per_s / 1000, 2) for group, ms in cpu_ms_per_answer.items()
             if group != "load generator"}
    pods = {group: math.ceil(cores[group] / per_pod) for group, per_pod in POD_CORES.items() if group in cores}
    return {"cores": cores, "pods": pods}


def median_figures(results: list[dict]) -> dict[str, float]:
    """The median CPU ms per answer of each group over several runs."""
    groups = {group for result in results for group in result["window"]["cpu_ms_per_answer"]}
    return {group: round(percentile([r["window"]["cpu_ms_per_answer"][group] for r in results
                                      if group in r["window"]["cpu_ms_per_answer"]], 50), 2)
            for group in sorted(groups)}


def print_plan(cpu_ms_per_answer: dict[str, float], runs: int) -> None:
    print(f"\n## The national calendar's peak, from the CPU per answer measured ({runs} run(s), median)\n")
    for calendar in CALENDARS:
        peak = calendar_peak(calendar)
        sizing = window_sizing(cpu_ms_per_answer, peak["answers_per_s"])
        print(f"- {calendar.name}: {calendar.pupils:,} pupils over {calendar.school_days} school days, "
              f"{peak['pupils_per_school_day']:,} a day; busiest day x{calendar.peak_day:g}, {calendar.slots} "
              f"sessions a day, busiest x{calendar.busiest_slot:g}: {peak['concurrent_candidates']:,} candidates in "
              f"a test at once, {peak['answers_per_s']} answers/s, {peak['invigilator_polls_per_s']} invigilator "
              "polls/s")
        print("  cores busy: " + ", ".join(f"{g} {c}" for g, c in sizing["cores"].items()))
        print("  pods at 65 % of their request: " + ", ".join(f"{g} {n}" for g, n in sizing["pods"].items()))


# -- the platform -------------------------------------------------------------------------------------------


@dataclass
class Platform:
    gateway: str
    env: dict[str, str]
    databases: dict[str, str]
    vhost_url: str
    mail_dir: Path
    identity_env: dict[str, str]

    def devstack(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, str(DEVSTACK), *args], env={**os.environ, **self.env},
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"devstack {' '.join(args)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
        return result

    def programs(self) -> dict[str, int]:
        """Every supervisord program's pid (0 when not running)."""
        conf = ROOT / ".run" / "supervisord.conf"
        out = subprocess.run([str(Path(sys.executable).parent / "supervisorctl"), "-c", str(conf), "status"],
                             capture_output=True, text=True).stdout
        pids = {}
        for line in out.splitlines():
            parts = line.split()
            if parts:
                pids[parts[0]] = int(parts[3].rstrip(",")) if len(parts) > 3 and parts[2] == "pid" else 0
        return pids


@contextmanager
def platform(run_id: str, gateway_port: int, api_replicas: int):
    """The whole platform on databases and a vhost of its own; removed at the end."""
    sys.path.insert(0, str(ROOT / "tools"))
    from devstack import SERVICES

    from msgkit.testing import check_broker, create_vhost, delete_vhost
    from svckit.testing import admin_database_url, create_database, drop_database

    with ExitStack() as stack:
        amqp_root = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
        check_broker(amqp_root)
        vhost = f"window-{run_id}"
        vhost_url = create_vhost(amqp_root, vhost)
        stack.callback(delete_vhost, amqp_root, vhost)
        admin = admin_database_url()
        # The gateway's limits out of the way: sign-ups and log-ins all come from this one address here, from
        # thousands of schools' in a window; the scaled think times and page refreshes send an account's
        # requests 1 / --think-scale times as often as a person would; a candidate who joins before
        # certification heard of their profile tries again (each try counts in the reconciliation group).
        env = {"API_REPLICAS": str(api_replicas), "GATEWAY_PORT": str(gateway_port), "RABBITMQ_URL": vhost_url,
               "DEV_DATABASE_ADMIN_URL": admin, **{f"RATELIMIT_{kind}": "100000/minute"
                                                  for kind in ("SIGNUP", "LOGIN", "ADDRESS", "ACCOUNT", "RECONCILIATION")}}
        databases = {}
        for service in SERVICES:
            name = f"window_{run_id}_{service}"
            databases[service] = create_database(name)
            stack.callback(drop_database, name)
            env[f"{service.upper()}_DATABASE_URL"] = databases[service]
        handle = Platform(gateway=f"http://127.0.0.1:{gateway_port}", env=env, databases=databases,
                          vhost_url=vhost_url, mail_dir=ROOT / ".run" / "mail",
                          identity_env={"SERVICE_ENV": "development", "DATABASE_URL": databases["identity"],
                                        "RABBITMQ_URL": vhost_url})
        say(f"starting the platform (tools/devstack.py up, {api_replicas} api(s) per service)")
        started = time.monotonic()
        stack.callback(lambda: handle.devstack("down", check=False))
        handle.devstack("up")
        say(f"platform up in {time.monotonic() - started:.0f} s")
        yield handle


def say(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


# -- requests -----------------------------------------------------------------------------------------------


@dataclass
class Errors:
    """Every request that did not get its expected answer, by what and what it got."""
    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, what: str) -> None:
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _code(response: requests.Response) -> str:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return "(not the common shape)"


def send(session: requests.Session, method: str, url: str, ok: set[int], errors: Errors, what: str,
         retries: int = 3, **kwargs) -> tuple[requests.Response | None, float]:
    """One logical request and its client-side latency in ms; a write carries an Idempotency-Key, kept when it
    is sent again after a lost answer. Anything but ``ok`` is an error (counted)."""
    headers = dict(kwargs.pop("headers", {}))
    if method != "GET":
        headers.setdefault("Idempotency-Key", str(uuid.uuid4()))
    for _ in range(retries):
        began = time.perf_counter()
        try:
            response = session.request(method, url, headers=headers, timeout=REQUEST_TIMEOUT, **kwargs)
        except requests.RequestException as error:
            errors.add(f"{what}: {type(error).__name__}")
            time.sleep(0.5)
            continue
        latency = (time.perf_counter() - began) * 1000
        if response.status_code in ok:
            return response, latency
        errors.add(f"{what}: {response.status_code} {_code(response)}")
        return None, latency
    return None, 0.0


def until(predicate, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout} s waiting for {what}")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- setting the window up, through the gateway -------------------------------------------------------------


@dataclass
class Candidate:
    n: int
    first_name: str
    last_name: str
    birthdate: str
    session: dict
    email: str = ""
    token: str = ""
    refresh: str = ""
    user_id: str = ""
    candidate_id: str = ""
    course_id: str = ""
    level: int = 3


def letters(n: int) -> str:
    """A name's suffix from a number, letters only (names are matched once normalized)."""
    out = ""
    n += 26 * 26  # at least three letters
    while n:
        n, rest = divmod(n, 26)
        out = "abcdefghijklmnopqrstuvwxyz"[rest] + out
    return out


def candidates_file(candidates: list[Candidate]) -> bytes:
    """The centre's CSV, as a spreadsheet saved in French writes it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Prénom", "Nom de naissance", "Date de naissance", "Sexe", "Commune de naissance",
                     "Temps majoré (%)"])
    for c in candidates:
        writer.writerow([c.first_name, c.last_name, date.fromisoformat(c.birthdate).strftime("%d/%m/%Y"),
                         "F" if c.n % 2 else "M", "Lyon", "33" if c.n % 10 == 0 else ""])
    return buffer.getvalue().encode("utf-8")


def publish_profiles(amqp_url: str, user_ids: list[str]) -> None:
    """assessment's part before the window: each candidate's latest profile, level 1 in five competences."""
    import pika

    from msgkit.testing import blocking_channel
    from msgkit.topology import declare_exchange
    from svckit.contracts import load_contract

    template = load_contract("assessment.assessment.completed.v1", ROOT / "tests" / "e2e").example
    with blocking_channel(amqp_url) as channel:
        declare_exchange(channel, "assessment")
        channel.confirm_delivery()
        for user_id in user_ids:
            message = json.loads(json.dumps(template))
            message.update(message_id=str(uuid.uuid4()), aggregate_id=str(uuid.uuid4()))
            message["payload"].update(user_id=user_id, profile={"total_pix": 60, "certifiable": True, "competences": [
                {"competence_code": f"{area}.1", "area_code": str(area), "pix": 12, "level": 1}
                for area in range(1, 6)]})
            channel.basic_publish("assessment.events", message["event_type"], json.dumps(message).encode(),
                                  pika.BasicProperties(message_id=message["message_id"], delivery_mode=2))


def set_up(running: Platform, args, errors: Errors) -> tuple[list[Candidate], list[dict], dict]:
    """The centre, its sessions, the candidates joined, authorized and started: (candidates, sessions with
    their invigilator's token, seconds of each step)."""
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    sys.path.insert(0, str(ROOT / "tools"))
    from devstack import DEMO_LOGINS, DEMO_PASSWORD
    from journeys import invitation_link, log_in, sign_up, verify_email

    base, steps, http = running.gateway, {}, requests.Session()
    stand_in = SimpleNamespace(gateway=base, mail_dir=running.mail_dir, identity_env=running.identity_env)
    began = time.monotonic()
    platform_admin = bearer(log_in(stand_in, DEMO_LOGINS[0][1], DEMO_PASSWORD))
    admin_email = f"centre.{uuid.uuid4().hex[:8]}@example.org"
    created, _ = send(http, "POST", f"{base}/api/admin/certification-centers", {201}, errors, "POST centre",
                      headers=platform_admin, json={"type": "PRO", "name": "Centre du banc d'essai",
                                                    "admin_email": admin_email})
    if created is None:
        raise RuntimeError(f"the centre was not created: {errors.counts}")
    center_id = created.json()["id"]
    invitation_id, code = invitation_link(stand_in, admin_email)
    admin = bearer(sign_up(stand_in, "Claire", "Certif", admin_email))
    verify_email(stand_in, admin_email)
    until(lambda: requests.post(f"{base}/api/certification-center-invitations/{invitation_id}/accept", timeout=10,
                                headers={**admin, "Idempotency-Key": str(uuid.uuid4())},
                                json={"code": code}).status_code == 200,
          60, "certification hearing of the verified address")
    steps["centre and its admin"] = round(time.monotonic() - began, 1)

    began = time.monotonic()
    count = math.ceil(args.candidates / args.per_session)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    sessions = []
    for room in range(count):
        made, _ = send(http, "POST", f"{base}/api/certification-centers/{center_id}/sessions", {201}, errors,
                       "POST session", headers=admin, json={
                           "address": "1 rue de l'École, Lyon", "room": f"Salle {room + 1}", "date": tomorrow,
                           "time": "09:00", "examiner": "M. Martin"})
        if made is None:
            raise RuntimeError(f"a session was not scheduled: {errors.counts}")
        sessions.append(made.json())
    candidates = [Candidate(n, "Lou", f"Martin{letters(n)}",
                            (date(2007, 1, 1) + timedelta(days=n % 365)).isoformat(), sessions[n // args.per_session],
                            level=random.Random(n).randint(1, 5))
                  for n in range(args.candidates)]
    for session in sessions:
        mine = [c for c in candidates if c.session is session]
        imported, _ = send(http, "POST", f"{base}/api/certification-sessions/{session['id']}/candidates/imports",
                           {201}, errors, "POST candidates/imports", headers=admin,
                           files={"file": ("candidats.csv", candidates_file(mine), "text/csv")})
        if imported is None:
            raise RuntimeError(f"the candidates' file was refused: {errors.counts}")
        listed = http.get(f"{base}/api/certification-sessions/{session['id']}/candidates", headers=admin,
                          timeout=REQUEST_TIMEOUT).json()["items"]
        ids = {item["last_name"]: item["id"] for item in listed}
        if set(ids) != {c.last_name for c in mine}:
            raise RuntimeError(f"session {session['number']} lists {sorted(ids)[:5]}…, not the file's candidates")
        for c in mine:
            c.candidate_id = ids[c.last_name]
    steps["sessions and CSV enrolment"] = round(time.monotonic() - began, 1)

    began = time.monotonic()

    def account(c: Candidate) -> None:
        session = requests.Session()
        c.email = f"candidat.{c.n}.{uuid.uuid4().hex[:6]}@example.org"
        signed, _ = send(session, "POST", f"{base}/api/users", {201}, errors, "POST users", json={
            "first_name": c.first_name, "last_name": c.last_name, "email": c.email, "password": PASSWORD,
            "accepted_terms": True})
        tokens, _ = send(session, "POST", f"{base}/api/token", {200}, errors, "POST token",
                         json={"email": c.email, "password": PASSWORD}) if signed is not None else (None, 0)
        if tokens is None:
            raise RuntimeError(f"candidate {c.n} could not sign up: {errors.counts}")
        c.token, c.refresh = tokens.json()["access_token"], tokens.json()["refresh_token"]
        c.user_id = session.get(f"{base}/api/users/me", headers=bearer(c.token), timeout=REQUEST_TIMEOUT).json()["id"]

    with ThreadPoolExecutor(args.setup_threads) as pool:
        list(pool.map(account, candidates))
    steps["candidates' sign-ups and log-ins"] = round(time.monotonic() - began, 1)

    began = time.monotonic()
    publish_profiles(running.vhost_url, [c.user_id for c in candidates])

    def join(c: Candidate) -> None:
        session = requests.Session()
        body = {"session_number": c.session["number"], "first_name": c.first_name, "last_name": c.last_name,
                "birthdate": c.birthdate}

        def joined():
            response = session.post(f"{base}/api/certification-joinings", timeout=REQUEST_TIMEOUT, json=body,
                                    headers={**bearer(c.token), "Idempotency-Key": str(uuid.uuid4())})
            if response.status_code == 201:
                return True
            if _code(response) != "USER_NOT_CERTIFIABLE":  # until certification hears of the profile
                errors.add(f"POST certification-joinings: {response.status_code} {_code(response)}")
                raise RuntimeError(f"candidate {c.n} could not join: {response.status_code} {response.text[:300]}")
            return False

        until(joined, 120, "certification hearing of the profiles", interval=2.0)

    with ThreadPoolExecutor(args.setup_threads) as pool:
        list(pool.map(join, candidates))
    steps["profiles published, candidates joined"] = round(time.monotonic() - began, 1)

    began = time.monotonic()

    def invigilate(session: dict) -> None:
        http_ = requests.Session()
        address = f"surveillant.{uuid.uuid4().hex[:8]}@example.org"
        session["invigilator"] = bearer(sign_up(stand_in, "Sam", "Surveillant", address))
        opened, _ = send(http_, "POST", f"{base}/api/certification-invigilations", {200}, errors,
                         "POST certification-invigilations", headers=session["invigilator"],
                         json={"session_number": session["number"],
                               "invigilator_password": session["invigilator_password"]})
        if opened is None:
            raise RuntimeError(f"session {session['number']} could not be invigilated: {errors.counts}")
        for c in [c for c in candidates if c.session is session]:
            authorized, _ = send(http_, "POST", f"{base}/api/certification-candidates/{c.candidate_id}/authorization",
                                 {204}, errors, "POST authorization", headers=session["invigilator"])
            if authorized is None:
                raise RuntimeError(f"candidate {c.n} was not authorized: {errors.counts}")

    with ThreadPoolExecutor(min(args.setup_threads, len(sessions))) as pool:
        list(pool.map(invigilate, sessions))
    steps["invigilators' authorizations"] = round(time.monotonic() - began, 1)

    began = time.monotonic()

    def start(c: Candidate) -> None:
        session = requests.Session()
        started, _ = send(session, "POST", f"{base}/api/certification-courses", {201}, errors,
                          "POST certification-courses", headers=bearer(c.token),
                          json={"candidate_id": c.candidate_id, "access_code": c.session["access_code"]})
        if started is None:
            raise RuntimeError(f"candidate {c.n} could not start: {errors.counts}")
        c.course_id = started.json()["course_id"]
        until(lambda: session.get(f"{base}/api/certification-courses/{c.course_id}/assessment",
                                  headers=bearer(c.token), timeout=REQUEST_TIMEOUT).status_code == 200,
              120, "assessment making the test from certification.course.started.v1")

    with ThreadPoolExecutor(args.setup_threads) as pool:
        list(pool.map(start, candidates))
    steps["courses started, tests made"] = round(time.monotonic() - began, 1)
    return candidates, sessions, steps


# -- the window ---------------------------------------------------------------------------------------------


@dataclass
class Window:
    base: str
    args: argparse.Namespace
    errors: Errors
    next_ms: list[float] = field(default_factory=list)
    answer_ms: list[float] = field(default_factory=list)
    poll_ms: list[float] = field(default_factory=list)
    views_pushed: int = 0
    shown_ms: list[float] = field(default_factory=list)  # an answer's 201 -> the first pushed view counting it
    answered_in: dict[str, list[float]] = field(default_factory=dict)  # session id -> its answers' 201 moments
    streams: list = field(default_factory=list)
    answered_at: list[float] = field(default_factory=list)
    finished: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: threading.Event = field(default_factory=threading.Event)

    def candidate(self, c: Candidate, go: threading.Barrier, answer_knowing_up_to) -> None:
        http, rng = requests.Session(), random.Random(1000 + c.n)
        test = f"{self.base}/api/certification-courses/{c.course_id}/assessment"
        auth, token_born = bearer(c.token), time.monotonic()
        go.wait(600)
        for _ in range(QUESTIONS):
            if time.monotonic() - token_born > 600:  # access tokens live 15 minutes: the face renews them
                renewed, _ = send(http, "POST", f"{self.base}/api/token/refresh", {200}, self.errors,
                                  "POST token/refresh", json={"refresh_token": c.refresh})
                if renewed is None:
                    return
                auth, c.refresh = bearer(renewed.json()["access_token"]), renewed.json()["refresh_token"]
                token_born = time.monotonic()
            asked, asked_ms = send(http, "GET", f"{test}/next-challenge", {200}, self.errors, "GET next-challenge",
                                   headers=auth)
            if asked is None:
                return
            challenge = asked.json()["challenge"]
            if challenge is None:
                self.errors.add("GET next-challenge: no question before the 32nd answer")
                return
            time.sleep(think_time(rng, self.args.think_min, self.args.think_max, self.args.think_scale))
            answered, answer_ms = send(http, "POST", f"{test}/answers", {201}, self.errors, "POST answers",
                                       headers=auth, json=answer_knowing_up_to(c.level, challenge["id"]))
            if answered is None:
                return
            with self.lock:
                self.answered_in.setdefault(c.session["id"], []).append(time.monotonic())
                self.next_ms.append(asked_ms)
                self.answer_ms.append(answer_ms)
                self.answered_at.append(time.monotonic())
        over, _ = send(http, "GET", f"{test}/next-challenge", {200}, self.errors, "GET next-challenge (end)",
                       headers=auth)
        if over is not None and over.json().get("end_reason") == "COMPLETED":
            with self.lock:
                self.finished += 1
        elif over is not None:
            self.errors.add(f"GET next-challenge (end): {over.json().get('state')} {over.json().get('end_reason')}")

    def invigilator(self, session: dict, go: threading.Barrier) -> None:
        if self.args.invigilator_page == "live":
            self.live_invigilator(session, go)
        else:
            self.polling_invigilator(session, go)

    def live_invigilator(self, session: dict, go: threading.Barrier) -> None:
        """The page's stream, opened again each time it ends (its lifetime, or the token's)."""
        http, url = requests.Session(), f"{self.base}/api/certification-sessions/{session['id']}/invigilation/events"
        shown = 0  # the session's answers already seen on a view
        go.wait(600)
        while not self.done.is_set():
            try:
                stream = http.get(url, headers=session["invigilator"], stream=True, timeout=(5, 60))
            except requests.RequestException as error:
                self.errors.add(f"GET invigilation/events: {type(error).__name__}")
                self.done.wait(1)
                continue
            if stream.status_code != 200:
                self.errors.add(f"GET invigilation/events: {stream.status_code}")
                stream.close()
                self.done.wait(1)
                continue
            with self.lock:
                self.streams.append(stream)
            try:
                for line in stream.iter_lines(decode_unicode=True):
                    if self.done.is_set():
                        break
                    if not line or not line.startswith("data:"):
                        continue
                    now = time.monotonic()
                    view = json.loads(line[5:])
                    counted = sum(c.get("answers_count") or 0 for c in view["candidates"])
                    with self.lock:
                        self.views_pushed += 1
                        moments = self.answered_in.get(session["id"], [])
                        # the answers this view is the first to count (a view counts those committed before it)
                        self.shown_ms.extend((now - t) * 1000 for t in moments[shown:min(counted, len(moments))])
                        shown = max(shown, min(counted, len(moments)))
            except (requests.RequestException, ValueError) as error:
                if not self.done.is_set():
                    self.errors.add(f"GET invigilation/events (reading): {type(error).__name__}")
            finally:
                stream.close()

    def polling_invigilator(self, session: dict, go: threading.Barrier) -> None:
        http, interval = requests.Session(), self.args.poll * self.args.think_scale
        url = f"{self.base}/api/certification-sessions/{session['id']}/invigilation"
        go.wait(600)
        while not self.done.is_set():
            polled, ms = send(http, "GET", url, {200}, self.errors, "GET invigilation", headers=session["invigilator"])
            if polled is not None:
                with self.lock:
                    self.poll_ms.append(ms)
            self.done.wait(interval)


def admin_engine():
    from sqlalchemy import create_engine

    from svckit.testing import admin_database_url

    url = admin_database_url()
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://")
                         else url, pool_size=1)


def pg_backends(databases: list[str], engine=None) -> dict[int, float]:
    """pid -> CPU seconds of the PostgreSQL backends connected to the bench's databases."""
    from sqlalchemy import text

    own = engine is None
    engine = engine or admin_engine()
    try:
        with engine.connect() as connection:
            pids = [pid for (pid,) in connection.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = ANY(:names)"), {"names": databases})]
    finally:
        if own:
            engine.dispose()
    cpu = {}
    for pid in pids:
        try:
            cpu[pid] = parse_stat(Path(f"/proc/{pid}/stat").read_text())[2]
        except OSError:
            continue
    return cpu


def cpu_reading(running: Platform, database_names: list[str]) -> tuple[dict[str, float], dict[int, float]]:
    groups: dict[str, set[int]] = {}
    for program, pid in running.programs().items():
        if pid:
            groups.setdefault(program_group(program), set()).add(pid)
    order = ["edge", "gateway", "assessment api", "certification api", "other apis", "consumers", "relays", "other"]
    stats = read_stats()
    reading = group_cpu(stats, {g: groups.get(g, set()) for g in order},
                        {"PostgreSQL (machine-wide)": ("postgres",), "RabbitMQ (machine-wide)": ("beam.smp",)})
    reading["load generator"] = time.process_time()
    return reading, pg_backends(database_names)


def run_window(running: Platform, candidates: list[Candidate], sessions: list[dict], args, errors: Errors) -> dict:
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    from journeys import answer_knowing_up_to, shipped_content

    shipped_content()  # the pack read once, before the window (the answers' right values come from it)
    window = Window(running.gateway, args, errors)
    names = [url.rsplit("/", 1)[1] for url in running.databases.values()]
    go = threading.Barrier(len(candidates) + len(sessions) + 1)
    threads = [threading.Thread(target=window.candidate, args=(c, go, answer_knowing_up_to), daemon=True)
               for c in candidates]
    pollers = [threading.Thread(target=window.invigilator, args=(s, go), daemon=True) for s in sessions]
    for thread in threads + pollers:
        thread.start()
    loads_before = os.getloadavg()
    before, backends_before = cpu_reading(running, names)
    ledger, sampling = BackendLedger(), threading.Event()
    ledger.observe(backends_before)

    def sample_backends() -> None:
        engine = admin_engine()
        try:
            while not sampling.wait(0.2):
                ledger.observe(pg_backends(names, engine))
        finally:
            engine.dispose()

    sampler = threading.Thread(target=sample_backends, daemon=True)
    sampler.start()
    go.wait(600)
    began = time.monotonic()
    for thread in threads:
        thread.join()
    ended = time.monotonic()
    after, backends_after = cpu_reading(running, names)
    sampling.set()
    sampler.join(10)
    ledger.observe(backends_after)
    window.done.set()
    with window.lock:
        for stream in window.streams:
            stream.close()  # a live page waiting for its next view
    for thread in pollers:
        thread.join(REQUEST_TIMEOUT)
    spent = cpu_spent(before, after)
    spent["PostgreSQL (the bench's databases)"] = round(ledger.total(), 3)
    answers = len(window.answer_ms)
    seconds = ended - began
    return {
        "seconds": round(seconds, 1), "answers": answers, "answers_per_s": round(answers / seconds, 1),
        "answers_per_s_steady": steady_rate(window.answered_at),
        "candidates_finished": window.finished,
        "next_challenge": latency_summary(window.next_ms), "answer": latency_summary(window.answer_ms),
        "invigilation_poll": latency_summary(window.poll_ms),
        "polls_per_s": round(len(window.poll_ms) / seconds, 1),
        "views_pushed_per_s": round(window.views_pushed / seconds, 1),
        "answer_shown_on_page": latency_summary(window.shown_ms),
        "cpu_s": spent, "cpu_ms_per_answer": per_answer_ms(spent, answers),
        "cpu_cores_busy": {group: round(s / seconds, 2) for group, s in spent.items()},
        "postgres_backends_seen": len(ledger.last), "postgres_backend_samples": ledger.samples,
        "load_average_before": [round(v, 2) for v in loads_before],
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
    }


# -- the report ---------------------------------------------------------------------------------------------


def print_report(result: dict) -> None:
    window, settings = result["window"], result["settings"]
    print(f"\n## A certification window: {settings['candidates']} candidates, {settings['api_replicas']} api(s) per "
          f"service, think {settings['think_min']:g}–{settings['think_max']:g} s x {settings['think_scale']:g}\n")
    print("| figure | today | goal (issue 18) | |")
    print("|---|---|---|---|")
    rows = [
        ("answers per second, sustained (10th to 90th percentile of the answers' moments)",
         window["answers_per_s_steady"], GOALS["answers_per_s"], True, ""),
        ("answers per second, whole window", window["answers_per_s"], None, True, ""),
        ("next question p50 (ms)", window["next_challenge"]["p50_ms"], None, False, ""),
        ("next question p99 (ms)", window["next_challenge"]["p99_ms"], GOALS["p99_ms"], False, ""),
        ("answer p50 (ms)", window["answer"]["p50_ms"], None, False, ""),
        ("answer p99 (ms)", window["answer"]["p99_ms"], GOALS["p99_ms"], False, ""),
        *([("invigilator's page: an answer shown on it, p50 (ms)", window["answer_shown_on_page"]["p50_ms"], None,
            False, ""),
           ("invigilator's page: an answer shown on it, p99 (ms)", window["answer_shown_on_page"]["p99_ms"], None,
            False, "")] if settings["invigilator_page"] == "live" else
          [("invigilator's page p99 (ms)", window["invigilation_poll"]["p99_ms"], None, False, "")]),
        ("errors", result["errors"]["total"], GOALS["errors"], False, ""),
    ]
    for label, value, goal, higher, _ in rows:
        shown_goal = "—" if goal is None else (f"≥ {goal:g}" if higher else f"≤ {goal:g}")
        print(f"| {label} | {value} | {shown_goal} | {'' if goal is None else verdict(value, goal, higher)} |")
    print(f"\n{window['answers']} answers in {window['seconds']} s; {window['candidates_finished']} of "
          f"{settings['candidates']} candidates finished their 32 questions; invigilators' pages "
          + (f"{window['views_pushed_per_s']} views pushed/s" if settings["invigilator_page"] == "live" else
             f"{window['polls_per_s']} polls/s") + f"; load average before {window['load_average_before']}, after {window['load_average_after']}")
    print("\n| process group | CPU s | cores busy | CPU ms per answer |")
    print("|---|---|---|---|")
    for group, seconds in window["cpu_s"].items():
        print(f"| {group} | {seconds} | {window['cpu_cores_busy'][group]} | {window['cpu_ms_per_answer'][group]} |")
    print(f"\n(PostgreSQL of the bench's databases: {window['postgres_backends_seen']} backends seen in "
          f"{window['postgres_backend_samples']} samples, every 0.2 s; machine-wide counts every test beside it)")
    print("\nset-up through the gateway: " + "; ".join(f"{k} {v} s" for k, v in result["setup_s"].items()))
    if result["errors"]["total"]:
        print("ERRORS: " + "; ".join(f"{k} x{v}" for k, v in result["errors"]["counts"].items()))


def issue18_rows(result: dict) -> list[dict]:
    """Issue 18's rows for the answers on the whole platform: this tree's path only (no "before" here)."""
    window, settings = result["window"], result["settings"]
    notes = (f"{settings['candidates']} candidates, {settings['api_replicas']} api(s) per service, think x"
             f"{settings['think_scale']:g}; {window['answers']} answers, {window['candidates_finished']} finished, "
             f"{result['errors']['total']} errors; CPU ms per answer: "
             + ", ".join(f"{group} {ms}" for group, ms in window["cpu_ms_per_answer"].items()))
    return [{"key": "answers_per_s", "label": "answers per second, whole platform, sustained (10th to 90th percentile)",
             "unit": "answers/s", "goal": GOALS["answers_per_s"], "better": "higher", "before": None,
             "now": window["answers_per_s_steady"], "runs_before": [], "runs_now": [window["answers_per_s_steady"]],
             "notes": notes},
            {"key": "answer_p99_ms", "label": "answer p99, client side, during the window", "unit": "ms",
             "goal": GOALS["p99_ms"], "better": "lower", "before": None, "now": window["answer"]["p99_ms"],
             "runs_before": [], "runs_now": [window["answer"]["p99_ms"]]},
            {"key": "next_question_p99_ms", "label": "next question p99, client side, during the window",
             "unit": "ms", "goal": GOALS["p99_ms"], "better": "lower", "before": None,
             "now": window["next_challenge"]["p99_ms"], "runs_before": [],
             "runs_now": [window["next_challenge"]["p99_ms"]]},
            {"key": "window_errors", "label": "errors during the window", "unit": "errors", "goal": GOALS["errors"],
             "better": "lower", "before": None, "now": result["errors"]["total"], "runs_before": [],
             "runs_now": [result["errors"]["total"]]}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--per-session", type=int, default=25, help="candidates per session (a room)")
    parser.add_argument("--api-replicas", type=int, default=2, help="apis per service (tools/devstack.py: 1 to 5)")
    parser.add_argument("--think-min", type=float, default=THINK_MIN_S, help="seconds on a question, at least")
    parser.add_argument("--think-max", type=float, default=THINK_MAX_S, help="seconds on a question, at most")
    parser.add_argument("--think-scale", type=float, default=0.05,
                        help="think times and the page's refresh multiplied by this (1: real time)")
    parser.add_argument("--invigilator-page", choices=("live", "poll"), default="live",
                        help="the invigilators' pages: the live stream (the Certif face), or polling (before)")
    parser.add_argument("--poll", type=float, default=POLL_S, help="seconds between two refreshes of the "
                                                                   "invigilator's page, before scaling")
    parser.add_argument("--setup-threads", type=int, default=8)
    parser.add_argument("--gateway-port", type=int, default=8080)
    parser.add_argument("--json", type=Path, help="also write issue 18's rows there (bench/README.md, issue18.py)")
    parser.add_argument("--plan-only", nargs="+", metavar="RESULTS", help="no run: the calendar's peak from "
                        "earlier runs' bench/results/certification-window-*.json (the median CPU per answer)")
    args = parser.parse_args()
    if args.plan_only:
        results = [json.loads(Path(path).read_text()) for path in args.plan_only]
        print_plan(median_figures(results), len(results))
        return
    if args.candidates < 1 or args.per_session < 1 or not 0 < args.think_scale <= 1:
        parser.error("--candidates and --per-session at least 1, --think-scale in (0, 1]")

    run_id = uuid.uuid4().hex[:6]
    errors = Errors()
    with platform(run_id, args.gateway_port, args.api_replicas) as running:
        say(f"setting up {args.candidates} candidates in {math.ceil(args.candidates / args.per_session)} sessions "
            "through the gateway")
        candidates, sessions, steps = set_up(running, args, errors)
        setup_errors = dict(errors.counts)
        errors.counts.clear()
        say(f"set up ({', '.join(f'{k} {v} s' for k, v in steps.items())}); the window opens")
        window = run_window(running, candidates, sessions, args, errors)
    result = {
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count()},
        "settings": vars(args),
        "setup_s": steps,
        "setup_errors": setup_errors,
        "window": window,
        "errors": {"total": errors.total, "counts": errors.counts},
        "goals": GOALS,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"certification-window-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    print_report(result)
    print_plan(window["cpu_ms_per_answer"], 1)
    print(f"\n(written to {path.relative_to(ROOT)})")
    if args.json:
        from issue18 import write_rows

        write_rows(args.json, Path(__file__).name, issue18_rows(result))
    if errors.total or window["candidates_finished"] != args.candidates:
        sys.exit(1)


if __name__ == "__main__":
    main()
