"""Fixtures shared by every test suite of the repository.

Integration tests run against the real PostgreSQL and RabbitMQ of the machine (or those
named by TEST_DATABASE_ADMIN_URL and TEST_RABBITMQ_URL). Each test session gets its own
RabbitMQ vhost and its own databases, so parallel runs never collide. A missing service
fails the session with a clear message: it is never a silent skip.
"""

from __future__ import annotations

import os
import uuid

import pytest

# The folder gateway/ would otherwise shadow the installed gateway package under pytest's
# importlib mode (it registers the folder as a namespace module of the same name).
import gateway  # noqa: F401
from msgkit.testing import check_broker, isolated_vhost
from svckit.config import DEFAULT_RABBITMQ_URL
from svckit.testing import admin_database_url, create_database, drop_database

SESSION = uuid.uuid4().hex[:8]

# A test's layer is its folder. (``pytestmark`` in a conftest.py marks nothing: pytest reads it
# from test modules only, so ``make test-unit`` once ran the integration and browser tests too.)
FOLDER_MARKS = (
    ("/tests/integration/", ("integration",)),
    ("/tests/e2e/browser/", ("e2e", "browser")),
    ("/tests/e2e/", ("e2e",)),
)


def marks_for(path: str) -> tuple[str, ...]:
    """The markers of a test file by its path (posix), the most specific folder first."""
    for folder, marks in FOLDER_MARKS:
        if folder in path:
            return marks
    return ()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for mark in marks_for(item.path.as_posix()):
            item.add_marker(mark)


def _broker_root_url() -> str:
    return os.environ.get("TEST_RABBITMQ_URL", DEFAULT_RABBITMQ_URL)


@pytest.fixture(scope="session")
def rabbitmq_root_url() -> str:
    url = _broker_root_url()
    try:
        check_broker(url)
    except RuntimeError as error:
        pytest.fail(f"{error}. Start RabbitMQ (e.g. 'rabbitmq-server -detached') or set TEST_RABBITMQ_URL.", pytrace=False)
    return url


@pytest.fixture(scope="session")
def amqp_url(rabbitmq_root_url: str):
    """A vhost of this test session's own."""
    with isolated_vhost(rabbitmq_root_url, prefix=f"test-{SESSION}") as url:
        yield url


@pytest.fixture(scope="session")
def database_factory():
    """Create databases for this session; all are dropped at its end."""
    created: list[str] = []

    def make(label: str) -> str:
        name = f"t_{SESSION}_{label}_{len(created)}"
        try:
            url = create_database(name)
        except Exception as error:  # noqa: BLE001 - turned into a readable failure
            pytest.fail(f"PostgreSQL is not usable at {admin_database_url()} ({error}); start it or set "
                        "TEST_DATABASE_ADMIN_URL.", pytrace=False)
        created.append(name)
        return url

    yield make
    for name in created:
        drop_database(name)
