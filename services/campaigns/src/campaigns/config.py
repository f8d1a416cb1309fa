from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from svckit.config import CommonSettings


@dataclass(frozen=True)
class Settings:
    common: CommonSettings

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        return cls(common=CommonSettings.from_env("campaigns", environ))
