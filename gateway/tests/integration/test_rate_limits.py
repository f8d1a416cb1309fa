"""Rate limits as a school meets them: per account where there is one, per address where not.

Every request of these tests comes from 127.0.0.1, as a whole school comes from its academy's
proxy. Each test starts its own gateway, so its counters start at zero.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

CREDENTIALS = {"email": "a@example.org", "password": "x"}


def _post(gateway, path, **kwargs):
    return requests.post(gateway.url + path, json=CREDENTIALS, timeout=10, **kwargs)


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_class_of_35_behind_one_address_logs_in_within_a_minute(start_gateway):
    gateway = start_gateway()  # the default limits
    with ThreadPoolExecutor(max_workers=35) as pool:
        statuses = list(pool.map(lambda _: _post(gateway, "/api/token").status_code, range(35)))
    assert statuses == [200] * 35


def test_learners_answering_at_once_from_one_address_are_not_refused(start_gateway, keys):
    """20 learners of one class, each with a question and an answer 20 times, all at once."""
    gateway = start_gateway()  # the default limits

    def learner(n: int) -> list[int]:
        session, auth = requests.Session(), _bearer(keys.token(sub=f"learner-{n}"))
        statuses = []
        for question in range(20):
            base = f"{gateway.url}/api/assessments/a{n}"
            statuses.append(session.get(f"{base}/next-challenge", headers=auth, timeout=10).status_code)
            statuses.append(session.post(f"{base}/answers", headers=auth, json={"q": question}, timeout=10).status_code)
        return statuses

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = [status for answers in pool.map(learner, range(20)) for status in answers]
    assert len(statuses) == 800 and set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}


def test_one_accounts_flood_is_limited_without_touching_another_account_on_the_same_address(start_gateway, keys):
    gateway = start_gateway(RATELIMIT_ACCOUNT="5/minute")
    flood, other = _bearer(keys.token(sub="flooder")), _bearer(keys.token(sub="classmate"))
    statuses = [requests.get(gateway.url + "/api/users/me", headers=flood, timeout=5).status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    refused = requests.get(gateway.url + "/api/users/me", headers=flood, timeout=5)
    assert refused.json()["error"]["code"] == "TOO_MANY_REQUESTS"
    assert refused.json()["error"]["details"] == {"limit": "5 per 1 minute", "per": "account"}
    assert 0 < int(refused.headers["Retry-After"]) <= 60 and refused.headers["X-Correlation-ID"]
    # the classmate on the same address, and the public pages, are untouched
    assert [requests.get(gateway.url + "/api/users/me", headers=other, timeout=5).status_code
            for _ in range(5)] == [200] * 5
    assert requests.get(gateway.url + "/api/campaigns/by-code/C1", timeout=5).status_code == 200


def test_an_invalid_token_never_takes_from_an_accounts_bucket(start_gateway, keys):
    """A token that does not verify names nobody: it counts against the address, and gets its 401."""
    gateway = start_gateway(RATELIMIT_ACCOUNT="3/minute", RATELIMIT_ADDRESS="4/minute")
    victim = _bearer(keys.token(sub="victim"))
    forgeries = [keys.token(key=keys.other, sub="victim"), keys.token(sub="victim", exp=1), "not-a-jwt",
                 keys.token(sub="victim", aud="elsewhere")]
    statuses = [requests.get(gateway.url + "/api/users/me", headers=_bearer(forged), timeout=5).status_code
                for forged in forgeries]
    assert statuses == [401] * 4
    # the address's bucket is spent (4): the next anonymous request is refused, per address
    refused = requests.get(gateway.url + "/api/users/me", headers=_bearer(forgeries[0]), timeout=5)
    assert refused.status_code == 429 and refused.json()["error"]["details"]["per"] == "address"
    assert requests.get(gateway.url + "/api/campaigns/by-code/C1", timeout=5).status_code == 429
    # the victim's own bucket is whole: three requests, then its own limit
    assert [requests.get(gateway.url + "/api/users/me", headers=victim, timeout=5).status_code
            for _ in range(4)] == [200, 200, 200, 429]


def test_public_routes_count_per_address_and_a_signed_in_learner_per_account(start_gateway, keys):
    gateway = start_gateway(RATELIMIT_ADDRESS="3/minute", RATELIMIT_ACCOUNT="100/minute")
    assert [requests.get(gateway.url + f"/api/campaigns/by-code/C{n}", timeout=5).status_code
            for n in range(4)] == [200, 200, 200, 429]
    # the same public page, asked by a learner with a token, counts against the learner
    learner = _bearer(keys.token(sub="pupil"))
    assert [requests.get(gateway.url + "/api/campaigns/by-code/C9", headers=learner, timeout=5).status_code
            for _ in range(3)] == [200] * 3
    assert requests.get(gateway.url + "/api/openapi.json", timeout=5).status_code == 429  # counted too


ADDRESS_GROUPS = {"/api/token": "RATELIMIT_LOGIN", "/api/token/refresh": "RATELIMIT_REFRESH",
                  "/api/users": "RATELIMIT_SIGNUP", "/api/password-reset-requests": "RATELIMIT_PASSWORD_RESET"}


@pytest.mark.parametrize(("path", "setting"), ADDRESS_GROUPS.items())
def test_log_in_refresh_sign_up_and_reset_links_each_have_their_own_limit_per_address(start_gateway, path, setting):
    gateway = start_gateway(**{setting: "2/minute", "RATELIMIT_ADDRESS": "2/minute"})
    statuses = [_post(gateway, path).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # counted in their group only: the address's general bucket is whole, and so are the other groups
    assert requests.get(gateway.url + "/api/campaigns/by-code/C1", timeout=5).status_code == 200
    others = set(ADDRESS_GROUPS) - {path}
    assert all(_post(gateway, other).status_code == 200 for other in others)


def test_a_token_on_the_log_in_route_does_not_move_it_to_an_account(start_gateway, keys):
    gateway = start_gateway(RATELIMIT_LOGIN="2/minute")
    statuses = [_post(gateway, "/api/token", headers=_bearer(keys.token(sub=f"s{n}"))).status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_matching_oneself_in_a_learner_list_has_a_tight_limit_per_account(start_gateway, keys):
    gateway = start_gateway(RATELIMIT_RECONCILIATION="2/minute")
    path = "/api/organizations/7/learners/reconciliation"
    first, second = _bearer(keys.token(sub="first")), _bearer(keys.token(sub="second"))
    statuses = [requests.post(gateway.url + path, headers=first, json={}, timeout=5).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert requests.get(gateway.url + "/api/organizations/7", headers=first, timeout=5).status_code == 200
    assert requests.post(gateway.url + path, headers=second, json={}, timeout=5).status_code == 200


def test_probes_metrics_and_the_web_faces_are_never_limited(start_gateway):
    gateway = start_gateway(RATELIMIT_ADDRESS="1/minute")
    assert requests.get(gateway.url + "/api/campaigns/by-code/C1", timeout=5).status_code == 200
    assert requests.get(gateway.url + "/api/campaigns/by-code/C1", timeout=5).status_code == 429
    for _ in range(5):
        for path in ("/health/live", "/health/ready", "/metrics", "/", "/orga/", "/campagnes/ABC123"):
            assert requests.get(gateway.url + path, timeout=5).status_code == 200, path


def test_rate_limits_can_be_turned_off(start_gateway):
    gateway = start_gateway(RATELIMIT_ENABLED="false", RATELIMIT_LOGIN="1/minute")
    assert [_post(gateway, "/api/token").status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.parametrize(("path", "setting"), [("/api/users", "RATELIMIT_SIGNUP"),
                                               ("/api/campaigns/by-code/C1", "RATELIMIT_ADDRESS")])
def test_an_ipv6_client_is_its_64_network_not_each_of_its_addresses(start_gateway, path, setting):
    """Anyone with a /64 picks among 2^64 addresses: each new one must not bring a fresh allowance."""
    gateway = start_gateway(**{setting: "2/minute", "TRUSTED_PROXIES": "1"})

    def status(address: str) -> int:
        return requests.request("POST" if path == "/api/users" else "GET", gateway.url + path, json=CREDENTIALS,
                                headers={"X-Forwarded-For": address}, timeout=5).status_code

    assert [status(f"2001:db8:1:2::{n:x}") for n in range(1, 4)] == [200, 200, 429]
    assert status("2001:db8:1:2:ffff:ffff:ffff:ffff") == 429  # still the same /64
    assert status("2001:db8:1:3::1") == 200  # the next /64 is another client
    # IPv4 stays per address, and an IPv4-mapped IPv6 address is the IPv4 address it carries
    assert [status("192.0.2.7"), status("::ffff:192.0.2.7"), status("192.0.2.7")] == [200, 200, 429]
    assert status("192.0.2.8") == 200
