"""Orga's live activity, polled against pushed: the CPU the gateway and reporting's api spend for N open
activity pages while the campaigns' participations change.

    python bench/orga_live.py                              # 200 pages, 20 campaigns, 3 runs of 40 s each way
    python bench/orga_live.py --pages 100 --seconds 30 --json /tmp/orga-live.json

It starts the platform as ``make up`` does (bench/certification_window.py's ``platform``), with threads enough
for every stream (``DEV_GATEWAY_*`` and ``DEV_REPORTING_*``: ``WEB_THREADS`` and ``LIVE_MAX_STREAMS``, so that
no page is refused 503 LIVE_STREAMS_FULL). Through the gateway: a company and its admin, ``--campaigns``
assessment campaigns, ``--answerers`` learners answering in them together at ``--answers-per-s`` (each answer
changes its participation: every campaign changes all the time, the worst case for pushed pages; with
``--changing-campaigns N`` only the first N do, and the other pages see no change). Then
``--pages`` activity pages are open, spread over the campaigns, each as Orga's page does it:

- **poll** (the page before, ``LIVE_EVERY_MS``): every 4 s, ``GET .../activity``, ``GET .../participants``
  (first page, 20) and ``GET .../participants/filters``;
- **push** (the page now): the stream ``GET .../activity/events`` open (opened again when it ends), and on
  each message after the first, ``GET .../participants`` (and the filters when the number of participants
  changed): the counts come in the message.

Each run measures one way for ``--seconds`` after ``--warm-up`` seconds: CPU seconds of the gateway's process
tree and of reporting's api's (read from /proc, as certification_window.py does), as milliseconds of CPU per
second of wall clock, and the requests the pages made. Runs alternate (poll, push, poll, push...), the median
of each way is reported. ``--json PATH``: the row ``orga_live_gateway_cpu`` of issue 18's bench protocol
(before: polled, now: pushed; goal: a fifth of the polled figure, the issue's "five to ten times less"), and
``orga_live_reporting_cpu``. ``make up`` must not be running (the same ports).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT / "tools"))

from certification_window import Errors, bearer, group_cpu, percentile, platform, read_stats, say  # noqa: E402
from devstack import DEMO_LOGINS, DEMO_PASSWORD  # noqa: E402
from journeys import log_in, organization_with_admin, sign_up  # noqa: E402
from share_visible import TARGET_PROFILE, Answerers, Learner, create_campaign, machine  # noqa: E402

POLL_EVERY_S = 4.0  # web/src/orga/pages/campaign/Activity.jsx: LIVE_EVERY_MS
PAGE_SIZE = 20


def median(values: list[float]) -> float | None:
    return round(percentile(values, 50), 1) if values else None


class Pages:
    """``pages`` activity pages open at once, each in its own thread, the one way or the other."""

    def __init__(self, base: str, token: str, campaigns: list[dict], pages: int, mode: str) -> None:
        self.base, self.headers, self.mode = base, bearer(token), mode
        self.campaigns = [campaigns[n % len(campaigns)]["id"] for n in range(pages)]
        self.stopping, self.errors, self.lock = threading.Event(), Errors(), threading.Lock()
        self.requests = self.messages = 0
        self.responses: list[requests.Response] = []
        self.threads = [threading.Thread(target=self._poll if mode == "poll" else self._push, args=(n,), daemon=True)
                        for n in range(pages)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        # A stream's reader sees the flag at its next piece (a keep-alive at the latest, 15 s): closing its answer
        # from here would wait for the lock the reader holds while it waits for that piece.
        self.stopping.set()
        deadline = time.monotonic() + 20
        for thread in self.threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0.1))
        with self.lock:
            for response in self.responses:
                response.close()

    def _get(self, http: requests.Session, path: str, **params) -> dict | None:
        try:
            response = http.get(f"{self.base}{path}", headers=self.headers, params=params, timeout=30)
        except requests.RequestException as error:
            self.errors.add(f"GET {path.rsplit('/', 1)[-1]}: {type(error).__name__}")
            return None
        with self.lock:
            self.requests += 1
        if response.status_code != 200:
            self.errors.add(f"GET {path.rsplit('/', 1)[-1]}: {response.status_code}")
            return None
        return response.json()

    def _list(self, http: requests.Session, campaign_id: str, filters: bool) -> None:
        self._get(http, f"/api/campaigns/{campaign_id}/participants", page=1, page_size=PAGE_SIZE)
        if filters:
            self._get(http, f"/api/campaigns/{campaign_id}/participants/filters")

    def _poll(self, n: int) -> None:
        http, campaign_id = requests.Session(), self.campaigns[n]
        self.stopping.wait(random.Random(n).uniform(0, POLL_EVERY_S))
        while not self.stopping.is_set():
            began = time.monotonic()
            self._get(http, f"/api/campaigns/{campaign_id}/activity")
            self._list(http, campaign_id, filters=True)
            self.stopping.wait(max(POLL_EVERY_S - (time.monotonic() - began), 0))

    def _push(self, n: int) -> None:
        http, campaign_id = requests.Session(), self.campaigns[n]
        self.stopping.wait(random.Random(n).uniform(0, 2.0))  # pages are not all opened in the same instant
        # the page's first reads, as it opens
        self._get(http, f"/api/campaigns/{campaign_id}/activity")
        self._list(http, campaign_id, filters=True)
        last = None
        while not self.stopping.is_set():
            try:
                response = requests.get(f"{self.base}/api/campaigns/{campaign_id}/activity/events",
                                        headers=self.headers, stream=True, timeout=(5, 60))
            except requests.RequestException as error:
                self.errors.add(f"stream: {type(error).__name__}")
                self.stopping.wait(1.0)
                continue
            with self.lock:
                self.requests += 1
                self.responses.append(response)
            if response.status_code != 200:
                self.errors.add(f"stream: {response.status_code}")
                response.close()
                self.stopping.wait(5.0)
                continue
            try:
                for view in _views(response, self.stopping):
                    with self.lock:
                        self.messages += 1
                    if last is not None:
                        self._list(http, campaign_id,
                                   filters=view["participations_count"] != last["participations_count"])
                    last = view
            except Exception as error:  # noqa: BLE001 - closed by stop() under the reader, or broken: opened again
                if not self.stopping.is_set():
                    self.errors.add(f"stream broken: {type(error).__name__}")
            finally:
                response.close()
            self.stopping.wait(1.0)


def _views(response: requests.Response, stopping: threading.Event):
    """The ``activity`` messages' data, parsed, as they arrive, until ``stopping`` is set."""
    buffer = b""
    while not stopping.is_set() and (piece := response.raw.read1(65536)):
        buffer += piece
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            fields = dict(line.split(": ", 1) for line in block.decode().split("\n") if ": " in line)
            if fields.get("event") == "activity":
                yield json.loads(fields["data"])


def cpu_of(running, names: dict[str, str]) -> dict[str, float]:
    programs = running.programs()
    return group_cpu(read_stats(), {group: {programs[program]} for group, program in names.items()
                                        if programs.get(program)})


def measure(running, ready, args, mode: str) -> dict:
    pages = Pages(running.gateway, ready.teacher, ready.campaigns, args.pages, mode)
    pages.start()
    time.sleep(args.warm_up)
    groups = {"gateway": "gateway", "reporting api": "reporting-api"}
    before, requests_before, messages_before, began = (cpu_of(running, groups), pages.requests, pages.messages,
                                                       time.monotonic())
    time.sleep(args.seconds)
    after, elapsed = cpu_of(running, groups), time.monotonic() - began
    requests_made, messages = pages.requests - requests_before, pages.messages - messages_before
    pages.stop()
    return {"mode": mode, "seconds": round(elapsed, 1),
            "cpu_ms_per_s": {group: round((after[group] - before.get(group, 0.0)) * 1000 / elapsed, 1)
                             for group in after},
            "requests_per_s": round(requests_made / elapsed, 1), "messages_per_s": round(messages / elapsed, 1),
            "errors": pages.errors.counts}


def set_up(running, args) -> SimpleNamespace:
    base = running.gateway
    stand_in = SimpleNamespace(gateway=base, mail_dir=running.mail_dir, identity_env=running.identity_env)
    organization_id, admin = organization_with_admin(stand_in, log_in(stand_in, DEMO_LOGINS[0][1], DEMO_PASSWORD),
                                                     name="Entreprise du banc d'essai", type="PRO")
    campaigns = [create_campaign(base, organization_id, admin, type="ASSESSMENT", name=f"Diagnostic {n}",
                                 target_profile_id=TARGET_PROFILE) for n in range(args.campaigns)]
    with ThreadPoolExecutor(4) as pool:
        learners = list(pool.map(lambda n: Learner(sign_up(stand_in, "Léo", f"Page{n}",
                                                           f"page.{n}.{os.getpid()}.{time.time_ns()}@example.org")),
                                 range(args.answerers)))
    return SimpleNamespace(teacher=admin["Authorization"].removeprefix("Bearer "), campaigns=campaigns,
                           learners=learners)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200, help="activity pages open at once (200)")
    parser.add_argument("--campaigns", type=int, default=20, help="campaigns the pages watch (20)")
    parser.add_argument("--answerers", type=int, default=40, help="learners answering in them (40)")
    parser.add_argument("--changing-campaigns", type=int, default=0,
                        help="answers in the first N campaigns only, the others' pages see no change (0: all)")
    parser.add_argument("--answers-per-s", type=float, default=20.0, help="their answers a second together (20)")
    parser.add_argument("--seconds", type=int, default=40, help="seconds measured per run (40)")
    parser.add_argument("--warm-up", type=int, default=10, help="seconds before measuring (10)")
    parser.add_argument("--runs", type=int, default=3, help="runs each way (3)")
    parser.add_argument("--gateway-port", type=int, default=8392)
    parser.add_argument("--json", type=Path, help="write issue 18's protocol document there")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    threads, streams = str(args.pages + 40), str(args.pages + 20)
    for program in ("GATEWAY", "REPORTING"):  # every stream finds a thread (tools/devstack.py: overrides)
        os.environ[f"DEV_{program}_WEB_THREADS"], os.environ[f"DEV_{program}_LIVE_MAX_STREAMS"] = threads, streams
    run_id = datetime.now().strftime("%H%M%S")
    with platform(f"orgalive{run_id}", args.gateway_port, 1) as running:
        say("setting up (organization, campaigns, learners)")
        ready = set_up(running, args)
        changing = ready.campaigns[:args.changing_campaigns or len(ready.campaigns)]
        answerers = Answerers(running.gateway, ready.learners, changing, args.answers_per_s)
        answerers.start()
        results = []
        for run in range(args.runs):
            for mode in ("poll", "push"):
                answers_before, began = len(answerers.moments), time.monotonic()
                result = measure(running, ready, args, mode)
                result["answers_per_s"] = round((len(answerers.moments) - answers_before)
                                                / (time.monotonic() - began), 1)
                results.append(result)
                say(f"run {run + 1}, {mode}: {json.dumps(result)}")
        answerers.stop()

    def figures(mode: str, group: str) -> list[float]:
        return [r["cpu_ms_per_s"].get(group, 0.0) for r in results if r["mode"] == mode]

    rows = []
    print(f"\n## Orga's live activity: {args.pages} pages over {args.campaigns} campaigns, {args.answers_per_s:g} "
          f"answers/s offered ({args.runs} runs of {args.seconds} s each way, median; {machine()})\n")
    print("| CPU, ms per second | polled every 4 s | pushed | ratio | goal |")
    print("|---|---|---|---|---|")
    for key, group in (("orga_live_gateway_cpu", "gateway"), ("orga_live_reporting_cpu", "reporting api")):
        before, now = median(figures("poll", group)), median(figures("push", group))
        goal = round(before / 5, 1) if before else None
        ratio = f"x{now / before:.2f}" if before and now is not None else "—"
        print(f"| {group} | {before} | {now} | {ratio} | <= {goal} |")
        rows.append({"key": key, "label": f"{group} CPU for {args.pages} open activity pages while participations "
                     "change", "unit": "ms/s", "goal": goal, "better": "lower", "before": before, "now": now,
                     "runs_before": figures("poll", group), "runs_now": figures("push", group),
                     "notes": f"{args.pages} pages over {args.campaigns} campaigns, "
                              f"{args.changing_campaigns or args.campaigns} of them changing "
                              f"({args.answers_per_s:g} answers/s offered); goal: a fifth of polled"})
    for mode in ("poll", "push"):
        print(f"- {mode}: requests/s {[r['requests_per_s'] for r in results if r['mode'] == mode]}, messages/s "
              f"{[r['messages_per_s'] for r in results if r['mode'] == mode]}, errors "
              f"{[r['errors'] for r in results if r['mode'] == mode]}")
    if args.json:
        args.json.write_text(json.dumps({"bench": Path(__file__).name,
                                         "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                         "machine": machine(), "rows": rows, "runs": results}, indent=1))
        say(f"written {args.json}")


if __name__ == "__main__":
    main()
