"""identity's settings, from the environment (see svckit.config for the common ones)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from identity.adapters.hashing import Argon2Parameters
from identity.adapters.saml import SamlSettings
from identity.domain.login_throttle import LoginThrottle
from identity.domain.recovery import RecoveryPolicy
from identity.service_layer.ports import TokenPolicy
from svckit.config import CommonSettings, ConfigurationError, env_int
from svckit.mail import MailSettings

DEV_SIGNING_KEYS_SECRET = "development-only-signing-keys-secret"  # noqa: S105 - refused in production


@dataclass(frozen=True)
class Settings:
    common: CommonSettings
    signing_keys_secret: str
    tokens: TokenPolicy
    throttle: LoginThrottle
    mail: MailSettings
    learner_url: str  # the learners' face, where a learner's reset and verification links lead
    orga_url: str  # the Orga face, where a teacher's lead (a link leads to the face it was asked from)
    saml: SamlSettings = SamlSettings(entity_id="", acs_url="")  # the GAR (adapters/saml.py); from_env sets it
    argon2_concurrency: int = 2  # hashes computed at once per process (adapters/hashing.py)
    argon2: Argon2Parameters = Argon2Parameters()  # OWASP's minimum, and the floor (adapters/hashing.py)
    recovery: RecoveryPolicy = RecoveryPolicy()  # domain/recovery.py: lifetimes and throttles of the mails

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        common = CommonSettings.from_env("identity", env)
        secret = env.get("SIGNING_KEYS_SECRET", "")
        if common.production and (len(secret) < 32 or secret == DEV_SIGNING_KEYS_SECRET):
            raise ConfigurationError("SIGNING_KEYS_SECRET must be set in production (32 characters or more)")
        urls = {name: env.get(name, "") for name in ("LEARNER_URL", "ORGA_URL")}
        for name, url in urls.items():
            if common.production and not url:
                raise ConfigurationError(f"{name} must be set in production (the links in the mails)")
        concurrency = env_int(env, "ARGON2_CONCURRENCY", 2)
        if concurrency < 1:
            raise ConfigurationError("ARGON2_CONCURRENCY must be 1 or more")
        try:
            argon2 = Argon2Parameters(memory_kib=env_int(env, "ARGON2_MEMORY_KIB", Argon2Parameters.memory_kib),
                                      time_cost=env_int(env, "ARGON2_TIME_COST", Argon2Parameters.time_cost),
                                      parallelism=env_int(env, "ARGON2_PARALLELISM", Argon2Parameters.parallelism))
        except ValueError as error:
            raise ConfigurationError(f"ARGON2_MEMORY_KIB, ARGON2_TIME_COST, ARGON2_PARALLELISM: {error}") from error
        learner_url = urls["LEARNER_URL"] or "http://localhost:8080"
        # The GAR: off in production until its metadata is given; in development, the demo IdP of make up.
        idp_metadata_url = env.get("SAML_IDP_METADATA_URL",
                                   "" if common.production else "http://127.0.0.1:8110/saml2/idp/metadata.php")
        saml = SamlSettings(entity_id=env.get("SAML_SP_ENTITY_ID", "") or f"{learner_url}/api/saml/metadata",
                            acs_url=env.get("SAML_ACS_URL", "") or f"{learner_url}/api/saml/acs",
                            idp_metadata_url=idp_metadata_url,
                            idp_metadata_file=env.get("SAML_IDP_METADATA_FILE", ""),
                            clock_skew_seconds=env_int(env, "SAML_CLOCK_SKEW_SECONDS", 60))
        return cls(
            common=common,
            signing_keys_secret=secret or DEV_SIGNING_KEYS_SECRET,
            tokens=TokenPolicy(
                access_ttl_seconds=env_int(env, "ACCESS_TOKEN_TTL_SECONDS", 900),
                refresh_ttl_seconds=env_int(env, "REFRESH_TOKEN_TTL_SECONDS", 30 * 24 * 3600),
            ),
            throttle=LoginThrottle(  # domain/login_throttle.py says what each figure does
                memory=timedelta(seconds=env_int(env, "LOGIN_MEMORY_SECONDS", 24 * 3600)),
                free_failures=env_int(env, "LOGIN_FREE_FAILURES", 5),
                siege_failures=env_int(env, "LOGIN_SIEGE_FAILURES", 50),
                first_wait=timedelta(seconds=env_int(env, "LOGIN_FIRST_WAIT_SECONDS", 60)),
                longest_wait=timedelta(seconds=env_int(env, "LOGIN_LONGEST_WAIT_SECONDS", 15 * 60)),
            ),
            mail=MailSettings.from_env(env, production=common.production,
                                       default_sender="Plateforme <no-reply@skills-platform.example.org>"),
            learner_url=learner_url,
            saml=saml,
            orga_url=urls["ORGA_URL"] or "http://localhost:8080/orga",
            argon2_concurrency=concurrency,
            argon2=argon2,
        )
