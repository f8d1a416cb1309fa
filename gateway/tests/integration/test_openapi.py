import pytest
import requests

from svckit.testing import free_port

ERROR = {"type": "object", "properties": {"error": {"type": "object"}}}
BEARER = {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}


def _get(ref: str) -> dict:
    return {"security": [{"bearerAuth": []}], "responses": {"200": {"description": "ok", "content": {
        "application/json": {"schema": {"$ref": ref}}}}}}


@pytest.fixture
def documents(services):
    services["identity"].openapi = {
        "openapi": "3.0.3", "info": {"title": "identity", "version": "1"},
        "paths": {"/api/users/me": {"get": _get("#/components/schemas/User")}},
        "components": {"schemas": {"User": {"type": "object", "properties": {"email": {"type": "string"}}},
                                   "Error": ERROR}, "securitySchemes": BEARER},
    }
    services["campaigns"].openapi = {
        "openapi": "3.0.3", "info": {"title": "campaigns", "version": "1"},
        "paths": {
            "/api/campaigns/{campaign_id}": {"get": _get("#/components/schemas/Campaign")},
            # documented by campaigns, but the table sends it to reporting: not offered
            "/api/campaigns/{campaign_id}/participants": {"get": _get("#/components/schemas/User")},
        },
        "components": {"schemas": {
            "Campaign": {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/User"}}},
            "User": {"type": "object", "properties": {"first_name": {"type": "string"}}},
            "Error": ERROR,
        }, "securitySchemes": BEARER},
    }
    yield
    services["identity"].openapi = services["campaigns"].openapi = None


def test_the_merged_document_renames_collisions_and_lists_the_services_that_are_down(start_gateway, services,
                                                                                    documents):
    gateway = start_gateway(RATELIMIT_ENABLED="false", ASSESSMENT_URL=f"http://127.0.0.1:{free_port()}")
    response = requests.get(gateway.url + "/api/openapi.json", timeout=10)
    assert response.status_code == 200
    merged = response.json()
    assert merged["info"]["title"] == "Skills platform API"
    # assessment's port is closed; certification, organizations and reporting serve no document
    assert merged["x-unavailable-services"] == ["assessment", "certification", "organizations", "reporting"]
    assert set(merged["paths"]) == {"/api/users/me", "/api/campaigns/{campaign_id}"}
    schemas = merged["components"]["schemas"]
    assert {"IdentityUser", "CampaignsUser", "Campaign", "Error"} == set(schemas)
    me = merged["paths"]["/api/users/me"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert me == {"$ref": "#/components/schemas/IdentityUser"}
    assert schemas["Campaign"]["properties"]["owner"] == {"$ref": "#/components/schemas/CampaignsUser"}
    assert merged["components"]["securitySchemes"] == BEARER


def test_the_services_documents_are_fetched_once_per_minute(start_gateway, services, documents):
    gateway = start_gateway(RATELIMIT_ENABLED="false")
    before = services["identity"].openapi_fetches
    for _ in range(3):
        assert "/api/users/me" in requests.get(gateway.url + "/api/openapi.json", timeout=10).json()["paths"]
    assert services["identity"].openapi_fetches - before == 1


def test_the_document_is_served_even_when_every_service_is_down(start_gateway):
    down = {name: f"http://127.0.0.1:{free_port()}" for name in
            ("IDENTITY_URL", "ORGANIZATIONS_URL", "CAMPAIGNS_URL", "ASSESSMENT_URL", "REPORTING_URL",
             "CERTIFICATION_URL")}
    gateway = start_gateway(RATELIMIT_ENABLED="false", **down)
    merged = requests.get(gateway.url + "/api/openapi.json", timeout=10).json()
    assert merged["paths"] == {}
    assert merged["x-unavailable-services"] == ["assessment", "campaigns", "certification", "identity", "organizations",
                                                "reporting"]
