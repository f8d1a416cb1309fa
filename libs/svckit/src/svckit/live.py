"""Pages kept live: a view pushed to the browser as server-sent events whenever it changes.

The pieces, each usable alone (certification's invigilator page uses them, and reporting's live activity
of a campaign for Orga):

- **Notices** (``RedisNotices``): "channel X changed", nothing more, through Redis pub/sub, so that a
  change made by any process (an api replica, a consumer) reaches the streams open in every other one.
  A notice carries no data: the stream reads the view again, so a lost or duplicated notice never shows
  a wrong page, only a late one. Units of work publish their channels *after* their transaction commits
  (``svckit.uow``): a change that rolls back is never announced. Publishing is best effort: Redis away,
  the failure is logged and the use case, already committed, answers as usual (never a 500 for it);
  the open streams end (their subscription breaks) and the browsers reconnect, reading a fresh view.
  Pub/sub keeps nothing: a notice sent while no stream listens is gone, which is what a page that
  reads the whole view at connect needs. Each stream holds one Redis connection (its subscription).
- **The stream** (``LiveStream``): subscribe first, read the view second (no change can fall between),
  then one fresh view per notice, bursts coalesced (at most one view per ``coalesce`` seconds: the first
  notice after a quiet spell is sent at once, the others of its burst together after it), a wake-up when
  the view changes by time alone (the caller says when), a comment line after ``keepalive`` seconds of
  silence (proxies and load balancers close idle connections; a dead client is found at the next write),
  and an end after a bounded ``lifetime``, at the token's expiry at the latest, or within half a second
  of a drain (SIGTERM): the browser's EventSource reconnects by itself (``retry`` says after how long),
  with a fresh token, to whichever replica is free. Reading the view is the caller's (its access
  checks run again at every read: a right withdrawn ends the stream).
- **Slots** (``StreamSlots``): a stream holds a worker thread for its whole life; a process serves at
  most so many at once and answers the next one 503 ``LIVE_STREAMS_FULL`` with ``Retry-After``, so that
  ordinary requests always find a thread.
- **Framing** (``sse_event``, ``sse_comment``): the text/event-stream format (WHATWG HTML, 9.2).
"""

from __future__ import annotations

import abc
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from typing import Protocol

from flask import Response

from svckit.config import ConfigurationError, env_float, env_int, setting
from svckit.errors import ApiError

log = logging.getLogger("svckit.live")

EVENT_STREAM = "text/event-stream"
KEEPALIVE_SECONDS = 15.0  # below the usual 30-60 s idle timeouts of proxies (and the gateway's 30 s read timeout)
COALESCE_SECONDS = 0.1
# Why 5 minutes: long enough that reconnecting costs little (one token check and one view per page every
# 5 minutes, against 60 reads for a page polled every 5 s), short enough that streams spread again over
# the replicas within 5 minutes of a scale-out, and that schemathesis or any client reading the answer
# to its end waits a bounded time. Streams end sooner when the access token expires (15 minutes).
LIFETIME_SECONDS = 300.0
RECONNECT_MS = 1000  # the ``retry`` the browser waits before reconnecting after an end
RECONNECT_WITHOUT_REDIS_MS = 5000  # without notices, the page is read again every 5 s: polling, degraded
POLL_SECONDS = 0.5  # the longest a stream waits without looking at the drain flag
REDIS_TIMEOUT_SECONDS = 0.25  # a publish never holds a use case's answer longer (Redis black-holed)

# Set in a worker that drains (svckit.gunicorn): every stream of the process ends within POLL_SECONDS.
DRAINING = threading.Event()


def begin_drain() -> None:
    DRAINING.set()


class LiveUnavailable(Exception):
    """The notices cannot be listened to (Redis away): the stream sends its view and ends."""


# -- framing --------------------------------------------------------------------------------------------

def sse_event(data: str, *, event: str | None = None, id: str | None = None, retry_ms: int | None = None) -> bytes:
    """One message: each line of ``data`` on its own ``data:`` line (a newline would end the field)."""
    lines = []
    if retry_ms is not None:
        lines.append(f"retry: {int(retry_ms)}")
    if event is not None:
        lines.append(f"event: {_field(event)}")
    if id is not None:
        lines.append(f"id: {_field(id)}")
    lines.extend(f"data: {line}" for line in data.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return ("\n".join(lines) + "\n\n").encode()


def sse_comment(text: str) -> bytes:
    """A line the browser ignores: keeps the connection busy, and shows a dead client at the next write."""
    return f": {_field(text)}\n\n".encode()


def _field(value: str) -> str:
    if any(character in value for character in "\r\n\0"):
        raise ValueError(f"a field of an event stream holds no line break: {value!r}")
    return value


# -- notices --------------------------------------------------------------------------------------------

class Listener(Protocol):
    def wait(self, timeout: float) -> bool:
        """Whether a notice arrived within ``timeout`` seconds (every notice already there is taken at
        once: one answer for a burst). Raises ``LiveUnavailable`` when the subscription broke."""


class AbstractNotices(abc.ABC):
    @abc.abstractmethod
    def publish(self, channel: str) -> None:
        """Say that ``channel`` changed; never raises (a failure is logged)."""

    @abc.abstractmethod
    def listen(self, channel: str) -> AbstractContextManager[Listener]:
        """Subscribe to ``channel``; the subscription is in place when the block starts (raises
        ``LiveUnavailable`` if it cannot be)."""


class NoNotices(AbstractNotices):
    """A process whose pages are not kept live (a command): nothing published, nothing heard."""

    def publish(self, channel: str) -> None:
        pass

    def listen(self, channel: str) -> AbstractContextManager[Listener]:
        raise LiveUnavailable("this process has no notices")


class RedisNotices(AbstractNotices):
    """Notices through Redis pub/sub; every channel is prefixed (one Redis may serve several platforms)."""

    def __init__(self, url: str, prefix: str, *, timeout: float = REDIS_TIMEOUT_SECONDS) -> None:
        import redis

        self.prefix, self.timeout = prefix, timeout
        # Publishes share a small pool; each subscription takes a connection of its own for its life.
        self.client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout,
                                           health_check_interval=0)

    def channel(self, channel: str) -> str:
        return f"{self.prefix}:{channel}"

    def publish(self, channel: str) -> None:
        import redis

        try:
            self.client.publish(self.channel(channel), b"1")
        except redis.RedisError as error:
            # The change is committed: the pages see it at their next read (a stream's end, a reconnect).
            log.warning("live notice not published", extra={"channel": channel, "error": type(error).__name__})

    @contextmanager
    def listen(self, channel: str) -> Iterator[Listener]:
        import redis

        pubsub = self.client.pubsub()
        try:
            try:
                pubsub.subscribe(self.channel(channel))
                # The confirmation: from here on, every notice published reaches this subscription.
                deadline = time.monotonic() + max(self.timeout, 1.0)
                while True:
                    message = pubsub.get_message(timeout=max(deadline - time.monotonic(), 0.0))
                    if message is not None and message["type"] == "subscribe":
                        break
                    if time.monotonic() >= deadline:
                        raise LiveUnavailable("no subscription confirmed by Redis")
            except redis.RedisError as error:
                raise LiveUnavailable(f"Redis: {type(error).__name__}") from error
            yield _RedisListener(pubsub)
        finally:
            try:
                pubsub.close()
            except redis.RedisError:  # pragma: no cover - closing a broken connection
                pass


class _RedisListener:
    def __init__(self, pubsub) -> None:
        self.pubsub = pubsub

    def wait(self, timeout: float) -> bool:
        import redis

        heard = False
        try:
            # get_message waits for the socket itself; the read timeout (REDIS_TIMEOUT_SECONDS) is for a
            # message that started arriving, so a quiet channel does not look broken.
            message = self.pubsub.get_message(timeout=timeout)
            while message is not None:
                heard = heard or message["type"] == "message"
                message = self.pubsub.get_message(timeout=0.0)
        except (redis.RedisError, OSError) as error:
            raise LiveUnavailable(f"Redis: {type(error).__name__}") from error
        return heard


class InMemoryNotices(AbstractNotices):
    """Notices within one process (unit tests, a single-process tool): the same semantics, no Redis."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.listeners: dict[str, list[_MemoryListener]] = {}
        self.published: list[str] = []

    def publish(self, channel: str) -> None:
        with self.lock:
            self.published.append(channel)
            listeners = list(self.listeners.get(channel, ()))
        for listener in listeners:
            listener.heard.set()

    @contextmanager
    def listen(self, channel: str) -> Iterator[Listener]:
        listener = _MemoryListener()
        with self.lock:
            self.listeners.setdefault(channel, []).append(listener)
        try:
            yield listener
        finally:
            with self.lock:
                self.listeners[channel].remove(listener)

    def break_all(self) -> None:
        """As if Redis went away: every listener's next wait raises."""
        with self.lock:
            for listeners in self.listeners.values():
                for listener in listeners:
                    listener.broken = True
                    listener.heard.set()


class _MemoryListener:
    def __init__(self) -> None:
        self.heard, self.broken = threading.Event(), False

    def wait(self, timeout: float) -> bool:
        heard = self.heard.wait(timeout)
        if self.broken:
            raise LiveUnavailable("broken")
        self.heard.clear()
        return heard


# -- slots ----------------------------------------------------------------------------------------------

class StreamSlots:
    """At most ``limit`` streams at once in this process (each holds a worker thread)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._free = threading.BoundedSemaphore(limit) if limit > 0 else None
        self._lock, self.in_use = threading.Lock(), 0

    def take(self) -> bool:
        if self._free is None or not self._free.acquire(blocking=False):
            return False
        with self._lock:
            self.in_use += 1
        return True

    def give_back(self) -> None:
        with self._lock:
            self.in_use -= 1
        assert self._free is not None
        self._free.release()


# -- the stream -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class View:
    data: str  # the JSON sent as the message's data
    changes_in: float | None = None  # seconds until it changes by time alone (an authorization expiring)


@dataclass
class LiveStream:
    """The messages of one open page, as bytes to write (see the module's doc for the rules).

    ``first`` is the view read after subscribing; ``render`` reads the next ones (an exception ends the
    stream, logged: the browser reconnects and meets the error, e.g. a 403, in the common shape). ``listener``
    None means no notices (Redis away): the view is sent and the stream ends, with a longer ``retry``.
    """

    event: str
    first: View
    render: Callable[[], View]
    listener: Listener | None
    keepalive: float = KEEPALIVE_SECONDS
    coalesce: float = COALESCE_SECONDS
    lifetime: float = LIFETIME_SECONDS
    clock: Callable[[], float] = time.monotonic
    wall_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000
    draining: threading.Event = DRAINING

    def __post_init__(self) -> None:
        self.last_id = 0

    def _message(self, view: View, retry_ms: int | None = None) -> bytes:
        # Ids are the wall clock's milliseconds, made strictly increasing: they keep increasing across
        # reconnections too (a view is whole, so nothing is replayed from a Last-Event-ID).
        self.last_id = max(self.last_id + 1, self.wall_ms())
        return sse_event(view.data, event=self.event, id=str(self.last_id), retry_ms=retry_ms)

    def __iter__(self) -> Iterator[bytes]:
        if self.listener is None:
            yield self._message(self.first, RECONNECT_WITHOUT_REDIS_MS)
            return
        started = self.clock()
        yield self._message(self.first, RECONNECT_MS)
        end = started + self.lifetime
        last_view = last_write = self.clock()
        wake = _at(last_view, self.first.changes_in)
        pending = False
        while not self.draining.is_set():
            now = self.clock()
            if now >= end:
                return
            if wake is not None and now >= wake:
                pending, wake = True, None
            if pending and now >= last_view + self.coalesce:
                try:
                    view = self.render()
                except Exception as error:  # noqa: BLE001 - the status line is sent: ending is all that is left
                    # A right withdrawn, the database away: the browser reconnects and meets the error
                    # in the common shape (a 403, a 503) at the stream's opening.
                    log.warning("live stream ended: its view failed", extra={"error": type(error).__name__})
                    return
                yield self._message(view)
                pending, last_view = False, self.clock()
                last_write, wake = last_view, _at(last_view, view.changes_in)
                continue
            if now >= last_write + self.keepalive:
                yield sse_comment("keep-alive")
                last_write = self.clock()
                continue
            until = min(end, last_write + self.keepalive, now + POLL_SECONDS,
                        wake if wake is not None else math.inf,
                        last_view + self.coalesce if pending else math.inf)
            try:
                if self.listener.wait(max(until - now, 0.0)):
                    pending = True
            except LiveUnavailable as error:
                log.warning("live stream ended: its notices broke", extra={"error": str(error)})
                return


def _at(moment: float, delay: float | None) -> float | None:
    return None if delay is None else moment + max(delay, 0.0)


# -- settings -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LiveSettings:
    redis_url: str
    prefix: str
    max_streams: int  # per process
    lifetime_seconds: float = LIFETIME_SECONDS

    @classmethod
    def from_env(cls, env: Mapping[str, str], service: str, *, production: bool) -> LiveSettings:
        threads = env_int(env, "WEB_THREADS", 8)
        # Half the threads by default: the other half always serves ordinary requests.
        max_streams = env_int(env, "LIVE_MAX_STREAMS", max(threads // 2, 1))
        if not 0 <= max_streams < threads:
            raise ConfigurationError(f"LIVE_MAX_STREAMS={max_streams} must be from 0 to WEB_THREADS - 1 "
                                     f"({threads - 1}): streams hold threads, ordinary requests need some")
        return cls(redis_url=setting(env, "LIVE_REDIS_URL", "redis://127.0.0.1:6379/0", production=production),
                   prefix=env.get("LIVE_CHANNEL_PREFIX", "") or f"live:{service}", max_streams=max_streams,
                   lifetime_seconds=env_float(env, "LIVE_STREAM_SECONDS", LIFETIME_SECONDS))

    def notices(self) -> AbstractNotices:
        return RedisNotices(self.redis_url, self.prefix) if self.redis_url else NoNotices()


# -- the answer -----------------------------------------------------------------------------------------

def message_schema(event: str, data: str) -> dict:
    """One message of a stream route, as OpenAPI 3.0 can say it (its ``data`` is the JSON document ``data``
    names): for the route's 200 answer, ``content_type=EVENT_STREAM``."""
    return {"type": "object", "required": ["event", "id", "data"], "properties": {
        "event": {"type": "string", "enum": [event]},
        "id": {"type": "string", "description": "increasing (milliseconds), across reconnections too"},
        "retry": {"type": "integer", "description": "on the first message: milliseconds to wait before reconnecting"},
        "data": {"type": "string", "description": data},
    }}


STREAMS_FULL_RETRY_SECONDS = 5


def event_stream_response(*, slots: StreamSlots, notices: AbstractNotices, channel: str, event: str,
                          render: Callable[[], View], lifetime: float,
                          coalesce: float = COALESCE_SECONDS) -> Response:
    """The answer of a stream route: subscribe, read the first view (its errors are the route's ordinary
    error answers, nothing streamed yet), then stream, one view per ``coalesce`` seconds at most. The slot and
    the subscription are given back when the server closes the answer (the end of the stream, or a client gone,
    found at the next write)."""
    if not slots.take():
        raise ApiError(503, "LIVE_STREAMS_FULL", "Too many live pages are open on this server; the page "
                       "reconnects by itself.", {"max_streams": slots.limit},
                       headers={"Retry-After": str(STREAMS_FULL_RETRY_SECONDS)})
    resources = ExitStack()
    resources.callback(slots.give_back)
    try:
        try:
            listener: Listener | None = resources.enter_context(notices.listen(channel))
        except LiveUnavailable as error:
            log.warning("live stream without notices", extra={"channel": channel, "error": str(error)})
            listener = None
        first = render()
    except BaseException:
        resources.close()
        raise
    stream = LiveStream(event=event, first=first, render=render, listener=listener, lifetime=max(lifetime, 0.0),
                        coalesce=coalesce)
    # Not a generator's own ``finally``: a stream never started (client gone at once) would not run it.
    response = Response(iter(stream), mimetype=EVENT_STREAM,
                        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    response.call_on_close(resources.close)
    return response
