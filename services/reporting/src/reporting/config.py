from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from svckit.config import CommonSettings, env_float
from svckit.live import LiveSettings

# A campaign's live activity is sent again at most once per this many seconds per page (svckit.live's
# coalescing): a class answering at once is dozens of changes a second, and each view sent makes the page read
# its participants again. 4 s is the period the page was polled at: pushed, a page never costs more reads than
# it did polled, and costs none while nothing changes.
ACTIVITY_COALESCE_SECONDS = 4.0


@dataclass(frozen=True)
class Settings:
    common: CommonSettings
    live: LiveSettings  # a campaign's live activity for Orga (svckit.live): Redis, streams per process, lifetime
    activity_coalesce_seconds: float = ACTIVITY_COALESCE_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        common = CommonSettings.from_env("reporting", env)
        return cls(common=common, live=LiveSettings.from_env(env, "reporting", production=common.production),
                   activity_coalesce_seconds=env_float(env, "LIVE_ACTIVITY_COALESCE_SECONDS",
                                                       ACTIVITY_COALESCE_SECONDS))
