"""Helpers shared by assessment's integration tests (imported by name: no clash with other folders)."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import assessment_builders

from svckit.testing import deliver_example


def deliver(runtime, event_type: str, aggregate_id: str, version: int = 1, **payload: Any) -> None:
    """Hand an event to the consumer handler that reads it, as the broker would."""
    deliver_example(runtime, event_type, aggregate_id=aggregate_id, aggregate_version=version,
                    contracts_from=Path(__file__).parent, **payload)


def create_campaign(runtime, target_skill_ids: list[str], *, type: str = "ASSESSMENT") -> str:
    campaign_id = str(uuid.uuid4())
    deliver(runtime, "campaigns.campaign.created.v1", campaign_id, campaign_id=campaign_id, type=type,
            target_skill_ids=target_skill_ids if type == "ASSESSMENT" else [])
    return campaign_id


def join(runtime, campaign_id: str, user_id: str, *, improving: bool = False,
         started_at: datetime | None = None, campaign_type: str = "ASSESSMENT") -> str:
    participation_id = str(uuid.uuid4())
    started_at = started_at or datetime.now(timezone.utc)
    deliver(runtime, "campaigns.participation.started.v1", participation_id, participation_id=participation_id,
            campaign_id=campaign_id, user_id=user_id, is_improvement=improving, campaign_type=campaign_type,
            started_at=started_at.isoformat())
    return participation_id


def release_document() -> dict:
    """The unit tests' release, with one challenge of every kind on the level-1 skills of `recherche`."""
    text = assessment_builders.text
    document = assessment_builders.document()
    recherche = document["areas"][0]["competences"][0]["tubes"][0]
    level_one = recherche["skills"][0]
    level_one["challenges"] = [
        {"id": "recherche1-a", "kind": "free_answer", "instruction": text("Combien d'octets dans un kilo-octet ?"),
         "explanation": text("1 000 octets (1 024 pour un kibioctet)."), "accepted": {"fr": ["1000"], "en": ["1000"]}},
        {"id": "recherche1-b", "kind": "multiple_choice", "instruction": text("Lesquels sont des navigateurs ?"),
         "explanation": text("Firefox et Chrome."), "proposals": [text("Firefox"), text("Qwant"), text("Chrome")],
         "answer": [1, 3]},
        {"id": "recherche1-c", "kind": "fields", "instruction": text("Format et extension ?"),
         "explanation": text("Un texte OpenDocument."), "fields": [
             {"key": "format", "label": text("Format"), "accepted": {"fr": ["OpenDocument"], "en": ["OpenDocument"]}},
             {"key": "extension", "label": text("Extension"), "accepted": {"fr": [".odt"], "en": [".odt"]}}]},
    ]
    return document
