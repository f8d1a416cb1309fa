import pytest

from svckit.config import CommonSettings, ConfigurationError, env_bool, normalize_database_url


def test_development_defaults_work_on_a_laptop():
    settings = CommonSettings.from_env("campaigns", {})
    assert settings.environment == "development"
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/skills_campaigns"
    assert settings.rabbitmq_url.startswith("amqp://guest:guest@127.0.0.1:5672")


@pytest.mark.parametrize("missing", ["DATABASE_URL", "RABBITMQ_URL", "JWKS_URL"])
def test_production_has_no_default_connection_string(missing):
    environ = {"SERVICE_ENV": "production", "DATABASE_URL": "postgresql://db/x", "RABBITMQ_URL": "amqp://app:s3cret@mq/",
               "JWKS_URL": "http://identity/.well-known/jwks.json"}
    del environ[missing]
    with pytest.raises(ConfigurationError, match=missing):
        CommonSettings.from_env("campaigns", environ)


def test_production_refuses_the_default_broker_account_and_demo_data():
    with pytest.raises(ConfigurationError, match="guest"):
        CommonSettings.from_env("campaigns", {"SERVICE_ENV": "production", "DATABASE_URL": "postgresql://db/x",
                                              "RABBITMQ_URL": "amqp://guest:guest@mq/", "JWKS_URL": "http://i/jwks"})
    settings = CommonSettings.from_env("campaigns", {"SERVICE_ENV": "production", "DATABASE_URL": "postgresql://db/x",
                                                     "RABBITMQ_URL": "amqp://app:pw@mq/", "JWKS_URL": "http://i/jwks"})
    with pytest.raises(ConfigurationError, match="demo"):
        settings.refuse_demo_in_production()


def test_bad_values_are_reported_by_name():
    with pytest.raises(ConfigurationError, match="SERVICE_ENV"):
        CommonSettings.from_env("x", {"SERVICE_ENV": "prod"})
    with pytest.raises(ConfigurationError, match="OPS_PORT"):
        CommonSettings.from_env("x", {"OPS_PORT": "eighty"})
    with pytest.raises(ConfigurationError, match="MESSAGE_RETRY_DELAYS_MS"):
        CommonSettings.from_env("x", {"MESSAGE_RETRY_DELAYS_MS": "1s,2s"})
    with pytest.raises(ConfigurationError):
        env_bool("maybe")


def test_the_relays_idle_sleep_is_a_setting_with_todays_200_ms_by_default():
    assert CommonSettings.from_env("campaigns", {}).relay_idle_ms == 200
    assert CommonSettings.from_env("campaigns", {"RELAY_IDLE_MS": "50"}).relay_idle_ms == 50
    for wrong in ("0", "9", "5001", "fast"):
        with pytest.raises(ConfigurationError, match="RELAY_IDLE_MS"):
            CommonSettings.from_env("campaigns", {"RELAY_IDLE_MS": wrong})


def test_the_relays_wake_up_after_a_notification_is_a_setting_and_0_turns_it_off():
    assert CommonSettings.from_env("campaigns", {}).relay_wake_ms == 5
    assert CommonSettings.from_env("campaigns", {"RELAY_WAKE_MS": "0"}).relay_wake_ms == 0
    for wrong in ("-1", "1001", "soon"):
        with pytest.raises(ConfigurationError, match="RELAY_WAKE_MS"):
            CommonSettings.from_env("campaigns", {"RELAY_WAKE_MS": wrong})


def test_the_usual_postgres_urls_use_the_psycopg_driver():
    assert normalize_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
