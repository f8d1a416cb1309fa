"""campaigns' settings, from the environment (see svckit.config for the common ones)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from svckit.config import CommonSettings, env_float


@dataclass(frozen=True)
class Settings:
    common: CommonSettings
    retry_delay: timedelta  # how long after sharing a learner may start again to improve

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(common=CommonSettings.from_env("campaigns", env),
                   retry_delay=timedelta(days=env_float(env, "RETRY_DELAY_DAYS", 4.0)))
