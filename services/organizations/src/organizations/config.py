"""organizations' settings, from the environment (see svckit.config for the common ones)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from svckit.config import CommonSettings, ConfigurationError, env_int

MAX_IMPORT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    common: CommonSettings
    public_url: str
    mail_backend: str  # smtp or file
    smtp_url: str | None
    mail_from: str
    mail_dir: Path
    max_import_bytes: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        common = CommonSettings.from_env("organizations", env)
        backend = env.get("MAIL_BACKEND", "smtp" if common.production else "file")
        if backend not in ("smtp", "file"):
            raise ConfigurationError(f"MAIL_BACKEND={backend!r}: expected smtp or file")
        if common.production and backend != "smtp":
            raise ConfigurationError("production sends its mails by SMTP (MAIL_BACKEND=smtp)")
        smtp_url = env.get("SMTP_URL") or None
        if backend == "smtp" and not smtp_url:
            raise ConfigurationError("SMTP_URL must be set when MAIL_BACKEND=smtp (smtp://user:password@host:587)")
        public_url = env.get("PUBLIC_URL", "")
        if common.production and not public_url:
            raise ConfigurationError("PUBLIC_URL must be set in production (the links in the mails)")
        return cls(
            common=common,
            public_url=public_url or "http://localhost:8080/orga",
            mail_backend=backend,
            smtp_url=smtp_url,
            mail_from=env.get("MAIL_FROM", "Orga <no-reply@skills-platform.example.org>"),
            mail_dir=Path(env.get("MAIL_DIR", ".run/mail")),
            max_import_bytes=env_int(env, "MAX_IMPORT_BYTES", MAX_IMPORT_BYTES),
        )
