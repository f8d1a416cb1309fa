"""Orga's live activity pushed through the gateway, on the real processes and the machine's Redis: the teacher
opens the campaign's activity stream, a learner sends their profile (a profiles collection: something to send
from the start) and the stream pushes the new counts, with no request of the page in between; someone of
another organization is refused before any stream."""

from __future__ import annotations

import time
import uuid

import requests
from journeys import bearer, organization_with_admin, platform_admin, sign_up
from test_live_invigilation import EventStream

from msgkit.testing import wait_until

COALESCE_S = 4.0  # reporting's LIVE_ACTIVITY_COALESCE_SECONDS: the longest a change waits behind the one before


def test_a_share_reaches_the_teachers_open_activity_stream(stack):
    platform = platform_admin(stack)
    organization_id, teacher = organization_with_admin(stack, platform, name="Ateliers Live", type="PRO")

    def created():
        response = requests.post(f"{stack.gateway}/api/organizations/{organization_id}/campaigns", headers=teacher,
                                 timeout=10, json={"type": "PROFILES_COLLECTION", "name": "Profils live",
                                                   "target_profile_id": None})
        return response.json() if response.status_code == 201 else None

    campaign = wait_until(created, timeout=30, message="the campaign created once campaigns knows the admin")
    learner = bearer(sign_up(stack, "Inès", "Direct", f"ines.{uuid.uuid4().hex[:8]}@example.org"))
    joined = requests.post(f"{stack.gateway}/api/campaign-participations", headers=learner, timeout=10,
                           json={"campaign_code": campaign["code"]})
    assert joined.status_code == 201, joined.text
    path = f"/api/campaigns/{campaign['id']}/activity"

    def heard_of_it():
        response = requests.get(f"{stack.gateway}{path}", headers=teacher, timeout=10)
        return response.json() if response.status_code == 200 and response.json()["to_share_count"] == 1 else None

    wait_until(heard_of_it, timeout=30, message="reporting hearing of the participation")

    stranger = organization_with_admin(stack, platform, name="Autre entreprise", type="PRO")[1]
    refused = requests.get(f"{stack.gateway}{path}/events", headers=stranger, timeout=10)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "NOT_A_MEMBER")  # the common shape

    response = requests.get(f"{stack.gateway}{path}/events", headers=teacher, stream=True, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/event-stream")
    stream = EventStream(response)
    try:
        _, kind, first = stream.next(timeout=5)
        assert kind == "activity" and (first["to_share_count"], first["shared_count"]) == (1, 0)
        opened = time.monotonic()
        shared = requests.post(f"{stack.gateway}/api/campaign-participations/{joined.json()['id']}/share",
                               headers={**learner, "Idempotency-Key": str(uuid.uuid4())}, timeout=10)
        assert shared.status_code == 200, shared.text
        shared_at = time.monotonic()
        arrived, kind, view = stream.next(timeout=COALESCE_S + 5)
        assert kind == "activity" and (view["to_share_count"], view["shared_count"]) == (0, 1)
        # at most one view per coalescing period: the first one was sent as the stream opened
        assert arrived - shared_at < max(COALESCE_S - (shared_at - opened), 0) + 2.0
    finally:
        response.close()
