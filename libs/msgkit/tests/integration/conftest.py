import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).parent))  # the shared helpers of this folder (msgkit_it)

from msgkit_it import metadata  # noqa: E402

from msgkit.testing import TcpProxy  # noqa: E402
from msgkit.testing import running as running_in_thread

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
    with ExitStack() as stack:
        yield lambda worker: stack.enter_context(running_in_thread(worker))


@pytest.fixture
def proxy(amqp_url):
    proxy = TcpProxy.for_url(amqp_url)
    yield proxy
    proxy.close()
