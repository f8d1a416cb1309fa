"""What happened to a campaign (in-process facts; ``integration_events`` decides what is published)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class CampaignCreated:
    campaign_id: UUID
    version: int
    organization_id: UUID
    type: str
    code: str
    name: str
    title: str | None
    target_profile_id: str | None
    target_skill_ids: tuple[str, ...]
    owner_id: UUID
    creator_id: UUID
    external_id_label: str | None
    external_id_type: str | None
    multiple_sendings: bool
    created_at: datetime
    target_profile_name: dict[str, str] | None = None  # {"fr": ..., "en": ...}


@dataclass(frozen=True)
class CampaignUpdated:
    campaign_id: UUID
    version: int
    organization_id: UUID
    name: str
    title: str | None
    owner_id: UUID
    multiple_sendings: bool
    updated_by: UUID
    updated_at: datetime


@dataclass(frozen=True)
class CampaignArchived:
    campaign_id: UUID
    version: int
    organization_id: UUID
    archived_by: UUID
    archived_at: datetime


@dataclass(frozen=True)
class CampaignUnarchived:
    campaign_id: UUID
    version: int
    organization_id: UUID
    unarchived_by: UUID
    unarchived_at: datetime
