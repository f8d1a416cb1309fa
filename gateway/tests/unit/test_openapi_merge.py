import copy

import requests

from gateway.openapi import OpenApiCatalog, camel, merge_documents
from gateway.routes import RoutingTable

table = RoutingTable()
ERROR = {"type": "object", "properties": {"error": {"type": "object"}}}
BEARER = {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}


def _op(ref: str, security: bool = True) -> dict:
    operation = {"responses": {"200": {"description": "ok", "content": {
        "application/json": {"schema": {"$ref": ref}}}}}}
    if security:
        operation["security"] = [{"bearerAuth": []}]
    return operation


def identity_doc() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "identity", "version": "1"},
        "tags": [{"name": "Users"}],
        "paths": {"/api/users/me": {"get": _op("#/components/schemas/User")}},
        "components": {
            "schemas": {"User": {"type": "object", "properties": {"email": {"type": "string"}}}, "Error": ERROR},
            "securitySchemes": BEARER,
        },
    }


def organizations_doc() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "organizations", "version": "1"},
        "tags": [{"name": "Users"}, {"name": "Organizations"}],
        "paths": {
            "/api/organizations/{organization_id}": {
                "parameters": [{"name": "organization_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "get": _op("#/components/schemas/Organization"),
            },
            # The learner list is reporting's; organizations documenting it must not win it.
            "/api/organizations/{organization_id}/learners": {"get": _op("#/components/schemas/User")},
        },
        "components": {
            "schemas": {
                "User": {"type": "object", "properties": {"user_id": {"type": "integer"}}},
                "Organization": {"type": "object", "properties": {
                    "members": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}},
                "Error": ERROR,
            },
            "securitySchemes": BEARER,
        },
    }


def test_a_name_two_services_define_differently_is_prefixed_and_every_ref_follows():
    merged = merge_documents({"identity": identity_doc(), "organizations": organizations_doc()}, table)
    schemas = merged["components"]["schemas"]
    assert "User" not in schemas
    assert schemas["IdentityUser"]["properties"] == {"email": {"type": "string"}}
    assert schemas["OrganizationsUser"]["properties"] == {"user_id": {"type": "integer"}}
    me = merged["paths"]["/api/users/me"]["get"]
    assert me["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/IdentityUser"
    assert schemas["Organization"]["properties"]["members"]["items"]["$ref"] == \
        "#/components/schemas/OrganizationsUser"


def test_a_component_identical_in_every_service_is_kept_once_under_its_name():
    merged = merge_documents({"identity": identity_doc(), "organizations": organizations_doc()}, table)
    assert merged["components"]["schemas"]["Error"] == ERROR
    assert not any(name.endswith("Error") and name != "Error" for name in merged["components"]["schemas"])
    assert merged["components"]["securitySchemes"] == BEARER


def test_only_operations_the_table_sends_to_that_service_are_kept():
    merged = merge_documents({"identity": identity_doc(), "organizations": organizations_doc()}, table)
    assert "/api/organizations/{organization_id}/learners" not in merged["paths"]
    item = merged["paths"]["/api/organizations/{organization_id}"]
    assert item["parameters"][0]["name"] == "organization_id"
    assert set(item) == {"parameters", "get"}


def test_two_services_serving_one_path_meet_in_one_path_item():
    reporting = {"openapi": "3.0.3", "paths": {"/api/organizations/{id}/learners": {"get": {"responses": {}}}}}
    organizations = {"openapi": "3.0.3", "paths": {"/api/organizations/{id}/learners": {
        "get": {"responses": {}}, "post": {"responses": {"201": {"description": "x"}}}}}}
    merged = merge_documents({"reporting": reporting, "organizations": organizations}, table)
    # GET is reporting's; nothing routes POST there, so organizations' POST is not offered.
    assert merged["paths"] == {"/api/organizations/{id}/learners": {"get": {"responses": {}}}}


def test_a_same_looking_component_is_renamed_when_what_it_refers_to_is():
    first = identity_doc()
    second = organizations_doc()
    page = {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}
    first["components"]["schemas"]["UserPage"] = copy.deepcopy(page)
    second["components"]["schemas"]["UserPage"] = copy.deepcopy(page)
    merged = merge_documents({"identity": first, "organizations": second}, table)
    schemas = merged["components"]["schemas"]
    assert schemas["IdentityUserPage"]["properties"]["items"]["items"]["$ref"] == "#/components/schemas/IdentityUser"
    assert schemas["OrganizationsUserPage"]["properties"]["items"]["items"]["$ref"] == \
        "#/components/schemas/OrganizationsUser"


def test_colliding_security_schemes_are_renamed_in_the_requirements_too():
    first, second = identity_doc(), organizations_doc()
    second["components"]["securitySchemes"] = {"bearerAuth": {"type": "apiKey", "in": "header", "name": "X-Key"}}
    merged = merge_documents({"identity": first, "organizations": second}, table)
    assert set(merged["components"]["securitySchemes"]) == {"IdentityBearerAuth", "OrganizationsBearerAuth"}
    assert merged["paths"]["/api/users/me"]["get"]["security"] == [{"IdentityBearerAuth": []}]


def test_the_document_names_the_platform_and_the_missing_services():
    merged = merge_documents({"identity": identity_doc()}, table, unavailable=["reporting", "assessment"])
    assert merged["info"]["title"] == "Skills platform API"
    assert merged["x-unavailable-services"] == ["assessment", "reporting"]
    assert merged["openapi"] == "3.0.3"
    assert [tag["name"] for tag in merge_documents(
        {"identity": identity_doc(), "organizations": organizations_doc()}, table)["tags"]] == ["Users", "Organizations"]


def test_camel_case_service_names():
    assert camel("identity") == "Identity"
    assert camel("campaign-results") == "CampaignResults"


class _Reply:
    def __init__(self, doc):
        self.doc = doc

    def raise_for_status(self):
        if self.doc is None:
            raise requests.HTTPError("404")

    def json(self):
        return self.doc


class FakeSession:
    """Answers GET <base>/openapi.json from a dict; counts the calls."""

    def __init__(self, docs):
        self.docs, self.calls = docs, []

    def get(self, url, timeout, headers):
        self.calls.append(url)
        service = url.split("//")[1].split("/")[0]
        if service == "down":
            raise requests.ConnectionError("refused")
        return _Reply(self.docs.get(service))


def test_the_catalog_caches_documents_and_retries_a_failed_service_sooner():
    now = [1000.0]
    session = FakeSession({"identity": identity_doc()})
    catalog = OpenApiCatalog({"identity": ("http://identity",), "reporting": ("http://down",)}, table, session,
                             timeout=2, cache_seconds=60, clock=lambda: now[0])
    first = catalog.document()
    assert first["x-unavailable-services"] == ["reporting"]
    assert "/api/users/me" in first["paths"]
    assert len(session.calls) == 2
    now[0] += 10  # the failure is retried, the good document is still fresh
    catalog.document()
    assert session.calls[2:] == ["http://down/openapi.json"]
    now[0] += 60
    catalog.document()
    assert sorted(session.calls[3:]) == ["http://down/openapi.json", "http://identity/openapi.json"]


def test_a_service_answering_something_else_than_a_document_counts_as_unavailable():
    session = FakeSession({"identity": ["not", "a", "document"]})
    catalog = OpenApiCatalog({"identity": ("http://identity",)}, table, session, timeout=2, cache_seconds=60)
    assert catalog.document()["x-unavailable-services"] == ["identity"]


def test_a_service_whose_first_replica_is_down_has_its_document_from_another():
    session = FakeSession({"identity": identity_doc()})
    catalog = OpenApiCatalog({"identity": ("http://down", "http://identity")}, table, session, timeout=2,
                             cache_seconds=60)
    document = catalog.document()
    assert document["x-unavailable-services"] == [] and "/api/users/me" in document["paths"]
    assert session.calls == ["http://down/openapi.json", "http://identity/openapi.json"]
