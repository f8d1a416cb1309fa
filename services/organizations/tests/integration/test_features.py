"""A platform admin switches an organization's features; the change is announced."""

import json

from organizations_it import make_organization
from sqlalchemy import text


def test_a_platform_admin_allows_multiple_sendings_for_assessments(runtime, client, platform_admin, person):
    organization_id, admin = make_organization(client, platform_admin, person)
    url = f"/api/admin/organizations/{organization_id}/features"
    refused = client.patch(url, headers=admin.auth, json={"multiple_sendings_for_assessments": True})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "PLATFORM_ADMIN_REQUIRED")
    allowed = client.patch(url, headers=platform_admin.auth, json={"multiple_sendings_for_assessments": True})
    assert allowed.status_code == 200 and allowed.get_json()["multiple_sendings_for_assessments"] is True
    client.patch(url, headers=platform_admin.auth, json={"multiple_sendings_for_assessments": True})  # no change
    with runtime.engine.connect() as connection:
        bodies = connection.execute(text("SELECT body FROM outbox WHERE event_type = "
                                         "'organizations.organization.features_changed.v1' AND aggregate_id = :o"),
                                    {"o": organization_id}).scalars().all()
    assert [json.loads(b)["payload"]["multiple_sendings_for_assessments"] for b in bodies] == [True]
