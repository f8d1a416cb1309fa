"""A school's first day, through the gateway with every real process: the platform admin
creates it, the invitation mail goes out through the broker, the future admin signs up,
verifies the address from identity's mail, accepts, sees the school in their account, accepts
the Orga terms and invites a colleague."""

from __future__ import annotations

import os
import subprocess
import time
import uuid

import requests
from journeys import PASSWORD, accept_invitation, bearer, invitation_link, log_in, verify_email

from msgkit.testing import wait_until
from svckit.testing import service_command


def test_a_school_is_created_its_admin_joins_and_invites_a_colleague(stack):
    admin_email = f"platform.{uuid.uuid4().hex[:8]}@example.org"
    command = subprocess.run([*service_command("identity"), "create-admin", "--email", admin_email, "--password-stdin"],
                             input=f"{PASSWORD}\n", text=True, capture_output=True,
                             env={**os.environ, **stack.identity_env})
    assert command.returncode == 0, command.stdout + command.stderr
    platform = log_in(stack, admin_email)

    director = f"directrice.{uuid.uuid4().hex[:8]}@example.org"
    created = requests.post(f"{stack.gateway}/api/admin/organizations", headers=bearer(platform), timeout=10, json={
        "name": "Lycée Marie Curie", "type": "SCO", "external_id": f"{uuid.uuid4().int % 10**7:07d}C",
        "manages_students": True, "admin_email": director})
    assert created.status_code == 201, created.text
    organization_id = created.json()["id"]

    invitation_id, code = invitation_link(stack, director)  # relay -> broker -> consumer -> mail
    summary = requests.get(f"{stack.gateway}/api/invitations/{invitation_id}", params={"code": code}, timeout=10)
    assert summary.json()["organization_name"] == "Lycée Marie Curie"

    assert requests.post(f"{stack.gateway}/api/users", timeout=10, json={
        "first_name": "Marie", "last_name": "Directrice", "email": director, "password": PASSWORD,
        "accepted_terms": True}).status_code == 201
    token = log_in(stack, director)
    refused = requests.post(f"{stack.gateway}/api/invitations/{invitation_id}/accept", headers=bearer(token),
                            json={"code": code}, timeout=10)
    assert refused.json()["error"]["code"] == "EMAIL_NOT_VERIFIED"  # whoever signed up must read the mailbox
    verify_email(stack, director)  # the link identity mailed at sign-up, through identity's own consumer
    accept_invitation(stack, token, invitation_id, code)

    def memberships():
        return requests.get(f"{stack.gateway}/api/users/me", headers=bearer(token), timeout=10).json()["memberships"]

    [membership] = wait_until(memberships, timeout=30, message="the membership in identity's replica")
    assert (membership["organization_id"], membership["role"]) == (organization_id, "ADMIN")

    blocked = requests.get(f"{stack.gateway}/api/organizations/{organization_id}", headers=bearer(token), timeout=10)
    assert blocked.json()["error"]["code"] == "ORGA_TERMS_NOT_ACCEPTED"
    requests.post(f"{stack.gateway}/api/users/me/orga-terms-acceptance", headers=bearer(token), timeout=10)
    wait_until(lambda: requests.get(f"{stack.gateway}/api/organizations/{organization_id}", headers=bearer(token),
                                    timeout=10).status_code == 200, timeout=30, message="the Orga terms replicated")

    colleague = f"prof.{uuid.uuid4().hex[:8]}@example.org"
    invited = requests.post(f"{stack.gateway}/api/organizations/{organization_id}/invitations", headers=bearer(token),
                            json={"emails": [colleague]}, timeout=10)
    assert invited.json()["results"][0]["outcome"] == "SENT"
    started = time.monotonic()
    invitation_link(stack, colleague)
    assert time.monotonic() - started < 30
