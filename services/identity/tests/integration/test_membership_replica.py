"""identity keeps memberships from organizations' events, for /api/users/me."""

import uuid
from pathlib import Path

from msgkit import Envelope
from svckit.contracts import load_contract


def deliver(identity, event_type, version, **payload):
    message = load_contract(event_type, Path(__file__).parent).example
    message.update(message_id=str(uuid.uuid4()), aggregate_version=version)
    message["payload"].update(payload)
    subscription = next(s for s in identity.subscriptions() if event_type in s.event_types)
    envelope = Envelope.from_dict(message)
    subscription.handler(envelope)
    return envelope


def test_memberships_follow_the_events_in_any_order_and_show_in_the_current_user(client, identity):
    email = f"member.{uuid.uuid4().hex[:8]}@example.org"
    user_id = client.post("/api/users", json={"first_name": "Lou", "last_name": "Prof", "email": email,
                                              "password": "Sup3r-Secret!", "accepted_terms": True}).get_json()["id"]
    token = client.post("/api/token", json={"email": email, "password": "Sup3r-Secret!"}).get_json()["access_token"]
    organization, membership = str(uuid.uuid4()), str(uuid.uuid4())
    ids = {"organization_id": organization, "membership_id": membership, "user_id": user_id}

    deliver(identity, "organizations.organization.created.v1", 1, organization_id=organization, name="Lycée Curie")
    deliver(identity, "organizations.membership.role_changed.v1", 4, role="MEMBER", **ids)
    deliver(identity, "organizations.membership.granted.v1", 3, role="ADMIN", **ids)  # late: dropped
    delivered_twice = deliver(identity, "organizations.membership.role_changed.v1", 4, role="MEMBER", **ids)
    subscription = next(s for s in identity.subscriptions() if "organizations.membership.role_changed.v1" in s.event_types)
    subscription.handler(delivered_twice)  # the same message again: no second effect, no error

    me = client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["memberships"] == [{"organization_id": organization, "organization_name": "Lycée Curie",
                                  "organization_type": "SCO", "organization_archived": False, "role": "MEMBER"}]

    deliver(identity, "organizations.membership.revoked.v1", 6, reason="LEFT", **ids)
    deliver(identity, "organizations.organization.archived.v1", 7, organization_id=organization)
    assert client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"}).get_json()["memberships"] == []


def test_access_tokens_carry_the_account_email(client):
    import jwt

    email = f"claims.{uuid.uuid4().hex[:8]}@example.org"
    client.post("/api/users", json={"first_name": "Lou", "last_name": "Prof", "email": email,
                                    "password": "Sup3r-Secret!", "accepted_terms": True})
    token = client.post("/api/token", json={"email": email, "password": "Sup3r-Secret!"}).get_json()["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["email"] == email
