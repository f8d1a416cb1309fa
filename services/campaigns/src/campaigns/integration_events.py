"""Domain events -> the published contract (``contracts/events/campaigns/``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from campaigns.domain import events as e
from campaigns.domain import participations as p
from svckit.uow import IntegrationEvent


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def to_integration(event: Any) -> IntegrationEvent | None:
    if isinstance(event, e.CampaignCreated):
        return IntegrationEvent("campaigns.campaign.created.v1", str(event.campaign_id), event.version, {
            "campaign_id": str(event.campaign_id), "organization_id": str(event.organization_id), "type": event.type,
            "code": event.code, "name": event.name, "title": event.title,
            "target_profile_id": event.target_profile_id, "target_skill_ids": list(event.target_skill_ids),
            "target_profile_name": event.target_profile_name, "owner_id": str(event.owner_id), "creator_id": str(event.creator_id),
            "external_id_label": event.external_id_label, "external_id_type": event.external_id_type,
            "multiple_sendings": event.multiple_sendings, "created_at": _iso(event.created_at)})
    if isinstance(event, e.CampaignUpdated):
        return IntegrationEvent("campaigns.campaign.updated.v1", str(event.campaign_id), event.version, {
            "campaign_id": str(event.campaign_id), "organization_id": str(event.organization_id), "name": event.name,
            "title": event.title, "owner_id": str(event.owner_id), "multiple_sendings": event.multiple_sendings,
            "updated_by": str(event.updated_by),
            "updated_at": _iso(event.updated_at)})
    if isinstance(event, e.CampaignArchived):
        return IntegrationEvent("campaigns.campaign.archived.v1", str(event.campaign_id), event.version, {
            "campaign_id": str(event.campaign_id), "organization_id": str(event.organization_id),
            "archived_by": str(event.archived_by), "archived_at": _iso(event.archived_at)})
    if isinstance(event, e.CampaignUnarchived):
        return IntegrationEvent("campaigns.campaign.unarchived.v1", str(event.campaign_id), event.version, {
            "campaign_id": str(event.campaign_id), "organization_id": str(event.organization_id),
            "unarchived_by": str(event.unarchived_by), "unarchived_at": _iso(event.unarchived_at)})
    if isinstance(event, p.ParticipationStarted):
        return IntegrationEvent("campaigns.participation.started.v1", str(event.participation_id), event.version, {
            "participation_id": str(event.participation_id), "campaign_id": str(event.campaign_id),
            "organization_id": str(event.organization_id), "user_id": str(event.user_id),
            "campaign_type": event.campaign_type, "participant_external_id": event.participant_external_id,
            "organization_learner_id": str(event.organization_learner_id) if event.organization_learner_id else None,
            "is_improvement": event.is_improvement, "started_at": _iso(event.started_at)})
    if isinstance(event, p.ImprovementStarted):
        return IntegrationEvent("campaigns.participation.improvement_started.v1", str(event.participation_id),
                                event.version, {
            "participation_id": str(event.participation_id), "campaign_id": str(event.campaign_id),
            "organization_id": str(event.organization_id), "user_id": str(event.user_id),
            "started_at": _iso(event.started_at)})
    if isinstance(event, p.ParticipationDeleted):
        return IntegrationEvent("campaigns.participation.deleted.v1", str(event.participation_id), event.version, {
            "participation_id": str(event.participation_id), "campaign_id": str(event.campaign_id),
            "organization_id": str(event.organization_id), "deleted_by": str(event.deleted_by),
            "deleted_at": _iso(event.deleted_at)})
    if isinstance(event, p.ResultsShared):
        return IntegrationEvent("campaigns.participation.results_shared.v1", str(event.participation_id),
                                event.version, {
            "participation_id": str(event.participation_id), "campaign_id": str(event.campaign_id),
            "organization_id": str(event.organization_id), "user_id": str(event.user_id),
            "campaign_type": event.campaign_type, "shared_at": _iso(event.shared_at), "results": event.results})
    return None
