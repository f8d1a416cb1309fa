"""Forwarding one request to its service and streaming the answer back.

One ``requests.Session`` per process, its pool sized to the worker's threads, so each
thread keeps a warm connection to each service. Neither body is held in memory: the
request body is read from the client as the service reads it, and the response is
passed on in 64 KiB chunks as it arrives (a multi-GB CSV export goes through in constant
memory). Bodies are passed undecoded: a gzip answer stays gzip.

**Trying again, where it is safe** (gateway.upstreams: a service's replicas, taken in turn).
A restarting replica refuses connections (its drain closes the listening socket at once), and
a kept-alive connection may break as a draining replica closes it. The gateway then:

- sends any request again, whatever its method, when its connection was refused or could not
  be made in time: it never reached a replica, and its body was not read. It tries the other
  replicas, then all of them again after a pause (50 ms, doubling to 1 s), for
  ``UPSTREAM_RETRY_SECONDS`` (5) from the first failure: with a single URL, that is the
  time a process takes to restart;
- sends again, once, after a connection broke when the request may have reached a replica,
  only what is safe to apply twice: GET, HEAD and OPTIONS, and a mutation carrying an
  ``Idempotency-Key`` on a route whose service keeps the key's first answer (not identity's
  token routes). Such a mutation's body, up to ``UPSTREAM_RETRY_BODY_BYTES`` (1 MiB) with a
  declared length, is read whole first so it can be sent again; a larger upload stays
  streamed and is not sent again. Anything else is a 502: it may have been applied, and the
  gateway cannot tell;
- when a keyed mutation sent again meets its first attempt still running (409
  ``REQUEST_IN_PROGRESS``: the key is the service's, shared by its replicas), waits and asks
  again within the window, so the client gets the first attempt's real answer. A 409 on a
  first attempt is the client's own duplicate, passed on as it is.

**Event streams** (``text/event-stream``, the live pages of ``svckit.live``) are passed on as each
piece arrives (``read1``), never held until 64 KiB have come: a message of a few hundred bytes must
reach the browser at once. Each holds a worker thread for its life, so a process passes at most
``LIVE_MAX_STREAMS`` at once (half its threads by default) and answers the next one 503
``LIVE_STREAMS_FULL`` with ``Retry-After``: ordinary requests always find a thread. The read
timeout (30 s) holds between two pieces, and a stream sends a comment after 15 s of silence.

A read timeout is never retried (the service may still be working on it): 504.
Failures are answered in the common shape and never show a stack trace: a service that
cannot be reached is a 503, one that does not answer in time a 504, a connection broken
before the answer a 502.
"""

from __future__ import annotations

import http.cookiejar
import json
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import quote

import requests
from flask import Request, Response
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import MaxRetryError, NewConnectionError

from gateway.headers import downstream_response_headers, upstream_request_headers
from gateway.observability import observe_retry, observe_upstream
from gateway.routes import Route
from gateway.upstreams import SAFE_METHODS, Attempts, RoundRobin
from svckit.errors import ApiError
from svckit.idempotency import IDEMPOTENCY_KEY_HEADER as IDEMPOTENCY_KEY
from svckit.idempotency import MUTATIONS, REQUEST_IN_PROGRESS
from svckit.live import EVENT_STREAM, STREAMS_FULL_RETRY_SECONDS, StreamSlots

log = logging.getLogger("gateway.proxy")

CHUNK = 64 * 1024
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
MAX_ERROR_BODY = 64 * 1024  # a 409 read to know whether it is REQUEST_IN_PROGRESS
RESENDS_AFTER_BREAK = 1  # a request that breaks every connection it reaches must not go round them all


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """The session is shared by every user's requests: it must never keep a cookie."""

    def set_ok(self, cookie, request):  # noqa: D102
        return False

    def return_ok(self, cookie, request):  # noqa: D102
        return False


def pooled_session(pool_size: int, hosts: int) -> requests.Session:
    session = requests.Session()
    # No proxy, netrc or CA settings from the environment, and no default headers: the
    # client's own Accept-Encoding must reach the service, or we would pass on a gzip body
    # to a client that never asked for one.
    session.trust_env = False
    session.headers.clear()
    session.cookies.set_policy(_NoCookies())
    # No retries: a POST must not be sent twice because a connection broke.
    adapter = HTTPAdapter(pool_connections=max(hosts, 1), pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _SizedBody:
    """The client's body with its declared length, read as the service reads it.

    requests cannot tell the length of a WSGI stream and would switch to chunked encoding;
    this keeps the Content-Length the client sent.
    """

    def __init__(self, stream, length: int) -> None:
        self.stream, self.length = stream, length

    def __len__(self) -> int:
        return self.length

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size)

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.stream.read(CHUNK):
            yield chunk


def _chunks(stream) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def never_reached(error: requests.ConnectionError) -> bool:
    """Whether the connection could not be made at all (refused, unresolvable, connect timeout):
    nothing of the request was sent, so any request may go elsewhere."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = error.args[0] if error.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, NewConnectionError)


def request_body(request: Request):
    """What to send upstream: the sized stream, a chunked stream, or nothing."""
    if request.content_length is not None:
        return _SizedBody(request.stream, request.content_length) if request.content_length else b""
    if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        # request.stream stops at MAX_CONTENT_LENGTH with a 413 (werkzeug's LimitedStream).
        return _chunks(request.stream)
    return None


class Forwarder:
    def __init__(self, services: Mapping[str, Sequence[str]], *, pool_size: int, connect_timeout: float,
                 read_timeout: float, retry_seconds: float = 5.0, retry_body_bytes: int = 1024 * 1024,
                 max_streams: int = 16) -> None:
        self.upstreams = {name: RoundRobin(urls) for name, urls in services.items()}  # base URLs, taken in turn
        self.stream_slots = StreamSlots(max_streams)
        self.timeout = (connect_timeout, read_timeout)
        self.retry_seconds, self.retry_body_bytes = retry_seconds, retry_body_bytes
        self.session = pooled_session(pool_size, sum(len(upstream) for upstream in self.upstreams.values()))

    def close(self) -> None:
        self.session.close()

    def _body(self, route: Route, request: Request) -> tuple[object, bool]:
        """The body to send, and whether the request may be sent again after a broken connection."""
        keyed = (request.method in MUTATIONS and bool(request.headers.get(IDEMPOTENCY_KEY, "").strip())
                 and route.honours_idempotency_keys)
        body = request_body(request)
        if not (keyed or request.method in SAFE_METHODS):
            return body, False
        if body is None or body == b"":
            return body, True
        if request.content_length is not None and request.content_length <= self.retry_body_bytes:
            return request.get_data(cache=False), True  # kept whole, to be sent again
        return body, False  # a large or chunked upload: streamed, sent once

    def forward(self, route: Route, request: Request, correlation_id: str) -> Response:
        service = route.service
        path = quote(request.path, safe=_PATH_SAFE)
        if request.query_string:
            path += "?" + request.query_string.decode("latin-1")
        headers = upstream_request_headers(
            request.headers.items(), correlation_id=correlation_id, client_addr=request.remote_addr,
            scheme=request.scheme, host=request.host,
        )
        body, resendable = self._body(route, request)
        replicas = self.upstreams[service]
        attempts = Attempts(replicas, self.retry_seconds)
        started = time.perf_counter()
        sent_before = 0  # attempts that may have reached a replica
        base = attempts.next()
        while base is not None:
            try:
                upstream = self.session.request(
                    request.method, base + path, headers=headers, data=body, stream=True,
                    timeout=self.timeout, allow_redirects=False,
                )
            except requests.ReadTimeout as error:
                raise self._failure(service, "timeout", started, error, 504) from error
            except requests.ConnectionError as error:  # a ConnectTimeout too: it is both
                if never_reached(error):
                    replicas.refused(base)
                    base = self._again(attempts, service, base, "unreachable", error)
                    if base is None:
                        raise self._failure(service, "unreachable", started, error, 503) from error
                    continue
                if resendable and sent_before < RESENDS_AFTER_BREAK:
                    sent_before += 1
                    base = self._again(attempts, service, base, "broken", error)
                    if base is not None:
                        continue
                raise self._failure(service, "broken", started, error, 502) from error
            except requests.RequestException as error:
                raise self._failure(service, "error", started, error, 502) from error
            replicas.reached(base)
            if sent_before and upstream.status_code == 409:
                # Our own earlier attempt may still be running on a replica: ask again for its answer.
                content = self._small_body(upstream)
                if content is not None and _error_code(content) == REQUEST_IN_PROGRESS and attempts.wait():
                    observe_retry(service, "in_progress")  # the same replica: it answers
                    continue
                observe_upstream(service, str(upstream.status_code), time.perf_counter() - started)
                return self._buffered_back(upstream, content)
            observe_upstream(service, str(upstream.status_code), time.perf_counter() - started)
            if _is_event_stream(upstream):
                if not self.stream_slots.take():
                    upstream.close()
                    raise ApiError(503, "LIVE_STREAMS_FULL", "Too many live pages pass through this gateway "
                                   "process; the page reconnects by itself.", {"service": service},
                                   headers={"Retry-After": str(STREAMS_FULL_RETRY_SECONDS)})
                response = self._stream_back(upstream, service, correlation_id, as_they_come=True)
                response.call_on_close(self.stream_slots.give_back)
                return response
            return self._stream_back(upstream, service, correlation_id)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _again(self, attempts: Attempts, service: str, base: str, reason: str, error: Exception) -> str | None:
        following = attempts.next()
        if following is not None:
            observe_retry(service, reason)
            log.warning("upstream %s, trying again", reason, extra={
                "upstream": service, "replica": base, "next_replica": following, "error": type(error).__name__})
        return following

    @staticmethod
    def _small_body(upstream: requests.Response) -> bytes | None:
        """The whole body when it is small (an error's), else None (the response is then closed)."""
        content = upstream.raw.read(MAX_ERROR_BODY + 1, decode_content=False)
        upstream.close()
        return content if len(content) <= MAX_ERROR_BODY else None

    @staticmethod
    def _buffered_back(upstream: requests.Response, content: bytes | None) -> Response:
        raw_headers = list(upstream.raw.headers.items())
        if content is None:
            raise ApiError(502, "BAD_GATEWAY", "The service sent an invalid answer.")
        response = Response(content, status=upstream.status_code, headers=downstream_response_headers(raw_headers))
        if not any(name.lower() == "content-type" for name, _ in raw_headers):
            del response.headers["Content-Type"]
        return response

    def _failure(self, service: str, outcome: str, started: float, error: Exception, status: int) -> ApiError:
        observe_upstream(service, outcome, time.perf_counter() - started)
        log.warning("upstream %s", outcome, extra={"upstream": service, "error": type(error).__name__})
        if status == 504:
            return ApiError(504, "GATEWAY_TIMEOUT", f"The {service} service did not answer in time.",
                            {"service": service})
        if status == 503:
            return ApiError(503, "SERVICE_UNAVAILABLE", f"The {service} service is unavailable; try again shortly.",
                            {"service": service}, headers={"Retry-After": "5"})
        if outcome == "broken":
            return ApiError(502, "BAD_GATEWAY", f"The connection to the {service} service broke before its answer; "
                            "the request may have been applied.", {"service": service})
        return ApiError(502, "BAD_GATEWAY", f"The {service} service sent an invalid answer.", {"service": service})

    def _stream_back(self, upstream: requests.Response, service: str, correlation_id: str,
                     as_they_come: bool = False) -> Response:
        raw_headers = list(upstream.raw.headers.items())

        def pieces() -> Iterator[bytes]:
            # read1: whatever has arrived, at most CHUNK, without waiting for more (an event stream)
            while piece := upstream.raw.read1(CHUNK, decode_content=False):
                yield piece

        def body() -> Iterator[bytes]:
            try:
                yield from pieces() if as_they_come else upstream.raw.stream(CHUNK, decode_content=False)
            except (Urllib3Error, OSError) as error:
                # The status line is already sent: the only honest signal left is to cut
                # the connection, which the WSGI server does when the iterator raises.
                # The request context is gone by now: name the correlation id explicitly.
                log.warning("upstream stream broken", extra={
                    "upstream": service, "error": type(error).__name__, "correlation_id": correlation_id})
                raise
            finally:
                upstream.close()

        # Not direct_passthrough: werkzeug would then hand the generator to the server
        # without the close hooks that release the upstream connection and write the access line.
        response = Response(body(), status=upstream.status_code, headers=downstream_response_headers(raw_headers))
        if not any(name.lower() == "content-type" for name, _ in raw_headers):
            del response.headers["Content-Type"]  # werkzeug's default; the service sent none
        response.call_on_close(upstream.close)
        return response


def _is_event_stream(upstream: requests.Response) -> bool:
    return upstream.headers.get("Content-Type", "").split(";")[0].strip().lower() == EVENT_STREAM


def _error_code(content: bytes) -> str | None:
    try:
        error = json.loads(content).get("error")
    except (ValueError, AttributeError):
        return None
    return error.get("code") if isinstance(error, dict) else None
