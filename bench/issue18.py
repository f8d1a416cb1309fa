"""Issue 18's table in one command: every row measured by its own bench, one bench after the other, today's
path ("before") and the new one ("now") side by side where the bench runs both, each figure beside its goal.

    python bench/issue18.py                       # every row, 3 runs each (long: about an hour)
    python bench/issue18.py --quick               # short runs, to check the wiring (minutes)
    python bench/issue18.py --only logins_per_s class_of_35_logins --runs 5

Run it under the machine's lock (``flock /tmp/issue16-stack.lock``): the benches start the platform's processes
and need the machine. Each bench is a subprocess started and stopped on its own (its processes, databases and
vhosts are its own and dropped at its end); one that fails or runs out of time gives "failed: <why>" on its rows
and the others still run. A bench speaks issue 18's protocol when its ``--help`` mentions ``--json``: it writes
``{"bench", "date", "machine", "rows": [{"key", "label", "unit", "goal", "better", "before", "now",
"runs_before", "runs_now", "notes"}]}`` to the path given (``write_rows`` below). One that does not yet is read
through an adapter of the result file it writes today. A bench taking ``--runs`` repeats itself and gives its
medians; another is started ``--runs`` times here and the median of its figures taken.

Prints one table (row, unit, before, now, goal, now / goal, now / before, ok or MISSED) and the machine's load
around each bench, and writes everything to bench/results/issue18-<time>.json, each bench's output beside it in
bench/results/issue18-<time>/. bench/README.md has the method.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def write_rows(path: Path, bench: str, rows: list[dict]) -> None:
    """Issue 18's protocol, for a bench's ``--json PATH``: the rows it measured."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"bench": bench, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                "machine": machine(), "rows": rows}, indent=2, default=str))


def machine() -> str:
    return f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"


def median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


# -- the table: issue 18's rows, each from the bench that measures it -------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str
    goal: float | None  # None: the bench's row gives it
    better: str  # "higher" or "lower"
    bench: str  # the bench that measures it (another bench writing the same key stands in when it is absent)


ROWS = [
    Row("answers_per_s", "next question + answer through the gateway, the whole platform (certification window)",
        "answers/s", 500, "higher", "certification_window"),
    Row("answer_p99_ms", "answer p99, client side, during that window", "ms", 50, "lower", "certification_window"),
    Row("gateway_ratio_p50", "gateway / direct call, p50 (GET /api/users/me)", "x", 1.3, "lower", "gateway_edge"),
    Row("gateway_ratio_p99", "gateway / direct call, p99", "x", 1.3, "lower", "gateway_edge"),
    Row("consumer_events_per_s", "reporting's consumer, answers' events, one process, 100,000 participations",
        "events/s", 1500, "higher", "consumer_batch"),
    Row("share_visible_p99_ms", "share -> visible in reporting, p99, 100 shares/s with answers flowing", "ms", 250,
        "lower", "share_visible"),
    Row("export_100k_s", "CSV export of a 100,000-participation campaign", "s", 5, "lower", "reporting_export"),
    Row("activity_ms", "activity of a 100,000-participation campaign, p50", "ms", 20, "lower", "reporting_export"),
    Row("statistics_ms", "statistics of a 100,000-participation campaign, p50", "ms", 20, "lower", "reporting_export"),
    Row("logins_per_s", "log-ins through the gateway (argon2id), this machine", "log-ins/s", 60, "higher", "logins"),
    Row("class_of_35_logins", "a class of 35 behind one address logs in, gateway limits on: all in after",
        "s", 60, "lower", "class_logins"),
    Row("orga_live_gateway_cpu", "Orga's live activity: gateway CPU at the peak for N open pages", "ms/s", None,
        "lower", "orga_live"),
]


# -- adapters: the rows from what a bench writes today, until it speaks the protocol -----------------------------


def newest(pattern: str, since: float) -> dict:
    found = [p for p in RESULTS.glob(pattern) if p.stat().st_mtime >= since]
    if not found:
        raise RuntimeError(f"no bench/results/{pattern} written by the run")
    return json.loads(max(found, key=lambda p: p.stat().st_mtime).read_text())


def gateway_rows(since: float) -> list[dict]:
    """bench/run.py gateway: today's Python gateway only, p50 and p95 (it measures no p99)."""
    figures = newest("20*.json", since)["gateway"]
    p95 = round(figures["gateway_p95_ms"] / figures["direct_p95_ms"], 2)
    return [{"key": "gateway_ratio_p50", "now": figures["ratio_p50"],
             "notes": f"+{figures['added_p50_ms']} ms at p50; this tree's gateway only (run.py has no old path)"},
            {"key": "gateway_ratio_p95", "label": "gateway / direct call, p95 (run.py measures no p99)", "unit": "x",
             "goal": 1.3, "better": "lower", "now": p95}]


def answers_rows(since: float) -> list[dict]:
    """bench/answers.py: one assessment api worker behind one gateway, old (main's code) and new (this tree)."""
    medians = newest("answers-*.json", since)["medians"]
    rows = []
    for kind in ("campaign", "certification"):
        old, new = medians[f"{kind} old"], medians[f"{kind} new"]
        rows += [{"key": f"answers_per_s_one_worker_{kind}", "label": f"{kind} answers, ONE api worker (answers.py)",
                  "unit": "answers/s", "goal": None, "better": "higher", "before": old["per_s"], "now": new["per_s"]},
                 {"key": f"answer_api_cpu_ms_{kind}", "label": f"{kind} answer: api CPU per answer (answers.py)",
                  "unit": "ms", "goal": None, "better": "lower", "before": round(old["assessment api"], 2),
                  "now": round(new["assessment api"], 2)}]
    return rows


def reporting_rows(since: float) -> list[dict]:
    """bench/reporting_export.py: this tree's reporting (3 exports, 20 or so requests each figure, in one run)."""
    figures = newest("reporting_export.json", since)["reporting_export"]
    exports = figures["export"]
    size = f"{figures['participants']:,} participations"
    return [{"key": "export_100k_s", "now": median([e["total_s"] for e in exports]),
             "runs_now": [e["total_s"] for e in exports],
             "notes": f"{size}; first byte {median([e['first_byte_ms'] for e in exports])} ms, worker memory growth "
                      f"{median([e['growth_mb'] for e in exports])} MB (medians of {len(exports)} exports)"},
            {"key": "activity_ms", "now": figures["figures"]["activity"]["p50_ms"], "notes": size},
            {"key": "statistics_ms", "now": figures["figures"]["statistics"]["p50_ms"], "notes": size}]


# -- the benches ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    args: tuple[str, ...] = ()
    quick: tuple[str, ...] | None = None  # None: "--quick" if the bench has it, else its full arguments
    adapter: Callable[[float], list[dict]] | None = None
    repeat: bool = True  # started --runs times when it does not take --runs itself
    why_once: str = ""
    unless: str = ""  # a bench that measures the same rows better: this one runs only when that file is absent


# main's last commit before issue 18's first change (84f7662): "before" for the benches that run old code beside
# new (answers.py, reporting_export.py), whose own default, main, is this tree once the changes have landed.
BEFORE_ISSUE_18 = "84f7662"

BENCHES = [
    Bench("certification_window", "bench/certification_window.py", (),
          ("--candidates", "25", "--think-scale", "0.02")),
    Bench("answers", "bench/answers.py", ("--old-ref", BEFORE_ISSUE_18),
          ("--old-ref", BEFORE_ISSUE_18, "--seconds", "5", "--tests", "60"), answers_rows),
    Bench("gateway_edge", "bench/gateway_edge.py", (), ("--requests", "200")),
    Bench("gateway", "bench/run.py", ("gateway",), ("gateway", "--requests", "200"), gateway_rows,
          unless="bench/gateway_edge.py"),
    Bench("consumer_batch", "bench/consumer_batch.py", (), ("--quick",)),
    Bench("share_visible", "bench/share_visible.py", (), ("--seconds", "4")),
    Bench("reporting_export", "bench/reporting_export.py", ("--old-ref", BEFORE_ISSUE_18),
          ("--old-ref", BEFORE_ISSUE_18, "--quick"), reporting_rows, repeat=False,
          why_once="3 exports and 20 or more requests per figure within its one run"),
    Bench("logins", "bench/logins.py", (), ("--seconds", "5")),
    Bench("class_logins", "bench/class_logins.py"),
    Bench("orga_live", "bench/orga_live.py", (), ("--pages", "50", "--seconds", "10", "--warm-up", "3")),
]


@dataclass
class Outcome:
    bench: Bench
    status: str = "ok"  # ok, failed: <why>, not measured yet, not run
    rows: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    load_before: float | None = None
    load_after: float | None = None
    commands: list[list[str]] = field(default_factory=list)


def help_of(script: Path) -> str:
    try:
        shown = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120,
                               cwd=ROOT)
    except subprocess.TimeoutExpired:
        return ""
    return shown.stdout


def run_once(command: list[str], log: Path, timeout: float) -> int | str:
    """The bench in its own process group; on timeout, Ctrl-C first (its clean-up runs), then harder."""
    with log.open("a") as out:
        out.write(f"$ {' '.join(command)}\n")
        out.flush()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            for signum, grace in ((signal.SIGINT, 90), (signal.SIGTERM, 30), (signal.SIGKILL, 10)):
                os.killpg(process.pid, signum)
                try:
                    process.wait(grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
            return f"out of time after {timeout:.0f} s"


def last_line(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no output"


def combine(repetitions: list[list[dict]]) -> list[dict]:
    """Rows of several runs of a bench: each key's median over the runs, every run's figures kept, the notes of
    the run nearest the median (each run's notes are in its own JSON file)."""
    by_key: dict[str, list[dict]] = {}
    for rows in repetitions:
        for row in rows:
            by_key.setdefault(row["key"], []).append(row)
    combined = []
    for rows in by_key.values():
        if len(rows) == 1:
            combined.append(rows[0])
            continue
        befores, nows = [r.get("before") for r in rows], [r.get("now") for r in rows]
        middle = median(nows)
        nearest = min(rows, key=lambda r: abs(r["now"] - middle) if r.get("now") is not None else float("inf"))
        notes = f"the median run's: {nearest['notes']}" if nearest.get("notes") else ""
        combined.append({**rows[0], "before": median(befores), "now": middle,
                         "runs_before": [v for v in befores if v is not None], "runs_now": nows, "notes": notes})
    return combined


def measure(bench: Bench, args, out: Path) -> Outcome:
    outcome = Outcome(bench)
    script = ROOT / bench.script
    if not script.exists():
        outcome.status = "not measured yet"
        return outcome
    if bench.unless and (ROOT / bench.unless).exists():
        outcome.status = f"not run: {bench.unless} measures its rows"
        return outcome
    shown = help_of(script)
    speaks, own_runs = "--json" in shown, "--runs" in shown
    if not speaks and bench.adapter is None:
        outcome.status = "failed: the bench writes no --json and has no adapter"
        return outcome
    quick = bench.quick if bench.quick is not None else (("--quick",) if "--quick" in shown else bench.args)
    command = [sys.executable, str(script), *(quick if args.quick else bench.args)]
    if own_runs:
        command += ["--runs", str(args.runs)]
    repetitions = 1 if own_runs or not bench.repeat else args.runs
    log = out / f"{bench.name}.log"
    outcome.load_before, began = os.getloadavg()[0], time.monotonic()
    collected: list[list[dict]] = []
    problems = []
    for n in range(repetitions):
        json_path = out / f"{bench.name}-{n + 1}.json"
        once = command + (["--json", str(json_path)] if speaks else [])
        outcome.commands.append(once)
        started = time.time()
        print(f"  {bench.name} {n + 1}/{repetitions}: {' '.join(once[1:])}", flush=True)
        code = run_once(once, log, args.timeout)
        try:
            rows = json.loads(json_path.read_text())["rows"] if speaks else bench.adapter(started)
        except Exception as error:  # noqa: BLE001 - any reading problem is this bench's failure, not the table's
            problems.append(f"exit {code}: {last_line(log)}" if code != 0 else f"no rows read ({error})")
            continue
        if code != 0:
            problems.append(f"exit {code} (figures kept): {last_line(log)}")
        collected.append([{**row, "bench": bench.name} for row in rows])
    outcome.seconds = round(time.monotonic() - began, 1)
    outcome.load_after = os.getloadavg()[0]
    outcome.rows = combine(collected)
    if not collected:
        outcome.status = "failed: " + "; ".join(problems)
    elif problems:
        outcome.status = "partly failed: " + "; ".join(problems)
    return outcome


# -- the report ----------------------------------------------------------------------------------------------------


def verdict(now: float | None, goal: float | None, better: str) -> str:
    if now is None or goal is None:
        return ""
    return "ok" if (now >= goal if better == "higher" else now <= goal) else "MISSED"


def ratio(a: float | None, b: float | None) -> str:
    return f"x{a / b:.2f}" if a is not None and b else "—"


def shown(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def table(outcomes: dict[str, Outcome]) -> list[dict]:
    """Issue 18's rows first, then every other row. A row comes from its own bench; another bench that wrote the
    same key stands in only when its own bench's file is not there (not when it failed or was left out: one
    api worker's answers/s is no stand-in for the whole platform's when the window bench failed)."""
    measured = [row for outcome in outcomes.values() for row in outcome.rows]
    used: set[int] = set()
    lines = []
    for spec in ROWS:
        outcome = outcomes.get(spec.bench)
        status = outcome.status if outcome is not None else "not run"
        found = [row for row in measured if row["key"] == spec.key and (
            row["bench"] == spec.bench or status == "not measured yet")]
        found.sort(key=lambda row: row["bench"] != spec.bench)
        if found:
            used.add(id(found[0]))
            lines.append({**spec.__dict__, **{k: v for k, v in found[0].items() if v is not None or k == "before"},
                          "status": "ok", "stand_in": found[0]["bench"] != spec.bench})
        else:
            lines.append({**spec.__dict__, "before": None, "now": None,
                          "status": status if status != "ok" else f"not measured yet (no such row from "
                                                                   f"{outcome.bench.script})"})
    for row in measured:
        if id(row) not in used:
            lines.append({"label": row.get("label", row["key"]), "unit": "", "goal": None, "better": "higher",
                          **row, "extra": True, "status": "ok"})
    return lines


def print_table(lines: list[dict], outcomes: dict[str, Outcome], args) -> None:
    print(f"\n## Issue 18, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {machine()}"
          f"{' (--quick: wiring only, not figures)' if args.quick else ''}; medians of {args.runs} run(s)\n")
    print("| row | unit | before | now | goal | now / goal | now / before | |")
    print("|---|---|---|---|---|---|---|---|")
    for line in lines:
        name = line["key"] + (f" ({line['bench']})" if line.get("extra") or line.get("stand_in") else "")
        goal = line.get("goal")
        shown_goal = "—" if goal is None else (f"≥ {goal:g}" if line["better"] == "higher" else f"≤ {goal:g}")
        if line["status"] != "ok":
            print(f"| {name} | {line['unit']} | | | {shown_goal} | | | {line['status']} |")
            continue
        print(f"| {name} | {line['unit']} | {shown(line.get('before'))} | {shown(line.get('now'))} | {shown_goal} | "
              f"{ratio(line.get('now'), goal)} | {ratio(line.get('now'), line.get('before'))} | "
              f"{verdict(line.get('now'), goal, line['better'])} |")
    notes = [(line["key"], line["notes"]) for line in lines if line.get("notes") and line["status"] == "ok"]
    if notes:
        print("\n" + "\n".join(f"- {key}: {note}" for key, note in notes))
    print("\n| bench | status | minutes | load (1 min) before → after |")
    print("|---|---|---|---|")
    for outcome in outcomes.values():
        load = ("" if outcome.load_before is None else f"{outcome.load_before:.2f} → {outcome.load_after:.2f}")
        once = f" (one run: {outcome.bench.why_once})" if outcome.bench.why_once and not args.quick else ""
        print(f"| {outcome.bench.script} | {outcome.status}{once} | {outcome.seconds / 60:.1f} | {load} |")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short runs of every bench, to check the wiring")
    parser.add_argument("--only", nargs="+", metavar="ROW", help="these rows' (or benches') benches only")
    parser.add_argument("--runs", type=int, help="runs of each bench, medians taken (3; 1 with --quick)")
    parser.add_argument("--timeout", type=float, help="minutes a bench may take (60; 20 with --quick)")
    args = parser.parse_args(argv)
    args.runs = args.runs or (1 if args.quick else 3)
    args.timeout = 60 * (args.timeout or (20 if args.quick else 60))
    known = {row.key for row in ROWS} | {bench.name for bench in BENCHES}
    unknown = set(args.only or ()) - known
    if unknown:
        parser.error(f"unknown row(s) {', '.join(sorted(unknown))}: choose from {', '.join(sorted(known))}")
    return args


def chosen(only: list[str] | None) -> list[Bench]:
    if not only:
        return BENCHES
    wanted = {row.bench for row in ROWS if row.key in only} | set(only)
    return [bench for bench in BENCHES if bench.name in wanted]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    at = datetime.now(timezone.utc)
    out = RESULTS / f"issue18-{at:%Y-%m-%dT%H%M%S}"
    out.mkdir(parents=True, exist_ok=True)
    print(f"issue 18's benches, one after the other ({machine()}); their output in {out.relative_to(ROOT)}/",
          flush=True)
    outcomes: dict[str, Outcome] = {}
    for bench in chosen(args.only):
        outcome = outcomes[bench.name] = measure(bench, args, out)
        print(f"  {bench.name}: {outcome.status} ({outcome.seconds / 60:.1f} min)", flush=True)
    lines = table(outcomes)
    print_table(lines, outcomes, args)
    path = RESULTS / f"issue18-{at:%Y-%m-%dT%H%M%S}.json"
    path.write_text(json.dumps({
        "at": at.isoformat(timespec="seconds"), "machine": machine(), "quick": args.quick, "runs": args.runs,
        "rows": lines,
        "benches": {name: {"script": o.bench.script, "status": o.status, "seconds": o.seconds,
                           "load_before": o.load_before, "load_after": o.load_after, "commands": o.commands}
                    for name, o in outcomes.items()}}, indent=2, default=str))
    print(f"\nwritten to {path.relative_to(ROOT)}")
    return 0 if all(o.status == "ok" or o.status.startswith("not ") for o in outcomes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
