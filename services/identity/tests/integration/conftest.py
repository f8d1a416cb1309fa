
import pytest

from identity.bootstrap import bootstrap
from identity.config import Settings
from identity.entrypoints.api.app import create_app
from svckit import migrations
from svckit.testing import ManualClock


@pytest.fixture(scope="session")
def identity_database(database_factory):
    url = database_factory("identity")
    migrations.upgrade(url, "identity:migrations")
    return url


@pytest.fixture
def settings(identity_database, amqp_url, tmp_path):
    return Settings.from_env({
        "SERVICE_ENV": "test", "DATABASE_URL": identity_database, "RABBITMQ_URL": amqp_url,
        "MAIL_DIR": str(tmp_path / "mail"), "LEARNER_URL": "https://skills.example.test",
        "ORGA_URL": "https://skills.example.test/orga",
    })


@pytest.fixture
def identity(settings):
    runtime = bootstrap(settings)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def client(identity):
    return create_app(identity).test_client()


@pytest.fixture
def clock():
    """The runtime's clock, moved by hand (``dataclasses.replace(runtime, now=clock)``)."""
    return ManualClock()
