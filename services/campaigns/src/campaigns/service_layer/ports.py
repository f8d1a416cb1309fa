"""The ports the service layer reaches; SQLAlchemy adapters in production, fakes in unit tests."""

from __future__ import annotations

import abc
from typing import Any
from uuid import UUID

from campaigns.domain.model import Campaign, TargetProfile
from campaigns.domain.participations import Participation


class AbstractReplicas(abc.ABC):
    """What campaigns knows of organizations, their members and the learning content, from events."""

    @abc.abstractmethod
    def save_organization(self, organization_id: UUID, version: int, **values: Any) -> None: ...

    @abc.abstractmethod
    def archive_organization(self, organization_id: UUID, version: int) -> None: ...

    @abc.abstractmethod
    def set_organization_features(self, organization_id: UUID, version: int,
                                  multiple_sendings_for_assessments: bool) -> None: ...

    @abc.abstractmethod
    def save_membership(self, membership_id: UUID, version: int, **values: Any) -> None: ...

    @abc.abstractmethod
    def role_of(self, organization_id: UUID, user_id: UUID) -> str | None:
        """ADMIN, MEMBER, or None for someone without an active membership."""

    @abc.abstractmethod
    def save_orga_terms(self, user_id: UUID, version: int, accepted_at: Any) -> None: ...

    @abc.abstractmethod
    def accepted_orga_terms(self, user_id: UUID) -> bool: ...

    @abc.abstractmethod
    def organization_archived(self, organization_id: UUID) -> bool: ...

    @abc.abstractmethod
    def replace_content(self, content_version: int, profiles: list[dict[str, Any]],
                        skills: list[dict[str, Any]]) -> bool:
        """Store a release's ready profiles and skills unless a newer release is known; True when stored."""

    @abc.abstractmethod
    def levels_by_tube(self) -> dict[str, list[tuple[int, str]]]:
        """The latest release's skills: tube id -> [(level, skill id)]."""

    @abc.abstractmethod
    def add_target_profile(self, profile: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def target_profile(self, profile_id: str) -> TargetProfile | None: ...

    @abc.abstractmethod
    def organization(self, organization_id: UUID) -> dict[str, Any] | None:
        """name, type, manages_students, archived; None when not known (yet)."""

    @abc.abstractmethod
    def save_learner_link(self, learner_id: UUID, version: int, organization_id: UUID, user_id: UUID | None) -> None:
        """The account linked to the learner as of this version (none: unlinked); an older version changes
        nothing, and the learner's list state stays as it is."""

    @abc.abstractmethod
    def save_learner(self, learner_id: UUID, version: int, organization_id: UUID, user_id: UUID | None,
                     disabled: bool) -> None: ...

    @abc.abstractmethod
    def linked_learner(self, organization_id: UUID, user_id: UUID) -> tuple[UUID, bool] | None:
        """(learner id, disabled) of the account in the organization's list, or None."""

    @abc.abstractmethod
    def save_profile(self, user_id: UUID, profile: dict[str, Any], as_of: Any) -> None:
        """Keep the learner's latest profile (an older one changes nothing)."""

    @abc.abstractmethod
    def profile_of(self, user_id: UUID) -> dict[str, Any] | None: ...


class AbstractParticipations(abc.ABC):
    @abc.abstractmethod
    def add(self, participation: Participation) -> None:
        """``UniqueViolation`` when the learner already has a live participation in the campaign."""

    @abc.abstractmethod
    def get(self, participation_id: UUID) -> Participation | None: ...

    @abc.abstractmethod
    def live_of(self, campaign_id: UUID, user_id: UUID) -> Participation | None: ...

    @abc.abstractmethod
    def any_in(self, campaign_id: UUID) -> bool:
        """Whether anyone ever joined the campaign (deleted participations included)."""

    @abc.abstractmethod
    def save(self, participation: Participation) -> None: ...


class AbstractCampaigns(abc.ABC):
    @abc.abstractmethod
    def add(self, campaign: Campaign) -> None: ...

    @abc.abstractmethod
    def get(self, campaign_id: UUID) -> Campaign | None: ...

    @abc.abstractmethod
    def by_code(self, code: str) -> Campaign | None: ...

    @abc.abstractmethod
    def save(self, campaign: Campaign) -> None:
        """Write the changes; ``ConcurrentUpdate`` if it changed since it was read."""
