"""The HAProxy edge: an HAProxy configuration generated from the routing table and the settings.

``EDGE=haproxy`` (tools/devstack.py, ``make up``) puts HAProxy on the gateway's port: it routes
``/api/**`` and ``/.well-known/**`` to the services itself, by the same table (routes.py), and
sends everything else (the web faces, ``/api/openapi.json``, the probes) to the Python gateway
behind it. What each guarantee becomes at the edge (gateway/README.md, "The HAProxy edge"):

- **routing**: one ACL per route, in the table's order, the first whose path and method match
  wins; 404 ``ROUTE_NOT_FOUND`` and 405 ``METHOD_NOT_ALLOWED`` (with ``Allow``) in the common shape;
  a path with ``.``/``..`` segments (or their percent-encoded forms) matches nothing;
- **tokens**: verified with ``jwt_verify`` (RS256) against identity's public keys, written as PEM
  files from its JWKS (``gateway edge`` fetches them, and again every ``EDGE_KEYS_REFRESH_SECONDS``,
  reloading HAProxy when the set of keys changed). Signature, ``alg``, ``exp``/``nbf`` (10 s of
  leeway), ``iss``, ``aud`` and ``token_use`` (a person's ``access`` or a client's ``client``) are checked:
  401 ``MISSING_TOKEN``, ``TOKEN_EXPIRED``,
  ``INVALID_TOKEN`` on token routes. A token naming a key the edge does not know yet (a rotation
  in the last seconds) is passed on, counted per address: the service verifies every token anyway;
- **rate limits**: stick tables, one per bucket (account, address, each group), the same keys
  (an account is a verified token's ``sub``, an address an IPv4 address or an IPv6 /64), the same
  figures, as a rate over a sliding period instead of fixed windows. Counters are per HAProxy
  process (its threads share them); ``EDGE_PEERS`` lists the edge instances whose tables are
  copied to each other (HAProxy peers: each pushes its updates, the last write wins), by name:
  ``gateway edge`` resolves them itself and reloads HAProxy when one appears or moves; or, with
  ``EDGE_PEERS_DNS``, every address a name resolves to (Kubernetes' headless Service of the edge's
  pods), each edge named by its address (``EDGE_PEER_NAME``: this pod's);
- **forwarding headers**: ``X-Forwarded-For`` is replaced by the one client address the edge
  believes (``TRUSTED_PROXIES`` hops read from the right), as the Python gateway does;
- **correlation id**: the client's when sane (visible ASCII, at most 200), else a new UUID; sent
  to the service and returned on every answer, the edge's own included;
- **413** on a declared ``Content-Length`` above ``MAX_BODY_BYTES``; ``nosniff`` on every answer,
  ``no-store`` on every error;
- **trying again**: a refused connection is tried again for any method (``retries``, one second
  apart, on the other replicas too); a connection that broke before the answer only for GET, HEAD,
  OPTIONS and keyed mutations on routes honouring keys (``retry-on``, ``disable-l7-retry``).
"""

from __future__ import annotations

import base64
import json
import logging
import re
import signal
import socket
import subprocess
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

import requests
from limits import parse_many

from gateway.config import Settings
from gateway.routes import ADDRESS_GROUPS, RECONCILIATION, Route, RoutingTable
from svckit.config import ConfigurationError

log = logging.getLogger("gateway.edge")

# What the edge sends to the Python gateway behind it rather than through the table.
GATEWAY_OWN_PATHS = ("/api/openapi.json",)
TOKEN_LEEWAY_SECONDS = 10
KID = re.compile(r"[A-Za-z0-9._-]{1,100}")
CORRELATION = r"^[!-~]{1,200}$"
_METHODS_ORDER = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


@dataclass(frozen=True)
class Peer:
    name: str
    address: str  # host:port


@dataclass(frozen=True)
class EdgeOptions:
    bind: str  # host:port the edge listens on
    gateway_url: str  # the Python gateway behind the edge (web faces, OpenAPI catalogue)
    keys: Mapping[str, Path] = field(default_factory=dict)  # kid -> PEM file of identity's public key
    ops_bind: str | None = None  # host:port of the edge's own /metrics (Prometheus) and /health
    access_log: bool = True
    peers: tuple[Peer, ...] = ()
    local_peer: str | None = None
    # host:port whose addresses are the edges (a headless Service): each edge is then named by its address,
    # and local_peer is this one's (a Deployment's pods, which come and go)
    peers_dns: str | None = None
    threads: int | None = None  # HAProxy's nbthread; None: one per core


def route_regex(route: Route) -> str:
    """The route's path pattern as an anchored regular expression on the raw path."""
    parts = route.pattern.split("/")[1:]
    out = ""
    for part in parts:
        if part == "**":
            return "^" + out + "(/[^/]+)*$"
        if part.startswith("{"):
            out += "/[^/]+"
        else:
            out += "/" + re.escape(part).replace("/", r"\/")
    return "^" + out + "$"


def route_methods(route: Route) -> tuple[str, ...] | None:
    if route.methods is None:
        return None
    methods = set(route.methods)
    if "GET" in methods:
        methods.add("HEAD")
    return tuple(sorted(methods))


def rate(value: str) -> tuple[int, int, str]:
    """(amount, period in seconds, words) of a rate limit setting; the edge takes one limit per bucket."""
    limits = parse_many(value)
    if len(limits) != 1:
        raise ConfigurationError(f"{value!r}: the HAProxy edge takes one limit per bucket, such as '300/minute'")
    item = limits[0]
    return item.amount, item.get_expiry(), str(item)


def _json_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def error_json(code: str, message: str, details: Mapping[str, object] | None = None, *,
               raw_details: str | None = None) -> str:
    """The common error shape as an HAProxy log-format string (single quoted in the configuration)."""
    inner = raw_details if raw_details is not None else json.dumps(dict(details or {}), ensure_ascii=False, separators=(",", ":"))
    body = '{"error":{"code":' + _json_string(code) + ',"message":' + _json_string(message) + \
        ',"details":' + inner + '}}'
    # lf-string: % starts a format item; the configuration's single quotes must not appear
    return body.replace("%", "%%").replace("'", "\\'") if raw_details is None else body.replace("'", "\\'")


def _return(status: int, body: str, condition: str, headers: Mapping[str, str] | None = None) -> str:
    extra = "".join(f' hdr {name} "{value}"' for name, value in (headers or {}).items())
    return (f"    http-request return status {status} content-type application/json lf-string '{body}'"
            f"{extra} if {condition}")


def _indices(table: RoutingTable, keep) -> str:
    return " ".join(str(index) for index, route in enumerate(table.routes) if keep(route))


def _server_address(url: str, name: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/"):
        raise ConfigurationError(f"{name}: {url!r}: the HAProxy edge forwards to http://host:port URLs only")
    return f"{parts.hostname}:{parts.port or 80}"


def _method_masks(table: RoutingTable) -> dict[str, int]:
    methods = sorted({method for route in table.routes for method in (route_methods(route) or ())})
    if len(methods) > 7:
        raise ConfigurationError("too many distinct methods for the edge's 405 answers")
    return {method: 1 << index for index, method in enumerate(methods)}


def haproxy_config(settings: Settings, options: EdgeOptions, table: RoutingTable | None = None) -> str:
    table = table or RoutingTable()
    lines: list[str] = []
    add = lines.append
    routes = table.routes
    masks = _method_masks(table)
    limits = {"account": rate(settings.ratelimit_account), "address": rate(settings.ratelimit_address)}
    limits.update({group: rate(value) for group, value in settings.ratelimit_groups.items()})
    used_groups = [group for group in settings.ratelimit_groups if any(r.limit_group == group for r in routes)]
    issuer, audience = settings.jwt_issuer, settings.jwt_audience
    for value in (issuer, audience):
        if not re.fullmatch(r"[A-Za-z0-9._:/-]+", value):
            raise ConfigurationError(f"{value!r}: the edge compares issuers and audiences made of URL characters only")
    for kid in options.keys:
        if not KID.fullmatch(kid):
            raise ConfigurationError(f"key id {kid!r}: not usable in the edge's configuration")

    # --- global and defaults
    add("# Generated by `gateway haproxy-config` from gateway/src/gateway/routes.py and the gateway's")
    add("# settings. Do not edit: change the table or the settings, and generate again.")
    add("global")
    add("    log stdout format raw local0 info")
    add("    maxconn 4000")
    # a soft stop (SIGUSR1) or a reload lets the requests in flight finish, an event stream at most this long
    add("    hard-stop-after 30s")
    if options.threads:
        add(f"    nbthread {options.threads}")
    if options.local_peer:
        add(f"    localpeer {options.local_peer}")
    add("")
    add("defaults")
    add("    mode http")
    add("    log global")
    add(f"    timeout connect {int(settings.connect_timeout * 1000)}ms")
    add(f"    timeout server {int(settings.read_timeout * 1000)}ms")
    add("    timeout client 60s")
    add("    timeout http-request 10s")
    add("    timeout http-keep-alive 60s")
    add("    timeout queue 5s")
    # A refused connection is tried again one second later (HAProxy's turn-around), on another server
    # when the service has several: UPSTREAM_RETRY_SECONDS' worth of attempts.
    add(f"    retries {max(1, int(round(settings.retry_seconds)))}")
    add("    option redispatch 1")
    add("    retry-on conn-failure empty-response")
    add("    http-reuse safe")
    # A body that fits HAProxy's buffer (16 KiB) is read before the request goes on, so that it can be sent
    # again after a broken connection (retry-on empty-response); a larger one streams and is sent once.
    add("    option http-buffer-request")
    for status, code, message in (
        (400, "BAD_REQUEST", "The request is malformed."),
        (408, "REQUEST_TIMEOUT", "The request took too long to arrive."),
        (500, "INTERNAL_ERROR", "The gateway failed."),
        (502, "BAD_GATEWAY", "The service sent an invalid answer."),
        (503, "SERVICE_UNAVAILABLE", "The service is unavailable; try again shortly."),
        (504, "GATEWAY_TIMEOUT", "The service did not answer in time."),
    ):
        add(f"    http-error status {status} content-type application/json string '{error_json(code, message)}'")
    add("")

    if options.peers:
        add("peers edge")
        for peer in options.peers:
            add(f"    peer {peer.name} {peer.address}")
        add("")

    if options.ops_bind:
        add("frontend ops")
        add(f"    bind {options.ops_bind}")
        add("    no log")
        add("    http-request use-service prometheus-exporter if { path /metrics }")
        add("    monitor-uri /health/live")
        # ready while it listens: a soft stop (a pod ending, a reload's old process) closes this port too
        add("    http-request return status 200 content-type application/json string '{\"status\":\"ready\"}' "
            "if { path /health/ready }")
        add("")

    # --- the front door
    add("frontend edge")
    add(f"    bind {options.bind}")
    if options.access_log:
        add("    log-format '{\"logger\":\"edge.access\",\"time\":\"%t\",\"method\":\"%HM\",\"path\":\"%HPO\","
            "\"route\":\"%[var(txn.route)]\",\"upstream\":\"%b\",\"status\":%ST,\"duration_ms\":%Ta,"
            "\"correlation_id\":\"%[var(txn.cid)]\",\"client\":\"%[var(txn.client)]\",\"term\":\"%tsc\",\"retries\":\"%rc\"}'")
    else:
        add("    no log")
    add("    option http-no-delay")  # an event stream's few hundred bytes go out at once
    # correlation id
    add(f"    http-request set-header X-Correlation-ID %[uuid(4)] unless {{ req.hdr(X-Correlation-ID) -m reg {CORRELATION} }}")
    add("    http-request set-var(txn.cid) req.hdr(X-Correlation-ID)")
    add("    http-after-response set-header X-Correlation-ID %[var(txn.cid)] if { var(txn.cid) -m found }")
    add("    http-after-response set-header X-Content-Type-Options nosniff unless { res.hdr(X-Content-Type-Options) -m found }")
    add("    http-after-response set-header Cache-Control no-store if { status ge 400 } !{ res.hdr(Cache-Control) -m found }")
    # the client address: the peer, or what TRUSTED_PROXIES proxies in front said
    add("    http-request set-var(txn.client) src")
    if settings.trusted_proxies > 0:
        hops = settings.trusted_proxies
        add(f"    http-request set-var(txn.client) req.hdr_ip(X-Forwarded-For,-{hops}) "
            f"if {{ req.hdr_cnt(X-Forwarded-For) ge {hops} }}")
    add("    http-request set-var(txn.bucket) var(txn.client),ipmask(32,64)")
    add("    http-request set-var(txn.host) req.hdr(Host)")
    for header in ("Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port",
                   "X-Forwarded-Prefix", "X-Real-IP"):
        add(f"    http-request del-header {header}")
    # hop-by-hop headers stop here both ways (RFC 9110 7.6.1); HAProxy writes its own Connection
    for header in ("Connection", "Keep-Alive", "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Upgrade"):
        add(f"    http-request del-header {header}")
    for header in ("Keep-Alive", "Proxy-Authenticate", "Proxy-Connection", "Trailer", "Upgrade"):
        add(f"    http-response del-header {header}")
    add("    http-request set-header X-Forwarded-For %[var(txn.client)]")
    add("    http-request set-header X-Forwarded-Proto https if { ssl_fc }")
    add("    http-request set-header X-Forwarded-Proto http unless { ssl_fc }")
    add("    http-request set-header X-Forwarded-Host %[var(txn.host)] if { var(txn.host) -m found }")
    add("")
    own = " ".join(GATEWAY_OWN_PATHS)
    add(f"    acl own_path path {own}")
    add("    acl api path_beg /api/ /.well-known/")
    add("    http-request set-var(txn.routed) bool(1) if api !own_path")
    add("    acl routed var(txn.routed) -m bool")
    add(r"    acl dot_segment path -m reg -i (^|/)(\.|%2e){1,2}(/|$)")
    add("    acl has_route var(txn.route) -m found")
    add("")
    add("    # the routing table, first match wins")
    for index, route in enumerate(routes):
        methods = route_methods(route)
        method_acl = f" {{ method {' '.join(methods)} }}" if methods else ""
        add(f"    http-request set-var(txn.route) int({index}) if routed !dot_segment !has_route "
            f"{{ path -m reg {route_regex(route)} }}{method_acl}  # {route.pattern}")
    add("    # no route: the methods the path's other routes take, for the 405's Allow")
    add("    http-request set-var(txn.allow) int(0) if routed !has_route")
    for route in routes:
        methods = route_methods(route)
        if methods is None:
            continue
        mask = sum(masks[m] for m in methods)
        add(f"    http-request set-var(txn.allow) var(txn.allow),or({mask}) if routed !dot_segment !has_route "
            f"{{ path -m reg {route_regex(route)} }}")
    add("")

    # --- the token
    add("    # the bearer token, verified against identity's public keys")
    add("    http-request set-var(txn.bearer) http_auth_bearer if routed")
    add("    acl has_bearer var(txn.bearer) -m len gt 0")
    add("    http-request set-var(txn.kid) var(txn.bearer),jwt_header_query('$.kid') if has_bearer")
    add("    http-request set-var(txn.alg) var(txn.bearer),jwt_header_query('$.alg') if has_bearer")
    add("    acl rs256 var(txn.alg) -m str RS256")
    known = " ".join(options.keys) or "<none>"
    add(f"    acl known_kid var(txn.kid) -m str {known}")
    for kid, path in options.keys.items():
        add(f"    http-request set-var(txn.signed) var(txn.bearer),jwt_verify(\"RS256\",\"{path}\") "
            f"if has_bearer rs256 {{ var(txn.kid) -m str {kid} }}")
    add("    acl signed var(txn.signed) -m int 1")
    add("    http-request set-var(txn.now) date() if signed")
    add("    http-request set-var(txn.exp_left) var(txn.bearer),jwt_payload_query('$.exp','int'),"
        f"add({TOKEN_LEEWAY_SECONDS}),sub(txn.now) if signed")
    add("    http-request set-var(txn.nbf_ahead) var(txn.bearer),jwt_payload_query('$.nbf','int'),sub(txn.now) if signed")
    add("    acl fresh var(txn.exp_left) -m int ge 0")
    add(f"    acl started var(txn.nbf_ahead) -m int le {TOKEN_LEEWAY_SECONDS}")
    add("    acl has_nbf var(txn.nbf_ahead) -m found")
    add(f"    acl right_issuer var(txn.bearer),jwt_payload_query('$.iss') -m str {issuer}")
    add(f"    acl right_audience var(txn.bearer),jwt_payload_query('$.aud') -m str {audience}")
    # a person's token or an OAuth 2 client's (svckit.auth): both pass here, each service refuses the wrong kind
    add("    acl access_token var(txn.bearer),jwt_payload_query('$.token_use') -m str access client")
    add("    acl has_iat var(txn.bearer),jwt_payload_query('$.iat','int') -m found")
    add("    http-request set-var(txn.sub) var(txn.bearer),jwt_payload_query('$.sub') "
        "if signed fresh right_issuer right_audience access_token has_iat")
    add("    http-request unset-var(txn.sub) if signed has_nbf !started")
    add("    acl verified var(txn.sub) -m len gt 0")
    add("    acl has_kid var(txn.kid) -m found")
    add("    http-request set-var(txn.unknown_key) bool(1) if has_bearer rs256 has_kid !known_kid")
    add("    acl unknown_key var(txn.unknown_key) -m bool")
    add("")

    # --- rate limits
    token_routes = _indices(table, lambda r: r.token)
    address_groups = _indices(table, lambda r: r.limit_group in ADDRESS_GROUPS)
    add("    # rate limits: a verified token's account, else the address; the address groups per address only")
    add(f"    acl address_group var(txn.route) -m int {address_groups or '-1'}")
    if settings.ratelimit_enabled:
        add("    http-request track-sc0 var(txn.sub) table limit_account if api !own_path verified !address_group")
        add("    http-request track-sc0 var(txn.bucket) table limit_address if api !own_path !verified !address_group")
        for group in used_groups:
            members = _indices(table, lambda r, group=group: r.limit_group == group)
            add(f"    acl group_{group} var(txn.route) -m int {members}")
            if group == RECONCILIATION:
                add(f"    http-request track-sc1 var(txn.sub) table limit_{group} if group_{group} verified")
                add(f"    http-request track-sc1 var(txn.bucket) table limit_{group} if group_{group} !verified")
            else:
                add(f"    http-request track-sc1 var(txn.bucket) table limit_{group} if group_{group}")
        for scope, counter, condition in (
            ("account", 0, "api !own_path verified !address_group"),
            ("address", 0, "api !own_path !verified !address_group"),
            *((group, 1, f"group_{group}") for group in used_groups),
        ):
            amount, period, words = limits[scope]
            body = error_json("TOO_MANY_REQUESTS", "Too many requests; try again later.",
                              {"limit": words, "per": scope})
            add(_return(429, body, f"{condition} {{ sc_http_req_rate({counter}) gt {amount} }}",
                        {"Retry-After": str(period)}))
    add("")

    # --- what the edge answers itself, in the Python gateway's order: route, body size, token
    add(_return(404, error_json("ROUTE_NOT_FOUND", "No API route matches this path.",
                                raw_details='{"path":"%[path,url_dec,json(utf8s)]"}'),
                "routed dot_segment"))
    by_mask: dict[int, str] = {}
    for mask in range(1, 1 << len(masks)):
        allowed = [method for method, bit in masks.items() if mask & bit]
        by_mask[mask] = ", ".join(sorted(allowed, key=_METHODS_ORDER.index))
    for mask, allow in by_mask.items():
        add(_return(405, error_json("METHOD_NOT_ALLOWED", "%[method] is not allowed on this path.", raw_details="{}"),
                    f"routed !has_route {{ var(txn.allow) -m int {mask} }}", {"Allow": allow}))
    add(_return(404, error_json("ROUTE_NOT_FOUND", "No API route matches this path.",
                                raw_details='{"path":"%[path,url_dec,json(utf8s)]"}'),
                "routed !has_route"))
    add(_return(413, error_json("PAYLOAD_TOO_LARGE", "The request body is too large.",
                                {"max_bytes": settings.max_body_bytes}),
                f"routed {{ req.hdr_val(Content-Length) gt {settings.max_body_bytes} }}"))
    add(f"    acl token_route var(txn.route) -m int {token_routes or '-1'}")
    challenge = {"WWW-Authenticate": 'Bearer realm=\\"api\\"'}
    invalid = {"WWW-Authenticate": 'Bearer error=\\"invalid_token\\"'}
    add(_return(401, error_json("MISSING_TOKEN", "Authentication is required."), "token_route !has_bearer",
                challenge))
    add(_return(401, error_json("TOKEN_EXPIRED", "The token has expired."),
                "token_route signed !fresh", invalid))
    add(_return(401, error_json("INVALID_TOKEN", "The token is invalid."),
                "token_route !verified !unknown_key", invalid))
    add("")

    # --- trying again after a broken connection: what is safe to apply twice
    honouring = _indices(table, lambda r: r.honours_idempotency_keys)
    add("    acl safe_method method GET HEAD OPTIONS")
    add(r"    acl keyed req.hdr(Idempotency-Key) -m reg [^[:space:]]")
    # HAProxy reads at most 64 words a line: the routes' numbers over several lines of one ACL (ORed).
    numbers = honouring.split() or ["-1"]
    for start in range(0, len(numbers), 48):
        add(f"    acl honours_keys var(txn.route) -m int {' '.join(numbers[start:start + 48])}")
    add("    http-request disable-l7-retry if !safe_method !keyed")
    add("    http-request disable-l7-retry if !safe_method !honours_keys")
    add("")
    for service in table.services():
        members = _indices(table, lambda r, service=service: r.service == service)
        add(f"    use_backend service_{service} if routed {{ var(txn.route) -m int {members} }}")
    add("    default_backend python_gateway")
    add("")

    # --- the services and the Python gateway
    for service in table.services():
        urls = settings.services[service]
        add(f"backend service_{service}")
        add("    balance roundrobin")
        for status, code, message, headers in (
            (502, "BAD_GATEWAY", f"The {service} service sent an invalid answer, or its connection broke "
                                 "before its answer; the request may have been applied.", ""),
            (503, "SERVICE_UNAVAILABLE", f"The {service} service is unavailable; try again shortly.",
             ' hdr Retry-After "5"'),
            (504, "GATEWAY_TIMEOUT", f"The {service} service did not answer in time.", ""),
        ):
            body = error_json(code, message, {"service": service})
            add(f"    http-error status {status} content-type application/json string '{body}'{headers}")
        for number, url in enumerate(urls, start=1):
            add(f"    server {service}{number} {_server_address(url, service)}")
        add("")
    add("backend python_gateway")
    add(f"    server gateway {_server_address(options.gateway_url, 'the Python gateway')}")
    add("")

    # --- the counters
    peers = " peers edge" if options.peers else ""
    for scope in ("account", "address", *used_groups):
        amount, period, _ = limits[scope]
        per_account = scope == "account"
        kind = "string len 64" if per_account else "ipv6"
        if scope == RECONCILIATION:
            kind = "string len 64"  # an account, or an address written out
        add(f"backend limit_{scope}")
        add(f"    stick-table type {kind} size 1m expire {period}s store http_req_rate({period}s){peers}")
        add("")
    return "\n".join(lines) + "\n"


def pem_keys(jwks: Mapping[str, object]) -> dict[str, bytes]:
    """kid -> PEM (SubjectPublicKeyInfo) of each RSA signing key of a JWKS."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

    def number(text: str) -> int:
        return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")

    out: dict[str, bytes] = {}
    for key in jwks.get("keys", []):  # type: ignore[union-attr]
        if not isinstance(key, dict) or key.get("kty") != "RSA" or key.get("use", "sig") != "sig":
            continue
        kid = key.get("kid")
        if not isinstance(kid, str) or not KID.fullmatch(kid):
            continue
        public = RSAPublicNumbers(number(key["e"]), number(key["n"])).public_key()
        out[kid] = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return out


def parse_peers(value: str) -> tuple[Peer, ...]:
    """``EDGE_PEERS=edge1=127.0.0.1:10001,edge2=127.0.0.1:10002``."""
    peers = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        name, _, address = item.partition("=")
        if not name or ":" not in address:
            raise ConfigurationError(f"EDGE_PEERS: {item!r} is not name=host:port")
        peers.append(Peer(name.strip(), address.strip()))
    return tuple(peers)


def _resolve_all(host: str, port: int) -> set[str]:
    try:
        return {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except OSError:
        return set()


def _at(address: str, port: str) -> str:
    """host:port as HAProxy reads it (an IPv6 address in brackets)."""
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def discovered_peers(peers_dns: str, local: str,
                     resolve_all: Callable[[str, int], set[str]] = _resolve_all) -> tuple[Peer, ...]:
    """The edges behind one name (a headless Service lists its pods' addresses), each named by its address, this
    one listening on every address at the port."""
    host, _, port = peers_dns.rpartition(":")
    return tuple(Peer(address, f"0.0.0.0:{port}" if address == local else _at(address, port))
                 for address in sorted(resolve_all(host, int(port)) | {local}))


def resolved_peers(peers: tuple[Peer, ...], local: str | None,
                   resolve_all: Callable[[str, int], set[str]] = _resolve_all) -> tuple[Peer, ...]:
    """The peers as HAProxy can be given them now (it resolves names once, and refuses a configuration with a
    name it cannot resolve): this edge listens on every address at its port; another edge is named by its
    address, and left out while its name does not resolve (an edge not started yet, or gone)."""
    found = []
    for peer in peers:
        host, _, port = peer.address.rpartition(":")
        if peer.name == local:
            found.append(Peer(peer.name, f"0.0.0.0:{port}"))
        elif addresses := resolve_all(host.strip("[]"), int(port)):
            found.append(Peer(peer.name, _at(min(addresses), port)))
    return tuple(found)


def read_keys(folder: Path) -> dict[str, Path]:
    """kid -> PEM file, for the files <kid>.pem of a folder."""
    return {path.stem: path for path in sorted(folder.glob("*.pem")) if KID.fullmatch(path.stem)}


class EdgeRunner:
    """``gateway edge``: HAProxy in master-worker mode, its configuration kept current.

    At start, and every ``refresh_seconds`` (every second while it has no keys or a peer is missing),
    identity's JWKS is fetched and the peers' names resolved; when the keys or the peers' addresses
    changed, the PEM files and the configuration are written again, checked (``haproxy -c``) and HAProxy
    reloads (SIGUSR2: new workers take new connections, the old ones finish theirs). JWKS unreachable at
    start: HAProxy starts without keys (every token is then passed on to the services, which verify it, and
    counted per address) until it can be fetched.
    """

    def __init__(self, settings: Settings, options: EdgeOptions, workdir: Path, *, refresh_seconds: float = 30.0,
                 haproxy: str = "haproxy", fetch_timeout: float = 2.0) -> None:
        self.settings, self.options, self.workdir = settings, options, workdir
        self.refresh_seconds, self.haproxy, self.fetch_timeout = refresh_seconds, haproxy, fetch_timeout
        self.config_path = workdir / "haproxy.cfg"
        self.keys_dir = workdir / "keys"
        self.current: dict[str, bytes] | None = None
        self.peers: tuple[Peer, ...] = ()
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()

    def fetch_keys(self) -> dict[str, bytes] | None:
        try:
            response = requests.get(self.settings.jwks_url, timeout=self.fetch_timeout)
            response.raise_for_status()
            return pem_keys(response.json())
        except (requests.RequestException, ValueError, KeyError) as error:
            log.warning("the JWKS could not be fetched", extra={"url": self.settings.jwks_url,
                                                                "error": type(error).__name__})
            return None

    def write(self, keys: Mapping[str, bytes]) -> Path:
        self.keys_dir.mkdir(parents=True, exist_ok=True)
        for old in self.keys_dir.glob("*.pem"):
            if old.stem not in keys:
                old.unlink()
        for kid, pem in keys.items():
            (self.keys_dir / f"{kid}.pem").write_bytes(pem)
        options = replace(self.options, keys={kid: self.keys_dir / f"{kid}.pem" for kid in keys}, peers=self.peers)
        candidate = self.workdir / "haproxy.cfg.new"
        candidate.write_text(haproxy_config(self.settings, options))
        checked = subprocess.run([self.haproxy, "-c", "-q", "-f", str(candidate)], capture_output=True, text=True)
        if checked.returncode != 0:
            # Both streams and the status: a refusal once came with an empty stderr (a loaded machine).
            said = " ".join(part for part in (checked.stderr.strip(), checked.stdout.strip()) if part)
            raise ConfigurationError(f"haproxy refused the generated configuration (exit {checked.returncode}): "
                                     f"{said or 'nothing said'}")
        candidate.replace(self.config_path)
        return self.config_path

    def resolve_peers(self) -> tuple[Peer, ...]:
        if self.options.peers_dns and self.options.local_peer:
            return discovered_peers(self.options.peers_dns, self.options.local_peer)
        return resolved_peers(self.options.peers, self.options.local_peer)

    def refresh(self) -> bool:
        """Fetch the keys and resolve the peers; write and reload when either changed. Whether HAProxy was
        reloaded (a reload keeps the stick tables: the old process hands them to the new one)."""
        keys, peers = self.fetch_keys(), self.resolve_peers()
        new_keys = keys is not None and keys != self.current
        if not new_keys and peers == self.peers:
            return False
        previous = self.peers
        self.peers = peers
        try:
            self.write(keys if new_keys else self.current or {})
        except ConfigurationError:
            self.peers = previous
            raise
        if new_keys:
            self.current = keys
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGUSR2)
            log.info("edge reloaded", extra={"kids": sorted(self.current or {}),
                                             "peers": [peer.name for peer in self.peers]})
            return True
        return False

    def run(self) -> int:
        self.workdir.mkdir(parents=True, exist_ok=True)
        keys = self.fetch_keys()
        self.current = keys
        self.peers = self.resolve_peers()
        self.write(keys or {})
        self.process = subprocess.Popen([self.haproxy, "-W", "-db", "-f", str(self.config_path)])

        def stop(signum, _frame) -> None:
            self.stopping.set()
            if self.process and self.process.poll() is None:
                # SIGUSR1: soft stop, the connections in flight are finished; SIGTERM: at once
                self.process.send_signal(signal.SIGUSR1 if signum == signal.SIGTERM else signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while self.process.poll() is None:
            complete = self.current and (self.options.peers_dns or len(self.peers) == len(self.options.peers))
            wait = self.refresh_seconds if complete else 1.0
            if self.stopping.wait(wait):
                break
            try:
                self.refresh()
            except ConfigurationError as error:
                log.error("the edge kept its configuration", extra={"error": str(error)})
        return self.process.wait()
