"""SIGTERM drains an api: what is in hand is finished, and new connections are refused at once.

A real gunicorn (svckit.gunicorn.run_gunicorn, the settings of every api and of the gateway)
serves a small app in a subprocess. A slow request is in hand when SIGTERM arrives:

- it is finished and answered (200), within the graceful timeout;
- meanwhile a new connection is refused straight away, so a client (the gateway) tries another
  replica at once. Left to itself, gunicorn keeps its listening socket open in the worker until
  the drain ends: a connection made then is queued by the kernel, never served, and reset when
  the worker exits, after the client has sent its request (a POST then cannot be retried: it
  may have been read);
- a request sent on a kept-alive connection during the drain is answered, with
  ``Connection: close``.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from svckit.testing import ServiceProcess, free_port

HERE = Path(__file__).parent


@pytest.fixture
def server(tmp_path):
    port = free_port()
    code = ("from svckit.gunicorn import run_gunicorn; "
            f"run_gunicorn('drain_app:create_app', bind='127.0.0.1:{port}', workers=1, threads=4, name='drain')")
    process = ServiceProcess([sys.executable, "-c", code],
                             {"PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])},
                             tmp_path / "drain.log", f"http://127.0.0.1:{port}/health/ready").start()
    process.wait_ready(30)
    yield process, port
    process.stop(10)


def _get(port: int, path: str, results: dict, name: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        results[name] = (response.status, response.read())
    except OSError as error:
        results[name] = error
    finally:
        connection.close()


def test_sigterm_finishes_the_request_in_hand_and_refuses_new_connections_at_once(server):
    process, port = server
    results: dict = {}
    slow = threading.Thread(target=_get, args=(port, "/slow?seconds=3", results, "slow"))
    slow.start()
    time.sleep(0.5)  # the slow request is in the app
    stopped_at = time.monotonic()
    process.signal(signal.SIGTERM)

    refused_after = None
    while time.monotonic() - stopped_at < 2.0:  # well before the slow request ends (3 s)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                pass
        except ConnectionRefusedError:
            refused_after = time.monotonic() - stopped_at
            break
        time.sleep(0.05)
    slow.join(15)
    assert refused_after is not None and refused_after < 1.0, "new connections were still accepted while draining"
    assert results["slow"] == (200, b"finished")
    assert process.process.wait(30) == 0


def test_a_request_on_a_kept_alive_connection_during_the_drain_is_answered_with_connection_close(server):
    process, port = server
    results: dict = {}
    slow = threading.Thread(target=_get, args=(port, "/slow?seconds=2", results, "slow"))
    slow.start()
    kept = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    kept.request("GET", "/health/ready")
    first = kept.getresponse()
    assert first.status == 200 and first.read() == b"ok" and first.getheader("Connection", "").lower() != "close"
    time.sleep(0.3)
    process.signal(signal.SIGTERM)
    time.sleep(0.3)  # the worker is draining
    kept.request("GET", "/health/ready")
    again = kept.getresponse()
    assert again.status == 200 and again.read() == b"ok"
    assert again.getheader("Connection", "").lower() == "close"
    kept.close()
    slow.join(15)
    assert results["slow"] == (200, b"finished")


def test_hup_replaces_the_worker_without_refusing_a_connection(server):
    """The gateway's restart without a gap: the master keeps the listening socket, a new worker
    takes the new connections, the old one finishes what it has in hand."""
    process, port = server
    results: dict = {}
    slow = threading.Thread(target=_get, args=(port, "/slow?seconds=2", results, "slow"))
    slow.start()
    time.sleep(0.5)
    os.kill(process.process.pid, signal.SIGHUP)  # the master only, as supervisorctl signal does
    answers = []
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        _get(port, "/health/ready", results, "probe")
        answers.append(results["probe"])
        time.sleep(0.05)
    slow.join(15)
    assert results["slow"] == (200, b"finished")
    assert answers and all(answer == (200, b"ok") for answer in answers), [a for a in answers if a != (200, b"ok")]
    assert process.process.poll() is None  # the master goes on


def test_sigterm_ends_the_live_streams_at_once_so_the_drain_does_not_wait_for_them(server):
    process, port = server
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    connection.request("GET", "/stream")
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Type").startswith("text/event-stream")
    assert b"event: page" in response.readline() + response.readline() + response.readline()
    stopped_at = time.monotonic()
    process.signal(signal.SIGTERM)
    rest = response.read()  # until the stream ends
    ended_after = time.monotonic() - stopped_at
    connection.close()
    assert ended_after < 2.0, f"the stream lasted {ended_after:.1f} s into the drain"
    assert b"event: page" not in rest  # nothing more was sent: it simply ended
    assert process.process.wait(10) == 0
    assert time.monotonic() - stopped_at < 5.0  # far from the 25 s graceful timeout
