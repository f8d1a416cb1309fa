"""assessment's settings, from the environment (see svckit.config for the common ones)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from assessment.domain.model import Rules
from svckit.config import CommonSettings, ConfigurationError, env_float, env_int


@dataclass(frozen=True)
class Settings:
    common: CommonSettings
    rules: Rules
    content_refresh_seconds: float  # how stale a process's in-memory release may be
    # The certification items' fitted parameters (`assessment calibration fit --output`); derived ones when unset.
    certification_item_parameters: Path | None = None
    # How many tests' states an api process keeps between requests (adapters.state_cache); 0 keeps none.
    state_cache_size: int = 1000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        max_level = env_int(env, "MAX_REACHABLE_LEVEL", 5)
        if not 1 <= max_level <= 8:
            raise ConfigurationError(f"MAX_REACHABLE_LEVEL={max_level}: expected 1 to 8")
        return cls(
            common=CommonSettings.from_env("assessment", env),
            rules=Rules(reset_after=timedelta(days=env_float(env, "RETRY_RESET_AFTER_DAYS", 4.0)),
                        max_level=max_level,
                        timer_grace=timedelta(seconds=env_float(env, "TIMER_GRACE_SECONDS", 5.0))),
            content_refresh_seconds=env_float(env, "CONTENT_REFRESH_SECONDS", 30.0),
            certification_item_parameters=Path(env["CERTIFICATION_ITEM_PARAMETERS"])
            if env.get("CERTIFICATION_ITEM_PARAMETERS") else None,
            state_cache_size=env_int(env, "STATE_CACHE_SIZE", 1000),
        )
