"""The ports the service layer reaches; SQLAlchemy adapters in production, fakes in unit tests."""

from __future__ import annotations

import abc
from typing import Any
from uuid import UUID

from campaigns.domain.model import Campaign, TargetProfile


class AbstractReplicas(abc.ABC):
    """What campaigns knows of organizations, their members and the learning content, from events."""

    @abc.abstractmethod
    def save_organization(self, organization_id: UUID, version: int, **values: Any) -> None: ...

    @abc.abstractmethod
    def archive_organization(self, organization_id: UUID, version: int) -> None: ...

    @abc.abstractmethod
    def save_membership(self, membership_id: UUID, version: int, **values: Any) -> None: ...

    @abc.abstractmethod
    def role_of(self, organization_id: UUID, user_id: UUID) -> str | None:
        """ADMIN, MEMBER, or None for someone without an active membership."""

    @abc.abstractmethod
    def organization_archived(self, organization_id: UUID) -> bool: ...

    @abc.abstractmethod
    def replace_content_profiles(self, content_version: int, profiles: list[dict[str, Any]]) -> bool:
        """Store a release's ready profiles unless a newer release is already known; True when stored."""

    @abc.abstractmethod
    def target_profile(self, profile_id: str) -> TargetProfile | None: ...


class AbstractCampaigns(abc.ABC):
    @abc.abstractmethod
    def add(self, campaign: Campaign) -> None: ...

    @abc.abstractmethod
    def get(self, campaign_id: UUID) -> Campaign | None: ...

    @abc.abstractmethod
    def save(self, campaign: Campaign) -> None:
        """Write the changes; ``ConcurrentUpdate`` if it changed since it was read."""
