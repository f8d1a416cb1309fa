"""A learner's adaptive test, through the gateway with the real processes and the real content pack.

campaigns is not built yet: the test publishes its two events (campaign created, participation
started) on campaigns' exchange, as its relay will. Everything else is real: assessment's
consumer creates the assessment, the learner answers through the gateway, and assessment's
relay publishes the progress and the completion."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import pika
import requests

from assessment.adapters.content_pack import read_pack
from assessment.domain.content import FIELDS, FREE_ANSWER, MULTIPLE_CHOICE, LearningContent
from msgkit import Envelope
from msgkit.amqp import blocking_channel
from msgkit.testing import get_messages, wait_until
from msgkit.topology import declare_exchange, exchange_name

PASSWORD = "Blue-Sky-2026!"
CONTENT = LearningContent(1, read_pack().document)


def publish_as_campaigns(amqp_url: str, event_type: str, aggregate_id: str, payload: dict) -> None:
    envelope = Envelope(event_type=event_type, producer="campaigns", aggregate_id=aggregate_id, aggregate_version=1,
                        payload=payload)
    with blocking_channel(amqp_url) as channel:
        declare_exchange(channel, "campaigns")
        channel.confirm_delivery()
        channel.basic_publish(exchange_name("campaigns"), event_type, envelope.to_json().encode(),
                              pika.BasicProperties(content_type="application/json", message_id=envelope.message_id,
                                                   delivery_mode=pika.DeliveryMode.Persistent, type=event_type),
                              mandatory=True)


def right_value(challenge_id: str, right: bool):
    """What a learner who knows (or not) would answer: the test reads the pack, the API never tells."""
    challenge = CONTENT.challenges[challenge_id]
    if challenge.kind == FREE_ANSWER:
        return challenge.accepted["fr"][0].upper() if right else "aucune idée"
    if challenge.kind == FIELDS:
        return {f.key: f" {f.accepted['en'][0]} " if right else "?" for f in challenge.fields}
    good = sorted(challenge.right_choices)
    if challenge.kind == MULTIPLE_CHOICE:
        return good if right else [n for n in range(1, len(challenge.proposals) + 1) if n not in good][:1]
    return good[0] if right else next(n for n in range(1, len(challenge.proposals) + 1) if n != good[0])


def test_a_learner_is_assessed_on_a_campaign_and_the_platform_hears_of_it(stack):
    email = f"lou.{uuid.uuid4().hex[:8]}@example.org"
    signed_up = requests.post(f"{stack.gateway}/api/users", timeout=10, json={
        "first_name": "Lou", "last_name": "Apprenant", "email": email, "password": PASSWORD, "accepted_terms": True})
    assert signed_up.status_code == 201, signed_up.text
    token = requests.post(f"{stack.gateway}/api/token", json={"email": email, "password": PASSWORD},
                          timeout=10).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    user_id = requests.get(f"{stack.gateway}/api/users/me", headers=auth, timeout=10).json()["id"]

    with blocking_channel(stack.amqp_url) as channel:  # hear what assessment publishes
        declare_exchange(channel, "assessment")
        heard = f"e2e-heard-{uuid.uuid4().hex[:6]}"
        channel.queue_declare(heard, durable=True, arguments={"x-queue-type": "quorum"})
        channel.queue_bind(heard, exchange_name("assessment"), "assessment.#")

    targets = CONTENT.target_profiles["competence-4.1"].skill_ids(CONTENT)
    campaign_id, participation_id = str(uuid.uuid4()), str(uuid.uuid4())
    publish_as_campaigns(stack.amqp_url, "campaigns.campaign.created.v1", campaign_id, {
        "campaign_id": campaign_id, "organization_id": str(uuid.uuid4()), "type": "ASSESSMENT", "code": "QTRZPK472",
        "name": "Sécurité 4e B", "title": "Sécurité", "target_profile_id": "competence-4.1",
        "target_skill_ids": targets, "owner_id": str(uuid.uuid4()), "creator_id": str(uuid.uuid4()),
        "created_at": datetime.now(timezone.utc).isoformat()})
    publish_as_campaigns(stack.amqp_url, "campaigns.participation.started.v1", participation_id, {
        "participation_id": participation_id, "campaign_id": campaign_id, "organization_id": str(uuid.uuid4()),
        "user_id": user_id, "campaign_type": "ASSESSMENT", "participant_external_id": None,
        "organization_learner_id": None, "is_improvement": False, "started_at": datetime.now(timezone.utc).isoformat()})

    def assessment_created():
        response = requests.get(f"{stack.gateway}/api/campaign-participations/{participation_id}/assessment",
                                headers=auth, timeout=10)
        return response.json() if response.status_code == 200 else None

    assessment = wait_until(assessment_created, timeout=30, message="the assessment was never created")
    assert assessment["progress"]["target_skills_count"] == len(targets) == 15

    base = f"{stack.gateway}/api/assessments/{assessment['id']}"
    asked = []
    while True:
        body = requests.get(f"{base}/next-challenge", headers={**auth, "Accept-Language": "en"}, timeout=10).json()
        if body["challenge"] is None:
            break
        challenge = body["challenge"]
        assert challenge["instruction"] == CONTENT.challenges[challenge["id"]].instruction.en
        asked.append(challenge["id"])
        knows = CONTENT.skills[CONTENT.challenges[challenge["id"]].skill_id].level <= 3
        answered = requests.post(f"{base}/answers", headers=auth, timeout=10,
                                 json={"challenge_id": challenge["id"], "value": right_value(challenge["id"], knows)})
        assert answered.status_code == 201, answered.text
        assert len(asked) < 40

    results = requests.get(f"{base}/results", headers=auth, timeout=10).json()
    assert (results["validated_skills_count"], results["target_skills_count"]) == (9, 15)
    assert results["competences"][0]["code"] == "4.1"
    profile = requests.get(f"{stack.gateway}/api/users/me/profile", headers=auth, timeout=10).json()
    assert next(c for c in profile["competences"] if c["code"] == "4.1")["level"] == 3
    checkpoint = requests.get(f"{base}/checkpoint", headers=auth, timeout=10).json()
    assert checkpoint["answers"] and all(a["explanation"] and a["tutorials"] for a in checkpoint["answers"])

    def published():
        events = [json.loads(body) for _, body in get_messages(stack.amqp_url, heard, ack=False)]
        return events if len(events) >= len(asked) + 1 else None

    events = wait_until(published, timeout=30, message="assessment's events were not all published")
    types = [e["event_type"] for e in events]
    assert types.count("assessment.answer.recorded.v1") == len(asked)
    completed = next(e for e in events if e["event_type"] == "assessment.assessment.completed.v1")
    assert completed["payload"]["participation_id"] == participation_id
    assert completed["payload"]["validated_skills_count"] == 9
    assert {e["correlation_id"] for e in events if e["event_type"] == "assessment.answer.recorded.v1"} != {None}
