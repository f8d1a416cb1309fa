"""Helpers for tests that run against a real RabbitMQ.

- ``isolated_vhost``: a fresh vhost per test session, so runs on one broker never collide;
  made with ``rabbitmqctl`` on the broker's machine, or with the management HTTP API when
  ``RABBITMQ_MANAGEMENT_URL`` is set (e.g. a broker in a container).
- ``TcpProxy``: sits between a process and the broker and can cut every connection and
  refuse new ones, then let them through again: a broker outage that touches only the
  process under test.
- ``wait_until``, ``queue_depth``, ``get_messages``: wait for an effect, look into queues.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pika
import pika.exceptions

from msgkit.amqp import blocking_channel  # noqa: F401 - part of the test helpers' surface

T = TypeVar("T")


def wait_until(predicate: Callable[[], T], timeout: float = 15.0, interval: float = 0.05, message: str = "") -> T:
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - a failing probe means "not yet"
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message or predicate!r}; last error: {last_error!r}")


@contextmanager
def running(worker, timeout: float = 20.0):
    """Run a relay or consumer (anything with ``run`` and ``stop``) in a thread for the block."""
    thread = threading.Thread(target=worker.run, name=type(worker).__name__, daemon=True)
    thread.start()
    try:
        yield worker
    finally:
        worker.stop()
        thread.join(timeout)
        if thread.is_alive():
            raise AssertionError(f"{type(worker).__name__} did not stop within {timeout}s")


# -- vhosts -------------------------------------------------------------------------------------


def with_vhost(amqp_url: str, vhost: str) -> str:
    parts = urllib.parse.urlsplit(amqp_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(vhost, safe="")))


def _management(method: str, path: str, amqp_url: str, body: dict | None = None) -> object:
    base = os.environ["RABBITMQ_MANAGEMENT_URL"].rstrip("/")
    parts = urllib.parse.urlsplit(amqp_url)
    credentials = f"{urllib.parse.unquote(parts.username or 'guest')}:{urllib.parse.unquote(parts.password or 'guest')}"
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"content-type": "application/json",
                 "authorization": "Basic " + base64.b64encode(credentials.encode()).decode()},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = response.read()
    return json.loads(answer) if answer else None


def create_vhost(amqp_url: str, vhost: str) -> str:
    user = urllib.parse.unquote(urllib.parse.urlsplit(amqp_url).username or "guest")
    quoted = urllib.parse.quote(vhost, safe="")
    if os.environ.get("RABBITMQ_MANAGEMENT_URL"):
        _management("PUT", f"/api/vhosts/{quoted}", amqp_url, {})
        _management("PUT", f"/api/permissions/{quoted}/{urllib.parse.quote(user)}", amqp_url,
                    {"configure": ".*", "write": ".*", "read": ".*"})
    else:
        ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
        if not os.path.exists(ctl):
            raise RuntimeError("cannot create a test vhost: no rabbitmqctl here and RABBITMQ_MANAGEMENT_URL is not set")
        subprocess.run([ctl, "-q", "add_vhost", vhost], check=True, capture_output=True, timeout=60)
        subprocess.run([ctl, "-q", "set_permissions", "-p", vhost, user, ".*", ".*", ".*"],
                       check=True, capture_output=True, timeout=60)
    return with_vhost(amqp_url, vhost)


def delete_vhost(amqp_url: str, vhost: str) -> None:
    if os.environ.get("RABBITMQ_MANAGEMENT_URL"):
        _management("DELETE", f"/api/vhosts/{urllib.parse.quote(vhost, safe='')}", amqp_url)
    else:
        ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
        subprocess.run([ctl, "-q", "delete_vhost", vhost], check=False, capture_output=True, timeout=60)


@contextmanager
def isolated_vhost(amqp_url: str, prefix: str = "test") -> Iterator[str]:
    """A new vhost for the duration of the block; yields its AMQP URL."""
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    url = create_vhost(amqp_url, name)
    try:
        yield url
    finally:
        delete_vhost(amqp_url, name)


def check_broker(amqp_url: str, timeout: float = 5.0) -> None:
    """Raise with a readable message when the broker cannot be reached."""
    parameters = pika.URLParameters(amqp_url)
    parameters.socket_timeout = timeout
    parameters.connection_attempts = 1
    try:
        pika.BlockingConnection(parameters).close()
    except pika.exceptions.AMQPError as error:
        raise RuntimeError(f"RabbitMQ is not reachable at {parameters.host}:{parameters.port} ({error!r})") from error


# -- looking into queues ------------------------------------------------------------------------


def queue_names(amqp_url: str) -> list[str]:
    """Every queue of the URL's vhost, sorted (``rabbitmqctl``, or the management API when set)."""
    vhost = urllib.parse.unquote(urllib.parse.urlsplit(amqp_url).path[1:]) or "/"
    if os.environ.get("RABBITMQ_MANAGEMENT_URL"):
        queues = _management("GET", f"/api/queues/{urllib.parse.quote(vhost, safe='')}?columns=name", amqp_url)
        return sorted(queue["name"] for queue in queues)
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    listed = subprocess.run([ctl, "-q", "list_queues", "-p", vhost, "name"], check=True, capture_output=True,
                            text=True, timeout=60).stdout.split()
    return sorted(name for name in listed if name != "name")  # some versions print the column's title


def queue_depth(amqp_url: str, queue: str) -> int:
    """Messages ready in the queue (not counting those delivered and not yet acked)."""
    with blocking_channel(amqp_url) as channel:
        return channel.queue_declare(queue=queue, passive=True).method.message_count


def queue_consumers(amqp_url: str, queue: str) -> int:
    """Consumers subscribed to the queue: non-zero once a consumer is bound *and* consuming."""
    with blocking_channel(amqp_url) as channel:
        return channel.queue_declare(queue=queue, passive=True).method.consumer_count


def get_messages(amqp_url: str, queue: str, ack: bool = True) -> list[tuple[pika.BasicProperties, bytes]]:
    """Take every ready message out of a queue (``ack=False`` puts them back)."""
    taken = []
    with blocking_channel(amqp_url) as channel:
        while True:
            method, properties, body = channel.basic_get(queue=queue, auto_ack=False)
            if method is None:
                break
            taken.append((properties, body, method.delivery_tag))
        for _, _, tag in taken:
            if ack:
                channel.basic_ack(tag)
            else:
                channel.basic_nack(tag, requeue=True)
    return [(properties, body) for properties, body, _ in taken]


# -- cutting the broker -------------------------------------------------------------------------


class TcpProxy:
    """A TCP relay to the broker that a test can cut and restore.

    ``cut()`` closes every relayed connection and refuses new ones (the process under test
    sees the broker vanish); ``restore()`` accepts connections again on the same port.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.port = 0
        self._open_listener()

    @classmethod
    def for_url(cls, amqp_url: str) -> TcpProxy:
        parts = urllib.parse.urlsplit(amqp_url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 5672)

    def url(self, amqp_url: str) -> str:
        parts = urllib.parse.urlsplit(amqp_url)
        netloc = f"{parts.username}:{parts.password}@127.0.0.1:{self.port}" if parts.username else f"127.0.0.1:{self.port}"
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))

    def _open_listener(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                self._close(sock)

    def _close(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._sockets) // 2

    def cut(self) -> None:
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            doomed = list(self._sockets)
        for sock in doomed:
            self._close(sock)

    def restore(self) -> None:
        if self._listener is None:
            self._open_listener()

    def close(self) -> None:
        self.cut()
