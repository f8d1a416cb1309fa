"""A class of 35 behind its school's one address logs in through the gateway, its rate limits on: how long
until every pupil is in, before issue 18's limits and parameters and now (issue 18's row "class of 35").

    python bench/class_logins.py                  # 3 runs of both paths (about 6 minutes: before waits)
    python bench/class_logins.py --runs 1 --only now --json bench/results/class.json

Each path is the real identity api (gunicorn) behind the real gateway with its rate limits ON, counted in
Redis as in production (a key prefix of the run's own), the gateway trusting one proxy (``TRUSTED_PROXIES=1``,
as deployed) so that every pupil's request carries the school's address in ``X-Forwarded-For``, on a database
and a vhost of their own, dropped at the end:

- **before**: the gateway's log-in limit as it was before issue 16 (``RATELIMIT_LOGIN=30/minute`` per address)
  and identity's parameters before issue 18 (argon2-cffi's defaults: 64 MiB, 3 passes, 4 lanes; 2 hashes at
  once, one worker of 8 threads), as ``bench/logins.py`` runs them;
- **now**: today's defaults (the gateway's limits, identity's parameters and the development api settings).

The pupils' accounts are signed up straight at identity first (the sign-ups are not measured). Then the 35
pupils press "log in" at the same moment (one thread each, ``POST /api/token`` through the gateway); a pupil
refused with a 429 tries again after its ``Retry-After``, as a pupil told to wait does. Measured: the seconds
from the first press until the last pupil holds a token (the row's figure, goal: within 60 s), how many were
refused at their first try, and each pupil's time to get in (p50, max). Then a 36th account is guessed from the
same address, 11 wrong passwords: guessing must stay throttled per account (identity answers 429 from the 6th).
Each run measures both paths; printed are the medians over the runs beside the goal, with the ratio.
``--json PATH`` writes issue 18's row (bench/README.md, "issue18.py").
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
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from logins import PASSWORD, identity_behind_gateway, sign_up  # noqa: E402 - the log-ins bench's

CLASS_SIZE = 35
GOAL_S = 60.0  # issue 18: the whole class in within a minute
SCHOOL = "203.0.113.35"  # the academy's proxy: every pupil of the school comes from it
GIVE_UP_S = 240.0  # a pupil still out after this is counted as never in
TIMEOUT_S = 60
PATHS = {
    "before": {"identity": {"ARGON2_MEMORY_KIB": "65536", "ARGON2_TIME_COST": "3", "ARGON2_PARALLELISM": "4",
                            "ARGON2_CONCURRENCY": "2"},
               "gunicorn": ["--workers", "1", "--threads", "8"],
               "gateway": {"RATELIMIT_LOGIN": "30/minute"}},
    "now": {"identity": {}, "gunicorn": [], "gateway": {}},
}


def log_in(session, gateway: str, email: str, password: str = PASSWORD):
    return session.post(f"{gateway}/api/token", json={"email": email, "password": password},
                        headers={"X-Forwarded-For": SCHOOL, "Idempotency-Key": str(uuid.uuid4())}, timeout=TIMEOUT_S)


def the_class(gateway: str, pupils: list[str]) -> dict:
    """Every pupil at once, each trying again after the Retry-After of a 429; seconds until each is in."""
    import requests

    go = threading.Barrier(len(pupils))
    refused_first = [0]
    lock = threading.Lock()

    def pupil(email: str) -> float | None:
        session = requests.Session()
        go.wait()
        began = time.monotonic()
        first = True
        while time.monotonic() - began < GIVE_UP_S:
            answer = log_in(session, gateway, email)
            if answer.status_code == 200 and answer.json().get("access_token"):
                return time.monotonic() - began
            if answer.status_code != 429:
                raise RuntimeError(f"log-in answered {answer.status_code}: {answer.text[:200]}")
            if first:
                with lock:
                    refused_first[0] += 1
                first = False
            time.sleep(float(answer.headers.get("Retry-After", "1")))
        return None

    with ThreadPoolExecutor(len(pupils)) as pool:
        took = list(pool.map(pupil, pupils))
    inside = sorted(t for t in took if t is not None)
    return {"pupils": len(pupils), "in": len(inside), "refused_at_first_try": refused_first[0],
            "all_in_s": round(max(inside), 2) if len(inside) == len(pupils) else None,
            "p50_s": round(statistics.median(inside), 2) if inside else None}


def guessing(gateway: str, email: str) -> list[int]:
    import requests

    session = requests.Session()
    return [log_in(session, gateway, email, "Wrong-Pass-1").status_code for _ in range(11)]


def measure(name: str, path: dict, logs: Path, run: int) -> dict:
    gateway_env = {"TRUSTED_PROXIES": "1", "RATELIMIT_ENABLED": "true",
                   "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
                   "RATELIMIT_KEY_PREFIX": f"bench-class-{uuid.uuid4().hex[:8]}", **path["gateway"]}
    with identity_behind_gateway(f"class_{name}", path["identity"], path["gunicorn"], gateway_env,
                                 logs) as (_, _, _, identity_url, through):
        accounts = sign_up(identity_url, CLASS_SIZE + 1, name)
        figures = the_class(through, accounts[:CLASS_SIZE])
        figures["guessing_statuses"] = guessing(through, accounts[CLASS_SIZE])
    throttled = figures["guessing_statuses"].index(429) + 1 if 429 in figures["guessing_statuses"] else None
    figures["guess_throttled_from"] = throttled
    print(f"  run {run}, {name:6}: {figures['in']} of {figures['pupils']} in, the last after {figures['all_in_s']} s "
          f"(p50 {figures['p50_s']} s), {figures['refused_at_first_try']} refused at their first try; guessing "
          + (f"throttled from the {throttled}th try" if throttled else "NOT throttled"), flush=True)
    return figures


def row(runs: list[dict], names: list[str]) -> dict:
    def series(name: str) -> list[float | None]:
        # never all in: counted as the give-up time, so the median stays a time (and misses the goal)
        return [r[name]["all_in_s"] if r[name]["all_in_s"] is not None else GIVE_UP_S for r in runs]

    def median(name: str) -> float | None:
        return round(statistics.median(series(name)), 2) if name in names else None

    refused = {name: [r[name]["refused_at_first_try"] for r in runs] for name in names}
    throttled = {name: [r[name]["guess_throttled_from"] for r in runs] for name in names}
    return {"key": "class_of_35_logins",
            "label": f"a class of {CLASS_SIZE} behind one address logs in through the gateway, limits on: "
                     "seconds until all are in",
            "unit": "s", "goal": GOAL_S, "better": "lower", "before": median("before"), "now": median("now"),
            "runs_before": series("before") if "before" in names else [],
            "runs_now": series("now") if "now" in names else [],
            "notes": f"refused at their first try {refused}; a guessed account throttled from try {throttled}"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=sorted(PATHS), help="measure one path only")
    parser.add_argument("--json", type=Path, help="also write issue 18's row there (bench/README.md)")
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    names = [name for name in PATHS if args.only in (None, name)]
    runs: list[dict] = []
    with tempfile.TemporaryDirectory() as logs:
        for run in range(1, args.runs + 1):
            runs.append({name: measure(name, PATHS[name], Path(logs), run) for name in names})
    figures = row(runs, names)
    print(f"\nmedians of {args.runs} run(s), goal: all {CLASS_SIZE} in within {GOAL_S:g} s")
    for name in names:
        value = figures[name]
        print(f"  {name:6} {value} s: x{value / GOAL_S:.2f} of the goal, "
              f"{'ok' if value <= GOAL_S else 'MISSED'}")
    print(f"  {figures['notes']}")
    at = datetime.now(timezone.utc)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"class-logins-{at:%Y-%m-%dT%H%M%S}.json").write_text(json.dumps({"at": at.isoformat(), "runs": runs},
                                                                             indent=2))
    if args.json:
        write_json(args.json, Path(__file__).name, [figures])


def write_json(path: Path, bench: str, rows: list[dict]) -> None:
    """Issue 18's protocol: the rows this bench measured, for bench/issue18.py."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"bench": bench, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                "machine": f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}",
                                "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
