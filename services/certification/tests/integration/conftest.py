"""certification's API and consumer handlers on their real database. Other services are faked only at the
edges: tokens are signed with a test key, and organizations', identity's and assessment's events are handed to
the real handlers. The clock is the test's (sessions are scheduled relative to it)."""

from __future__ import annotations

import dataclasses
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from certification_it import person, school  # noqa: E402

from certification.bootstrap import bootstrap  # noqa: E402
from certification.config import Settings  # noqa: E402
from certification.entrypoints.api.app import create_app  # noqa: E402
from svckit import migrations  # noqa: E402
from svckit.auth import TokenVerifier  # noqa: E402
from svckit.testing import ManualClock, TestKeys  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def certification_database(database_factory):
    url = database_factory("certification")
    migrations.upgrade(url, "certification:migrations")
    return url


@pytest.fixture
def clock():
    return ManualClock(NOW)


@pytest.fixture
def runtime(certification_database, amqp_url, tmp_path, clock):
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": certification_database,
                                  "RABBITMQ_URL": amqp_url, "MAIL_DIR": str(tmp_path / "mail")})
    runtime = dataclasses.replace(bootstrap(settings), now=clock,
                                  verifier=TokenVerifier(TestKeys(), "skills-platform", "skills-platform"))
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def client(runtime):
    return create_app(runtime).test_client()


@pytest.fixture
def platform_admin():
    return person("admin", roles=("SUPER_ADMIN",))


@pytest.fixture
def college(runtime, client, platform_admin):
    """A collège with its head as Orga admin, its kind set, inside an open window."""
    head = person("principal")
    center_id = school(runtime, head)
    response = client.patch(f"/api/admin/certification-centers/{center_id}", headers=platform_admin.auth,
                            json={"school_kind": "COLLEGE"})
    assert response.status_code == 200, response.get_json()
    # The database lives for the test session: the first test opens the window, the others find it open.
    response = client.post("/api/admin/certification-windows", headers=platform_admin.auth, json={
        "school_kind": "COLLEGE", "starts_on": "2026-11-01", "ends_on": "2027-01-31"})
    assert response.status_code == 201 or response.get_json()["error"]["code"] == "WINDOW_OVERLAPS"
    return dataclasses.make_dataclass("College", ["id", "head"])(center_id, head)
