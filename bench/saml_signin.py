"""SAML sign-ins through the GAR per second on one identity api process (issue 19).

    python bench/saml_signin.py                      # 400 answers, 4 then 8 clients (about 1 minute)
    python bench/saml_signin.py --answers 800 --clients 2 4 8 16

The real identity api (gunicorn, one worker of 8 threads, as ``identity api``) on a database and a vhost of
its own, and the real demo GAR (SimpleSAMLphp, tools/saml_idp.py) on a free port. A pupil (Lou) links her GAR
identity to an account once; then the bench asks the GAR for ``--answers`` signed answers for her (signed in
on its page once, each answer a new request and a new assertion), before measuring (PHP's one-process server
made 45 to 77 a second, itself on the same cores): the GAR is not what is measured. The answers are then posted to the ACS by
``--clients`` threads at once, each answer once (each assertion is used once: a replay is refused), and each
sign-in must end in a 303 carrying tokens. Measured: sign-ins/s, p50 and p99, and the CPU identity (with its
xmlsec1 children) and PostgreSQL spent per sign-in. The same for arrivals not linked yet (Chloé: the answer
is checked and an arrival token made, no tokens issued). Figures go to stdout and to
bench/results/saml_signin-<date>.json. bench/README.md has the method.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import queue
import re
import statistics
import sys
import threading
import time
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tools"))

import capacity  # noqa: E402 - the CPU meter
import saml_idp  # noqa: E402 - the demo GAR

PASSWORD = "Demo-Pass-2026!"  # noqa: S105 - the demo GAR's people (tools/idp/config/authsources.php)
ACCOUNT_PASSWORD = "Quiet-River-2026!"  # noqa: S105 - the bench account's
LEARNER_URL = "https://skills.bench.test"
_INPUT = re.compile(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"')
_ACTION = re.compile(r'<form[^>]*action="([^"]*)"')


def _form(page) -> tuple[str, dict[str, str]]:
    return (urljoin(page.url, html.unescape(_ACTION.search(page.text).group(1))),
            {name: html.unescape(value) for name, value in _INPUT.findall(page.text)})


class Pupil:
    """A browser signed in on the GAR's page once: then each answer asked costs the GAR no password."""

    def __init__(self, identity_url: str, username: str) -> None:
        import requests

        self.identity_url, self.username, self.browser = identity_url, username, requests.Session()

    def answer(self) -> dict[str, str]:
        import requests

        started = requests.get(f"{self.identity_url}/api/saml/login?relay=/", allow_redirects=False, timeout=30)
        page = self.browser.get(started.headers["Location"], timeout=30)
        if 'name="username"' in page.text:
            action, fields = _form(page)
            page = self.browser.post(action, data={**fields, "username": self.username, "password": PASSWORD},
                                     timeout=30)
        _acs, fields = _form(page)
        if "SAMLResponse" not in fields:
            raise RuntimeError(f"the GAR gave no answer: {page.text[:500]}")
        return fields


def post_all(identity_url: str, answers: list[dict[str, str]], clients: int, meter, expect: str) -> dict:
    import requests

    work: queue.Queue = queue.Queue()
    for fields in answers:
        work.put(fields)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        session = requests.Session()
        while True:
            try:
                fields = work.get_nowait()
            except queue.Empty:
                return
            began = time.perf_counter()
            answer = session.post(f"{identity_url}/api/saml/acs", data=fields, allow_redirects=False, timeout=60)
            took = time.perf_counter() - began
            fragment = parse_qs(urlsplit(answer.headers.get("Location", "")).fragment)
            with lock:
                if answer.status_code == 303 and expect in fragment:
                    latencies.append(took)
                else:
                    failures.append(f"{answer.status_code} {answer.text[:200]}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    meter.start()
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    spent = meter.stop()
    if failures:
        raise RuntimeError(f"{len(failures)} sign-ins failed, first: {failures[0]}")
    ordered = sorted(latencies)
    return {"clients": clients, "sign_ins": len(latencies), "per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
            "cpu_ms_per_sign_in": capacity.ms_per(spent, len(latencies))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=400, help="signed answers per measure")
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--threads", type=int, default=8, help="the identity worker's threads")
    args = parser.parse_args()
    if missing := saml_idp.available():
        raise SystemExit(missing)
    import requests

    from msgkit.testing import isolated_vhost
    from svckit.config import DEFAULT_RABBITMQ_URL
    from svckit.testing import ServiceProcess, free_port, fresh_database, service_command

    logs = ROOT / "bench" / "results" / "saml_signin-logs"
    logs.mkdir(parents=True, exist_ok=True)
    with ExitStack() as own:
        idp_port = free_port()
        idp = saml_idp.start(logs / "idp", idp_port, [{"entity_id": f"{LEARNER_URL}/api/saml/metadata",
                                                        "acs": f"{LEARNER_URL}/api/saml/acs"}])
        own.callback(idp.terminate)
        database = own.enter_context(fresh_database("bench_saml_signin"))
        amqp_url = own.enter_context(isolated_vhost(os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL), "bench"))
        env = {"SERVICE_ENV": "test", "DATABASE_URL": database, "RABBITMQ_URL": amqp_url, "LOG_LEVEL": "WARNING",
               "LEARNER_URL": LEARNER_URL, "MAIL_DIR": str(logs / "mail"),
               "SAML_IDP_METADATA_URL": f"http://127.0.0.1:{idp_port}/saml2/idp/metadata.php"}
        migration = ServiceProcess([*service_command("identity"), "migrate"], env, logs / "migrate.log")
        if migration.start().process.wait(120) != 0:
            raise RuntimeError(f"identity migrate failed: {migration.log_path.read_text()[-2000:]}")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        identity = ServiceProcess([*service_command("identity"), "api", "--bind", f"127.0.0.1:{port}", "--workers",
                                   "1", "--threads", str(args.threads)], env, logs / "identity.log",
                                  f"{url}/health/ready")
        identity.start()
        own.callback(identity.stop)
        identity.wait_ready(60)

        # Lou links her GAR identity to her account once.
        requests.post(f"{url}/api/users", json={"first_name": "Lou", "last_name": "Apprenant", "email":
                                                "lou@bench.test", "password": ACCOUNT_PASSWORD,
                                                "accepted_terms": True}, timeout=30).raise_for_status()
        lou, chloe = Pupil(url, "lou.apprenant"), Pupil(url, "chloe.coeurderoy")
        first = requests.post(f"{url}/api/saml/acs", data=lou.answer(), allow_redirects=False, timeout=30)
        arrival = parse_qs(urlsplit(first.headers["Location"]).fragment)["arrival_token"][0]
        requests.post(f"{url}/api/saml/links", json={"arrival_token": arrival, "email": "lou@bench.test",
                                                     "password": ACCOUNT_PASSWORD}, timeout=30).raise_for_status()
        meter = capacity.CpuMeter({"identity api": ((identity.process.pid,), ()),
                                   "postgresql": ((), ("postgres",))})
        results = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "answers": args.answers,
                   "identity": f"1 worker, {args.threads} threads", "loop_ms": capacity.loop_ms(),
                   "linked": [], "arrivals": []}
        for kind, pupil, expect in (("linked", lou, "access_token"), ("arrivals", chloe, "arrival_token")):
            for clients in args.clients:
                began = time.perf_counter()
                answers = [pupil.answer() for _ in range(args.answers)]
                asked = time.perf_counter() - began
                figures = post_all(url, answers, clients, meter, expect)
                figures["gar_answers_per_s"] = round(args.answers / asked, 1)
                results[kind].append(figures)
                print(f"{kind:>8}, {clients:>2} clients: {figures['per_s']:>6} sign-ins/s, p50 {figures['p50_ms']} ms, "
                      f"p99 {figures['p99_ms']} ms, CPU ms per sign-in {figures['cpu_ms_per_sign_in']}", flush=True)
    out = ROOT / "bench" / "results" / f"saml_signin-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"figures in {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
