import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).parent))  # the shared helpers of this folder (msgkit_it)

from msgkit_it import metadata  # noqa: E402

from msgkit.testing import TcpProxy, isolated_vhost  # noqa: E402
from msgkit.testing import running as running_in_thread


@pytest.fixture(scope="module")
def amqp_url(rabbitmq_root_url):
    """A vhost per test module, deleted after it, instead of the session's.

    These tests declare queues under new names in every test, and RabbitMQ keeps file handles
    for a queue (about 3 for a quorum queue) until it or its vhost is deleted: left in the
    session's vhost, they would stay open until the end of the run, beside the e2e stack's, on a
    broker whose default limit is about 900 handles."""
    with isolated_vhost(rabbitmq_root_url, prefix="test-msgkit") as url:
        yield url


@pytest.fixture
def engine(database_factory):
    engine = create_engine(database_factory("msgkit"), pool_size=10)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def running():
    """Start workers in threads; every one is stopped at the end of the test."""
    with ExitStack() as stack:
        yield lambda worker: stack.enter_context(running_in_thread(worker))


@pytest.fixture
def proxy(amqp_url):
    proxy = TcpProxy.for_url(amqp_url)
    yield proxy
    proxy.close()
