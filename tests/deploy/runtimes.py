"""What each service's composition root says it runs, for the container and Kubernetes checks: a consumer
when it consumes (its runtime overrides BaseRuntime.subscriptions), a relay when it publishes
(BaseRuntime.publishes)."""

from __future__ import annotations

import importlib
import inspect


def _runtimes(service: str) -> list[type]:
    from svckit.runtime import BaseRuntime

    module = importlib.import_module(f"{service}.bootstrap")
    runtimes = [c for _, c in inspect.getmembers(module, inspect.isclass)
                if issubclass(c, BaseRuntime) and c is not BaseRuntime]
    assert runtimes, f"{service}.bootstrap defines no BaseRuntime"
    return runtimes


def consumes(service: str) -> bool:
    from svckit.runtime import BaseRuntime

    return any(c.subscriptions is not BaseRuntime.subscriptions for c in _runtimes(service))


def publishes(service: str) -> bool:
    return any(c.publishes for c in _runtimes(service))
