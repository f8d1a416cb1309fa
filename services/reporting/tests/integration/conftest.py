"""reporting's projections and API on their real database. Other services are faked only at the edges:
tokens are signed with a test key, and the events reporting reads are handed to its real handlers."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from reporting_it import grant, organization, person, release  # noqa: E402

from reporting.bootstrap import bootstrap  # noqa: E402
from reporting.config import Settings  # noqa: E402
from reporting.entrypoints.api.app import create_app  # noqa: E402
from svckit import migrations  # noqa: E402
from svckit.auth import TokenVerifier  # noqa: E402
from svckit.testing import TestKeys  # noqa: E402


@pytest.fixture(scope="session")
def reporting_database(database_factory):
    url = database_factory("reporting")
    migrations.upgrade(url, "reporting:migrations")
    return url


@pytest.fixture
def runtime(reporting_database, amqp_url):
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": reporting_database,
                                  "RABBITMQ_URL": amqp_url})
    runtime = dataclasses.replace(bootstrap(settings), verifier=TokenVerifier(TestKeys(), "skills-platform",
                                                                              "skills-platform"))
    release(runtime)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def client(runtime):
    return create_app(runtime).test_client()


@pytest.fixture
def school(runtime):
    """A school managing its students, with an admin and a teacher who accepted the Orga terms."""
    organization_id = organization(runtime)
    admin, teacher = person("directrice"), person("prof")
    grant(runtime, organization_id, admin, "ADMIN", 2)
    grant(runtime, organization_id, teacher, "MEMBER", 3)
    return dataclasses.make_dataclass("School", ["id", "admin", "teacher"])(organization_id, admin, teacher)
