"""Helpers shared by campaigns' integration tests (imported by name: no clash with other folders)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from svckit.testing import Person, deliver_example, token_for


def deliver(runtime, event_type: str, aggregate_id: str, aggregate_version: int = 1, **payload: Any) -> None:
    """Hand an event to the consumer handler that reads it, as the broker would."""
    deliver_example(runtime, event_type, aggregate_id=aggregate_id, aggregate_version=aggregate_version,
                    contracts_from=Path(__file__).parent, **payload)


def person(name: str = "prof", roles: tuple[str, ...] = ()) -> Person:
    user_id, email = str(uuid.uuid4()), f"{name}.{uuid.uuid4().hex[:8]}@example.org"
    return Person(user_id, email, token_for(user_id, email, roles))


def organization(runtime, *, manages_students: bool = True, name: str = "Collège Victor Hugo") -> str:
    organization_id = str(uuid.uuid4())
    deliver(runtime, "organizations.organization.created.v1", organization_id, organization_id=organization_id,
            name=name, manages_students=manages_students)
    return organization_id


def grant(runtime, organization_id: str, who: Person, role: str = "MEMBER", version: int = 2, *,
          terms: bool = True) -> str:
    """A membership, by default of someone who accepted the Orga terms (identity's event)."""
    if terms:
        deliver(runtime, "identity.user.orga_terms_accepted.v1", who.id, 2, user_id=who.id)
    membership_id = str(uuid.uuid4())
    deliver(runtime, "organizations.membership.granted.v1", organization_id, version, membership_id=membership_id,
            organization_id=organization_id, user_id=who.id, role=role)
    return membership_id


def release(runtime, version: int = 1) -> None:
    """A small release: competence 1.1's profile and the initial diagnosis, over two tubes."""
    skills = [{"id": f"{tube}{level}", "name": f"@{tube}{level}", "tube_id": tube, "competence_code": "1.1",
               "level": level, "pix_value": 1.6} for tube in ("recherche", "sources") for level in range(1, 7)]
    text = {"fr": "Diagnostic initial", "en": "Initial diagnosis"}
    deliver(runtime, "assessment.content.released.v1", "learning-content", version, version=version, skills=skills,
            target_profiles=[
                {"id": "competence-1.1", "name": {"fr": "1.1 Recherche", "en": "1.1 Search"}, "description": text,
                 "tubes": [{"tube_id": "recherche", "max_level": 5}, {"tube_id": "sources", "max_level": 5}]},
                {"id": "initial-diagnosis", "name": text, "description": text,
                 "tubes": [{"tube_id": "recherche", "max_level": 3}]}])
