"""Helpers shared by assessment's integration tests (imported by name: no clash with other folders)."""

from __future__ import annotations

import threading
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


def start_course(runtime, user_id: str, *, course_id: str | None = None, extra_time: int = 0,
                 configuration_version: int = 1) -> str:
    """certification's start of a course, handed to assessment's consumer handler; the course id."""
    course_id = course_id or str(uuid.uuid4())
    deliver(runtime, "certification.course.started.v1", course_id, course_id=course_id, user_id=user_id,
            extra_time_percentage=extra_time, configuration_version=configuration_version,
            started_at=datetime.now(timezone.utc).isoformat())
    return course_id


def end_course(runtime, course_id: str, user_id: str, ended_at: datetime | None = None) -> None:
    deliver(runtime, "certification.course.ended_by_invigilator.v1", course_id, version=2, course_id=course_id,
            user_id=user_id, ended_at=(ended_at or datetime.now(timezone.utc)).isoformat())


def release_certification_content(runtime) -> None:
    """A release with the 16 competences of 3 tubes a 32-question test needs (the unit tests' made-up one)."""
    from assessment.entrypoints.cli import checksum
    from assessment.service_layer import handlers

    document = assessment_builders.certification_document()
    handlers.release_content(document, checksum(document), "tests", runtime.uow(), runtime.now())


def next_question(client, person, course_id: str) -> dict:
    """The certification test's next question as the candidate asks for it (a 200)."""
    response = client.get(f"/api/certification-courses/{course_id}/assessment/next-challenge", headers=person.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def asked_at_once(runtime, person, course_id: str) -> list[str]:
    """The questions two apps of the service serve to two requests for the next one made at the same moment (the
    apps are built before the race)."""
    from assessment.entrypoints.api.app import create_app

    clients = [create_app(runtime).test_client() for _ in range(2)]
    barrier, got = threading.Barrier(2, timeout=30), [None, None]

    def ask(n: int) -> None:
        barrier.wait()
        got[n] = next_question(clients[n], person, course_id)["challenge"]["id"]

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return got
