"""Test helpers for real PostgreSQL databases and real service processes.

A missing PostgreSQL or RabbitMQ is an error here, never a skip: integration tests exist
to run against the real thing.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from msgkit.testing import TcpProxy
from svckit.config import DEFAULT_POSTGRES, normalize_database_url


def admin_database_url() -> str:
    return normalize_database_url(os.environ.get("TEST_DATABASE_ADMIN_URL", f"{DEFAULT_POSTGRES}/postgres"))


def database_url(name: str) -> str:
    return make_url(admin_database_url()).set(database=name).render_as_string(hide_password=False)


def create_database(name: str) -> str:
    engine = create_engine(admin_database_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return database_url(name)


def drop_database(name: str) -> None:
    engine = create_engine(admin_database_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    name = f"t_{prefix}_{uuid.uuid4().hex[:10]}"
    url = create_database(name)
    try:
        yield url
    finally:
        drop_database(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_ok(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


class ServiceProcess:
    """A real service process (``<command> <kind>``) started for a test, stopped with SIGTERM."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str], log_path: Path, ready_url: str | None = None) -> None:
        self.args, self.ready_url, self.log_path = list(args), ready_url, log_path
        self.env = {**os.environ, **env}
        self.process: subprocess.Popen | None = None

    def start(self) -> ServiceProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.args, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        return self

    def wait_ready(self, timeout: float = 30.0) -> ServiceProcess:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{' '.join(self.args)} exited with {self.process.returncode}; see {self.log_path}:\n"
                                   + self.log_path.read_text()[-3000:])
            if self.ready_url is None or http_ok(self.ready_url):
                return self
            time.sleep(0.1)
        raise RuntimeError(f"{' '.join(self.args)} not ready after {timeout}s; see {self.log_path}:\n"
                           + self.log_path.read_text()[-3000:])

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signum)

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.process.wait(5)
        return self.process.returncode

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(10)


class _GatedSocket:
    """A socket whose received data waits while the gate is closed (see ``FreezableTcpProxy``)."""

    def __init__(self, sock: socket.socket, flowing: threading.Event) -> None:
        self._sock, self._flowing = sock, flowing

    def recv(self, size: int) -> bytes:
        data = self._sock.recv(size)
        self._flowing.wait()
        return data

    def __getattr__(self, name: str):
        return getattr(self._sock, name)

    def __hash__(self) -> int:
        return hash(self._sock)

    def __eq__(self, other: object) -> bool:
        return self._sock is (other._sock if isinstance(other, _GatedSocket) else other)


class FreezableTcpProxy(TcpProxy):
    """msgkit's TCP proxy, which can also *freeze*: every connection stays open, new ones are accepted,
    and nothing passes either way until ``thaw()`` (a stalled network path or server, as opposed to
    ``cut()``, where connections are closed and refused)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._flowing = threading.Event()
        self._flowing.set()
        super().__init__(target_host, target_port)

    @classmethod
    def for_database(cls, url: str) -> FreezableTcpProxy:
        parsed = make_url(url)
        return cls(parsed.host or "127.0.0.1", parsed.port or 5432)

    def database_url(self, url: str) -> str:
        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        super()._pipe(_GatedSocket(source, self._flowing), sink)  # type: ignore[arg-type]

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()


def service_command(service: str) -> list[str]:
    """The installed console script of a service, from the same virtualenv as the tests."""
    return [str(Path(sys.executable).parent / service)]


class ManualClock:
    """A service's clock moved by the test: call it for the time, ``advance(minutes=5)`` to move it."""

    def __init__(self, moment: datetime | None = None) -> None:
        self.moment = moment or datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


# -- tokens for a service's own API tests (identity is the only signer in production) ----------


class TestKeys:
    """A key source that verifies tokens signed by ``token_for`` (whatever their kid)."""

    __test__ = False  # not a pytest test class

    _key = None

    @classmethod
    def private_key(cls):
        if cls._key is None:  # generated on first use: nothing is created at import
            from cryptography.hazmat.primitives.asymmetric import rsa

            cls._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls._key

    def key_for(self, kid: str):
        return self.private_key().public_key()


@dataclasses.dataclass
class Person:
    id: str
    email: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def token_for(user_id: str, email: str, roles: tuple[str, ...] = ()) -> str:
    """An access token as identity issues them, signed with the test key."""
    import jwt

    now = datetime.now(timezone.utc)
    return jwt.encode({"iss": "skills-platform", "aud": "skills-platform", "sub": user_id, "iat": now,
                       "exp": now + timedelta(minutes=15), "token_use": "access", "roles": list(roles),
                       "email": email}, TestKeys.private_key(), algorithm="RS256", headers={"kid": "test"})


def client_token_for(client_id: str, scope: str = "", **claims: Any) -> str:
    """An OAuth 2 client's access token as identity issues them (client credentials), signed with the test key."""
    import jwt

    now = datetime.now(timezone.utc)
    return jwt.encode({"iss": "skills-platform", "aud": "skills-platform", "sub": client_id, "client_id": client_id,
                       "iat": now, "nbf": now, "exp": now + timedelta(minutes=15), "token_use": "client",
                       "scope": scope, **claims}, TestKeys.private_key(), algorithm="RS256", headers={"kid": "test"})


def gar_arrival_for(ido: str, uai: str, first_name: str, last_name: str, *, minutes: int = 10) -> str:
    """identity's GAR arrival token (adapters/arrivals.py) for a pupil the GAR signed in, signed with the test key."""
    import jwt

    now = datetime.now(timezone.utc)
    return jwt.encode({"iss": "skills-platform", "aud": "skills-platform", "sub": f"gar:{ido}", "iat": now, "nbf": now,
                       "exp": now + timedelta(minutes=minutes), "token_use": "gar_arrival", "ido": ido, "uai": uai,
                       "first_name": first_name, "last_name": last_name, "profile": "National_elv"},
                      TestKeys.private_key(), algorithm="RS256", headers={"kid": "test"})


def example_envelope(event_type: str, *, aggregate_id: str, aggregate_version: int = 1, contracts_from: Path,
                     **payload):
    """The contract's example of ``event_type`` with ``payload`` fields replaced and a new message id."""
    from msgkit import Envelope
    from svckit.contracts import load_contract

    message = load_contract(event_type, contracts_from).example
    message.update(message_id=str(uuid.uuid4()), aggregate_version=aggregate_version, aggregate_id=aggregate_id)
    message["payload"].update(payload)
    return Envelope.from_dict(message)


def handle_envelope(runtime, envelope) -> None:
    """Hand an envelope to the consumer handler of ``runtime`` that reads its type, as the broker would."""
    subscription = next(s for s in runtime.subscriptions() if envelope.event_type in s.event_types)
    subscription.handler(envelope)


def deliver_example(runtime, event_type: str, *, aggregate_id: str, aggregate_version: int = 1,
                    contracts_from: Path, **payload) -> None:
    """Hand the contract's example of ``event_type``, with ``payload`` fields replaced and a new message id,
    to the consumer handler of ``runtime`` that reads it, as the broker would."""
    handle_envelope(runtime, example_envelope(event_type, aggregate_id=aggregate_id,
                                              aggregate_version=aggregate_version, contracts_from=contracts_from,
                                              **payload))


# -- hostile input: what every service's tests send to its real app ----------------------------

NUL = "\x00"
LONE_SURROGATE = "\ud800"  # valid in a JSON escape ("\ud800"), not encodable as UTF-8
HUGE_PAGE = 10**18
INVALID_UTF8_IN_URL = "%ED%A0%80"  # a lone surrogate encoded as UTF-8 bytes, which UTF-8 forbids


def send_json(client, method: str, path: str, body: object, headers: Mapping[str, str] | None = None):
    """``body`` as JSON text, escaped as ``json.dumps`` does, so a lone surrogate travels as ``"\\ud800"``."""
    import json

    return client.open(path, method=method, data=json.dumps(body), content_type="application/json",
                       headers=dict(headers or {}))


def deeply_nested_json(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


def assert_error(response, status: int = 400, code: str | None = "VALIDATION_ERROR") -> dict:
    """The response is an error in the common shape, with this status (and code)."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, f"{response.status_code} instead of {status}: {text[:500]}"
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, text[:500]
    assert set(body["error"]) == {"code", "message", "details"}, text[:500]
    if code is not None:
        assert body["error"]["code"] == code, text[:500]
    return body["error"]


# -- the OpenAPI document against the real app (schemathesis) -----------------------------------

CONFORMANCE_CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
                      "response_schema_conformance")


@dataclasses.dataclass
class ConformanceReport:
    service: str
    operations: int
    cases: int
    seconds: float
    failures: list[str]
    responses: list[tuple[str, int, dict[str, list[str]]]]  # (operation, status, headers) of every answer

    def __str__(self) -> str:
        statuses = collections.Counter(status for _, status, _ in self.responses)
        return (f"{self.service}: {self.cases} requests over {self.operations} operations in {self.seconds:.1f} s, "
                f"{len(self.failures)} failure(s); answers by status: {dict(sorted(statuses.items()))}")


def check_openapi_conformance(app, service: str, *, headers: Mapping[str, str], max_examples: int = 20,
                              parameters: Mapping[str, object] | None = None, seed: int = 16) -> ConformanceReport:
    """Run schemathesis over the app's own ``/openapi.json``, in process (WSGI), with valid ``headers``.

    Its examples, coverage (boundary and invalid values of every parameter and body) and fuzzing phases
    (``max_examples`` per operation and generation mode, positive and negative) are checked for server
    errors and for conformance: a documented status, content type and response schema. ``parameters``
    fixes path or query values by name (real ids, so that requests get past a 404 into the route's code).
    The seed makes a run repeatable.
    """
    import schemathesis
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import Status, events, from_schema

    config = SchemathesisConfig.from_dict({
        "seed": seed,
        "headers": dict(headers),
        "continue-on-failure": True,
        "generation": {"mode": "all", "max-examples": max_examples, "database": "none"},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
                   "stateful": {"enabled": False}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CONFORMANCE_CHECKS}},
        "parameters": dict(parameters or {}),
    })
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app, config=config)
    started = time.monotonic()
    cases, failures, responses, operations = 0, [], [], set()
    for event in from_schema(schema).execute():
        if isinstance(event, (events.NonFatalError, events.FatalError)):
            failures.append(f"error: {getattr(event, 'info', event)}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        recorder = event.recorder
        operations.add(recorder.label)
        cases += len(recorder.cases)
        for interaction in recorder.interactions.values():
            if interaction.response is not None:
                responses.append((recorder.label, interaction.response.status_code, interaction.response.headers))
        for checks in recorder.checks.values():
            for check in checks:
                if check.status == Status.FAILURE and check.failure_info is not None:
                    failure = check.failure_info.failure
                    failures.append(f"{recorder.label}: {check.name}: {failure.title}\n{failure.message[:800]}\n"
                                    f"{check.failure_info.code_sample}")
    return ConformanceReport(service, len(operations), cases, time.monotonic() - started, failures, responses)


def assert_protective_headers(report: ConformanceReport, cacheable: Sequence[str] = ()) -> None:
    """Every answer says ``nosniff``; every answer but those of the ``cacheable`` operations is ``no-store``."""
    assert report.responses, "no answer was recorded"
    for operation, status, headers in report.responses:
        assert headers.get("x-content-type-options") == ["nosniff"], (operation, status, headers)
        if operation not in cacheable:
            assert "no-store" in ",".join(headers.get("cache-control", [])), (operation, status, headers)


class HeardNotices:
    """A test's own subscription to one live channel (svckit.live's Redis pub/sub): how many notices were
    published on it, to prove that a commit announces and a rollback does not."""

    def __init__(self, redis_url: str, channel: str) -> None:
        import redis

        self.subscription = redis.Redis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)
        self.subscription.subscribe(channel)
        self.count(0.2)  # the subscription confirmed

    def count(self, seconds: float = 0.5) -> int:
        """The notices heard within ``seconds``."""
        heard, deadline = 0, time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.subscription.get_message(timeout=0.05) is not None:
                heard += 1
        return heard

    def close(self) -> None:
        self.subscription.close()
