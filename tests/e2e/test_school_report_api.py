"""The school report's API through the gateway (issue 19): a platform admin registers the LSU application of the
academy of Lyon as an OAuth 2 client; the application gets its token from identity (client credentials, HTTP
Basic) and reads a school of the Rhône by UAI from certification, which verified identity's token by its JWKS;
another academy's school, a person's token, a disabled client: refused, nothing leaked."""

from __future__ import annotations

import uuid

import requests
from journeys import bearer, organization_with_admin, platform_admin

from msgkit.testing import wait_until

URL = "/api/livret-scolaire/certification-results"


def a_uai(department: str) -> str:
    return f"{department}{uuid.uuid4().int % 10_000:04d}A"


def token_of(stack, client_id: str, secret: str) -> requests.Response:
    return requests.post(f"{stack.gateway}/api/oauth/token", data={"grant_type": "client_credentials"},
                         auth=(client_id, secret), timeout=10)


def test_an_application_of_an_academy_reads_its_schools_results_and_nothing_else(stack):
    platform = platform_admin(stack)
    registered = requests.post(f"{stack.gateway}/api/admin/oauth-clients", headers=bearer(platform), timeout=10,
                               json={"name": "LSU, académie de Lyon", "scopes": ["certification-results"],
                                     "academy": "ac-lyon", "uai_prefixes": ["001", "042", "069"]})
    assert registered.status_code == 201, registered.text
    client_id, secret = registered.json()["client_id"], registered.json()["client_secret"]

    refused = token_of(stack, client_id, "not-the-secret")
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    issued = token_of(stack, client_id, secret)
    assert issued.status_code == 200, issued.text
    assert issued.json()["scope"] == "certification-results" and issued.json()["token_type"] == "Bearer"
    application = bearer(issued.json()["access_token"])

    lyon_uai, paris_uai = a_uai("069"), a_uai("075")
    _school, head = organization_with_admin(stack, platform, name="Collège Rhône", type="SCO", external_id=lyon_uai,
                                            manages_students=True)
    organization_with_admin(stack, platform, name="Collège Seine", type="SCO", external_id=paris_uai,
                            manages_students=True)

    def read(uai: str) -> requests.Response | None:
        answer = requests.get(f"{stack.gateway}{URL}", params={"uai": uai}, headers=application, timeout=10)
        return None if answer.status_code == 404 else answer  # until certification hears of the school

    answer = wait_until(lambda: read(lyon_uai), timeout=30, message="certification hearing of the school")
    assert answer.status_code == 200, answer.text
    assert answer.json()["uai"] == lyon_uai and answer.json()["certifications"] == []  # nobody certified yet
    assert len(answer.json()["competences"]) == 16

    # The Paris school exists (its head's Orga sees it) but is not the academy's: the same 404 as no school.
    wait_until(lambda: requests.get(f"{stack.gateway}/api/certification-centers", headers=head, timeout=10)
               .json().get("items"), timeout=30)
    other = requests.get(f"{stack.gateway}{URL}", params={"uai": paris_uai}, headers=application, timeout=10)
    unknown = requests.get(f"{stack.gateway}{URL}", params={"uai": a_uai("069")}, headers=application, timeout=10)
    assert other.status_code == unknown.status_code == 404
    assert other.json()["error"]["code"] == unknown.json()["error"]["code"] == "SCHOOL_NOT_FOUND"

    # People are not applications, and an application is no person.
    person = requests.get(f"{stack.gateway}{URL}", params={"uai": lyon_uai}, headers=head, timeout=10)
    assert person.status_code == 403 and person.json()["error"]["code"] == "CLIENT_TOKEN_REQUIRED"
    me = requests.get(f"{stack.gateway}/api/users/me", headers=application, timeout=10)
    assert me.status_code == 401 and me.json()["error"]["code"] == "INVALID_TOKEN"

    disabled = requests.post(f"{stack.gateway}/api/admin/oauth-clients/{client_id}/disablement",
                             headers=bearer(platform), timeout=10)
    assert disabled.status_code == 200 and disabled.json()["enabled"] is False
    assert token_of(stack, client_id, secret).status_code == 401
