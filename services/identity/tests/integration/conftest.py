import importlib.util
from pathlib import Path

import pytest

from identity.bootstrap import bootstrap
from identity.config import Settings
from identity.entrypoints.api.app import create_app
from svckit import migrations
from svckit.testing import ManualClock, free_port

ROOT = Path(__file__).resolve().parents[4]
LEARNER_URL = "https://skills.example.test"
SP_ENTITY_ID, ACS_URL = f"{LEARNER_URL}/api/saml/metadata", f"{LEARNER_URL}/api/saml/acs"
OTHER_SP_ENTITY_ID = "https://another-resource.example.test/saml/metadata"  # another SP the GAR signs in to


def _saml_idp_tool():
    spec = importlib.util.spec_from_file_location("saml_idp", ROOT / "tools" / "saml_idp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def real_idp(tmp_path_factory):
    """The demo GAR, SimpleSAMLphp from Debian (tools/saml_idp.py), on a free port: its metadata URL."""
    tool = _saml_idp_tool()
    missing = tool.available()
    if missing:
        pytest.fail(f"identity's SAML tests need the real IdP: {missing} (make install does it as root)",
                    pytrace=False)
    port = free_port()
    process = tool.start(tmp_path_factory.mktemp("idp"), port, [
        {"entity_id": SP_ENTITY_ID, "acs": ACS_URL}, {"entity_id": OTHER_SP_ENTITY_ID, "acs": ACS_URL}])
    yield f"http://127.0.0.1:{port}/saml2/idp/metadata.php"
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def identity_database(database_factory):
    url = database_factory("identity")
    migrations.upgrade(url, "identity:migrations")
    return url


@pytest.fixture
def settings(identity_database, amqp_url, tmp_path, real_idp):
    return Settings.from_env({
        "SERVICE_ENV": "test", "DATABASE_URL": identity_database, "RABBITMQ_URL": amqp_url,
        "MAIL_DIR": str(tmp_path / "mail"), "LEARNER_URL": LEARNER_URL, "ORGA_URL": f"{LEARNER_URL}/orga",
        "SAML_IDP_METADATA_URL": real_idp,
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
