"""organizations' use cases."""

from __future__ import annotations

from typing import Any

from msgkit import Envelope
from organizations.domain.model import KnownUser
from organizations.service_layer.unit_of_work import OrganizationsUnitOfWork


def on_user_registered(data: dict[str, Any], envelope: Envelope, uow: OrganizationsUnitOfWork) -> None:
    """An account was created: remember who it is (invitations are accepted by email, learners link to users)."""
    uow.known_users.save(KnownUser(
        id=data["user_id"], email=data["email"], first_name=data["first_name"], last_name=data["last_name"],
        registered_at=data["registered_at"], version=envelope.aggregate_version,
    ))
