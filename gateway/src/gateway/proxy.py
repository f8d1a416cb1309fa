"""Forwarding one request to its service and streaming the answer back.

One ``requests.Session`` per process, its pool sized to the worker's threads, so each
thread keeps a warm connection to each service. Neither body is held in memory: the
request body is read from the client as the service reads it, and the response is
passed on in 64 KiB chunks as it arrives (a multi-GB CSV export goes through in constant
memory). Bodies are passed undecoded: a gzip answer stays gzip.

A service may have several base URLs (replicas, gateway.upstreams): each request takes the
next in turn, and the session keeps a connection pool per base URL. When the connection to
the chosen replica cannot be made, a GET, HEAD or OPTIONS without a body tries the next
replica; any other request does not, since a POST may already have reached the replica
when the connection broke (one answer recorded twice) and its streamed body cannot be sent
again. One URL, the norm in production, behaves exactly as before.

Failures are answered in the common shape and never show a stack trace: a service that
refuses or cannot be reached is a 503, one that does not answer in time a 504.
"""

from __future__ import annotations

import http.cookiejar
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import quote

import requests
from flask import Request, Response
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error

from gateway.headers import downstream_response_headers, upstream_request_headers
from gateway.observability import observe_upstream
from gateway.routes import Route
from gateway.upstreams import RETRYABLE_METHODS, RoundRobin
from svckit.errors import ApiError

log = logging.getLogger("gateway.proxy")

CHUNK = 64 * 1024
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


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


def request_body(request: Request):
    """What to send upstream: the sized stream, a chunked stream, or nothing."""
    if request.content_length is not None:
        return _SizedBody(request.stream, request.content_length) if request.content_length else b""
    if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        # request.stream stops at MAX_CONTENT_LENGTH with a 413 (werkzeug's LimitedStream).
        return _chunks(request.stream)
    return None


class Forwarder:
    def __init__(self, services: Mapping[str, str | Sequence[str]], *, pool_size: int, connect_timeout: float,
                 read_timeout: float) -> None:
        # service name -> its base URLs in turn; one URL (a str) is a list of one
        self.upstreams = {name: RoundRobin((urls,) if isinstance(urls, str) else tuple(urls))
                          for name, urls in services.items()}
        self.services = {name: upstream.urls[0] for name, upstream in self.upstreams.items()}
        self.timeout = (connect_timeout, read_timeout)
        self.session = pooled_session(pool_size, sum(len(upstream) for upstream in self.upstreams.values()))

    def close(self) -> None:
        self.session.close()

    def forward(self, route: Route, request: Request, correlation_id: str) -> Response:
        service = route.service
        path = quote(request.path, safe=_PATH_SAFE)
        if request.query_string:
            path += "?" + request.query_string.decode("latin-1")
        headers = upstream_request_headers(
            request.headers.items(), correlation_id=correlation_id, client_addr=request.remote_addr,
            scheme=request.scheme, host=request.host,
        )
        body = request_body(request)
        replicas = self.upstreams[service].order()
        if request.method not in RETRYABLE_METHODS or body not in (None, b""):
            replicas = replicas[:1]
        started = time.perf_counter()
        for attempt, base in enumerate(replicas, start=1):
            try:
                upstream = self.session.request(
                    request.method, base + path, headers=headers, data=body, stream=True,
                    timeout=self.timeout, allow_redirects=False,
                )
            except requests.ReadTimeout as error:
                raise self._failure(service, "timeout", started, error, 504) from error
            except requests.ConnectionError as error:  # a ConnectTimeout too: it is both
                if attempt < len(replicas):
                    log.warning("upstream replica unreachable, trying the next", extra={
                        "upstream": service, "replica": base, "error": type(error).__name__})
                    continue
                raise self._failure(service, "unreachable", started, error, 503) from error
            except requests.RequestException as error:
                raise self._failure(service, "error", started, error, 502) from error
            observe_upstream(service, str(upstream.status_code), time.perf_counter() - started)
            return self._stream_back(upstream, service, correlation_id)
        raise AssertionError("unreachable: the last replica's failure is raised above")  # pragma: no cover

    def _failure(self, service: str, outcome: str, started: float, error: Exception, status: int) -> ApiError:
        observe_upstream(service, outcome, time.perf_counter() - started)
        log.warning("upstream %s", outcome, extra={"upstream": service, "error": type(error).__name__})
        if status == 504:
            return ApiError(504, "GATEWAY_TIMEOUT", f"The {service} service did not answer in time.",
                            {"service": service})
        if status == 503:
            return ApiError(503, "SERVICE_UNAVAILABLE", f"The {service} service is unavailable; try again shortly.",
                            {"service": service}, headers={"Retry-After": "5"})
        return ApiError(502, "BAD_GATEWAY", f"The {service} service sent an invalid answer.", {"service": service})

    def _stream_back(self, upstream: requests.Response, service: str, correlation_id: str) -> Response:
        raw_headers = list(upstream.raw.headers.items())

        def body() -> Iterator[bytes]:
            try:
                yield from upstream.raw.stream(CHUNK, decode_content=False)
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
