"""identity's OpenAPI document against its real app and database (schemathesis): no server error, and every
answer (status, content type, body) as documented, with the headers that protect personal data."""

import uuid

from svckit.testing import assert_protective_headers, check_openapi_conformance


def test_every_answer_is_documented_and_protected(client):
    email = f"lou.{uuid.uuid4().hex[:8]}@example.org"
    assert client.post("/api/users", json={"first_name": "Lou", "last_name": "A", "email": email,
                                           "password": "Sup3r-Secret!", "accepted_terms": True}).status_code == 201
    token = client.post("/api/token", json={"email": email, "password": "Sup3r-Secret!"}).get_json()["access_token"]
    report = check_openapi_conformance(client.application, "identity", headers={"Authorization": f"Bearer {token}"})
    print(report)
    assert not report.failures, "\n\n".join(report.failures)
    assert_protective_headers(report, cacheable=["GET /.well-known/jwks.json"])
