"""The HAProxy configuration generated from the routing table (gateway.edge): every route keeps its
service, its token, its limit group and its idempotency keys; its path expression matches what the
table matches."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.config import Settings
from gateway.edge import (
    EdgeOptions,
    discovered_peers,
    haproxy_config,
    parse_peers,
    pem_keys,
    rate,
    resolved_peers,
    route_regex,
)
from gateway.routes import ADDRESS_GROUPS, ROUTES, RoutingTable, split_path
from svckit.config import ConfigurationError

settings = Settings.from_env({})
options = EdgeOptions(bind="127.0.0.1:8080", gateway_url="http://127.0.0.1:8090",
                      keys={"key-1": Path("/keys/key-1.pem")})
CONFIG = haproxy_config(settings, options)


def members(acl_or_rule: str) -> set[int]:
    """The route numbers an ACL or a use_backend rule lists: `var(txn.route) -m int 1 2 3` (an ACL over several
    lines: all of them, ORed)."""
    lines = [line for line in CONFIG.splitlines() if acl_or_rule in line]
    assert lines
    numbers = " ".join(re.search(r"var\(txn\.route\) -m int ([-\d ]+)", line).group(1) for line in lines)
    return {int(n) for n in numbers.split()} - {-1}


def test_the_routes_are_tried_in_the_tables_order_each_with_its_path_and_methods():
    rules = [line for line in CONFIG.splitlines() if "set-var(txn.route) int(" in line]
    assert len(rules) == len(ROUTES)
    for index, (rule, route) in enumerate(zip(rules, ROUTES, strict=True)):
        assert f"int({index})" in rule and rule.endswith(f"# {route.pattern}")
        assert f"{{ path -m reg {route_regex(route)} }}" in rule
        if route.methods is None:
            assert "{ method" not in rule
        else:
            listed = set(re.search(r"\{ method ([A-Z ]+) \}", rule).group(1).split())
            assert listed == set(route.methods) | ({"HEAD"} if "GET" in route.methods else set())


def test_every_route_goes_to_its_service_with_its_token_group_and_keys():
    for service in RoutingTable().services():
        assert members(f"use_backend service_{service} ") == {i for i, r in enumerate(ROUTES) if r.service == service}
    assert members("acl token_route") == {i for i, r in enumerate(ROUTES) if r.token}
    assert members("acl address_group") == {i for i, r in enumerate(ROUTES) if r.limit_group in ADDRESS_GROUPS}
    assert members("acl honours_keys") == {i for i, r in enumerate(ROUTES) if r.honours_idempotency_keys}
    for group in {r.limit_group for r in ROUTES if r.limit_group}:
        assert members(f"acl group_{group} ") == {i for i, r in enumerate(ROUTES) if r.limit_group == group}


def test_each_bucket_has_its_table_and_its_figure():
    for scope, value in (("account", settings.ratelimit_account), ("address", settings.ratelimit_address),
                         *settings.ratelimit_groups.items()):
        amount, period, words = rate(value)
        assert f"backend limit_{scope}\n    stick-table type" in CONFIG
        assert f"store http_req_rate({period}s)" in CONFIG
        assert f"sc_http_req_rate({0 if scope in ('account', 'address') else 1}) gt {amount} }}" in CONFIG
        assert f'"per":"{scope}"' in CONFIG and f'"limit":"{words}"' in CONFIG


SAMPLES = ["/api/users", "/api/users/me", "/api/users/me/profile", "/api/users/me/x", "/api/admin/users",
           "/api/admin/users/1/roles", "/api/admin/users/", "/api/organizations/7", "/api/organizations//learners",
           "/api/organizations/7/learners/imports", "/api/organizations/7/learners/imports/3/rows",
           "/api/campaigns/by-code/A.B", "/api/campaigns/1/export.csv", "/api/campaigns/1/export-csv",
           "/.well-known/jwks.json", "/.well-known/jwksXjson", "/api/certification-joinings/5",
           "/api/certification-courses/1/assessment", "/api/certification-courses/1/assessment/answers/2"]


@pytest.mark.parametrize("path", SAMPLES)
def test_each_routes_expression_matches_the_paths_the_table_matches(path):
    segments = split_path(path)
    for route in ROUTES:
        assert bool(re.fullmatch(route_regex(route), path)) == route.matches_path(segments), (route.pattern, path)


def test_a_service_url_the_edge_cannot_forward_to_is_refused():
    with pytest.raises(ConfigurationError, match="http://host:port"):
        haproxy_config(Settings.from_env({"REPORTING_URL": "https://reporting.example"}), options)


def test_a_bucket_with_two_limits_is_refused():
    with pytest.raises(ConfigurationError, match="one limit per bucket"):
        haproxy_config(Settings.from_env({"RATELIMIT_LOGIN": "10/second;280/minute"}), options)


def test_several_replicas_of_a_service_are_its_backends_servers():
    config = haproxy_config(Settings.from_env({"ASSESSMENT_URL": "http://127.0.0.1:8104,http://127.0.0.1:8114"}),
                            options)
    backend = config.split("backend service_assessment\n")[1].split("\n\n")[0]
    assert "server assessment1 127.0.0.1:8104" in backend and "server assessment2 127.0.0.1:8114" in backend


def test_the_jwks_keys_become_pem_files_that_verify_identitys_tokens():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwks = {"keys": [{**public, "kid": "key-2", "use": "sig"}, {**public, "kid": "bad kid"},
                     {"kty": "EC", "kid": "ec"}]}
    pems = pem_keys(jwks)
    assert set(pems) == {"key-2"}  # a kid the configuration cannot carry, or another kind of key, is left out
    token = jwt.encode({"sub": "u"}, private, algorithm="RS256")
    loaded = serialization.load_pem_public_key(pems["key-2"])
    assert jwt.decode(token, loaded, algorithms=["RS256"])["sub"] == "u"


def test_peers_are_read_as_name_and_address():
    assert [(p.name, p.address) for p in parse_peers("edge1=10.0.0.1:10000, edge2=10.0.0.2:10000")] == [
        ("edge1", "10.0.0.1:10000"), ("edge2", "10.0.0.2:10000")]
    with pytest.raises(ConfigurationError):
        parse_peers("edge1")


def test_peers_are_given_to_haproxy_by_address_and_a_peer_not_resolved_yet_is_left_out():
    peers = parse_peers("edge-0=edge-0.edge-peers:10000,edge-1=edge-1.edge-peers:10000,edge-2=edge-2.edge-peers:10000")
    addresses = {"edge-0.edge-peers": "10.0.0.1", "edge-2.edge-peers": "fd00::2"}
    found = resolved_peers(peers, "edge-1", lambda host, _port: {addresses[host]} if host in addresses else set())
    assert [(p.name, p.address) for p in found] == [
        ("edge-0", "10.0.0.1:10000"), ("edge-1", "0.0.0.0:10000"), ("edge-2", "[fd00::2]:10000")]
    assert [p.name for p in resolved_peers(peers, "edge-0", lambda _host, _port: set())] == ["edge-0"]


def test_edges_behind_one_name_are_named_by_their_addresses_and_haproxy_accepts_them(tmp_path):
    found = discovered_peers("edge-peers:10000", "10.0.0.2", lambda _host, _port: {"10.0.0.3", "10.0.0.1"})
    assert [(p.name, p.address) for p in found] == [
        ("10.0.0.1", "10.0.0.1:10000"), ("10.0.0.2", "0.0.0.0:10000"), ("10.0.0.3", "10.0.0.3:10000")]
    alone = discovered_peers("edge-peers:10000", "10.0.0.2", lambda _host, _port: set())  # not listed yet
    assert [(p.name, p.address) for p in alone] == [("10.0.0.2", "0.0.0.0:10000")]
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config(settings, EdgeOptions(bind="127.0.0.1:8080", gateway_url="http://127.0.0.1:8090",
                                                           peers=found, local_peer="10.0.0.2")))
    checked = subprocess.run(["haproxy", "-c", "-q", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
