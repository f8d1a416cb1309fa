"""``make up`` / ``make down``: the whole platform on one machine, with demo data.

Every service's api, its relay (for services that publish) and its consumer (for services that
consume), plus the gateway, run under supervisord in the background; logs go to ``.run/logs/``.
PostgreSQL, RabbitMQ and Redis are the machine's (``DEV_DATABASE_ADMIN_URL``, ``RABBITMQ_URL``,
``REDIS_URL``): each service gets its own database, created here, and its migrations run once
before anything starts; the gateway keeps its rate limits' counters in Redis.

``EDGE=haproxy make up`` puts HAProxy on the gateway's port, its configuration generated from the
gateway's routing table (``gateway edge``, program ``edge``), and the Python gateway behind it on
the port +10 for the web faces and the OpenAPI catalogue (gateway/README.md, "The HAProxy edge").
The default, ``EDGE=python``, is the Python gateway alone on the port.

``API_REPLICAS=2 make up`` (default 1, at most 5) runs that many apis of every service, on the
service's port, then +10, +20, ... (programs ``identity-api``, ``identity-api-2`` ...), on the
same database and broker; ``<SERVICE>_API_REPLICAS`` (``ASSESSMENT_API_REPLICAS=2``) sets one
service's. The gateway takes a service's apis in turn (its ``<SERVICE>_URL`` lists them all)
and sends to the others what a restarting one refuses.

``python tools/devstack.py restart <program>...`` (or ``all``) restarts processes one by one,
each gracefully and ready before the next: an api drains (it finishes what it has in hand and
refuses new connections at once, which the gateway sends to another replica), the gateway
reloads its workers with ``kill -HUP`` (gunicorn keeps the listening socket), a relay or a
consumer finishes its batch or message; ``idempotency-prune``, which has no readiness check, is
stopped and started. ``all`` is every program ``make status`` lists, the gateway last. With two
apis of a service, restarting one loses no request; a service's only api is waited for by the
gateway, for up to 5 seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / ".run"
LOGS = RUN / "logs"
CONF = RUN / "supervisord.conf"
BINDINGS = RUN / "bindings.json"  # the handler queues' event types as the last make up declared them
BIN = Path(sys.executable).parent

SERVICES = {  # name: api port (relays listen on 92xx, consumers on 91xx for probes and metrics)
    "identity": 8101,
    "organizations": 8102,
    "campaigns": 8103,
    "assessment": 8104,
    "reporting": 8105,
    "certification": 8106,
}
DEMO_LOGINS = [
    ("platform admin", "admin@demo.example.org"),
    ("organization admin", "orga.admin@demo.example.org"),
    ("learner", "learner@demo.example.org"),
]
IDP_PORT = 8110  # the demo GAR (SimpleSAMLphp, tools/saml_idp.py): where pupils sign in to reach identity by SAML
REPLICA_PORT_STEP = 10  # the n-th replica of an api listens on its port + 10 * (n - 1)
MAX_API_REPLICAS = 5
CHECKS = RUN / "checks.json"  # program -> readiness URL, for restart
DEMO_PASSWORD = "Demo-Pass-2026!"  # noqa: S105 - demo mode only, refused in production


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


COMMAND = ["make up"]  # what fail() says stopped


def fail(message: str) -> None:
    print(f"\n{COMMAND[0]} stopped: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def replicas_setting(name: str, default: str) -> str:
    value = os.environ.get(name, "") or default
    if not value.isdigit() or not 1 <= int(value) <= MAX_API_REPLICAS:
        fail(f"{name}={value!r}: give a number of apis from 1 to {MAX_API_REPLICAS}")
    return value


def edge_setting() -> str:
    value = os.environ.get("EDGE", "") or "python"
    if value not in ("python", "haproxy"):
        fail(f"EDGE={value!r}: python (the Python gateway on the gateway's port, the default) or haproxy "
             "(HAProxy on that port, the Python gateway behind it; gateway/README.md, 'The HAProxy edge')")
    if value == "haproxy" and not shutil.which("haproxy"):
        fail("EDGE=haproxy needs haproxy (make install installs it as root; else apt-get install haproxy)")
    return value


def gateway_ports(cfg: dict[str, str]) -> tuple[int, int | None]:
    """(the Python gateway's port, the edge's port or None): with EDGE=haproxy the edge takes the public port."""
    public = int(cfg["gateway_port"])
    return (public + 10, public) if cfg.get("edge") == "haproxy" else (public, None)


def settings() -> dict[str, str]:
    every = replicas_setting("API_REPLICAS", "1")
    return {
        "admin_url": os.environ.get("DEV_DATABASE_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        "rabbitmq_url": os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"),
        "redis_url": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "gateway_port": os.environ.get("GATEWAY_PORT", "8080"),
        "edge": edge_setting(),
        **{f"{service}_api_replicas": replicas_setting(f"{service.upper()}_API_REPLICAS", every)
           for service in SERVICES},
    }


def api_ports(service: str, cfg: dict[str, str]) -> list[int]:
    """The ports of a service's apis: one per API_REPLICAS (or <SERVICE>_API_REPLICAS)."""
    count = int(cfg.get(f"{service}_api_replicas", "1"))
    return [SERVICES[service] + REPLICA_PORT_STEP * n for n in range(count)]


def database_url(admin_url: str, service: str) -> str:
    override = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if override:
        return override
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/skills_{service}"


def check_postgres(admin_url: str) -> None:
    from sqlalchemy import create_engine, text

    from svckit.config import normalize_database_url

    try:
        engine = create_engine(normalize_database_url(admin_url), isolation_level="AUTOCOMMIT",
                               connect_args={"connect_timeout": 5})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - reported to the person at the keyboard
        fail(f"PostgreSQL is not reachable at {admin_url}:\n  {str(error).splitlines()[0]}\n"
             "Start it (e.g. 'pg_ctlcluster 15 main start') or set DEV_DATABASE_ADMIN_URL.")
    finally:
        engine.dispose()


def ensure_databases(admin_url: str) -> None:
    from sqlalchemy import create_engine, text

    from svckit.config import normalize_database_url

    engine = create_engine(normalize_database_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        existing = set(connection.execute(text("SELECT datname FROM pg_database")).scalars())
        for service in SERVICES:
            if os.environ.get(f"{service.upper()}_DATABASE_URL"):
                continue
            if f"skills_{service}" not in existing:
                connection.execute(text(f'CREATE DATABASE "skills_{service}"'))
                say(f"created database skills_{service}")
    engine.dispose()


def check_rabbitmq(url: str) -> None:
    from msgkit.testing import check_broker

    try:
        check_broker(url)
    except RuntimeError as error:
        fail(f"{error}.\nStart it (e.g. 'rabbitmq-server -detached') or set RABBITMQ_URL.")


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        fail(f"Redis is not reachable at {url}:\n  {error}\n"
             "Start it (e.g. 'redis-server --daemonize yes') or set REDIS_URL. The gateway keeps its rate "
             "limits' counters there.")


def overrides(program: str) -> dict[str, str]:
    """Settings of one service's processes (or the gateway's) given as ``DEV_<NAME>_<SETTING>`` in the environment
    (``DEV_REPORTING_WEB_THREADS=256``): a bench sizes one process group without touching the others."""
    prefix = f"DEV_{program.upper()}_"
    return {name[len(prefix):]: value for name, value in os.environ.items() if name.startswith(prefix)}


def service_env(service: str, cfg: dict[str, str]) -> dict[str, str]:
    return {
        "SERVICE_ENV": "development",
        "DATABASE_URL": database_url(cfg["admin_url"], service),
        "RABBITMQ_URL": cfg["rabbitmq_url"],
        "JWKS_URL": f"http://127.0.0.1:{SERVICES['identity']}/.well-known/jwks.json",
        "TRUSTED_PROXIES": "1",
        "LOG_FORMAT": "json",
        "MAIL_DIR": str(RUN / "mail"),  # invitations, reset and verification links land here as .eml files
        "PUBLIC_URL": f"http://localhost:{cfg['gateway_port']}/orga",  # the Orga face: invitation links
        "LEARNER_URL": f"http://localhost:{cfg['gateway_port']}",  # identity's links, by the face asked from
        "ORGA_URL": f"http://localhost:{cfg['gateway_port']}/orga",
        # certification's invitation links: the Certif face's address; its invigilators' live pages: their
        # notices in the machine's Redis, and threads for 16 streams a process beside 16 for ordinary requests
        **({"PUBLIC_URL": f"http://localhost:{cfg['gateway_port']}/certif", "LIVE_REDIS_URL": cfg["redis_url"],
            "WEB_THREADS": "32"} if service == "certification" else {}),
        # reporting's live activity pages for Orga: their notices in the machine's Redis, threads for 16 streams
        **({"LIVE_REDIS_URL": cfg["redis_url"], "WEB_THREADS": "32"} if service == "reporting" else {}),
        # identity: log-ins waiting for an argon2 turn hold a thread each; 32 leave threads for its other
        # routes during a burst (bench/logins.py: GET /api/users/me p50 18 ms meanwhile, 160 ms with 8)
        **({"WEB_THREADS": "32"} if service == "identity" else {}),
        # identity signs pupils in through the GAR: the demo GAR's metadata (README, "Signing in through the GAR")
        **({"SAML_IDP_METADATA_URL": f"http://127.0.0.1:{IDP_PORT}/saml2/idp/metadata.php"}
           if service == "identity" else {}),
        **overrides(service),
    }


def run(command: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"{what} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")
    return result.stdout


def declare_topology(service: str, env: dict[str, str]) -> dict:
    """Declare the service's queues; its own command says whether it consumes and publishes, which handler
    queues it created, and what it changed in queues of an earlier layout (the last line of its output)."""
    output = run([str(BIN / service), "declare-topology", "--json"], env, f"{service} declare-topology")
    return json.loads(output.strip().splitlines()[-1])


def to_replay(reports: list[dict], rabbitmq_url: str) -> dict[str, list[str]]:
    """The event types to publish again, by producer: those a handler queue may not have received.

    The record (``BINDINGS``) is written only once a make up has replayed what its queues needed, so
    a handler queue counts as complete only when the record names it, for this broker, with its event
    types. Everything else is replayed: every event type of a queue declare-topology created (a new
    consumer, or a broker emptied while the databases were kept) or that the record does not name
    (make up stopped between creating it and writing the record: a later service's migration failed),
    and the event types bound to a recorded queue since. Without a record (a first make up in this
    checkout, a record of another broker, or one cut short), every bound event type is replayed once:
    that costs the time to publish the outboxes again (kept 7 days), and consumers skip what they had
    by message id; missing an event would cost a replica that never catches up."""
    from msgkit import producer_of

    try:
        record = json.loads(BINDINGS.read_text())
    except (OSError, ValueError):
        record = None
    known = record.get("queues", {}) if isinstance(record, dict) and record.get("rabbitmq_url") == rabbitmq_url else {}
    wanted: dict[str, set[str]] = {}
    for report in reports:
        for queue, event_types in report["queues"].items():
            complete = queue in known and queue not in report["created"]
            new = set(event_types) - set(known[queue]) if complete else set(event_types)
            for event_type in new:
                wanted.setdefault(producer_of(event_type), set()).add(event_type)
    return {producer: sorted(types) for producer, types in sorted(wanted.items())}


def record_bindings(reports: list[dict], rabbitmq_url: str) -> None:
    """Write down the handler queues' event types once their replays are done (``to_replay`` reads them)."""
    RUN.mkdir(parents=True, exist_ok=True)
    BINDINGS.write_text(json.dumps({"rabbitmq_url": rabbitmq_url,
                                    "queues": {q: t for r in reports for q, t in r["queues"].items()}}, indent=1))


def program(name: str, command: str, env: dict[str, str]) -> str:
    environment = ",".join(f'{key}="{value.replace("%", "%%")}"' for key, value in env.items())
    return (f"[program:{name}]\ncommand={command}\nenvironment={environment}\ndirectory={ROOT}\n"
            f"autorestart=true\nstartsecs=2\nstopsignal=TERM\nstopwaitsecs=30\nstopasgroup=true\nkillasgroup=true\n"
            f"redirect_stderr=true\nstdout_logfile={LOGS / (name + '.log')}\nstdout_logfile_maxbytes=20MB\n"
            f"stdout_logfile_backups=2\n\n")


def write_config(cfg: dict[str, str], consumers: set[str], publishers: set[str]) -> list[tuple[str, str]]:
    """Write supervisord's configuration; returns (program, readiness URL) pairs."""
    checks: list[tuple[str, str]] = []
    sections = [
        f"[supervisord]\nlogfile={RUN / 'supervisord.log'}\npidfile={RUN / 'supervisord.pid'}\n"
        f"childlogdir={LOGS}\n\n[unix_http_server]\nfile={RUN / 'supervisord.sock'}\n\n"
        "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n"
        f"[supervisorctl]\nserverurl=unix://{RUN / 'supervisord.sock'}\n\n"
    ]
    for service, port in SERVICES.items():
        env = service_env(service, cfg)
        executable = BIN / service
        for n, api_port in enumerate(api_ports(service, cfg), start=1):
            name = f"{service}-api" if n == 1 else f"{service}-api-{n}"
            sections.append(program(name, f"{executable} api --bind 127.0.0.1:{api_port}", env))
            checks.append((name, f"http://127.0.0.1:{api_port}/health/ready"))
        if service in publishers:
            relay_port = port + 1100
            sections.append(program(f"{service}-relay", f"{executable} relay", {**env, "OPS_PORT": str(relay_port)}))
            checks.append((f"{service}-relay", f"http://127.0.0.1:{relay_port}/health/ready"))
        if service in consumers:
            consumer_port = port + 1000
            sections.append(program(f"{service}-consumer", f"{executable} consumer",
                                    {**env, "OPS_PORT": str(consumer_port)}))
            checks.append((f"{service}-consumer", f"http://127.0.0.1:{consumer_port}/health/ready"))
    gateway_env = {
        "SERVICE_ENV": "development",
        "LOG_FORMAT": "json",
        "JWKS_URL": f"http://127.0.0.1:{SERVICES['identity']}/.well-known/jwks.json",
        # several URLs, comma separated, for a service with several apis: the gateway takes them in turn
        **{f"{service.upper()}_URL": ",".join(f"http://127.0.0.1:{port}" for port in api_ports(service, cfg))
           for service in SERVICES},
        # the counters of the rate limits, shared by the gateway's workers (and kept across its reloads)
        "RATELIMIT_STORAGE_URI": cfg["redis_url"],
        **overrides("gateway"),
    }
    python_port, edge_port = gateway_ports(cfg)
    if edge_port is None:
        sections.append(program("gateway", f"{BIN / 'gateway'} api --bind 0.0.0.0:{python_port}", gateway_env))
    else:
        # The Python gateway behind the edge, on loopback, believing the edge's X-Forwarded-For.
        sections.append(program("gateway", f"{BIN / 'gateway'} api --bind 127.0.0.1:{python_port}",
                                {**gateway_env, "TRUSTED_PROXIES": "1"}))
        sections.append(program("edge", f"{BIN / 'gateway'} edge --bind 0.0.0.0:{edge_port} "
                                f"--gateway-url http://127.0.0.1:{python_port} --workdir {RUN / 'edge'} "
                                f"--ops-bind 127.0.0.1:{edge_port + 1100}", gateway_env))
    if idp_missing() is None:
        # The demo GAR, a new signing key at each start (identity reads its metadata at the first sign-in).
        learner = f"http://localhost:{cfg['gateway_port']}"
        sections.append(program("idp", f"{sys.executable} {ROOT / 'tools' / 'saml_idp.py'} --port {IDP_PORT} "
                                f"--run-dir {RUN / 'idp'} --sp {learner}/api/saml/metadata={learner}/api/saml/acs", {}))
        checks.append(("idp", f"http://127.0.0.1:{IDP_PORT}/saml2/idp/metadata.php"))
    # Idempotency-Key answers are kept 24 hours: every few minutes, each service deletes the older ones.
    sections.append(program("idempotency-prune", f"{sys.executable} {Path(__file__).resolve()} prune-idempotency",
                            {"DEV_DATABASE_ADMIN_URL": cfg["admin_url"], "RABBITMQ_URL": cfg["rabbitmq_url"],
                             "GATEWAY_PORT": cfg["gateway_port"]}))
    checks.append(("gateway", f"http://127.0.0.1:{python_port}/health/ready"))
    if edge_port is not None:
        checks.append(("edge", f"http://127.0.0.1:{edge_port}/health/ready"))
    CONF.write_text("".join(sections))
    CHECKS.write_text(json.dumps(dict(checks), indent=1))
    return checks


def idp_missing() -> str | None:
    """Why the demo GAR cannot run here (SimpleSAMLphp or PHP not installed), or None."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("saml_idp", ROOT / "tools" / "saml_idp.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool.available()


def supervisorctl(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "supervisorctl"), "-c", str(CONF), *args], capture_output=True, text=True,
                          check=check)


def supervisord_running() -> bool:
    return CONF.exists() and (RUN / "supervisord.sock").exists() and supervisorctl("pid", check=False).returncode == 0


def ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def wait_ready(checks: list[tuple[str, str]], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    pending = dict(checks)
    while pending and time.monotonic() < deadline:
        for name, url in list(pending.items()):
            if ready(url):
                del pending[name]
        time.sleep(0.3)
    if pending:
        details = []
        for name in pending:
            log = LOGS / f"{name}.log"
            tail = log.read_text(errors="replace").splitlines()[-15:] if log.exists() else ["(no log)"]
            details.append(f"--- {name} ({log}):\n" + "\n".join(tail))
        fail("not ready after {:.0f}s: {}\n{}".format(timeout, ", ".join(pending), "\n".join(details)))


DEMO_CAMPAIGN = {
    "type": "ASSESSMENT", "name": "Démo — Sécurité numérique", "title": "Protéger ses données",
    "target_profile_id": "competence-4.1",
    "landing_text": "Bienvenue ! Ce parcours de **démonstration** évalue la compétence *4.1 Sécuriser "
                    "l'environnement numérique*.\n\n- Comptez une dizaine de minutes ;\n"
                    "- vous pouvez chercher sur le web ;\n- vos résultats ne sont envoyés que si vous le décidez.",
}


# The demo learner takes this diagnosis in make up, as a pupil of the demo school who knows every skill up to
# DEMO_LEARNER_KNOWS: her profile (level 1 or more in at least 5 competences) makes her eligible for certification.
DEMO_DIAGNOSIS = {
    "type": "ASSESSMENT", "name": "Démo — Diagnostic initial", "title": "Diagnostic initial",
    "target_profile_id": "initial-diagnosis",
    "landing_text": "Ce parcours de **démonstration** fait le point sur les 16 compétences avant la certification.",
}
DEMO_PUPIL = {"first_name": "Lou", "last_name": "Apprenant", "birthdate": "2012-03-12", "division": "5E1"}
DEMO_LEARNER_KNOWS = 2


def api(base: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json", "Accept": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def demo_token(base: str, email: str) -> str:
    _, tokens = api(base, "POST", "/api/token", {"email": email, "password": DEMO_PASSWORD})
    return tokens.get("access_token") or fail(f"{email} cannot log in: {tokens}")


def demo_campaign(base: str, campaign: dict = DEMO_CAMPAIGN, timeout: float = 60.0) -> str:
    """A campaign of the demo school, made once through the public API as its admin would; its code.

    The campaigns service learns of the school and its admin from events: until they arrive it
    answers 403/503, so this waits a little."""
    token = demo_token(base, DEMO_LOGINS[1][1])
    _, me = api(base, "GET", "/api/users/me", token=token)
    organization = me["memberships"][0]["organization_id"]
    deadline = time.monotonic() + timeout
    while True:
        status, answer = api(base, "GET", f"/api/organizations/{organization}/campaigns?page_size=100", token=token)
        if status == 200:
            for existing in answer["items"]:
                if existing["name"] == campaign["name"]:
                    return existing["code"]
            status, answer = api(base, "POST", f"/api/organizations/{organization}/campaigns", campaign, token)
            if status == 201:
                return answer["code"]
        if time.monotonic() > deadline:
            fail(f"the demo campaign was not created: {status} {answer}")  # the last refusal
        time.sleep(1)


def demo_certification(base: str, timeout: float = 60.0) -> dict:
    """The demo school as a certification centre: its kind (collège), an open national window for collèges,
    and one session scheduled by its admin, made once through the public API; the session (its number, access
    code and invigilator password, as its admin reads them).

    certification learns of the school and its admin from organizations' events: until they arrive it
    answers 404/403, so this waits a little."""
    from datetime import date, timedelta

    tokens = {}
    for role, email in DEMO_LOGINS[:2]:
        _, answer = api(base, "POST", "/api/token", {"email": email, "password": DEMO_PASSWORD})
        tokens[role] = answer.get("access_token") or fail(f"the demo {role} cannot log in: {answer}")
    admin, head = tokens["platform admin"], tokens["organization admin"]
    _, me = api(base, "GET", "/api/users/me", token=head)
    center = me["memberships"][0]["organization_id"]  # a school's centre has its organization's id
    today = date.today()
    deadline = time.monotonic() + timeout
    while True:
        status, answer = api(base, "PATCH", f"/api/admin/certification-centers/{center}", {"school_kind": "COLLEGE"},
                             admin)
        if status == 200:
            break
        if time.monotonic() > deadline:
            fail(f"the demo school is not a certification centre: {status} {answer}")
        time.sleep(1)
    _, windows = api(base, "GET", "/api/certification-windows", token=admin)
    if not any(w["school_kind"] == "COLLEGE" and w["starts_on"] <= today.isoformat() <= w["ends_on"]
               for w in windows.get("items", [])):
        status, answer = api(base, "POST", "/api/admin/certification-windows", {
            "school_kind": "COLLEGE", "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=180)).isoformat()}, admin)
        if status != 201:
            fail(f"the demo window was not opened: {status} {answer}")
    while True:
        status, answer = api(base, "GET", f"/api/certification-centers/{center}/sessions?page_size=100", token=head)
        if status == 200 and answer["items"]:
            return answer["items"][0]
        if status == 200:
            status, answer = api(base, "POST", f"/api/certification-centers/{center}/sessions", {
                "address": "Collège Gustave Flaubert, 1 rue de l'École, Paris", "room": "Salle informatique",
                "date": (today + timedelta(days=7)).isoformat(), "time": "09:00", "examiner": "Mme Démo",
                "description": "Session de démonstration"}, head)
            if status == 201:
                return answer
        if time.monotonic() > deadline:
            fail(f"the demo certification session was not scheduled: {status} {answer}")
        time.sleep(1)


def patiently(what: str, attempt, timeout: float = 60.0):
    """attempt() until it gives something other than None (events travel between services meanwhile)."""
    deadline = time.monotonic() + timeout
    while (outcome := attempt()) is None:
        if time.monotonic() > deadline:
            fail(f"the demo {what} did not happen within {timeout:.0f} s")
        time.sleep(0.5)
    return outcome


# A pupil of the demo school without an email address, whose account identity's seed-demo made with this username
# (identity/entrypoints/cli.py): he finds himself in the school's list as the face would have him do.
DEMO_USERNAME_PUPIL = {"username": "francois.lefevre3011", "first_name": "François", "last_name": "Lefèvre",
                       "birthdate": "2012-11-30"}
DEMO_CLIENT = ("ac-paris-demo-lsu", "Demo-Lsu-Secret-2026")  # the school report's demo client (seed-demo)


def demo_username_pupil(base: str) -> None:
    """The username pupil logs in with it and finds himself in the school's list (a second time changes nothing)."""
    _, tokens = api(base, "POST", "/api/token", {"username": DEMO_USERNAME_PUPIL["username"],
                                                 "password": DEMO_PASSWORD})
    token = tokens.get("access_token") or fail(f"the demo pupil without an email cannot log in: {tokens}")
    _, me = api(base, "GET", "/api/users/me", token=demo_token(base, DEMO_LOGINS[1][1]))
    school = me["memberships"][0]["organization_id"]
    pupil = {key: DEMO_USERNAME_PUPIL[key] for key in ("first_name", "last_name", "birthdate")}
    status, answer = api(base, "POST", f"/api/organizations/{school}/learners/reconciliation", pupil, token)
    if status != 200:
        fail(f"the demo pupil without an email did not find himself in the school's list: {status} {answer}")


def demo_candidate(base: str, session: dict, diagnosis_code: str) -> dict:
    """The demo learner, a pupil of the demo school, enrolled in its certification session; done once.

    Everything goes through the public API as the people would do it: she finds herself in the school's
    list (reconciliation), takes the diagnosis campaign knowing every skill up to DEMO_LEARNER_KNOWS (the
    right answers come from the shipped content pack), and her profile, which assessment publishes at the
    end of the test, reaches certification by its events; the school's admin then enrols her class, whose
    other pupils have no account and are listed as not eligible. Returns her candidate."""
    from assessment.adapters.content_pack import read_pack
    from assessment.domain.answers import right_answer
    from assessment.domain.content import LearningContent

    head, lou = demo_token(base, DEMO_LOGINS[1][1]), demo_token(base, DEMO_LOGINS[2][1])
    session_path = f"/api/certification-sessions/{session['id']}"

    def lou_enrolled():
        _, candidates = api(base, "GET", f"{session_path}/candidates", token=head)
        return next((c for c in candidates.get("items", []) if c["birthdate"] == DEMO_PUPIL["birthdate"]
                     and c["last_name"].casefold() == DEMO_PUPIL["last_name"].casefold()), None)

    if (candidate := lou_enrolled()) is not None:
        return candidate
    _, me = api(base, "GET", "/api/users/me", token=head)
    school = me["memberships"][0]["organization_id"]
    pupil = {key: DEMO_PUPIL[key] for key in ("first_name", "last_name", "birthdate")}
    status, answer = api(base, "POST", f"/api/organizations/{school}/learners/reconciliation", pupil, lou)
    if status not in (200, 201):
        fail(f"the demo learner did not find herself in the school's list: {status} {answer}")

    def participation():
        _, mine = api(base, "GET", "/api/users/me/campaign-participations", token=lou)
        found = next((p for p in mine.get("items", []) if p.get("campaign_code") == diagnosis_code), None)
        if found is not None:
            return found
        status, joined = api(base, "POST", "/api/campaign-participations", {"campaign_code": diagnosis_code}, lou)
        return joined if status == 201 else None  # the link reaches campaigns by an event

    participation_id = patiently("learner's joining of the diagnosis", participation)["id"]
    assessment_id = patiently("diagnosis's test", lambda: (lambda status, body: body if status == 200 else None)(
        *api(base, "GET", f"/api/campaign-participations/{participation_id}/assessment", token=lou)))["id"]
    content = LearningContent(1, read_pack().document)
    while True:
        status, step = api(base, "GET", f"/api/assessments/{assessment_id}/next-challenge", token=lou)
        if status != 200:
            fail(f"the demo learner's next question was refused: {status} {step}")
        if step.get("challenge") is None:
            break
        challenge = content.challenges[step["challenge"]["id"]]
        knows = content.skills[challenge.skill_id].level <= DEMO_LEARNER_KNOWS
        status, answer = api(base, "POST", f"/api/assessments/{assessment_id}/answers", {
            "challenge_id": challenge.id, "skipped": not knows, "value": right_answer(challenge, "fr") if knows
            else None}, lou)
        if status != 201:
            fail(f"the demo learner's answer was refused: {status} {answer}")

    def eligible():
        _, pupils = api(base, "GET", f"{session_path}/students?division={DEMO_PUPIL['division']}", token=head)
        return True if any(p["birthdate"] == DEMO_PUPIL["birthdate"] and p["reason"] is None
                           for p in pupils.get("items", [])) else None

    patiently("learner's profile reaching certification", eligible)
    status, answer = api(base, "POST", f"{session_path}/student-enrolments", {"division": DEMO_PUPIL["division"]},
                         head)
    if status != 201:
        fail(f"the demo learner's class was not enrolled: {status} {answer}")
    return lou_enrolled() or fail(f"the demo learner is not among the session's candidates: {answer}")


def port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


# A run stopped just before (a bench's previous run) may still have an api draining for a few seconds after
# supervisord has gone: its ports are waited for this long before they count as taken by something else.
PORTS_FREED_SECONDS = 60


def busy_ports(ports: list[int], wait_seconds: float) -> list[int]:
    """The ports still taken after waiting up to ``wait_seconds`` for them to be freed."""
    deadline = time.monotonic() + wait_seconds
    while True:
        busy = [port for port in ports if not port_free(port)]
        if not busy or time.monotonic() >= deadline:
            return busy
        time.sleep(0.5)


def up() -> None:
    cfg = settings()
    if supervisord_running():
        say("already running: stopping the previous run first")
        down(quiet=True)
    ports = [port for service in SERVICES for port in api_ports(service, cfg)]
    python_port, edge_port = gateway_ports(cfg)
    needed = [*ports, python_port, *([edge_port] if edge_port else []), *([IDP_PORT] if idp_missing() is None else [])]
    if busy := busy_ports(needed, 0):
        say(f"ports {', '.join(map(str, busy))} in use: waiting up to {PORTS_FREED_SECONDS} s for a run that is "
            "stopping to free them")
        busy = busy_ports(needed, PORTS_FREED_SECONDS)
    if busy:
        fail(f"ports already in use: {', '.join(map(str, busy))} (set GATEWAY_PORT for another gateway port)")
    say("checking PostgreSQL, RabbitMQ and Redis")
    check_postgres(cfg["admin_url"])
    check_rabbitmq(cfg["rabbitmq_url"])
    check_redis(cfg["redis_url"])
    ensure_databases(cfg["admin_url"])
    reports = []
    for service in SERVICES:
        env = service_env(service, cfg)
        run([str(BIN / service), "migrate"], env, f"{service} migrate")
        reports.append(declare_topology(service, env))  # queues exist before the first event is published
        if reports[-1]["changes"]:  # queues of an earlier layout, replaced once (msgkit.topology)
            say(f"{service}: queues of an earlier layout replaced, nothing lost:\n    "
                + "\n    ".join(reports[-1]["changes"]))
    consumers = {report["service"] for report in reports if report["consumes"]}
    publishers = {report["service"] for report in reports if report["publishes"]}
    silent = sorted(set(SERVICES) - publishers)
    say(f"migrations applied; consumers: {', '.join(sorted(consumers)) or 'none'}; relays: "
        f"{', '.join(sorted(publishers)) or 'none'}" + (f" ({', '.join(silent)} publishes nothing)" if silent else ""))
    # Databases kept from an earlier run may hold events published before a handler queue existed (a new
    # consumer, or a broker emptied since): the producers' relays publish those event types again, and
    # consumers skip what they had by message id. Nothing else is replayed, so a restart costs no replay
    # (but the first make up of a checkout, which has no record of what its queues received: to_replay).
    started = time.monotonic()
    replayed = []
    for producer, event_types in to_replay(reports, cfg["rabbitmq_url"]).items():
        if producer not in SERVICES:
            continue
        output = run([str(BIN / producer), "outbox", "replay", *(f"--event-type={t}" for t in event_types)],
                     service_env(producer, cfg), f"{producer} outbox replay")
        replayed.append(output.strip().splitlines()[-1])
    say("outboxes replayed for new or unrecorded queues: " + "; ".join(replayed)
        + f" ({time.monotonic() - started:.1f} s)" if replayed else "no new queue: no outbox replayed")
    record_bindings(reports, cfg["rabbitmq_url"])  # only now: a run stopped before replays them again
    # After the topology: the release's structure event finds every consumer's queue.
    say(run([str(BIN / "assessment"), "content", "release", "--by", "make up", "--announce"],
            service_env("assessment", cfg),
            "assessment content release").strip())
    run([str(BIN / "identity"), "seed-demo"], service_env("identity", cfg), "identity seed-demo")
    say("demo data loaded")
    LOGS.mkdir(parents=True, exist_ok=True)
    checks = write_config(cfg, consumers, publishers)
    subprocess.run([str(BIN / "supervisord"), "-c", str(CONF)], check=True)
    programs = len(configured_programs())  # idempotency-prune has no readiness check
    say(f"starting {programs} processes (logs in {LOGS.relative_to(ROOT)}/)")
    wait_ready(checks)
    # The demo school needs the demo accounts, which reach organizations through the broker.
    run([str(BIN / "organizations"), "seed-demo"], service_env("organizations", cfg), "organizations seed-demo")
    say("demo school loaded")
    url = f"http://localhost:{cfg['gateway_port']}"
    code = demo_campaign(url)
    say(f"demo campaign {code}")
    session = demo_certification(url)
    say(f"demo certification session {session['number']} (collège window open)")
    diagnosis = demo_campaign(url, DEMO_DIAGNOSIS)
    demo_candidate(url, session, diagnosis)
    say(f"demo learner eligible (diagnosis {diagnosis} taken) and enrolled in session {session['number']}")
    demo_username_pupil(url)
    say(f"demo pupil without an email address: {DEMO_USERNAME_PUPIL['username']}, in the school's list")
    print(f"\nThe platform is up: {url}\n  the learners' test: {url}/ (demo campaign: {url}/campagnes/{code})\n"
          f"  Orga, for teachers: {url}/orga/\n  Certif, for certification centres: {url}/certif/\n"
          f"  API: {url}/api (OpenAPI at {url}/api/openapi.json)\n\n"
          "Demo logins (password for all: " + DEMO_PASSWORD + "):")
    for role, email in DEMO_LOGINS:
        print(f"  {role:<20} {email}")
    print("  the organization admin runs the demo school Collège Gustave Flaubert (UAI 0751234A, five pupils);\n"
          "  the learner Lou Apprenant (born 12/03/2012) is one of them: she found herself in the list and took the\n"
          f"  diagnosis {diagnosis}, so she is eligible for certification and enrolled in the school's session.\n"
          f"  The school is a certification centre (collège) with session {session['number']}: access code\n"
          f"  {session['access_code']}, invigilator password {session['invigilator_password']} (any account invigilates\n"
          f"  with the session's number and that password); its page in Certif ({url}/certif/) shows them too.\n"
          f"  Lou joins at {url}/certification with the session number, her names and birth date; the invigilator\n"
          f"  authorizes her at {url}/certif/surveillance.")
    print(f"  A pupil without an email address logs in with the username {DEMO_USERNAME_PUPIL['username']} (François\n"
          "  Lefèvre, of the same school; his school's admins see it in Orga and can give him a temporary password).\n"
          f"  The school report's demo application (LSU, académie de Paris) is the OAuth 2 client {DEMO_CLIENT[0]},\n"
          f"  secret {DEMO_CLIENT[1]}: POST {url}/api/oauth/token (client credentials), then\n"
          f"  GET {url}/api/livret-scolaire/certification-results?uai=0751234A")
    missing = idp_missing()
    print(f"  Signing in through the GAR (SAML): {url}/api/saml/login?relay=/campagnes/{code} leads to the demo\n"
          f"  GAR's page (SimpleSAMLphp, http://127.0.0.1:{IDP_PORT}/): pupils lou.apprenant, chloe.coeurderoy,\n"
          "  francois.lefevre, zoe.ozturk and the teacher prof.martin, password " + DEMO_PASSWORD + " (Lou and\n"
          "  François have accounts already: told so at their first arrival, they link the GAR to them)."
          if missing is None else f"  The demo GAR (SAML sign-in) is not running: {missing}.")
    print("\nStop everything with: make down")


def down(quiet: bool = False) -> None:
    if not supervisord_running():
        if not quiet:
            say("nothing is running")
        return
    supervisorctl("shutdown", check=False)
    for _ in range(150):
        if not (RUN / "supervisord.pid").exists():
            break
        time.sleep(0.2)
    if not quiet:
        say("stopped")


PRUNE_EVERY_SECONDS = 300


def prune_idempotency_forever() -> None:
    """make up's idempotency-prune program: ``<service> idempotency prune`` for each service, every 5 minutes."""
    cfg = settings()
    while True:
        for service in SERVICES:
            result = subprocess.run([str(BIN / service), "idempotency", "prune"],
                                    env={**os.environ, **service_env(service, cfg)}, capture_output=True, text=True)
            lines = (result.stdout or result.stderr).strip().splitlines()
            print(lines[-1] if lines else f"{service}: idempotency prune said nothing", flush=True)
        time.sleep(PRUNE_EVERY_SECONDS)


def children_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (a gunicorn master's workers)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.add(int(stat.parent.name))
    return children


def reload_gateway(url: str, timeout: float = 60.0) -> None:
    """kill -HUP: new workers take the connections on the same listening socket, the old ones drain."""
    master = int(supervisorctl("pid", "gateway").stdout.strip())
    before = children_of(master)
    supervisorctl("signal", "HUP", "gateway")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = children_of(master)
        if workers and not workers & before:
            break
        time.sleep(0.2)
    else:
        fail(f"the gateway's old workers {sorted(before)} were still there after {timeout:.0f}s")
    wait_ready([("gateway", url)], timeout)


def configured_programs() -> list[str]:
    """The programs of supervisord's configuration, in its order: what make status lists."""
    return [section.split("]", 1)[0] for section in CONF.read_text().split("[program:")[1:]]


def restart(programs: list[str]) -> None:
    """Restart processes one by one, each ready before the next (see the module's docstring)."""
    if not supervisord_running() or not CHECKS.exists():
        fail("nothing is running: start it with make up")
    checks: dict[str, str] = json.loads(CHECKS.read_text())  # a program without a readiness URL: idempotency-prune
    configured = configured_programs()
    names = [name for name in configured if name != "gateway"] + ["gateway"] if programs == ["all"] else programs
    unknown = [name for name in names if name not in configured]
    if unknown:
        fail(f"no program {', '.join(unknown)}; the programs are: {', '.join(configured)} (or all)")
    for name in names:
        started = time.monotonic()
        if name == "gateway":
            reload_gateway(checks[name])
        else:
            service, _, kind = name.partition("-")
            apis = [other for other in checks if other == f"{service}-api" or other.startswith(f"{service}-api-")]
            if kind.startswith("api") and len(apis) == 1:
                say(f"{name} is the only api of {service}: the gateway waits for it (up to 5 s); "
                    "API_REPLICAS=2 make up restarts one without a gap")
            supervisorctl("stop", name)  # SIGTERM: it finishes what it has in hand, then exits
            supervisorctl("start", name)  # returns once the process has run startsecs (2 s)
            if name in checks:
                wait_ready([(name, checks[name])])
        say(f"{name} restarted in {time.monotonic() - started:.1f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up", "down", "status", "restart", "prune-idempotency"])
    parser.add_argument("programs", nargs="*", help="restart: the programs (as make status names them), or all")
    arguments = parser.parse_args()
    if arguments.command == "restart":
        if not arguments.programs:
            parser.error("restart needs the programs to restart (as make status names them), or all")
        COMMAND[0] = "restart"
        restart(arguments.programs)
    elif arguments.programs:
        parser.error(f"{arguments.command} takes no program")
    elif arguments.command == "prune-idempotency":
        prune_idempotency_forever()
    elif arguments.command == "up":
        up()
    elif arguments.command == "down":
        down()
    else:
        print(supervisorctl("status", check=False).stdout if supervisord_running() else "not running")


if __name__ == "__main__":
    if not shutil.which(str(BIN / "supervisord")):
        fail("supervisord is not installed in the virtualenv: run 'make install'")
    main()
