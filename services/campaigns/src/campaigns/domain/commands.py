"""What members of an organization ask of the campaigns service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class CreateCampaign:
    organization_id: UUID
    user_id: UUID
    type: str | None
    name: str | None
    title: str | None = None
    landing_text: str | None = None
    external_id_label: str | None = None
    external_id_type: str | None = None
    multiple_sendings: bool = False
    target_profile_id: str | None = None
    owner_id: UUID | None = None


@dataclass(frozen=True)
class EditCampaign:
    campaign_id: UUID
    user_id: UUID
    changes: dict[str, Any] = field(default_factory=dict)  # name, title, landing_text, owner_id


@dataclass(frozen=True)
class ArchiveCampaign:
    campaign_id: UUID
    user_id: UUID
    archive: bool  # False: take it out of the archive


@dataclass(frozen=True)
class JoinCampaign:
    user_id: UUID
    campaign_code: str
    participant_external_id: str | None = None


@dataclass(frozen=True)
class ShareResults:
    participation_id: UUID
    user_id: UUID


@dataclass(frozen=True)
class RetryParticipation:
    participation_id: UUID
    user_id: UUID


@dataclass(frozen=True)
class DeleteParticipation:
    participation_id: UUID
    user_id: UUID


@dataclass(frozen=True)
class ImproveResults:
    participation_id: UUID
    user_id: UUID


@dataclass(frozen=True)
class CreateTargetProfile:
    platform_admin: bool
    name: dict[str, str]
    description: dict[str, str]
    tubes: list[dict[str, Any]]  # tube_id, max_level
    public: bool
    organization_ids: tuple[UUID, ...] = ()
