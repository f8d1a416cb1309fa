"""campaigns' API and consumer handlers on their real database. Other services are faked only at the
edges: tokens are signed with a test key, and organizations' and assessment's events are handed to the
real handlers."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from campaigns_it import grant, organization, person, release  # noqa: E402

from campaigns.bootstrap import bootstrap  # noqa: E402
from campaigns.config import Settings  # noqa: E402
from campaigns.entrypoints.api.app import create_app  # noqa: E402
from svckit import migrations  # noqa: E402
from svckit.auth import TokenVerifier  # noqa: E402
from svckit.testing import TestKeys  # noqa: E402


@pytest.fixture(scope="session")
def campaigns_database(database_factory):
    url = database_factory("campaigns")
    migrations.upgrade(url, "campaigns:migrations")
    return url


@pytest.fixture
def runtime(campaigns_database, amqp_url):
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": campaigns_database, "RABBITMQ_URL": amqp_url})
    runtime = dataclasses.replace(bootstrap(settings), verifier=TokenVerifier(TestKeys(), "skills-platform",
                                                                              "skills-platform"))
    release(runtime, 1)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def client(runtime):
    return create_app(runtime).test_client()


@pytest.fixture
def school(runtime):
    """An organization with an admin and two members."""
    organization_id = organization(runtime)
    admin, teacher, colleague = person("directrice"), person("prof"), person("collegue")
    grant(runtime, organization_id, admin, "ADMIN", 2)
    grant(runtime, organization_id, teacher, "MEMBER", 3)
    grant(runtime, organization_id, colleague, "MEMBER", 4)
    return dataclasses.make_dataclass("School", ["id", "admin", "teacher", "colleague"])(
        organization_id, admin, teacher, colleague)
