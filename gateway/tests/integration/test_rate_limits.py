import requests


def _post(gateway, path):
    return requests.post(gateway.url + path, json={"email": "a@example.org", "password": "x"}, timeout=5)


def test_logging_in_too_often_is_a_429_with_retry_after(start_gateway):
    gateway = start_gateway(RATELIMIT_LOGIN="3/minute")
    statuses = [_post(gateway, path).status_code for path in
                ("/api/token", "/api/token/refresh", "/api/token")]
    assert statuses == [200, 200, 200]
    refused = _post(gateway, "/api/token")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "TOO_MANY_REQUESTS"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-Correlation-ID"]
    # the login limit is the login routes' only: the rest of the API still answers
    assert requests.get(gateway.url + "/api/campaigns/by-code/C1", timeout=5).status_code == 200
    assert _post(gateway, "/api/token/revoke").status_code == 200


def test_signing_up_has_its_own_limit(start_gateway):
    gateway = start_gateway(RATELIMIT_SIGNUP="2/minute", RATELIMIT_LOGIN="2/minute")
    assert [_post(gateway, "/api/users").status_code for _ in range(3)] == [200, 200, 429]
    assert _post(gateway, "/api/token").status_code == 200


def test_the_general_limit_counts_every_route_but_never_probes_or_metrics(start_gateway):
    gateway = start_gateway(RATELIMIT_DEFAULT="4/minute")
    statuses = [requests.get(gateway.url + f"/api/campaigns/by-code/C{n}", timeout=5).status_code for n in range(4)]
    assert statuses == [200, 200, 200, 200]
    refused = requests.get(gateway.url + "/api/campaigns/by-code/C9", timeout=5)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert requests.get(gateway.url + "/api/openapi.json", timeout=5).status_code == 429
    for _ in range(6):
        assert requests.get(gateway.url + "/health/live", timeout=5).status_code == 200
        assert requests.get(gateway.url + "/health/ready", timeout=5).status_code == 200
        assert requests.get(gateway.url + "/metrics", timeout=5).status_code == 200


def test_rate_limits_can_be_turned_off(start_gateway):
    gateway = start_gateway(RATELIMIT_ENABLED="false", RATELIMIT_LOGIN="1/minute")
    assert [_post(gateway, "/api/token").status_code for _ in range(3)] == [200, 200, 200]


def test_matching_oneself_in_a_learner_list_has_a_tight_limit_of_its_own(start_gateway, keys):
    gateway = start_gateway(RATELIMIT_RECONCILIATION="2/minute")
    headers = {"Authorization": f"Bearer {keys.token()}"}
    path = "/api/organizations/7/learners/reconciliation"
    statuses = [requests.post(gateway.url + path, headers=headers, json={}, timeout=5).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert requests.get(gateway.url + "/api/organizations/7", headers=headers, timeout=5).status_code == 200
