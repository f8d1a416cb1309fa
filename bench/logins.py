"""Log-ins through the gateway: the parameters before issue 18 and today's, side by side in the same run.

    python bench/logins.py                       # 3 runs of both paths, medians (about 4 minutes)
    python bench/logins.py --runs 1 --clients 8 16 --profile bench/results/profiles
                                                 # one run, two concurrencies, py-spy profiles of the
                                                 # identity api and gateway workers during each measure

Each path is the real identity api (gunicorn, as the image runs it) behind the real gateway (rate limits
off: every client here is 127.0.0.1, and the gateway's per-address log-in limit is what this measures
around), on a database and a vhost of their own, dropped at the end:

- **before**: argon2-cffi's default parameters (64 MiB, 3 passes, 4 lanes: what identity used until
  issue 18), 2 hashes at once, one worker of 8 threads; accounts signed up with those parameters.
- **now**: the parameters of today's settings (OWASP's minimum: 19 MiB, 2 passes, 1 lane) and the api's
  settings of today's deployment (``--now-workers``, ``--now-threads``, ``ARGON2_CONCURRENCY``); accounts
  signed up with them.

Client threads in this process each log in again and again (``POST /api/token`` through the gateway, an
account of their own in turn), 3 s of warm-up then ``--seconds`` measured: log-ins/s, p50 and p99, and the
CPU each party spent per log-in, read from /proc (identity api, gateway, PostgreSQL, this load generator).
Each run measures both paths; the figures printed are the medians over the runs, each beside its goal
(60 log-ins/s on this machine, issue 18) and the ratio. Figures go to stdout and to
bench/results/logins-<date>.json. bench/README.md has the method.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import capacity  # noqa: E402 - the CPU meter and the closed loop of the capacity bench

GOAL_PER_S = 60.0  # issue 18: log-ins per second on this 2-core machine
PASSWORD = "Quiet-River-2026!"  # noqa: S105 - the bench accounts' password
TIMEOUT_S = 60


def paths(args: argparse.Namespace) -> dict[str, dict]:
    return {
        "before": {"env": {"ARGON2_MEMORY_KIB": "65536", "ARGON2_TIME_COST": "3", "ARGON2_PARALLELISM": "4",
                           "ARGON2_CONCURRENCY": "2"},
                   "gunicorn": ["--workers", "1", "--threads", "8"]},
        "now": {"env": {"ARGON2_CONCURRENCY": str(args.now_concurrency)},  # today's parameters: the defaults
                "gunicorn": ["--workers", str(args.now_workers), "--threads", str(args.now_threads)]},
    }


def sign_up(base: str, count: int, path: str) -> list[str]:
    import requests

    def one(n: int) -> str:
        email = f"bench.{path}.{n}.{uuid.uuid4().hex[:6]}@example.org"
        created = requests.post(f"{base}/api/users", json={"first_name": "Bench", "last_name": "Learner",
                                                           "email": email, "password": PASSWORD,
                                                           "accepted_terms": True}, timeout=TIMEOUT_S)
        if created.status_code != 201:
            raise RuntimeError(f"sign-up refused: {created.status_code} {created.text[:300]}")
        return email

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, range(count)))


class Probe:
    """Another route meanwhile: ``GET /api/users/me`` through the gateway every 100 ms, its latencies kept
    (a log-in burst must not starve identity's other requests)."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.headers, self.samples = base, {"Authorization": f"Bearer {token}"}, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def once(self, session) -> None:
        began = time.perf_counter()
        response = session.get(f"{self.base}/api/users/me", headers=self.headers, timeout=TIMEOUT_S)
        if response.status_code != 200:
            raise RuntimeError(f"users/me: {response.status_code} {response.text[:200]}")
        self.samples.append((time.perf_counter() - began) * 1000)

    def _run(self) -> None:
        import requests

        session = requests.Session()
        while not self._stop.wait(0.1):
            self.once(session)

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(TIMEOUT_S)

    def figures(self) -> dict:
        ordered = sorted(self.samples)
        return {"requests": len(ordered), "p50_ms": round(statistics.median(ordered), 1),
                "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1)}


def idle_probe(base: str, token: str) -> dict:
    import requests

    probe, session = Probe(base, token), requests.Session()
    for _ in range(50):
        probe.once(session)
        time.sleep(0.02)
    return probe.figures()


def hash_parameters(database_url: str) -> Counter:
    """The parameters of the stored hashes (``m=…,t=…,p=…``), counted: what the path really used."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        hashes = connection.execute(text("SELECT password_hash FROM users WHERE email LIKE 'bench.%'")).scalars()
        found = Counter(h.split("$")[3] for h in hashes)
    engine.dispose()
    return found


def profile(pid: int, seconds: float, out: Path) -> subprocess.Popen:
    """py-spy on one process (a gunicorn worker) for the measured window, as collapsed stacks."""
    return subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid), "--duration",
                             str(int(seconds)), "--rate", "200", "--format", "raw", "--output", str(out),
                             "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def workers_of(master_pid: int) -> list[int]:
    return sorted(capacity.tree((master_pid,)) - {master_pid})


# Where a sampled thread was, first match wins (py-spy's frames read "function (path:line)").
WHERE = [("argon2 (verify or hash)", ("argon2/low_level.py",)),
         ("waiting for an argon2 turn", ("Semaphore.acquire", "Semaphore.__enter__")),
         ("RS256 signature (the access token)", ("jwt/api_jws.py", "jwt/api_jwt.py")),
         ("waiting for PostgreSQL", ("psycopg/waiting.py", "psycopg/connection.py:4")),
         ("SQLAlchemy and psycopg (Python)", ("sqlalchemy/", "psycopg/")),
         ("the proxied call to identity", ("http/client.py", "urllib3/", "socket.py")),
         ("request plumbing (svckit: ids, logs, idempotency, limits)", ("svckit/", "gateway/")),
         ("Flask, webargs, marshmallow", ("flask/", "flask_smorest/", "webargs/", "marshmallow/", "werkzeug/")),
         ("gunicorn", ("gunicorn/",))]


def summarize_profile(raw: Path) -> dict[str, float]:
    """The share of a worker's samples (its threads at work) spent in each part of a log-in."""
    if not raw.exists():
        return {}
    total, shares = 0, Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        total += int(count)
        frames = stack.split(";")
        for name, markers in WHERE:  # the first part of the list found on the stack decides
            if any(marker in frame for frame in reversed(frames) for marker in markers):
                shares[name] += int(count)
                break
        else:
            shares["other"] += int(count)
    return {name: round(100 * n / max(total, 1), 1) for name, n in shares.most_common()}


@contextmanager
def identity_behind_gateway(name: str, identity_env: dict, gunicorn: list[str], gateway_env: dict,
                            logs: Path) -> Iterator[tuple[str, object, object, str, str]]:
    """A real identity api (migrated, on a database and vhost of its own) behind a real gateway, both ready:
    (database URL, identity process, gateway process, identity's URL, the gateway's URL); all dropped after."""
    from msgkit.testing import isolated_vhost
    from svckit.config import DEFAULT_RABBITMQ_URL
    from svckit.testing import ServiceProcess, free_port, fresh_database, service_command

    with ExitStack() as own:
        database = own.enter_context(fresh_database(f"bench_logins_{name}"))
        amqp_url = own.enter_context(isolated_vhost(os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL), "bench"))
        env = {"SERVICE_ENV": "test", "DATABASE_URL": database, "RABBITMQ_URL": amqp_url, "LOG_LEVEL": "WARNING",
               **identity_env}
        migration = ServiceProcess([*service_command("identity"), "migrate"], env, logs / f"{name}-migrate.log")
        if migration.start().process.wait(120) != 0:
            raise RuntimeError(f"identity migrate failed: {migration.log_path.read_text()[-2000:]}")
        identity_port, gateway_port = free_port(), free_port()
        identity_url = f"http://127.0.0.1:{identity_port}"
        identity = ServiceProcess([*service_command("identity"), "api", "--bind", f"127.0.0.1:{identity_port}",
                                   *gunicorn], env, logs / f"{name}-identity.log", f"{identity_url}/health/ready")
        gateway = ServiceProcess(
            [*service_command("gateway"), "api", "--bind", f"127.0.0.1:{gateway_port}"],
            {"SERVICE_ENV": "test", "LOG_LEVEL": "WARNING", "IDENTITY_URL": identity_url,
             "JWKS_URL": f"{identity_url}/.well-known/jwks.json", **gateway_env},
            logs / f"{name}-gateway.log", f"http://127.0.0.1:{gateway_port}/health/ready")
        for process in (identity, gateway):
            process.start()
            own.callback(process.stop)
        identity.wait_ready(60)
        gateway.wait_ready(60)
        yield database, identity, gateway, identity_url, f"http://127.0.0.1:{gateway_port}"


def measure_path(name: str, path: dict, clients: list[int], args, stack: ExitStack, logs: Path,
                 profiles: Path | None, run: int) -> dict:
    import requests

    with identity_behind_gateway(name, path["env"], path["gunicorn"], {"RATELIMIT_ENABLED": "false"},
                                 logs) as (database, identity, gateway, identity_url, through):
        accounts = sign_up(identity_url, max(clients) * 3, name)
        meter = capacity.CpuMeter({"identity api": ((identity.process.pid,), ()),
                                   "gateway": ((gateway.process.pid,), ()),
                                   "postgresql": ((), ("postgres",))})
        token = requests.post(f"{through}/api/token", json={"email": accounts[0], "password": PASSWORD},
                              timeout=TIMEOUT_S).json()["access_token"]
        results = {"parameters": dict(hash_parameters(database)), "env": path["env"], "gunicorn": path["gunicorn"],
                   "users_me_idle": idle_probe(through, token), "by_clients": {}}
        for count in clients:
            spies = []
            if profiles is not None:
                profiles.mkdir(parents=True, exist_ok=True)
                for party, master in (("identity", identity), ("gateway", gateway)):
                    for worker in workers_of(master.process.pid):
                        out = profiles / f"run{run}-{name}-{count}-{party}-{worker}.txt"
                        spies.append((party, out, profile(worker, capacity.WARM_S + capacity.MEASURE_S, out)))
            with Probe(through, token) as probe:
                figures = capacity.login_load(through, accounts, PASSWORD, count, meter)
            figures["users_me_meanwhile"] = probe.figures()
            for party, out, spy in spies:
                spy.wait(60)
                figures.setdefault("profile_percent", {})[f"{party} {out.stem.rsplit('-', 1)[1]}"] = summarize_profile(out)
            figures["identity_peak_rss_mb"] = max(capacity.peak_rss_mb(w) for w in workers_of(identity.process.pid))
            results["by_clients"][str(count)] = figures
            print(f"  run {run}, {name:6} {count:2} clients: {figures['logins_per_s']:6} log-ins/s, "
                  f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms; CPU ms per log-in: "
                  + ", ".join(f"{k} {v}" for k, v in figures["cpu_ms_per_login"].items())
                  + f"; GET /api/users/me meanwhile p50 {figures['users_me_meanwhile']['p50_ms']} ms, p99 "
                  f"{figures['users_me_meanwhile']['p99_ms']} ms (idle {results['users_me_idle']['p50_ms']} / "
                  f"{results['users_me_idle']['p99_ms']})", flush=True)
        after = hash_parameters(database)
        if len(after) != 1:
            raise RuntimeError(f"the {name} path's hashes have mixed parameters: {dict(after)}")
    return results


def medians(runs: list[dict], name: str, clients: int) -> dict:
    rows = [run[name]["by_clients"][str(clients)] for run in runs]
    cpu = {party: round(statistics.median(row["cpu_ms_per_login"][party] for row in rows), 1)
           for party in rows[0]["cpu_ms_per_login"]}
    return {"logins_per_s": round(statistics.median(r["logins_per_s"] for r in rows), 1),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in rows), 1),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in rows), 1),
            "range_per_s": [min(r["logins_per_s"] for r in rows), max(r["logins_per_s"] for r in rows)],
            "cpu_ms_per_login": cpu,
            "identity_peak_rss_mb": statistics.median(r["identity_peak_rss_mb"] for r in rows),
            "users_me_meanwhile_p50_ms": round(statistics.median(r["users_me_meanwhile"]["p50_ms"] for r in rows), 1),
            "users_me_meanwhile_p99_ms": round(statistics.median(r["users_me_meanwhile"]["p99_ms"] for r in rows), 1),
            "users_me_idle_p50_ms": round(statistics.median(run[name]["users_me_idle"]["p50_ms"] for run in runs), 1)}


def report(runs: list[dict], clients: list[int]) -> dict:
    summary: dict = {}
    print(f"\nmedians of {len(runs)} run(s); goal {GOAL_PER_S:g} log-ins/s on this machine (issue 18)")
    for count in clients:
        before, now = medians(runs, "before", count), medians(runs, "now", count)
        summary[str(count)] = {"before": before, "now": now}
        print(f"{count} clients:")
        for name, row in (("before", before), ("now", now)):
            print(f"  {name:6} {row['logins_per_s']:6} log-ins/s ({row['range_per_s'][0]}–{row['range_per_s'][1]}), "
                  f"goal {GOAL_PER_S:g}: x{row['logins_per_s'] / GOAL_PER_S:.2f} of the goal; p50 {row['p50_ms']} ms, "
                  f"p99 {row['p99_ms']} ms; CPU ms per log-in: "
                  + ", ".join(f"{k} {v}" for k, v in row["cpu_ms_per_login"].items())
                  + f"; identity worker peak RSS {row['identity_peak_rss_mb']} MB; GET /api/users/me meanwhile p50 "
                  f"{row['users_me_meanwhile_p50_ms']} ms, p99 {row['users_me_meanwhile_p99_ms']} ms (idle p50 "
                  f"{row['users_me_idle_p50_ms']} ms)")
        print(f"  now / before: x{now['logins_per_s'] / max(before['logins_per_s'], 0.1):.1f} log-ins/s, "
              f"identity CPU per log-in x{now['cpu_ms_per_login']['identity api'] / max(before['cpu_ms_per_login']['identity api'], 0.1):.2f}")
    return summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, nargs="+", default=[16], help="concurrent clients (several: each)")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured, after 3 s of warm-up")
    parser.add_argument("--now-workers", type=int, default=1)
    parser.add_argument("--now-threads", type=int, default=32)
    parser.add_argument("--now-concurrency", type=int, default=2, help="ARGON2_CONCURRENCY of the now path")
    parser.add_argument("--only", choices=["before", "now"], help="measure one path only (no side by side)")
    parser.add_argument("--profile", type=Path, help="a folder for py-spy's collapsed stacks of each measure")
    parser.add_argument("--json", type=Path, help="also write issue 18's row there (bench/README.md, issue18.py)")
    return parser.parse_args(argv)


def issue18_rows(runs: list[dict], clients: int) -> list[dict]:
    """The row of issue 18's table: log-ins/s at the first --clients, each path's runs and median."""
    def series(name: str) -> list[float]:
        return [run[name]["by_clients"][str(clients)]["logins_per_s"] for run in runs if name in run]

    def middle(values: list[float]) -> float | None:
        return round(statistics.median(values), 1) if values else None

    identity_cpu = {name: middle([run[name]["by_clients"][str(clients)]["cpu_ms_per_login"]["identity api"]
                                  for run in runs if name in run]) for name in ("before", "now")}
    return [{"key": "logins_per_s", "label": f"log-ins through the gateway, {clients} clients, this machine",
             "unit": "log-ins/s", "goal": GOAL_PER_S, "better": "higher",
             "before": middle(series("before")), "now": middle(series("now")),
             "runs_before": series("before"), "runs_now": series("now"),
             "notes": f"identity api CPU ms per log-in: before {identity_cpu['before']}, now {identity_cpu['now']}"}]


def main() -> None:
    args = parse_args()
    capacity.MEASURE_S = args.seconds
    results: dict = {"machine": {"cores": os.cpu_count(), "loop_ms_before": capacity.loop_ms()},
                     "at": datetime.now(timezone.utc).isoformat(), "measure_s": args.seconds, "clients": args.clients,
                     "runs": []}
    chosen = {name: path for name, path in paths(args).items() if args.only in (None, name)}
    with ExitStack() as stack:
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        for run in range(1, args.runs + 1):
            results["runs"].append({name: measure_path(name, path, args.clients, args, stack, logs, args.profile, run)
                                    for name, path in chosen.items()})
    results["machine"]["loop_ms_after"] = capacity.loop_ms()
    if args.only is None:
        results["medians"] = report(results["runs"], args.clients)
    print(f"this machine's speed: a fixed loop took {results['machine']['loop_ms_before']} ms of CPU before, "
          f"{results['machine']['loop_ms_after']} ms after")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"logins-{datetime.now(timezone.utc):%Y-%m-%dT%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"figures written to {path.relative_to(ROOT)}")
    if args.json:
        from issue18 import write_rows

        write_rows(args.json, Path(__file__).name, issue18_rows(results["runs"], args.clients[0]))


if __name__ == "__main__":
    threading.excepthook = lambda args: print(f"thread failed: {args.exc_value!r}", file=sys.stderr)
    main()
