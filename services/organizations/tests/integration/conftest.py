"""organizations' API on its real database. Only identity is faked: tokens are signed with a
test key, and accounts arrive through the real consumer handlers, as identity's events would."""

from __future__ import annotations

import dataclasses
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from organizations_it import Person, TestKeys, deliver, make_organization, token_for  # noqa: E402

from organizations.bootstrap import bootstrap  # noqa: E402
from organizations.config import Settings  # noqa: E402
from organizations.entrypoints.api.app import create_app  # noqa: E402
from svckit import migrations  # noqa: E402
from svckit.auth import TokenVerifier  # noqa: E402


@pytest.fixture(scope="session")
def organizations_database(database_factory):
    url = database_factory("organizations")
    migrations.upgrade(url, "organizations:migrations")
    return url


@pytest.fixture
def runtime(organizations_database, amqp_url, tmp_path):
    settings = Settings.from_env({"SERVICE_ENV": "test", "DATABASE_URL": organizations_database,
                                  "RABBITMQ_URL": amqp_url, "MAIL_DIR": str(tmp_path / "mail"),
                                  "PUBLIC_URL": "https://orga.example.test"})
    runtime = dataclasses.replace(bootstrap(settings), verifier=TokenVerifier(TestKeys(), "skills-platform",
                                                                              "skills-platform"))
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def client(runtime):
    return create_app(runtime).test_client()


@pytest.fixture
def person(runtime):
    """A registered account (known through identity's events), by default with its address verified
    and the Orga terms accepted."""

    def make(name: str = "prof", *, terms: bool = True, verified: bool = True,
             roles: tuple[str, ...] = ()) -> Person:
        user_id, email = str(uuid.uuid4()), f"{name}.{uuid.uuid4().hex[:8]}@example.org"
        deliver(runtime, "identity.user.registered.v1", user_id=user_id, email=email, first_name=name.title(),
                last_name="Testeur")
        if verified:
            deliver(runtime, "identity.user.email_verified.v1", 2, user_id=user_id, email=email)
        if terms:
            deliver(runtime, "identity.user.orga_terms_accepted.v1", 3, user_id=user_id)
        return Person(user_id, email, token_for(user_id, email, roles))

    return make


@pytest.fixture
def platform_admin(person):
    return person("admin", roles=("SUPER_ADMIN",))


@pytest.fixture
def school(client, platform_admin, person):
    return make_organization(client, platform_admin, person, type="SCO")
