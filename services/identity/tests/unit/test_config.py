import pytest

from identity.adapters.hashing import Argon2Parameters
from identity.config import DEV_SIGNING_KEYS_SECRET, Settings
from svckit.config import ConfigurationError

PRODUCTION = {"SERVICE_ENV": "production", "DATABASE_URL": "postgresql://db/identity",
              "RABBITMQ_URL": "amqp://identity:pw@mq/", "JWKS_URL": "http://identity/.well-known/jwks.json",
              "SMTP_URL": "smtp://identity:pw@mail.example.org:587", "LEARNER_URL": "https://example.org",
              "ORGA_URL": "https://example.org/orga"}


@pytest.mark.parametrize("secret", [None, "short", DEV_SIGNING_KEYS_SECRET])
def test_production_refuses_to_start_without_a_real_signing_keys_secret(secret):
    environ = dict(PRODUCTION)
    if secret is not None:
        environ["SIGNING_KEYS_SECRET"] = secret
    with pytest.raises(ConfigurationError, match="SIGNING_KEYS_SECRET"):
        Settings.from_env(environ)


def test_production_starts_with_its_secrets_and_token_lifetimes_are_settings():
    settings = Settings.from_env({**PRODUCTION, "SIGNING_KEYS_SECRET": "x" * 40, "ACCESS_TOKEN_TTL_SECONDS": "300"})
    assert settings.tokens.access_ttl_seconds == 300
    assert settings.throttle.free_failures == 5 and settings.throttle.longest_wait.total_seconds() == 900


def test_the_hashes_computed_at_once_are_a_setting_of_one_or_more():
    environ = {**PRODUCTION, "SIGNING_KEYS_SECRET": "x" * 40}
    assert Settings.from_env(environ).argon2_concurrency == 2
    assert Settings.from_env({**environ, "ARGON2_CONCURRENCY": "1"}).argon2_concurrency == 1
    with pytest.raises(ConfigurationError, match="ARGON2_CONCURRENCY"):
        Settings.from_env({**environ, "ARGON2_CONCURRENCY": "0"})


def test_argon2s_parameters_are_settings_owasps_minimum_by_default_and_never_below():
    environ = {**PRODUCTION, "SIGNING_KEYS_SECRET": "x" * 40}
    assert Settings.from_env(environ).argon2 == Argon2Parameters(memory_kib=19_456, time_cost=2, parallelism=1)
    costlier = Settings.from_env({**environ, "ARGON2_MEMORY_KIB": "65536", "ARGON2_TIME_COST": "3",
                                  "ARGON2_PARALLELISM": "4"})
    assert costlier.argon2 == Argon2Parameters(memory_kib=65_536, time_cost=3, parallelism=4)
    for weaker in ({"ARGON2_MEMORY_KIB": "8192"}, {"ARGON2_TIME_COST": "1"}, {"ARGON2_PARALLELISM": "0"}):
        with pytest.raises(ConfigurationError, match="ARGON2_"):
            Settings.from_env({**environ, **weaker})


@pytest.mark.parametrize("missing", ["SMTP_URL", "LEARNER_URL", "ORGA_URL"])
def test_production_needs_a_mail_server_and_the_faces_addresses_for_the_links(missing):
    environ = {**PRODUCTION, "SIGNING_KEYS_SECRET": "x" * 40}
    del environ[missing]
    with pytest.raises(ConfigurationError, match=missing):
        Settings.from_env(environ)


def test_a_laptop_writes_mails_to_files_with_links_to_the_local_faces():
    settings = Settings.from_env({"SERVICE_ENV": "development"})
    assert settings.mail.backend == "file"
    assert (settings.learner_url, settings.orga_url) == ("http://localhost:8080", "http://localhost:8080/orga")
