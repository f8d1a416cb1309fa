import pytest
import requests


@pytest.fixture
def auth(keys):
    return {"Authorization": f"Bearer {keys.token()}"}


@pytest.mark.parametrize(
    ("method", "path", "service"),
    [
        ("GET", "/api/users/me", "identity"),
        ("GET", "/api/admin/users/3", "identity"),
        ("GET", "/api/organizations/7/members", "organizations"),
        ("POST", "/api/invitations/9/accept", "organizations"),
        ("POST", "/api/organizations/7/learners/imports", "organizations"),
        ("GET", "/api/organizations/7/learners", "reporting"),
        ("GET", "/api/target-profiles", "campaigns"),
        ("GET", "/api/campaigns/1", "campaigns"),
        ("POST", "/api/campaigns/1/archive", "campaigns"),
        ("GET", "/api/users/me/campaign-participations", "campaigns"),
        ("GET", "/api/campaign-participations/5/assessment", "assessment"),
        ("POST", "/api/assessments/5/answers", "assessment"),
        ("GET", "/api/users/me/profile", "assessment"),
        ("GET", "/api/campaigns/1/participants", "reporting"),
        ("GET", "/api/campaigns/1/collective-results", "reporting"),
        ("GET", "/api/campaigns/1/progression", "reporting"),
    ],
)
def test_a_request_reaches_the_service_that_owns_its_route_with_its_path_unchanged(gateway, auth, method, path,
                                                                                   service):
    response = requests.request(method, gateway.url + path, headers=auth, timeout=5)
    assert response.status_code == 200, response.text
    echoed = response.json()
    assert (echoed["service"], echoed["method"], echoed["path"]) == (service, method, path)


@pytest.mark.parametrize(
    ("method", "path", "service"),
    [
        ("POST", "/api/users", "identity"),
        ("POST", "/api/token", "identity"),
        ("POST", "/api/token/refresh", "identity"),
        ("POST", "/api/token/revoke", "identity"),
        ("GET", "/api/campaigns/by-code/ABC123", "campaigns"),
    ],
)
def test_public_routes_pass_without_a_token(gateway, method, path, service):
    response = requests.request(method, gateway.url + path, json={"x": 1}, timeout=5)
    assert response.status_code == 200, response.text
    assert response.json()["service"] == service


def test_identity_serves_its_public_keys_through_the_gateway(gateway, keys):
    response = requests.get(gateway.url + "/.well-known/jwks.json", timeout=5)
    assert response.status_code == 200
    assert response.json()["keys"][0]["kid"] == keys.jwks()["keys"][0]["kid"]


@pytest.mark.parametrize(
    "path", ["/api/users/me", "/api/campaigns/1", "/api/campaigns/1/export.csv", "/api/organizations/7"]
)
def test_token_routes_refuse_a_request_without_a_token_before_forwarding(gateway, services, no_forwarding, path):
    with no_forwarding(services["identity"]), no_forwarding(services["campaigns"]), \
            no_forwarding(services["reporting"]), no_forwarding(services["organizations"]):
        response = requests.get(gateway.url + path, timeout=5)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "MISSING_TOKEN"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_api_path_is_a_404_in_the_common_shape(gateway, auth):
    response = requests.get(gateway.url + "/api/no-such-thing/1", headers=auth, timeout=5)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "ROUTE_NOT_FOUND", "message": "No API route matches this path.",
                                         "details": {"path": "/api/no-such-thing/1"}}}


def test_a_dot_segment_path_is_not_forwarded_anywhere(gateway, auth):
    response = requests.Request("GET", gateway.url + "/api/campaigns/1/../../admin/users", headers=auth).prepare()
    response.url = gateway.url + "/api/campaigns/1/../../admin/users"  # keep the dots: requests would not
    with requests.Session() as session:
        answer = session.send(response, timeout=5)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "ROUTE_NOT_FOUND"


def test_a_method_no_route_accepts_is_a_405_naming_the_allowed_ones(gateway, auth):
    response = requests.delete(gateway.url + "/api/organizations/7/learners", headers=auth, timeout=5)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert response.headers["Allow"] == "GET, HEAD"
