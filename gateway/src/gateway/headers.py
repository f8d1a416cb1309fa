"""Which headers cross the gateway, in each direction.

Hop-by-hop headers describe one connection, not the message, so they stop here both ways
(RFC 9110 section 7.6.1), together with any header a ``Connection`` header names. The rest
passes unchanged, ``Authorization`` included: each service verifies the token itself.
"""

from __future__ import annotations

from collections.abc import Iterable

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade",
})

# Request headers the gateway sets itself, or that only describe the client's hop:
# the length is recomputed for the body actually sent, Expect is answered here, and the
# client's own forwarding claims are replaced by what the gateway saw (a client could
# otherwise pretend to be any address).
_REQUEST_REPLACED = frozenset({
    "host", "content-length", "expect", "forwarded", "x-forwarded-for", "x-forwarded-proto",
    "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix", "x-real-ip", "x-correlation-id",
})

# The WSGI server in front of the gateway writes its own Date and Server; forwarding the
# upstream's too would send each twice.
_RESPONSE_REPLACED = frozenset({"date", "server"})

def _connection_listed(headers: Iterable[tuple[str, str]]) -> set[str]:
    listed: set[str] = set()
    for name, value in headers:
        if name.lower() in ("connection", "proxy-connection"):
            listed.update(token.strip().lower() for token in value.split(",") if token.strip())
    return listed


def upstream_request_headers(
    incoming: Iterable[tuple[str, str]], *, correlation_id: str, client_addr: str | None, scheme: str, host: str
) -> dict[str, str]:
    """The headers to send to the service (the WSGI server has already joined repeated ones)."""
    incoming = list(incoming)
    dropped = HOP_BY_HOP | _REQUEST_REPLACED | _connection_listed(incoming)
    headers = {name: value for name, value in incoming if name.lower() not in dropped}
    # One hop as the gateway saw it (the real client once ProxyFix has read the trusted
    # proxies' headers); a service trusts exactly one proxy in front of it: the gateway.
    if client_addr:
        headers["X-Forwarded-For"] = client_addr
    headers["X-Forwarded-Proto"] = scheme
    headers["X-Forwarded-Host"] = host
    headers["X-Correlation-ID"] = correlation_id
    return headers


def downstream_response_headers(upstream: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    upstream = list(upstream)
    dropped = HOP_BY_HOP | _RESPONSE_REPLACED | _connection_listed(upstream)
    return [(name, value) for name, value in upstream if name.lower() not in dropped]
