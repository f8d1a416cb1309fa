"""Big answers pass through in chunks, never whole in the gateway's memory."""

import json
import threading
import time
from pathlib import Path

import pytest
import requests

from svckit.testing import ServiceProcess, free_port, service_command

MIB = 1024 * 1024


@pytest.fixture
def auth(keys):
    return {"Authorization": f"Bearer {keys.token()}"}


def test_the_first_chunk_reaches_the_client_before_the_service_has_finished(start_gateway, services, auth):
    gateway = start_gateway(RATELIMIT_ENABLED="false")
    reporting = services["reporting"]
    reporting.release.clear()
    try:
        with requests.get(gateway.url + f"/api/campaigns/1/export.csv?stream={10 * MIB}&hold=1", headers=auth,
                          stream=True, timeout=10) as response:
            assert response.status_code == 200
            assert response.headers["Content-Type"].startswith("text/csv")
            assert response.headers["Content-Length"] == str(10 * MIB)
            first = next(response.iter_content(64 * 1024))
            assert first and not reporting.finished.is_set(), "the gateway waited for the whole body"
            reporting.release.set()
            total = len(first) + sum(len(chunk) for chunk in response.iter_content(MIB))
        assert total == 10 * MIB
        assert reporting.finished.wait(5)
    finally:
        reporting.release.set()


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for {pid}")


def _worker_pid(master: int, timeout: float = 10) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise AssertionError("gunicorn started no worker")


@pytest.fixture(scope="module")
def gunicorn_gateway(services, tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("gateway") / "gateway.log"
    env = {variable: services[name].url for name, variable in
           [("identity", "IDENTITY_URL"), ("organizations", "ORGANIZATIONS_URL"), ("campaigns", "CAMPAIGNS_URL"),
            ("assessment", "ASSESSMENT_URL"), ("reporting", "REPORTING_URL")]}
    env.update(JWKS_URL=services["identity"].url + "/.well-known/jwks.json", RATELIMIT_ENABLED="false",
               PYTHONUNBUFFERED="1", LOG_FORMAT="json")
    process = ServiceProcess(
        [*service_command("gateway"), "api", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"],
        env=env, log_path=log_path, ready_url=f"http://127.0.0.1:{port}/health/live",
    )
    process.start().wait_ready(30)
    yield process, f"http://127.0.0.1:{port}", log_path
    process.stop()


def test_a_200_mb_export_passes_through_gunicorn_with_flat_memory(gunicorn_gateway, auth):
    process, url, _ = gunicorn_gateway
    worker = _worker_pid(process.process.pid)
    export = url + "/api/campaigns/1/export.csv?stream={size}"
    # warm up: imports, the connection pool, the first JWKS fetch
    with requests.get(export.format(size=8 * MIB), headers=auth, stream=True, timeout=30) as response:
        assert sum(len(chunk) for chunk in response.iter_content(MIB)) == 8 * MIB
    baseline = _rss_bytes(worker)
    peak = [baseline]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_bytes(worker))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    size = 200 * MIB
    try:
        with requests.get(export.format(size=size), headers=auth, stream=True, timeout=60) as response:
            assert response.status_code == 200
            total = sum(len(chunk) for chunk in response.iter_content(MIB))
    finally:
        done.set()
        sampler.join(5)
    assert total == size
    growth = peak[0] - baseline
    assert growth < 30 * MIB, f"the gateway's memory grew by {growth / MIB:.1f} MiB for a 200 MiB body"


def test_gunicorn_writes_one_json_access_line_per_request(gunicorn_gateway, auth):
    _, url, log_path = gunicorn_gateway
    response = requests.get(url + "/api/campaigns/7/participants?page=2", headers={**auth, "X-Correlation-ID":
                                                                                   "access-line-1"}, timeout=10)
    assert response.status_code == 200
    deadline = time.monotonic() + 5
    lines: list[dict] = []
    while time.monotonic() < deadline and not lines:
        lines = [json.loads(line) for line in log_path.read_text().splitlines()
                 if line.startswith("{") and '"access-line-1"' in line]
        time.sleep(0.05)
    assert len(lines) == 1, lines
    line = lines[0]
    assert line["logger"] == "gateway.access"
    assert line["method"] == "GET" and line["path"] == "/api/campaigns/7/participants"
    assert line["status"] == 200 and line["upstream"] == "reporting"
    assert line["route"] == "/api/campaigns/{id}/participants/**"
    assert line["service"] == "gateway" and line["duration_ms"] >= 0


def test_a_service_dying_mid_answer_cuts_the_clients_answer_instead_of_ending_it_cleanly(gateway, keys):
    auth = {"Authorization": f"Bearer {keys.token()}"}
    received = 0
    with pytest.raises(requests.RequestException):
        with requests.get(gateway.url + f"/api/campaigns/1/export.csv?stream={4 * MIB}&broken=1", headers=auth,
                          stream=True, timeout=10) as response:
            assert response.status_code == 200
            for chunk in response.iter_content(64 * 1024):
                received += len(chunk)
    assert received < 4 * MIB
