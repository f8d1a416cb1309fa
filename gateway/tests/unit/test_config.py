import pytest

from gateway.config import Settings
from svckit.config import ConfigurationError


def test_defaults_work_on_a_laptop():
    settings = Settings.from_env({})
    assert settings.services == {
        "identity": ("http://127.0.0.1:8101",),
        "organizations": ("http://127.0.0.1:8102",),
        "campaigns": ("http://127.0.0.1:8103",),
        "assessment": ("http://127.0.0.1:8104",),
        "reporting": ("http://127.0.0.1:8105",),
        "certification": ("http://127.0.0.1:8106",),
    }
    assert settings.jwks_url == "http://127.0.0.1:8101/.well-known/jwks.json"
    assert (settings.jwt_issuer, settings.jwt_audience) == ("skills-platform", "skills-platform")
    assert settings.max_body_bytes == 25 * 1024 * 1024
    assert (settings.connect_timeout, settings.read_timeout) == (3.0, 30.0)
    assert settings.trusted_proxies == 0
    assert settings.ratelimit_enabled is True and settings.ratelimit_storage_uri == "memory://"
    assert (settings.ratelimit_account, settings.ratelimit_address) == ("300/minute", "600/minute")
    assert settings.ratelimit_groups == {"login": "280/minute", "refresh": "300/minute", "signup": "240/minute",
                                         "password_reset": "100/minute", "reconciliation": "10/minute",
                                         "certificate_check": "60/minute"}
    assert settings.ratelimit_key_prefix == "gateway"
    assert (settings.retry_seconds, settings.retry_body_bytes) == (5.0, 1024 * 1024)


def test_every_setting_comes_from_the_environment():
    settings = Settings.from_env({
        "CAMPAIGNS_URL": "http://campaigns:8000/", "UPSTREAM_READ_TIMEOUT": "2.5", "MAX_BODY_BYTES": "1000",
        "TRUSTED_PROXIES": "2", "RATELIMIT_ENABLED": "false", "RATELIMIT_STORAGE_URI": "redis://redis:6379",
        "RATELIMIT_LOGIN": "5/minute", "WEB_THREADS": "4", "RATELIMIT_ACCOUNT": "7/second",
        "RATELIMIT_ADDRESS": "9/hour", "RATELIMIT_REFRESH": "1/minute", "RATELIMIT_KEY_PREFIX": "staging",
        "UPSTREAM_RETRY_SECONDS": "1.5", "UPSTREAM_RETRY_BODY_BYTES": "0", "RATELIMIT_PASSWORD_RESET": "3/hour",
    })
    assert settings.services["campaigns"] == ("http://campaigns:8000",)
    assert settings.read_timeout == 2.5 and settings.max_body_bytes == 1000 and settings.trusted_proxies == 2
    assert settings.ratelimit_enabled is False and settings.ratelimit_storage_uri == "redis://redis:6379"
    assert settings.ratelimit_groups["login"] == "5/minute" and settings.pool_size == 4
    assert (settings.ratelimit_account, settings.ratelimit_address) == ("7/second", "9/hour")
    assert settings.ratelimit_groups["refresh"] == "1/minute" and settings.ratelimit_key_prefix == "staging"
    assert settings.ratelimit_groups["password_reset"] == "3/hour"
    assert (settings.retry_seconds, settings.retry_body_bytes) == (1.5, 0)


PRODUCTION = {"SERVICE_ENV": "production", "JWKS_URL": "http://identity-api:8000/.well-known/jwks.json",
              **{f"{name}_URL": f"http://{name.lower()}-api:8000"
                 for name in ("IDENTITY", "ORGANIZATIONS", "CAMPAIGNS", "ASSESSMENT", "REPORTING", "CERTIFICATION")}}


@pytest.mark.parametrize("storage", ["", "memory://", "memcached://cache:11211"])
def test_production_refuses_counters_that_are_not_shared(storage):
    with pytest.raises(ConfigurationError, match="RATELIMIT_STORAGE_URI.*redis://"):
        Settings.from_env({**PRODUCTION, "RATELIMIT_STORAGE_URI": storage})


def test_production_counts_in_redis():
    settings = Settings.from_env({**PRODUCTION, "RATELIMIT_STORAGE_URI": "redis://gateway-redis:6379/0"})
    assert settings.production and settings.ratelimit_storage_uri == "redis://gateway-redis:6379/0"


def test_the_old_general_limit_is_refused_with_what_replaced_it():
    with pytest.raises(ConfigurationError, match="RATELIMIT_ACCOUNT.*RATELIMIT_ADDRESS"):
        Settings.from_env({"RATELIMIT_DEFAULT": "600/minute"})


def test_production_has_no_default_service_url():
    with pytest.raises(ConfigurationError, match="IDENTITY_URL"):
        Settings.from_env({"SERVICE_ENV": "production"})


@pytest.mark.parametrize(
    "env",
    [
        {"RATELIMIT_LOGIN": "lots"},
        {"RATELIMIT_ACCOUNT": "often"},
        {"UPSTREAM_RETRY_SECONDS": "0"},
        {"UPSTREAM_RETRY_BODY_BYTES": "-1"},
        {"UPSTREAM_READ_TIMEOUT": "soon"},
        {"UPSTREAM_READ_TIMEOUT": "0"},
        {"MAX_BODY_BYTES": "-1"},
        {"REPORTING_URL": "reporting:8000"},
        {"RATELIMIT_ENABLED": "maybe"},
        {"SERVICE_ENV": "staging"},
    ],
)
def test_a_bad_setting_stops_the_start(env):
    with pytest.raises(ConfigurationError):
        Settings.from_env(env)
