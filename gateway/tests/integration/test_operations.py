import requests

from gateway.config import SERVICE_URLS
from svckit.testing import free_port


def test_the_gateway_is_live_and_ready_even_when_every_service_is_down(start_gateway):
    down = {variable: f"http://127.0.0.1:{free_port()}" for variable, _ in SERVICE_URLS.values()}
    gateway = start_gateway(RATELIMIT_ENABLED="false", **down)
    assert requests.get(gateway.url + "/health/live", timeout=5).json() == {"status": "ok"}
    ready = requests.get(gateway.url + "/health/ready", timeout=5)
    assert ready.status_code == 200 and ready.json()["status"] == "ok"


def _sample(metrics: str, name: str, **labels: str) -> float:
    for line in metrics.splitlines():
        if line.startswith(name + "{") and all(f'{key}="{value}"' in line for key, value in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_per_route_pattern_and_time_the_services(gateway, keys):
    auth = {"Authorization": f"Bearer {keys.token()}"}
    before = requests.get(gateway.url + "/metrics", timeout=5).text
    counted = dict(method="GET", route="/api/campaigns/{id}/collective-results", service="reporting", status="200")
    for campaign in (11, 12, 13):
        response = requests.get(gateway.url + f"/api/campaigns/{campaign}/collective-results", headers=auth, timeout=5)
        assert response.status_code == 200
    requests.get(gateway.url + "/api/campaigns/99/collective-results", timeout=5)  # 401
    after = requests.get(gateway.url + "/metrics", timeout=5).text
    assert _sample(after, "gateway_requests_total", **counted) - _sample(before, "gateway_requests_total",
                                                                         **counted) == 3
    assert _sample(after, "gateway_requests_total", route="/api/campaigns/{id}/collective-results",
                   status="401") >= 1
    assert "/api/campaigns/11/" not in after  # raw paths never become labels
    assert _sample(after, "gateway_request_duration_seconds_count", method="GET",
                   route="/api/campaigns/{id}/collective-results", status="200") >= 3
    upstream = dict(service="reporting", outcome="200")
    assert _sample(after, "gateway_upstream_duration_seconds_count", **upstream) - _sample(
        before, "gateway_upstream_duration_seconds_count", **upstream) == 3
