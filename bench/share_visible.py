"""Share → visible in reporting, on the whole running platform: learners send their results at a steady rate
through the gateway while others answer, and each share is timed from its 2xx to the moment reporting shows
the participation as shared.

    python bench/share_visible.py                          # 100 shares/s for 8 s, 3 runs, 30 answers/s beside
    python bench/share_visible.py --rate 50 --runs 5 --json /tmp/share.json

It starts the platform as ``make up`` does (``tools/devstack.py up``, through bench/certification_window.py's
``platform``: every api, relay and consumer under supervisord, the gateway) on databases and a RabbitMQ vhost of
its own. Then, through the gateway, as the faces do (an ``Idempotency-Key`` on every write):

1. a platform admin (the demo's) creates a company (PRO); its admin signs up from the mailed invitation;
   the admin creates ``--campaigns`` profiles collections (a participation has something to send from the
   start: no test to take first) and ``--answer-campaigns`` assessment campaigns;
2. learners sign up; each joins every profiles collection (``runs x rate x seconds`` participations in all),
   and ``--answerers`` others join the assessment campaigns;
3. the answerers answer all the time (``GET next-challenge``, ``POST answers``), ``--answers-per-s`` together,
   moving to their next campaign when a test ends;
4. each run sends ``--rate`` shares a second for ``--seconds`` seconds (``POST .../share``, each from its own
   thread of a pool, on a fixed schedule: a slow answer does not slow the offered rate).

**Visible** is when the participation's row in reporting's read model says SHARED, committed: what every read
route of reporting answers from then on (the activity, the participants, the results). A thread of the bench
reads it from reporting's database every 10 ms for the shares not seen yet (one indexed query: a poll of the
API for each share would add hundreds of requests a second to what is measured). Latency = seen - 2xx (0 when
seen before the answer arrived); the 10 ms of the poll are in it.

Where the time goes, per share, from the timestamps the platform keeps: campaigns' outbox (``created_at``, the
share's transaction; ``published_at``, the relay's publication) and reporting's inbox (``received_at``, the
start of the consumer's batch transaction that applied it). The goal (issue 18): p99 under 250 ms at 100
shares/s with answers flowing. ``--json PATH`` writes the row ``share_visible_p99_ms`` (and p50) as issue 18's
bench protocol says (bench/README.md). ``make up`` must not be running (the same ports).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # journeys.py: the steps the e2e tests take through the gateway
sys.path.insert(0, str(ROOT / "tools"))  # devstack.py: the demo logins

from certification_window import Errors, bearer, latency_summary, percentile, platform, say, send, until  # noqa: E402
from devstack import DEMO_LOGINS, DEMO_PASSWORD  # noqa: E402
from journeys import answer_knowing_up_to, log_in, organization_with_admin, sign_up  # noqa: E402

GOAL_P99_MS = 250.0
POLL_S = 0.01
TARGET_PROFILE = "initial-diagnosis"


# -- the figures (pure) ---------------------------------------------------------------------------------------


def visibility_ms(ok_at: dict[str, float], seen_at: dict[str, float]) -> list[float]:
    """Per share answered 2xx and seen: milliseconds from the 2xx to seen (0 when seen before the answer came)."""
    return [max(seen_at[key] - ok, 0.0) * 1000 for key, ok in ok_at.items() if key in seen_at]


def median(values: list[float]) -> float | None:
    return round(percentile(values, 50), 1) if values else None


def protocol_row(key: str, label: str, goal: float, runs_now: list[float], notes: str = "") -> dict:
    """A row of issue 18's bench protocol: lower is better; there is no older path to compare (before: null)."""
    return {"key": key, "label": label, "unit": "ms", "goal": goal, "better": "lower", "before": None,
            "now": median(runs_now), "runs_before": [], "runs_now": runs_now, "notes": notes}


def machine() -> str:
    return f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"


# -- the set-up, through the gateway --------------------------------------------------------------------------


@dataclass
class Learner:
    token: str
    participations: list[str] = field(default_factory=list)


def create_campaign(base: str, organization_id: str, admin: dict, **fields) -> dict:
    def created():
        response, _ = send(requests, "POST", f"{base}/api/organizations/{organization_id}/campaigns", {201},
                           Errors(), "POST campaign", headers=admin, json=fields)
        return response.json() if response is not None else None

    return until(created, 60, "campaigns hearing of the organization and its admin")


def join(http: requests.Session, base: str, token: str, code: str, errors: Errors) -> str | None:
    response, _ = send(http, "POST", f"{base}/api/campaign-participations", {201}, errors, "POST participation",
                       headers=bearer(token), json={"campaign_code": code})
    return response.json()["id"] if response is not None else None


def set_up(running, args, errors: Errors) -> SimpleNamespace:
    base = running.gateway
    stand_in = SimpleNamespace(gateway=base, mail_dir=running.mail_dir, identity_env=running.identity_env)
    platform_admin = log_in(stand_in, DEMO_LOGINS[0][1], DEMO_PASSWORD)
    organization_id, admin = organization_with_admin(stand_in, platform_admin, name="Entreprise du banc d'essai",
                                                     type="PRO")
    collections = [create_campaign(base, organization_id, admin, type="PROFILES_COLLECTION",
                                   name=f"Profils {n}", target_profile_id=None) for n in range(args.campaigns)]
    assessments = [create_campaign(base, organization_id, admin, type="ASSESSMENT", name=f"Diagnostic {n}",
                                   target_profile_id=TARGET_PROFILE) for n in range(args.answer_campaigns)]
    shares = args.phases * args.runs * args.rate * args.seconds
    sharers = math.ceil(shares / args.campaigns)
    say(f"{args.campaigns} profiles collections, {sharers} learners joining each ({sharers * args.campaigns} "
        f"participations to send), {args.answerers} learners answering")

    def person(n: int) -> Learner:
        return Learner(sign_up(stand_in, "Léa", f"Banc{n}", f"banc.{uuid.uuid4().hex[:10]}@example.org"))

    with ThreadPoolExecutor(4) as pool:  # sign-ups hash passwords: identity's few workers set the pace
        learners = list(pool.map(person, range(sharers + args.answerers)))
    sharing, answering = learners[:sharers], learners[sharers:]
    http = requests.Session()

    def join_all(learner: Learner) -> None:
        for campaign in collections:
            participation = join(http, base, learner.token, campaign["code"], errors)
            if participation:
                learner.participations.append(participation)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(join_all, sharing))
    to_share = [(learner.token, p) for learner in sharing for p in learner.participations]
    random.Random(7).shuffle(to_share)
    engine = create_engine(running.databases["reporting"], pool_size=2)

    def known() -> bool:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM participations WHERE campaign_id = ANY(:ids)"),
                                      {"ids": [uuid.UUID(c["id"]) for c in collections]}).scalar() >= len(to_share)

    until(known, 120, "reporting hearing of every participation")
    return SimpleNamespace(to_share=to_share, answering=answering, assessments=assessments, reporting=engine)


# -- answers flowing ------------------------------------------------------------------------------------------


class Answerers:
    """``--answerers`` learners answering together at ``--answers-per-s``, each on to its next campaign when a
    test ends; counts the answers (each with its moment)."""

    def __init__(self, base: str, learners: list[Learner], campaigns: list[dict], per_s: float) -> None:
        self.base, self.learners, self.campaigns = base, learners, campaigns
        self.pause = len(learners) / per_s if per_s > 0 else None
        self.stopping, self.errors, self.moments = threading.Event(), Errors(), []
        self.threads = [threading.Thread(target=self._run, args=(n, learner), daemon=True)
                        for n, learner in enumerate(learners)]

    def start(self) -> None:
        if self.pause is not None:
            for thread in self.threads:
                thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _run(self, n: int, learner: Learner) -> None:
        http, rng = requests.Session(), random.Random(n)
        headers = bearer(learner.token)
        self.stopping.wait(rng.uniform(0, self.pause))
        for campaign in self.campaigns[n % len(self.campaigns):] + self.campaigns[:n % len(self.campaigns)]:
            participation = join(http, self.base, learner.token, campaign["code"], self.errors)
            if participation is None:
                continue

            def assessment(participation: str = participation) -> str | None:
                response = http.get(f"{self.base}/api/campaign-participations/{participation}/assessment",
                                    headers=headers, timeout=10)
                return response.json()["id"] if response.status_code == 200 else None

            assessment_id = until(assessment, 60, "the assessment of a participation")
            while not self.stopping.is_set():
                began = time.monotonic()
                asked, _ = send(http, "GET", f"{self.base}/api/assessments/{assessment_id}/next-challenge", {200},
                                self.errors, "GET next-challenge", headers=headers)
                challenge = asked.json()["challenge"] if asked is not None else None
                if challenge is None:
                    break
                answered, _ = send(http, "POST", f"{self.base}/api/assessments/{assessment_id}/answers", {201},
                                   self.errors, "POST answer", headers=headers,
                                   json=answer_knowing_up_to(rng.randint(1, 5), challenge["id"]))
                if answered is not None:
                    self.moments.append(time.monotonic())
                self.stopping.wait(max(self.pause * rng.uniform(0.5, 1.5) - (time.monotonic() - began), 0))
            if self.stopping.is_set():
                return


# -- one run --------------------------------------------------------------------------------------------------


class Watcher:
    """Reads reporting's read model every POLL_S for the shares sent and not seen yet."""

    def __init__(self, engine) -> None:
        self.engine, self.lock = engine, threading.Lock()
        self.pending: set[str] = set()
        self.seen_at: dict[str, float] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def expect(self, participation_id: str) -> None:
        with self.lock:
            self.pending.add(participation_id)

    def _run(self) -> None:
        with self.engine.connect() as connection:
            while not self.stopping.is_set():
                with self.lock:
                    pending = [uuid.UUID(p) for p in self.pending]
                if pending:
                    rows = connection.execute(text("SELECT id FROM participations WHERE id = ANY(:ids) AND "
                                                   "shared_at IS NOT NULL"), {"ids": pending}).scalars().all()
                    connection.commit()  # the next read sees the commits made since (a new snapshot)
                    now = time.time()
                    with self.lock:
                        for participation_id in map(str, rows):
                            self.seen_at.setdefault(participation_id, now)
                            self.pending.discard(participation_id)
                self.stopping.wait(POLL_S)

    def wait_empty(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if not self.pending:
                    return
            time.sleep(0.05)


def stages(engine_of: dict, shared: list[str]) -> dict:
    """Median and p99, in ms, of each stage of the shares' way (see the module's doc)."""
    ids = list(shared)
    with create_engine(engine_of["campaigns"]).connect() as connection:
        outbox = {row.aggregate_id: row for row in connection.execute(text(
            "SELECT aggregate_id, message_id, created_at, published_at FROM outbox WHERE event_type = "
            "'campaigns.participation.results_shared.v1' AND aggregate_id = ANY(:ids)"), {"ids": ids})}
    with create_engine(engine_of["reporting"]).connect() as connection:
        inbox = {row.message_id: row.received_at for row in connection.execute(text(
            "SELECT message_id, received_at FROM inbox WHERE message_id = ANY(:ids)"),
            {"ids": [row.message_id for row in outbox.values()]})}
    relay, broker_and_batch = [], []
    for row in outbox.values():
        if row.published_at is not None:
            relay.append((row.published_at - row.created_at).total_seconds() * 1000)
            if row.message_id in inbox:
                broker_and_batch.append((inbox[row.message_id] - row.published_at).total_seconds() * 1000)

    def summary(values: list[float]) -> dict:
        return {"p50_ms": median(values), "p99_ms": round(percentile(values, 99), 1) if values else None,
                "count": len(values)}

    return {"share transaction -> relay published": summary(relay),
            "relay published -> reporting's batch began": summary(broker_and_batch)}


def run_once(base: str, batch: list[tuple[str, str]], rate: int, engine, databases: dict) -> dict:
    errors, lock = Errors(), threading.Lock()
    ok_at: dict[str, float] = {}
    request_ms: list[float] = []
    watcher = Watcher(engine)
    watcher.thread.start()
    local = threading.local()

    def share(token: str, participation_id: str) -> None:
        http = getattr(local, "http", None) or requests.Session()
        local.http = http
        watcher.expect(participation_id)
        response, latency = send(http, "POST", f"{base}/api/campaign-participations/{participation_id}/share",
                                 {200}, errors, "POST share", headers=bearer(token))
        if response is not None:
            with lock:
                ok_at[participation_id] = time.time()
                request_ms.append(latency)

    began = time.monotonic()
    with ThreadPoolExecutor(64) as pool:
        for n, (token, participation_id) in enumerate(batch):
            time.sleep(max(began + n / rate - time.monotonic(), 0))
            pool.submit(share, token, participation_id)
    sent_s = time.monotonic() - began
    watcher.wait_empty(60)
    watcher.stopping.set()
    watcher.thread.join()
    latencies = visibility_ms(ok_at, watcher.seen_at)
    return {"shares": len(batch), "answered_2xx": len(ok_at), "offered_per_s": round(len(batch) / sent_s, 1),
            "not_seen": len(ok_at) - len(latencies), "errors": errors.counts,
            "visible": latency_summary(latencies), "share_request": latency_summary(request_ms),
            "stages": stages(databases, list(ok_at))}


# -- the command ----------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=100, help="shares a second (100)")
    parser.add_argument("--seconds", type=int, default=8, help="seconds of shares per run (8)")
    parser.add_argument("--runs", type=int, default=3, help="runs, the median of which is reported (3)")
    parser.add_argument("--campaigns", type=int, default=20, help="profiles collections the shares spread over (20)")
    parser.add_argument("--answerers", type=int, default=20, help="learners answering meanwhile (20)")
    parser.add_argument("--answers-per-s", type=float, default=30.0, help="their answers a second together (30)")
    parser.add_argument("--answer-campaigns", type=int, default=4, help="assessment campaigns they take in turn (4)")
    parser.add_argument("--before-env", nargs="*", default=[], metavar="SETTING=VALUE",
                        help="settings of today's path, given to every service (e.g. RELAY_IDLE_MS=200): runs with "
                             "them first, then the platform restarts (same data) for the runs of the new path")
    parser.add_argument("--now-env", nargs="*", default=[], metavar="SETTING=VALUE",
                        help="settings of the new path beside the tree's defaults")
    parser.add_argument("--gateway-port", type=int, default=8391)
    parser.add_argument("--json", type=Path, help="write issue 18's protocol document there")
    return parser.parse_args(argv)


def settings_of(pairs: list[str]) -> dict[str, str]:
    """SETTING=VALUE pairs, refused when not of that shape."""
    settings = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise SystemExit(f"{pair!r}: give SETTING=VALUE")
        settings[name] = value
    return settings


def apply_to_every_service(settings: dict[str, str], given: set[str]) -> set[str]:
    """``DEV_<SERVICE>_<SETTING>`` for tools/devstack.py (its overrides), the previous phase's taken away."""
    sys.path.insert(0, str(ROOT / "tools"))
    from devstack import SERVICES

    for name in given:
        os.environ.pop(name, None)
    names = {f"DEV_{service.upper()}_{setting}": value for service in SERVICES for setting, value in settings.items()}
    os.environ.update(names)
    return set(names)


def runs_of(running, ready, args, first: int) -> list[dict]:
    answerers = Answerers(running.gateway, ready.answering, ready.assessments, args.answers_per_s)
    answerers.start()
    time.sleep(5)  # the answers' pace settled before the first run
    results, size = [], args.rate * args.seconds
    for run in range(first, first + args.runs):
        batch = ready.to_share[run * size:(run + 1) * size]
        answers_before, began = len(answerers.moments), time.monotonic()
        result = run_once(running.gateway, batch, args.rate, ready.reporting, running.databases)
        result["answers_per_s"] = round((len(answerers.moments) - answers_before) / (time.monotonic() - began), 1)
        results.append(result)
        say(f"run {run + 1}: visible p50 {result['visible']['p50_ms']} ms, p99 {result['visible']['p99_ms']} ms "
            f"({result['answered_2xx']} shares at {result['offered_per_s']}/s, {result['answers_per_s']} "
            f"answers/s beside; share request p99 {result['share_request']['p99_ms']} ms; stages "
            f"{json.dumps(result['stages'])}; errors {result['errors']})")
        time.sleep(3)
    answerers.stop()
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    phases = ([("before", settings_of(args.before_env))] if args.before_env else []) + [
        ("now", settings_of(args.now_env))]
    args.phases = len(phases)
    run_id = datetime.now().strftime("%H%M%S")
    errors, given, results = Errors(), apply_to_every_service(phases[0][1], set()), {}
    with platform(f"share{run_id}", args.gateway_port, 1) as running:
        say("setting up (organization, campaigns, learners, participations)")
        ready = set_up(running, args, errors)
        for n, (phase, settings) in enumerate(phases):
            if n:
                given = apply_to_every_service(settings, given)
                say(f"restarting the platform for {phase} ({settings or 'the defaults'}), the same data")
                running.devstack("up")
            say(f"{phase}: {settings or 'the defaults'}")
            results[phase] = runs_of(running, ready, args, n * args.runs)
    apply_to_every_service({}, given)

    def p99s(phase: str) -> list[float]:
        return [r["visible"]["p99_ms"] for r in results.get(phase, []) if r["visible"]["p99_ms"] is not None]

    def p50s(phase: str) -> list[float]:
        return [r["visible"]["p50_ms"] for r in results.get(phase, []) if r["visible"]["p50_ms"] is not None]

    print(f"\n## Share -> visible in reporting ({args.runs} runs each, {args.rate} shares/s for {args.seconds} s, "
          f"{args.answers_per_s:g} answers/s offered beside; {machine()})\n")
    print("| path | settings | p50, ms | p99, ms (median) | p99 of each run | goal | ratio to goal |")
    print("|---|---|---|---|---|---|---|")
    for phase, settings in phases:
        p99 = median(p99s(phase))
        verdict = "—" if p99 is None else f"x{p99 / GOAL_P99_MS:.2f} ({'ok' if p99 < GOAL_P99_MS else 'MISSED'})"
        print(f"| {phase} | {settings or 'defaults'} | {median(p50s(phase))} | {p99} | {p99s(phase)} | "
              f"< {GOAL_P99_MS:g} | {verdict} |")
    for phase, _ in phases:
        for result in results[phase]:
            print(f"- {phase} stages: {json.dumps(result['stages'])}")
    notes = (f"{args.rate} shares/s for {args.seconds} s per run through the gateway, {args.answers_per_s:g} "
             f"answers/s offered beside; visible = reporting's read model says SHARED (polled every 10 ms); "
             f"before: {phases[0][1] if args.before_env else 'not run'}, now: {phases[-1][1] or 'defaults'}; "
             f"p50 before {median(p50s('before'))} ms, now {median(p50s('now'))} ms")
    row = protocol_row("share_visible_p99_ms", "share → visible in reporting, p99", GOAL_P99_MS, p99s("now"), notes)
    row.update(before=median(p99s("before")), runs_before=p99s("before"))
    document = {"bench": Path(__file__).name, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "machine": machine(), "rows": [row], "runs": results}
    if args.json:
        args.json.write_text(json.dumps(document, indent=1, default=str))
        say(f"written {args.json}")


if __name__ == "__main__":
    main()
