"""Event streams (the live pages) pass through the gateway as each message arrives, and a gateway process
passes only so many at once."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from svckit.testing import assert_error

EVENT = b"event: invigilation\nid: 1\ndata: {\"candidates\":[]}\n\n"


class EventService:
    """A service answering an event stream by hand: one small message, then another once ``release`` is set.

    Chunked (as gunicorn sends it) or delimited by the connection's close (as an HTTP/1.0 hop sends it): a
    proxy reading 64 KiB at a time would hold the first message until the end in the second case."""

    def __init__(self, chunked: bool) -> None:
        self.chunked, self.release, self.requests = chunked, threading.Event(), 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        try:
            self._stream(connection)
        except OSError:
            pass  # the gateway closed it (a stream refused, a client gone)

    def _stream(self, connection: socket.socket) -> None:
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(65536)
            self.requests += 1
            framing = b"Transfer-Encoding: chunked\r\n" if self.chunked else b"Connection: close\r\n"
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
                               + framing + b"\r\n")
            self._send(connection, EVENT)
            self.release.wait(10)
            self._send(connection, EVENT.replace(b"id: 1", b"id: 2"))
            if self.chunked:
                connection.sendall(b"0\r\n\r\n")

    def _send(self, connection: socket.socket, data: bytes) -> None:
        connection.sendall(b"%x\r\n%s\r\n" % (len(data), data) if self.chunked else data)

    def stop(self) -> None:
        self.release.set()
        self.listener.close()


@pytest.fixture(params=[True, False], ids=["chunked", "close-delimited"])
def event_service(request):
    service = EventService(chunked=request.param)
    yield service
    service.stop()


@pytest.fixture
def auth(keys):
    return {"Authorization": f"Bearer {keys.token()}"}


PATH = "/api/certification-sessions/00000000-0000-0000-0000-000000000001/invigilation/events"


def test_each_message_reaches_the_client_as_it_arrives(start_gateway, event_service, auth):
    gateway = start_gateway(RATELIMIT_ENABLED="false", CERTIFICATION_URL=event_service.url)
    with requests.get(gateway.url + PATH, headers=auth, stream=True, timeout=10) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        started = time.monotonic()
        first = response.raw.read1(65536)
        assert first == EVENT and time.monotonic() - started < 2, "the gateway held the first message"
        event_service.release.set()
        rest = response.raw.read()
    assert rest == EVENT.replace(b"id: 1", b"id: 2")


def test_a_gateway_process_passes_at_most_its_streams_and_answers_503_beyond(start_gateway, auth):
    service = EventService(chunked=True)
    gateway = start_gateway(RATELIMIT_ENABLED="false", CERTIFICATION_URL=service.url, WEB_THREADS="4",
                            LIVE_MAX_STREAMS="1")
    try:
        with requests.get(gateway.url + PATH, headers=auth, stream=True, timeout=10) as held:
            assert held.status_code == 200 and held.raw.read1(65536) == EVENT
            refused = requests.get(gateway.url + PATH, headers=auth, timeout=10)
            assert_error(_Json(refused), 503, "LIVE_STREAMS_FULL")
            assert refused.headers["Retry-After"] == "5"
            assert requests.get(gateway.url + "/api/campaigns/1", headers=auth, timeout=10).status_code == 200
            service.release.set()
            held.raw.read()
        service.release.clear()
        # the slot was given back at the stream's end
        deadline = time.monotonic() + 5
        while True:
            again = requests.get(gateway.url + PATH, headers=auth, stream=True, timeout=10)
            if again.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert again.status_code == 200
        service.release.set()
        again.close()
    finally:
        service.stop()


class _Json:
    """A requests answer seen as the test client's (what assert_error reads)."""

    def __init__(self, response: requests.Response) -> None:
        self.response, self.status_code = response, response.status_code

    def get_data(self, as_text: bool = False):
        return self.response.text

    def get_json(self):
        return self.response.json()
