"""assessment's API and consumer handlers on their real database. Other services are faked only at the
edges: tokens are signed with a test key, and campaigns' events are handed to the real handlers."""

from __future__ import annotations

import dataclasses
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))  # the made-up release of the unit tests

from assessment_it import release_document  # noqa: E402

from assessment.bootstrap import bootstrap  # noqa: E402
from assessment.config import Settings  # noqa: E402
from assessment.entrypoints.api.app import create_app  # noqa: E402
from assessment.entrypoints.cli import checksum  # noqa: E402
from assessment.service_layer import handlers  # noqa: E402
from svckit import migrations  # noqa: E402
from svckit.auth import TokenVerifier  # noqa: E402
from svckit.testing import Person, TestKeys, token_for  # noqa: E402


@pytest.fixture(scope="session")
def assessment_database(database_factory):
    url = database_factory("assessment")
    migrations.upgrade(url, "assessment:migrations")
    return url


@pytest.fixture
def runtime(assessment_database, amqp_url):
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": assessment_database,
                                  "RABBITMQ_URL": amqp_url, "CONTENT_REFRESH_SECONDS": "0.001"})
    runtime = dataclasses.replace(bootstrap(settings), verifier=TokenVerifier(TestKeys(), "skills-platform",
                                                                              "skills-platform"))
    document = release_document()
    handlers.release_content(document, checksum(document), "tests", runtime.uow(), runtime.now())
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def client(runtime):
    return create_app(runtime).test_client()


@pytest.fixture
def learner():
    def make(name: str = "learner", roles: tuple[str, ...] = ()) -> Person:
        user_id, email = str(uuid.uuid4()), f"{name}.{uuid.uuid4().hex[:8]}@example.org"
        return Person(user_id, email, token_for(user_id, email, roles))

    return make
