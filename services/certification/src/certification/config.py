"""certification's settings, from the environment (see svckit.config for the common ones)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from svckit.config import CommonSettings, ConfigurationError, env_int
from svckit.live import LiveSettings
from svckit.mail import MailSettings

MAX_IMPORT_BYTES = 2 * 1024 * 1024  # a candidates' CSV: thousands of lines at most


@dataclass(frozen=True)
class Settings:
    common: CommonSettings
    public_url: str  # where the Certif face is served (the links in the mails)
    mail: MailSettings
    max_import_bytes: int
    live: LiveSettings  # the invigilator's live page (svckit.live): Redis, streams per process, their lifetime
    learner_url: str = "http://localhost:8080"  # the learners' face (the certificate's link in the results mail)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        common = CommonSettings.from_env("certification", env)
        public_url = env.get("PUBLIC_URL", "")
        if common.production and not public_url:
            raise ConfigurationError("PUBLIC_URL must be set in production (the links in the mails)")
        return cls(common=common, public_url=public_url or "http://localhost:8080/certif",
                   mail=MailSettings.from_env(env, production=common.production,
                                              default_sender="Certif <no-reply@skills-platform.example.org>"),
                   max_import_bytes=env_int(env, "MAX_IMPORT_BYTES", MAX_IMPORT_BYTES),
                   live=LiveSettings.from_env(env, "certification", production=common.production),
                   learner_url=env.get("LEARNER_URL", "") or public_url.removesuffix("/certif").rstrip("/")
                   or "http://localhost:8080")
