"""Keeping campaigns' replicas: organizations and memberships (authorization), the learners of organizations'
lists and the accounts linked to them (who joins a school's campaign as whom), target profiles (content)."""

from __future__ import annotations

from typing import Any

from campaigns.domain.model import TargetProfile
from campaigns.service_layer.unit_of_work import CampaignsUnitOfWork
from msgkit import Envelope


def on_organization_created(data: dict[str, Any], envelope: Envelope, uow: CampaignsUnitOfWork) -> None:
    uow.replicas.save_organization(data["organization_id"], envelope.aggregate_version, name=data["name"],
                                   type=data["type"], manages_students=data["manages_students"], archived=False)


def on_organization_archived(data: dict[str, Any], envelope: Envelope, uow: CampaignsUnitOfWork) -> None:
    uow.replicas.archive_organization(data["organization_id"], envelope.aggregate_version)


def on_organization_features_changed(data: dict[str, Any], envelope: Envelope, uow: CampaignsUnitOfWork) -> None:
    uow.replicas.set_organization_features(data["organization_id"], envelope.aggregate_version,
                                           data["multiple_sendings_for_assessments"])


def on_membership_changed(data: dict[str, Any], envelope: Envelope, uow: CampaignsUnitOfWork) -> None:
    """Granted, role changed or revoked: the membership's state as of this organization version."""
    uow.replicas.save_membership(
        data["membership_id"], envelope.aggregate_version, organization_id=data["organization_id"],
        user_id=data["user_id"], role=data.get("role") or "MEMBER",  # a revoked event names no role
        active=not envelope.event_type.startswith("organizations.membership.revoked."))


def on_content_released(data: dict[str, Any], envelope: Envelope, uow: CampaignsUnitOfWork) -> None:
    """The release's ready target profiles, each with its skill ids resolved from the release's skills."""
    levels_by_tube: dict[str, list[tuple[int, str]]] = {}
    for skill in data["skills"]:
        levels_by_tube.setdefault(skill["tube_id"], []).append((skill["level"], skill["id"]))
    profiles = [{"id": profile["id"], "name": profile["name"], "description": profile["description"],
                 "tubes": profile["tubes"], "skill_ids": list(TargetProfile.resolve(profile["tubes"], levels_by_tube))}
                for profile in data["target_profiles"]]
    uow.replicas.replace_content(data["version"], profiles, data["skills"])


def on_orga_terms_accepted(data: dict[str, Any], envelope: Envelope, uow: CampaignsUnitOfWork) -> None:
    uow.replicas.save_orga_terms(data["user_id"], envelope.aggregate_version, data["accepted_at"])


def on_learners_imported(data: dict[str, Any], envelope: Envelope, uow: CampaignsUnitOfWork) -> None:
    """Each learner of the batch as of its own version (the envelope's is the whole list's)."""
    for learner in data["learners"]:
        uow.replicas.save_learner(learner["learner_id"], learner["version"], data["organization_id"],
                                  learner.get("user_id"), learner["disabled"])


def on_learner_linked(data: dict[str, Any], envelope: Envelope, uow: CampaignsUnitOfWork) -> None:
    uow.replicas.save_learner_link(data["learner_id"], envelope.aggregate_version, data["organization_id"],
                                   data["user_id"])


def on_learner_unlinked(data: dict[str, Any], envelope: Envelope, uow: CampaignsUnitOfWork) -> None:
    """An admin took the account off the learner: it joins the school's campaigns as nobody until it is matched
    again. Its participations keep the learner they were made for."""
    uow.replicas.save_learner_link(data["learner_id"], envelope.aggregate_version, data["organization_id"], None)
