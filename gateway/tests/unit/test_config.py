import pytest

from gateway.config import Settings
from svckit.config import ConfigurationError


def test_defaults_work_on_a_laptop():
    settings = Settings.from_env({})
    assert settings.services == {
        "identity": "http://127.0.0.1:8101",
        "organizations": "http://127.0.0.1:8102",
        "campaigns": "http://127.0.0.1:8103",
        "assessment": "http://127.0.0.1:8104",
        "reporting": "http://127.0.0.1:8105",
    }
    assert settings.jwks_url == "http://127.0.0.1:8101/.well-known/jwks.json"
    assert (settings.jwt_issuer, settings.jwt_audience) == ("skills-platform", "skills-platform")
    assert settings.max_body_bytes == 25 * 1024 * 1024
    assert (settings.connect_timeout, settings.read_timeout) == (3.0, 30.0)
    assert settings.trusted_proxies == 0
    assert settings.ratelimit_enabled is True and settings.ratelimit_storage_uri == "memory://"
    assert settings.ratelimit_default == "600/minute"
    assert settings.ratelimit_groups == {"login": "30/minute", "signup": "20/minute", "reconciliation": "10/minute"}


def test_every_setting_comes_from_the_environment():
    settings = Settings.from_env({
        "CAMPAIGNS_URL": "http://campaigns:8000/", "UPSTREAM_READ_TIMEOUT": "2.5", "MAX_BODY_BYTES": "1000",
        "TRUSTED_PROXIES": "2", "RATELIMIT_ENABLED": "false", "RATELIMIT_STORAGE_URI": "redis://redis:6379",
        "RATELIMIT_LOGIN": "5/minute", "WEB_THREADS": "4",
    })
    assert settings.services["campaigns"] == "http://campaigns:8000"
    assert settings.read_timeout == 2.5 and settings.max_body_bytes == 1000 and settings.trusted_proxies == 2
    assert settings.ratelimit_enabled is False and settings.ratelimit_storage_uri == "redis://redis:6379"
    assert settings.ratelimit_groups["login"] == "5/minute" and settings.pool_size == 4


def test_production_has_no_default_service_url():
    with pytest.raises(ConfigurationError, match="IDENTITY_URL"):
        Settings.from_env({"SERVICE_ENV": "production"})


@pytest.mark.parametrize(
    "env",
    [
        {"RATELIMIT_LOGIN": "lots"},
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
