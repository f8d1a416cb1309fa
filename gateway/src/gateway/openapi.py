"""One OpenAPI document for the whole public API, merged from the services' own.

Each service serves ``<base>/openapi.json`` (flask-smorest). The gateway keeps, from each
one, only the operations the routing table sends to that service (what a client can
really call through here), and merges the components. Two services may use one name for
different things (``User``): such names are prefixed with the service's name in
CamelCase (``IdentityUser``, ``OrganizationsUser``) and every ``$ref`` (and security
requirement) of that service is rewritten; a component that is the same everywhere (the
common ``Error``) is kept once under its own name.

A service's document is asked of its replicas in turn (its first base URL, then the next when
that one cannot answer: the replicas run the same code, so any one's document is the service's).
A service none of whose replicas answers, or that answers nonsense, is left out and named in
``x-unavailable-services``: the document is never refused as a whole. Each service's
document is cached for OPENAPI_CACHE_SECONDS; a failed fetch is tried again sooner.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from gateway.routes import RoutingTable

log = logging.getLogger("gateway.openapi")

TITLE = "Skills platform API"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
COMPONENT_SECTIONS = (
    "schemas", "responses", "parameters", "examples", "requestBodies", "headers", "securitySchemes", "links",
    "callbacks",
)
FAILURE_RETRY_SECONDS = 5.0

Doc = dict[str, Any]


def camel(service: str) -> str:
    return "".join(part.capitalize() for part in service.replace("_", "-").split("-"))


def _ref(section: str, name: str) -> str:
    return f"#/components/{section}/{name}"


def _rewrite(node: Any, refs: Mapping[str, str], schemes: Mapping[str, str]) -> Any:
    """A copy of ``node`` with ``$ref`` targets, discriminator mappings and security requirements renamed."""
    if isinstance(node, list):
        return [_rewrite(item, refs, schemes) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            out[key] = refs.get(value, value)
        elif key == "mapping" and isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            out[key] = {name: refs.get(target, target) for name, target in value.items()}
        elif key == "security" and isinstance(value, list):
            out[key] = [
                {schemes.get(name, name): scopes for name, scopes in requirement.items()}
                if isinstance(requirement, dict) else requirement
                for requirement in value
            ]
        else:
            out[key] = _rewrite(value, refs, schemes)
    return out


class _Renames:
    """Per service: (section, name) -> new name, for the names that collide."""

    def __init__(self, services: list[str]) -> None:
        self.by_service: dict[str, dict[tuple[str, str], str]] = {service: {} for service in services}

    def add(self, service: str, section: str, name: str) -> None:
        self.by_service[service][(section, name)] = camel(service) + name[:1].upper() + name[1:]

    def has(self, service: str, section: str, name: str) -> bool:
        return (section, name) in self.by_service[service]

    def name(self, service: str, section: str, name: str) -> str:
        return self.by_service[service].get((section, name), name)

    def refs(self, service: str) -> dict[str, str]:
        return {_ref(section, old): _ref(section, new) for (section, old), new in self.by_service[service].items()}

    def schemes(self, service: str) -> dict[str, str]:
        return {old: new for (section, old), new in self.by_service[service].items() if section == "securitySchemes"}


def _components(doc: Doc) -> dict[str, dict[str, Any]]:
    components = doc.get("components")
    if not isinstance(components, dict):
        return {}
    return {section: items for section, items in components.items()
            if section in COMPONENT_SECTIONS and isinstance(items, dict)}


def _collisions(docs: Mapping[str, Doc]) -> _Renames:
    """Rename a name used by several services unless its definition is the same in each.

    Repeated until stable: renaming ``B`` in one service changes the rewritten text of an
    ``A`` that refers to it, so two ``A`` that looked the same may differ now.
    """
    services = list(docs)
    renames = _Renames(services)
    owners: dict[tuple[str, str], list[str]] = {}
    for service, doc in docs.items():
        for section, items in _components(doc).items():
            for name in items:
                owners.setdefault((section, name), []).append(service)
    shared = {key: users for key, users in owners.items() if len(users) > 1}
    changed = True
    while changed:
        changed = False
        for (section, name), users in shared.items():
            if renames.has(users[0], section, name):
                continue
            variants = {
                json.dumps(_rewrite(_components(docs[service])[section][name], renames.refs(service),
                                    renames.schemes(service)), sort_keys=True)
                for service in users
            }
            if len(variants) > 1:
                for service in users:
                    renames.add(service, section, name)
                changed = True
    return renames


def merge_documents(docs: Mapping[str, Doc], table: RoutingTable, unavailable: list[str] | tuple[str, ...] = ()) -> Doc:
    """The public document from the services' documents (service name -> document)."""
    renames = _collisions(docs)
    paths: dict[str, Any] = {}
    components: dict[str, dict[str, Any]] = {}
    tags: dict[str, Any] = {}
    for service, doc in docs.items():
        refs, schemes = renames.refs(service), renames.schemes(service)
        for path, item in (doc.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            kept = {key: value for key, value in item.items()
                    if key not in HTTP_METHODS or _routed_to(table, key, path, service)}
            operations = [key for key in kept if key in HTTP_METHODS]
            if not operations:
                continue
            kept = _rewrite(kept, refs, schemes)
            # Two services may serve different methods of one path: their operations meet here.
            target = paths.setdefault(path, {key: value for key, value in kept.items() if key not in HTTP_METHODS})
            target.update({method: kept[method] for method in operations})
        for section, items in _components(doc).items():
            merged_section = components.setdefault(section, {})
            for name, definition in items.items():
                new_name = renames.name(service, section, name)
                if new_name not in merged_section:  # the same definition, seen in an earlier service
                    merged_section[new_name] = _rewrite(definition, refs, schemes)
        for tag in doc.get("tags") or []:
            if isinstance(tag, dict) and tag.get("name") not in tags:
                tags[tag.get("name")] = copy.deepcopy(tag)
    merged: Doc = {
        "openapi": _version(docs),
        "info": {
            "title": TITLE,
            "version": "1",
            "description": "The public API of the platform, merged by the gateway from each service's own document.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {section: dict(sorted(items.items())) for section, items in components.items()},
        "x-unavailable-services": sorted(unavailable),
    }
    if tags:
        merged["tags"] = list(tags.values())
    return merged


def _routed_to(table: RoutingTable, method: str, path: str, service: str) -> bool:
    route = table.route_for(method.upper(), path)
    return route is not None and route.service == service


def _version(docs: Mapping[str, Doc]) -> str:
    versions = {doc.get("openapi") for doc in docs.values() if isinstance(doc.get("openapi"), str)}
    return versions.pop() if len(versions) == 1 else "3.0.3"


class OpenApiCatalog:
    """Fetches, caches and merges the services' documents."""

    def __init__(self, services: Mapping[str, Sequence[str]], table: RoutingTable, session: requests.Session, *,
                 timeout: float, cache_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        # service name -> its base URLs (replicas), asked in this order
        self.services, self.table, self.session = {name: tuple(urls) for name, urls in services.items()}, table, session
        self.timeout, self.cache_seconds, self.clock = timeout, cache_seconds, clock
        self._cache: dict[str, tuple[float, Doc | None]] = {}
        self._lock = threading.Lock()

    def document(self) -> Doc:
        with self._lock:  # one refresh at a time; the others wait for its result
            now = self.clock()
            stale = [service for service in self.services
                     if service not in self._cache or self._cache[service][0] <= now]
            if stale:
                with ThreadPoolExecutor(max_workers=len(stale)) as pool:
                    for service, doc in zip(stale, pool.map(self._fetch, stale), strict=True):
                        ttl = self.cache_seconds if doc is not None else min(self.cache_seconds, FAILURE_RETRY_SECONDS)
                        self._cache[service] = (now + ttl, doc)
            docs = {service: self._cache[service][1] for service in self.services}
        available = {service: doc for service, doc in docs.items() if doc is not None}
        unavailable = [service for service, doc in docs.items() if doc is None]
        return merge_documents(available, self.table, unavailable)

    def _fetch(self, service: str) -> Doc | None:
        for base in self.services[service]:
            try:
                response = self.session.get(f"{base}/openapi.json", timeout=self.timeout,
                                            headers={"Accept": "application/json"})
                response.raise_for_status()
                doc = response.json()
            except (requests.RequestException, ValueError) as error:
                log.warning("openapi document unavailable", extra={
                    "upstream": service, "replica": base, "error": type(error).__name__})
                continue
            if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
                log.warning("openapi document invalid", extra={"upstream": service, "replica": base})
                return None  # the replicas run the same code: another would answer the same
            return doc
        return None
