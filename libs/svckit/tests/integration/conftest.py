"""Fixtures of svckit's integration tests (each module gives its own ``database``)."""

import pytest

from svckit.testing import FreezableTcpProxy


@pytest.fixture
def proxy(database):
    """The module's database behind a proxy the test can freeze (a database that stops answering)."""
    proxy = FreezableTcpProxy.for_database(database)
    yield proxy
    proxy.close()
