"""Real HTTP for the gateway's tests: fake services as WSGI servers in threads, a real
gateway in front of them, and tokens signed with a test RSA key whose JWKS the fake
identity service serves."""

from __future__ import annotations

import sys

# pytest (--import-mode=importlib, rootdir at the repository root) names this file
# "gateway.tests.conftest" and first registers the folder gateway/ as a namespace module
# "gateway", which hides the installed gateway package. Put the real package back before
# anything imports from it. (Importing gateway in the root conftest.py would do the same.)
if not getattr(sys.modules.get("gateway"), "__file__", None):
    sys.modules.pop("gateway", None)

import hashlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import pytest
import redis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, Response, jsonify, request
from werkzeug.serving import make_server

from gateway.app import create_app
from gateway.config import SERVICE_URLS, Settings
from gateway.edge import EdgeOptions, Peer, haproxy_config
from svckit.testing import free_port

ISSUER = AUDIENCE = "skills-platform"
KID = "test-key-1"


class RunningServer:
    """A WSGI app served on 127.0.0.1 by werkzeug's threaded server, in a daemon thread."""

    def __init__(self, app: Callable, port: int = 0) -> None:
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class FakeService:
    """One service: echoes what it received, with behaviours chosen by query parameters.

    ``sleep=S`` answer after S seconds; ``stream=N`` send N bytes in 64 KiB chunks
    (``hold=1``: wait for ``release`` after the first chunk; ``broken=1``: die halfway); ``hop=1`` answer with
    hop-by-hop headers; ``cookie=1`` set a cookie; ``status=N`` answer with that status;
    ``in_progress=N``: the first N requests with an Idempotency-Key get 409 REQUEST_IN_PROGRESS, as a
    service answers while the key's first request still runs.
    """

    name: str
    openapi: dict | None = None
    jwks: dict | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    openapi_fetches: int = 0
    server: RunningServer | None = None
    keys_in_progress: dict[str, int] = field(default_factory=dict)

    def app(self) -> Flask:
        app = Flask(f"fake-{self.name}")

        @app.get("/openapi.json")
        def openapi():
            self.openapi_fetches += 1
            if self.openapi is None:
                return jsonify(error="no document"), 404
            return jsonify(self.openapi)

        @app.get("/.well-known/jwks.json")
        def jwks():
            return jsonify(self.jwks or {"keys": []})

        @app.route("/<path:path>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        def echo(path: str):
            body = request.get_data()
            record = {
                "service": self.name,
                "method": request.method,
                "path": request.path,
                "query": request.query_string.decode(),
                "headers": dict(request.headers.items()),
                "body_length": len(body),
                "body_sha256": hashlib.sha256(body).hexdigest(),
            }
            self.received.append(record)
            args = request.args
            if "sleep" in args:
                time.sleep(float(args["sleep"]))
            if "stream" in args:
                return self._stream(int(args["stream"]), hold="hold" in args, broken="broken" in args)
            key = request.headers.get("Idempotency-Key")
            if "in_progress" in args and key:
                seen = self.keys_in_progress[key] = self.keys_in_progress.get(key, 0) + 1
                if seen <= int(args["in_progress"]):
                    return jsonify(error={"code": "REQUEST_IN_PROGRESS", "message": "still running",
                                          "details": {}}), 409
            response = jsonify(record)
            response.status_code = int(args.get("status", 200))
            if "hop" in args:
                response.headers["Connection"] = "X-Secret"
                response.headers["X-Secret"] = "connection-only"
                response.headers["Keep-Alive"] = "timeout=99"
                response.headers["Proxy-Authenticate"] = "Basic"
                response.headers["Trailer"] = "X-Checksum"
                response.headers["X-End-To-End"] = "kept"
            if "cookie" in args:
                response.set_cookie("session", "secret-of-" + args["cookie"])
            return response

        return app

    def _stream(self, size: int, hold: bool, broken: bool = False) -> Response:
        chunk = b"x" * 65536
        self.finished.clear()

        def generate() -> Iterator[bytes]:
            sent = 0
            first = True
            while sent < size:
                piece = chunk if size - sent >= len(chunk) else chunk[: size - sent]
                yield piece
                sent += len(piece)
                if first and hold:
                    self.release.wait(10)
                if broken and sent >= size // 2:
                    raise ConnectionAbortedError("the fake service dies halfway through its answer")
                first = False
            self.finished.set()

        # A broken answer is chunked: only the gateway cutting the connection can tell the client.
        headers = {} if broken else {"Content-Length": str(size)}
        return Response(generate(), mimetype="text/csv", headers=headers)

    def start(self, port: int = 0) -> FakeService:
        self.server = RunningServer(self.app(), port)
        return self

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def stop(self) -> None:
        if self.server:
            self.server.stop()


def stop_all(servers) -> None:
    """In parallel: each shutdown waits up to half a second for its serving loop to notice."""
    threads = [threading.Thread(target=server.stop) for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)


@dataclass
class Keys:
    private: rsa.RSAPrivateKey
    other: rsa.RSAPrivateKey

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]}

    def claims(self, **overrides: Any) -> dict:
        now = int(time.time())
        claims = {"sub": "user-42", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300,
                  "token_use": "access", "roles": []}
        claims.update(overrides)
        return claims

    def token(self, key: rsa.RSAPrivateKey | None = None, kid: str = KID, **claims: Any) -> str:
        return jwt.encode(self.claims(**claims), key or self.private, algorithm="RS256", headers={"kid": kid})


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys(
        private=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        other=rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )


@pytest.fixture(scope="session")
def services(keys: Keys) -> Iterator[dict[str, FakeService]]:
    fakes = {name: FakeService(name) for name in SERVICE_URLS}
    fakes["identity"].jwks = keys.jwks()
    for fake in fakes.values():
        fake.start()
    yield fakes
    stop_all(fakes.values())


def gateway_env(services: dict[str, FakeService], **overrides: str) -> dict[str, str]:
    env = {variable: services[name].url for name, (variable, _) in SERVICE_URLS.items()}
    env["JWKS_URL"] = services["identity"].url + "/.well-known/jwks.json"
    env["LOG_FORMAT"] = "text"
    env.update(overrides)
    return env


@pytest.fixture(scope="session")
def start_gateway(services: dict[str, FakeService]) -> Iterator[Callable[..., RunningServer]]:
    """Start a gateway (werkzeug, threaded) on the fake services; env overrides as keywords."""
    started: list[RunningServer] = []

    def start(**overrides: str) -> RunningServer:
        server = RunningServer(create_app(Settings.from_env(gateway_env(services, **overrides))))
        started.append(server)
        return server

    yield start
    stop_all(started)


@pytest.fixture(scope="session")
def gateway(request: pytest.FixtureRequest, start_gateway: Callable[..., RunningServer]) -> RunningServer:
    """The default gateway, rate limits off so tests do not count against each other.

    ``GATEWAY_TESTS_EDGE=haproxy``: the HAProxy edge instead (gateway.edge), to see which of the Python
    gateway's tests hold there too (gateway/README.md, "The HAProxy edge", says what changes)."""
    if os.environ.get("GATEWAY_TESTS_EDGE", "") == "haproxy":
        return request.getfixturevalue("start_edge")(RATELIMIT_ENABLED="false", UPSTREAM_READ_TIMEOUT="0.5")
    return start_gateway(RATELIMIT_ENABLED="false", UPSTREAM_READ_TIMEOUT="0.5")


# -- the HAProxy edge (gateway.edge): a real haproxy on the fake services -----------------------------

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


class Edge:
    def __init__(self, config: Path, port: int, log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.log = log
        self.process = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=log.open("wb"),
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"haproxy did not start: {log.read_text()}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture(scope="session")
def key_dir(keys, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("edge-keys")
    path = folder / f"{KID}.pem"
    path.write_bytes(keys.private.public_key().public_bytes(serialization.Encoding.PEM,
                                                            serialization.PublicFormat.SubjectPublicKeyInfo))
    return {KID: path}


@pytest.fixture(scope="session")
def start_edge(services, start_gateway, key_dir, tmp_path_factory) -> Iterator[Callable[..., Edge]]:
    """An edge on the fake services, env overrides as keywords (and peers, service URLs)."""
    started: list[Edge] = []
    behind = start_gateway(RATELIMIT_ENABLED="false", TRUSTED_PROXIES="1")

    def start(*, port: int | None = None, peers: tuple[Peer, ...] = (), local_peer: str | None = None,
              **overrides: str) -> Edge:
        settings = Settings.from_env(gateway_env(services, **overrides))
        port = port or free_port()
        options = EdgeOptions(bind=f"127.0.0.1:{port}", gateway_url=behind.url, keys=key_dir, access_log=False,
                              peers=peers, local_peer=local_peer)
        folder = tmp_path_factory.mktemp("edge")
        config = folder / "haproxy.cfg"
        config.write_text(haproxy_config(settings, options))
        edge = Edge(config, port, folder / "haproxy.log")
        started.append(edge)
        return edge

    yield start
    for edge in started:
        edge.stop()


@pytest.fixture(scope="session")
def edge(start_edge) -> Edge:
    return start_edge(RATELIMIT_ENABLED="false", UPSTREAM_READ_TIMEOUT="2")


@contextmanager
def nothing_received(service: FakeService) -> Iterator[None]:
    before = len(service.received)
    yield
    assert len(service.received) == before, "the request reached the service"


@pytest.fixture
def no_forwarding() -> Callable[[FakeService], Any]:
    return nothing_received


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The machine's Redis (TEST_REDIS_URL): a missing Redis fails the test, it is never skipped."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is not reachable at {url} ({error}); start it ('redis-server --daemonize yes') or set "
                    "TEST_REDIS_URL.", pytrace=False)
    return url


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own in the shared Redis; its keys are deleted afterwards."""
    prefix = f"test-gateway-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]
