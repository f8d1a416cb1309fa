"""The rate limits' counters in Redis: shared by every gateway process, and a Redis outage
does not close the front door.

Production runs several gateway processes (workers and replicas); with ``memory://`` each counts
on its own, so every limit would be several times what it says. Here two real ``gateway api``
processes in front of the fake services share one Redis (the machine's, keys under a prefix of
the test's own), and a TCP proxy in front of Redis lets a test cut it.
"""

import itertools

import pytest
import redis
import requests

from gateway.tests.conftest import gateway_env
from msgkit.testing import TcpProxy, wait_until
from svckit.testing import ServiceProcess, free_port, service_command

CREDENTIALS = {"email": "a@example.org", "password": "x"}


@pytest.fixture
def two_gateways(services, redis_url, redis_prefix, tmp_path):
    """Start two gateway processes on the same counters; returns their base URLs."""
    started = []

    def start(**overrides: str) -> list[str]:
        urls = []
        for n in (1, 2):
            port = free_port()
            env = gateway_env(services, RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=redis_prefix,
                              WEB_CONCURRENCY="1", **overrides)
            process = ServiceProcess([*service_command("gateway"), "api", "--bind", f"127.0.0.1:{port}"], env,
                                     tmp_path / f"gateway-{n}.log", f"http://127.0.0.1:{port}/health/ready").start()
            started.append(process)
            urls.append(f"http://127.0.0.1:{port}")
        for process in started:
            process.wait_ready(30)
        return urls

    yield start
    for process in started:
        process.stop()


def test_two_gateway_processes_share_the_counters(two_gateways, keys):
    first, second = two_gateways(RATELIMIT_LOGIN="4/minute", RATELIMIT_ACCOUNT="3/minute")
    turns = itertools.cycle([first, second])
    logins = [requests.post(next(turns) + "/api/token", json=CREDENTIALS, timeout=5).status_code for _ in range(6)]
    assert logins == [200, 200, 200, 200, 429, 429]
    auth = {"Authorization": f"Bearer {keys.token(sub='shared-learner')}"}
    answers = [requests.get(next(turns) + "/api/users/me", headers=auth, timeout=5).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_without_redis_each_process_counts_in_memory_and_goes_back_to_redis(start_gateway, redis_url,
                                                                             redis_prefix):
    target = redis.connection.parse_url(redis_url)
    proxy = TcpProxy(target.get("host", "127.0.0.1"), target.get("port", 6379))
    client = redis.Redis.from_url(redis_url)
    try:
        url = f"redis://127.0.0.1:{proxy.port}/{target.get('db', 0)}"
        gateway = start_gateway(RATELIMIT_STORAGE_URI=url, RATELIMIT_KEY_PREFIX=redis_prefix,
                                RATELIMIT_LOGIN="3/minute")

        def login() -> int:
            return requests.post(gateway.url + "/api/token", json=CREDENTIALS, timeout=5).status_code

        def counted_in_redis() -> int:
            return sum(int(client.get(key) or 0) for key in client.scan_iter(match=f"*{redis_prefix}*group:login*"))

        assert [login(), login()] == [200, 200] and counted_in_redis() == 2
        proxy.cut()
        # Redis is gone: the requests are answered, and the limit holds in this process's memory
        assert [login() for _ in range(4)] == [200, 200, 200, 429]
        assert counted_in_redis() == 2
        proxy.restore()
        # once it answers again (checked after 1, 2, 4 ... s), the counts go back to Redis: its third, then refused
        wait_until(lambda: login() == 200 and counted_in_redis() == 3, timeout=20,
                   message="the gateway counting in Redis again")
        assert login() == 429 and counted_in_redis() == 4
    finally:
        proxy.close()
