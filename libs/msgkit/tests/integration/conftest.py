import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).parent))  # the shared helpers of this folder (msgkit_it)

from msgkit_it import Running, metadata  # noqa: E402

from msgkit.testing import TcpProxy  # noqa: E402



pytestmark = pytest.mark.integration


@pytest.fixture
def engine(database_factory):
    engine = create_engine(database_factory("msgkit"), pool_size=10)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def running():
    """Start workers in threads; every one is stopped at the end of the test."""
    workers: list[Running] = []

    def start(worker):
        workers.append(Running(worker))
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def proxy(amqp_url):
    proxy = TcpProxy.for_url(amqp_url)
    yield proxy
    proxy.close()
