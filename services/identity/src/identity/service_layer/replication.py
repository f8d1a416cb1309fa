"""identity's consumers: organizations and memberships, for /api/users/me; learners' accounts, for the temporary
passwords (domain/temporary_passwords.py)."""

from __future__ import annotations

from typing import Any

from identity.service_layer.unit_of_work import IdentityUnitOfWork
from msgkit import Envelope


def on_organization_created(data: dict[str, Any], envelope: Envelope, uow: IdentityUnitOfWork) -> None:
    uow.memberships.save_organization(data["organization_id"], envelope.aggregate_version, name=data["name"],
                                      type=data["type"], archived=False)


def on_organization_archived(data: dict[str, Any], envelope: Envelope, uow: IdentityUnitOfWork) -> None:
    uow.memberships.archive_organization(data["organization_id"], envelope.aggregate_version)


def on_membership_changed(data: dict[str, Any], envelope: Envelope, uow: IdentityUnitOfWork) -> None:
    """Granted, role changed or revoked: the membership's state as of this organization version."""
    uow.memberships.save_membership(
        data["membership_id"], envelope.aggregate_version, organization_id=data["organization_id"],
        # A revoked event names no role; the row is inactive then and its role no longer shown.
        user_id=data["user_id"], role=data.get("role") or "MEMBER",
        active=not envelope.event_type.startswith("organizations.membership.revoked."),
    )


def on_learner_account_changed(data: dict[str, Any], envelope: Envelope, uow: IdentityUnitOfWork) -> None:
    """Linked or unlinked: the learner's account as of this learner version (an older event changes nothing)."""
    unlinked = envelope.event_type.startswith("organizations.learner.unlinked.")
    uow.memberships.save_learner_account(data["learner_id"], envelope.aggregate_version, data["organization_id"],
                                         None if unlinked else data["user_id"])
