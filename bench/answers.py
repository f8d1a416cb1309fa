"""The answer's path, old and new in the same run: next question + answer as the faces send them (an
``Idempotency-Key`` on every answer), through the gateway, to ONE assessment api worker (gunicorn, 1 worker,
8 threads), for the campaign test and the certification test.

    python bench/answers.py                     # 3 runs of each (about 6 minutes); make up must not be running
    python bench/answers.py --runs 5 --seconds 20 --clients 8 --old-ref main

The old path is the code of ``--old-ref`` (``git archive`` into a temporary folder, put first on the api's and
the gateway's PYTHONPATH: same virtualenv, same database schema), the new one this tree's. Each run prepares fresh
tests for each path and measures them one after the other (old, new) with the same load: ``--clients`` threads
each looping over their own tests, ``GET next-challenge`` then ``POST answers`` (skipped) with a new key, after
3 s of warm-up. CPU comes from /proc: the api worker's process tree, the gateway's, and every PostgreSQL
process of the machine (so PostgreSQL's figure includes whatever else ran). Prints the median of the runs
beside issue 18's goal, and writes bench/results/answers-<time>.json. bench/README.md says more.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import uuid
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import capacity  # noqa: E402 - the load and CPU meters of the capacity bench
from capacity import CpuMeter, closed_loop, loop_ms  # noqa: E402
from old_code import old_pythonpath  # noqa: E402

GOAL_ANSWERS_PER_S, GOAL_P99_MS = 500, 50  # issue 18, the whole machine
# The gateway's too: it checks every token with svckit.auth, which issue 18 changed.
SOURCES = ("libs/svckit/src", "libs/msgkit/src", "libs/irt/src", "services/assessment/src", "gateway/src")


def answer_client(base: str, tests: list[tuple[uuid.UUID, uuid.UUID]], kind: str, concurrency: int):
    import requests

    from svckit.testing import token_for

    prefix = "/api/assessments/{}" if kind == "campaign" else "/api/certification-courses/{}/assessment"

    def client(n: int):
        session, share, turn = requests.Session(), list(tests[n::concurrency]), [0]
        headers = {user: {"Authorization": f"Bearer {token_for(str(user), f'{user}@example.org')}"}
                   for _, user in share}

        def step() -> bool:
            if not share:
                raise RuntimeError("a client ran out of tests: prepare more")
            test_id, user = share[turn[0] % len(share)]
            path = prefix.format(test_id)
            body = session.get(f"{base}{path}/next-challenge", headers=headers[user], timeout=30)
            body.raise_for_status()
            challenge = body.json()["challenge"]
            if challenge is None:
                share.remove((test_id, user))
                return False
            answered = session.post(f"{base}{path}/answers", json={"challenge_id": challenge["id"], "skipped": True},
                                    headers={**headers[user], "Idempotency-Key": str(uuid.uuid4())}, timeout=30)
            if answered.status_code != 201:
                raise RuntimeError(f"{answered.status_code} {answered.text[:200]}")
            turn[0] += 1
            return True
        return step
    return client


def measure(args: argparse.Namespace) -> dict:
    from adaptive_test import load_content, prepared_assessments, read_document, serving_test_jwks
    from sqlalchemy import text

    from assessment.bootstrap import bootstrap
    from assessment.config import Settings
    from assessment.domain import commands
    from assessment.entrypoints.cli import checksum
    from assessment.service_layer import certification, handlers
    from msgkit.testing import isolated_vhost
    from svckit.config import DEFAULT_RABBITMQ_URL
    from svckit.testing import ServiceProcess, free_port, fresh_database, service_command

    capacity.MEASURE_S = args.seconds
    results: dict = {"machine": {"cores": os.cpu_count(), "loop_ms_before": loop_ms()}, "old_ref": args.old_ref,
                     "clients": args.clients, "measure_s": args.seconds, "runs": []}
    with ExitStack() as stack:
        old = old_pythonpath(args.old_ref, SOURCES, Path(stack.enter_context(tempfile.TemporaryDirectory())))
        amqp_url = stack.enter_context(isolated_vhost(os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL), "bench"))
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        jwks_url = stack.enter_context(serving_test_jwks())
        env = {"SERVICE_ENV": "test", "RABBITMQ_URL": amqp_url, "LOG_LEVEL": "WARNING", "JWKS_URL": jwks_url,
               "RATELIMIT_ENABLED": "false", "DATABASE_URL": stack.enter_context(fresh_database("bench_answers"))}
        if ServiceProcess([*service_command("assessment"), "migrate"], env, logs / "migrate.log").start() \
                .process.wait(120) != 0:
            raise RuntimeError("assessment migrate failed")
        runtime = bootstrap(Settings.from_env(env))
        stack.callback(runtime.engine.dispose)
        document = read_document()
        handlers.release_content(document, checksum(document), "bench", runtime.uow(), runtime.now())
        content = load_content()
        paths = {"old": {**env, "PYTHONPATH": old}, "new": env}

        def courses(count: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
            made = []
            for _ in range(count):
                course, user = uuid.uuid4(), uuid.uuid4()
                with runtime.uow() as uow:
                    certification.on_course_started(commands.StartCertificationTest(course, user, 1, 0, runtime.now()),
                                                    uow, runtime.content, runtime.item_parameters)
                    uow.commit()
                made.append((course, user))
            return made

        for run in range(args.runs):
            figures: dict = {}
            for kind in ("campaign", "certification"):
                for path in ("old", "new"):
                    tests = (prepared_assessments(runtime, content, args.tests) if kind == "campaign"
                             else courses(args.tests))
                    with runtime.engine.begin() as connection:
                        connection.execute(text("ANALYZE"))
                    api_port, gateway_port = free_port(), free_port()
                    api = ServiceProcess([*service_command("assessment"), "api", "--workers", "1", "--threads", "8",
                                          "--bind", f"127.0.0.1:{api_port}"], paths[path], logs / f"api-{path}.log",
                                         f"http://127.0.0.1:{api_port}/health/ready").start()
                    gateway = ServiceProcess([*service_command("gateway"), "api", "--bind", f"127.0.0.1:{gateway_port}"],
                                             {**paths[path], "ASSESSMENT_URL": f"http://127.0.0.1:{api_port}"},
                                             logs / "gateway.log", f"http://127.0.0.1:{gateway_port}/health/ready").start()
                    try:
                        api.wait_ready()
                        gateway.wait_ready()
                        meter = CpuMeter({"assessment api": ((api.process.pid,), ()),
                                          "gateway": ((gateway.process.pid,), ()), "postgresql": ((), ("postgres",))})
                        done = closed_loop(args.clients, answer_client(f"http://127.0.0.1:{gateway_port}", tests, kind,
                                                                       args.clients), meter)
                    finally:
                        gateway.stop()
                        api.stop()
                    figures[f"{kind} {path}"] = done
                    print(f"run {run + 1}, {kind:<13} {path}: {done['per_s']:>6} answers/s, p50 {done['p50_ms']} ms, "
                          f"p99 {done['p99_ms']} ms; CPU ms per answer: "
                          + ", ".join(f"{k} {v}" for k, v in done["cpu_ms_per_unit"].items()), flush=True)
            results["runs"].append(figures)
    results["machine"]["loop_ms_after"] = loop_ms()
    return results


def median_table(results: dict) -> list[str]:
    lines = ["| path | answers/s | p50 / p99 ms | api CPU ms/answer | gateway | PostgreSQL |",
             "|---|---|---|---|---|---|"]
    medians: dict = {}
    for name in results["runs"][0]:
        runs = [r[name] for r in results["runs"]]
        m = {"per_s": statistics.median(r["per_s"] for r in runs), "p50": statistics.median(r["p50_ms"] for r in runs),
             "p99": statistics.median(r["p99_ms"] for r in runs),
             **{k: statistics.median(r["cpu_ms_per_unit"][k] for r in runs)
                for k in ("assessment api", "gateway", "postgresql")}}
        medians[name] = m
        lines.append(f"| {name} | {m['per_s']:.1f} | {m['p50']:.1f} / {m['p99']:.1f} | {m['assessment api']:.2f} | "
                     f"{m['gateway']:.2f} | {m['postgresql']:.2f} |")
    lines.append("")
    for kind in ("campaign", "certification"):
        old, new = medians[f"{kind} old"], medians[f"{kind} new"]
        lines.append(f"{kind}: api CPU per answer {old['assessment api']:.2f} -> {new['assessment api']:.2f} ms "
                     f"(x{old['assessment api'] / new['assessment api']:.2f} less); one worker's answers/s "
                     f"{old['per_s']:.1f} -> {new['per_s']:.1f} (goal {GOAL_ANSWERS_PER_S} on the machine: "
                     f"{new['per_s'] / GOAL_ANSWERS_PER_S:.0%} of it); p99 {new['p99']:.0f} ms (goal {GOAL_P99_MS}: "
                     f"x{new['p99'] / GOAL_P99_MS:.1f}); a worker at 100 % of a core would do "
                     f"{1000 / new['assessment api']:.0f} answers/s")
    results["medians"] = medians
    return lines


def bench_rows(results: dict) -> list[dict]:
    """Issue 18's protocol (bench/README.md): the one-worker figures of each path, before (old) and now (new)."""
    def row(key: str, label: str, unit: str, goal: float | None, better: str, kind: str, pick, notes: str = ""):
        before = [pick(r[f"{kind} old"]) for r in results["runs"]]
        now = [pick(r[f"{kind} new"]) for r in results["runs"]]
        return {"key": key, "label": label, "unit": unit, "goal": goal, "better": better,
                "before": statistics.median(before), "now": statistics.median(now), "runs_before": before,
                "runs_now": now, "notes": notes}

    one_worker = ("one api worker (1 process, 8 threads) behind one gateway process, 8 clients in a closed loop; "
                  "answers_per_s and answer_p99_ms are the whole platform's (certification_window.py)")
    rows = []
    for kind in ("campaign", "certification"):
        # The keys bench/issue18.py gives these figures when it reads answers.py's results file.
        rows += [
            row(f"answers_per_s_one_worker_{kind}", f"{kind} answers, ONE api worker (answers.py)", "answers/s", None,
                "higher", kind, lambda r: r["per_s"], one_worker),
            row(f"answer_p99_ms_one_worker_{kind}", f"{kind}: p99 of next question + answer, ONE api worker", "ms",
                None, "lower", kind, lambda r: r["p99_ms"], one_worker),
            row(f"answer_api_cpu_ms_{kind}", f"{kind} answer: api CPU per answer (answers.py)", "ms", None, "lower",
                kind, lambda r: r["cpu_ms_per_unit"]["assessment api"]),
            row(f"answer_gateway_cpu_ms_{kind}", f"{kind} answer: gateway CPU per answer (answers.py)", "ms", None,
                "lower", kind, lambda r: r["cpu_ms_per_unit"]["gateway"]),
            row(f"answer_postgresql_cpu_ms_{kind}", f"{kind} answer: PostgreSQL CPU per answer, whole machine "
                "(answers.py)", "ms", None, "lower", kind, lambda r: r["cpu_ms_per_unit"]["postgresql"]),
        ]
    return rows


def write_json(path: Path, results: dict) -> None:
    load = os.getloadavg()[0]
    path.write_text(json.dumps({"bench": "answers.py", "date": datetime.now(timezone.utc).isoformat(),
                                "machine": f"{os.cpu_count()} cores, load {load:.2f}", "rows": bench_rows(results)},
                               indent=2))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--tests", type=int, default=120, help="tests prepared per path and kind, per run")
    parser.add_argument("--old-ref", default="main")
    parser.add_argument("--json", type=Path, help="also write issue 18's rows there (bench/README.md)")
    args = parser.parse_args(argv)
    results = measure(args)
    lines = median_table(results)
    print("\n".join(lines))
    out = ROOT / "bench" / "results" / f"answers-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"written to {out}")
    if args.json:
        write_json(args.json, results)
        print(f"rows written to {args.json}")


if __name__ == "__main__":
    main()
