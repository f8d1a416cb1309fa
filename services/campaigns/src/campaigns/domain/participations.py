"""A learner's participation in a campaign: STARTED, then TO_SHARE when there is something to send,
then SHARED with the results frozen as they were at that moment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from campaigns.domain.exceptions import (
    CampaignArchivedError,
    ExternalIdInvalid,
    ManagerRequired,
    NothingToShare,
    NotTheParticipant,
    RetryNotAllowed,
)
from campaigns.domain.model import EMAIL, PROFILES_COLLECTION, Actor, Campaign

STARTED, TO_SHARE, SHARED = "STARTED", "TO_SHARE", "SHARED"
EXTERNAL_ID_MAX = 255
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class ParticipationStarted:
    participation_id: UUID
    version: int
    campaign_id: UUID
    organization_id: UUID
    user_id: UUID
    campaign_type: str
    participant_external_id: str | None
    organization_learner_id: UUID | None
    is_improvement: bool
    started_at: datetime


@dataclass(frozen=True)
class ImprovementStarted:
    participation_id: UUID
    version: int
    campaign_id: UUID
    organization_id: UUID
    user_id: UUID
    started_at: datetime


@dataclass(frozen=True)
class ParticipationDeleted:
    participation_id: UUID
    version: int
    campaign_id: UUID
    organization_id: UUID
    deleted_by: UUID
    deleted_at: datetime


@dataclass(frozen=True)
class ResultsShared:
    participation_id: UUID
    version: int
    campaign_id: UUID
    organization_id: UUID
    user_id: UUID
    campaign_type: str
    shared_at: datetime
    results: dict[str, Any]  # the snapshot: frozen when shared


def check_external_id(campaign: Campaign, value: str | None) -> str | None:
    if campaign.external_id_label is None:
        return None
    value = (value or "").strip()
    if not value:
        raise ExternalIdInvalid("EXTERNAL_ID_REQUIRED", f"this campaign asks for: {campaign.external_id_label}")
    if len(value) > EXTERNAL_ID_MAX:
        raise ExternalIdInvalid("EXTERNAL_ID_TOO_LONG", f"at most {EXTERNAL_ID_MAX} characters")
    if campaign.external_id_type == EMAIL and not _EMAIL.match(value):
        raise ExternalIdInvalid("EXTERNAL_ID_MUST_BE_AN_EMAIL", f"{campaign.external_id_label} is an email address")
    return value


@dataclass
class Participation:
    id: UUID
    campaign_id: UUID
    organization_id: UUID
    user_id: UUID | None  # None once deleted (anonymized)
    campaign_type: str
    status: str
    participant_external_id: str | None
    organization_learner_id: UUID | None
    created_at: datetime
    results: dict[str, Any] | None = None  # the latest results from assessment, until shared
    shared_at: datetime | None = None
    is_improvement: bool = False
    superseded_at: datetime | None = None  # a retry replaced it: it stays in the history
    deleted_at: datetime | None = None
    deleted_by: UUID | None = None
    version: int = 1
    events: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.loaded_version = self.version

    @classmethod
    def start(cls, *, id: UUID, campaign: Campaign, user_id: UUID, external_id: str | None,
              organization_learner_id: UUID | None, now: datetime, improving: bool = False) -> Participation:
        if campaign.archived:
            raise CampaignArchivedError("this campaign is archived: it takes no new participant")
        external_id = check_external_id(campaign, external_id)
        # A profiles collection has nothing to test: the learner may send their profile at once.
        status = TO_SHARE if campaign.type == PROFILES_COLLECTION else STARTED
        participation = cls(id=id, campaign_id=campaign.id, organization_id=campaign.organization_id,
                            user_id=user_id, campaign_type=campaign.type, status=status,
                            participant_external_id=external_id, organization_learner_id=organization_learner_id,
                            created_at=now, is_improvement=improving)
        participation.events.append(ParticipationStarted(
            id, participation.version, campaign.id, campaign.organization_id, user_id, campaign.type, external_id,
            organization_learner_id, improving, now))
        return participation

    def assessment_completed(self, results: dict[str, Any]) -> None:
        """The test ended: the results wait to be sent (nothing changes once shared)."""
        if self.status == SHARED:
            return
        self.status, self.results = TO_SHARE, results
        self.version += 1

    def share(self, user_id: UUID, campaign: Campaign, profile: dict[str, Any] | None, now: datetime) -> None:
        if user_id != self.user_id:
            raise NotTheParticipant("only the participant sends their results")
        if campaign.archived:
            raise CampaignArchivedError("this campaign is archived: it takes no more results")
        if self.status == SHARED:
            return  # sent already: a second click sends nothing more
        if self.status != TO_SHARE:
            raise NothingToShare("the test is not finished: there is nothing to send yet")
        if self.campaign_type == PROFILES_COLLECTION:
            self.results = {"profile": profile or {"total_pix": 0, "certifiable": False, "competences": []}}
        self.status, self.shared_at = SHARED, now
        self.version += 1
        self.events.append(ResultsShared(self.id, self.version, self.campaign_id, self.organization_id, self.user_id,
                                         self.campaign_type, now, dict(self.results or {})))

    def improve(self, user_id: UUID, campaign: Campaign, now: datetime) -> None:
        """Before sending: back to STARTED, and every skill not validated is asked again (same participation)."""
        if user_id != self.user_id:
            raise NotTheParticipant("only the participant improves their results")
        if campaign.archived:
            raise CampaignArchivedError("this campaign is archived: it takes no more answers")
        if self.campaign_type == PROFILES_COLLECTION or self.status != TO_SHARE:
            raise RetryNotAllowed("IMPROVEMENT_NOT_ALLOWED", "only a finished test not yet sent can be improved")
        self.status, self.results = STARTED, None
        self.version += 1
        self.events.append(ImprovementStarted(self.id, self.version, self.campaign_id, self.organization_id,
                                              user_id, now))

    def retry(self, *, new_id: UUID, user_id: UUID, campaign: Campaign, delay: timedelta,
              now: datetime) -> Participation:
        """Start again to improve (or, for a profiles collection, to send the profile again): a new
        participation, the learner's knowledge carried over; this one stays in the history, superseded."""
        if user_id != self.user_id:
            raise NotTheParticipant("only the participant starts again")
        if not campaign.multiple_sendings:
            raise RetryNotAllowed("RETRY_NOT_ALLOWED", "this campaign takes results once")
        if self.status != SHARED or self.superseded_at is not None or self.deleted_at is not None:
            raise RetryNotAllowed("RETRY_NOT_ALLOWED_BEFORE_SHARING", "send these results before starting again")
        if self.campaign_type != PROFILES_COLLECTION:
            available_at = (self.shared_at or now) + delay
            if now < available_at:
                raise RetryNotAllowed("RETRY_TOO_SOON", f"starting again is possible from {available_at:%Y-%m-%d}",
                                      {"available_at": available_at.isoformat()})
            if (self.results or {}).get("mastery_rate", 0) >= 1:
                raise RetryNotAllowed("NOTHING_TO_IMPROVE", "every skill of the campaign is already validated")
        successor = Participation.start(id=new_id, campaign=campaign, user_id=user_id,
                                        external_id=self.participant_external_id if campaign.external_id_label else None,
                                        organization_learner_id=self.organization_learner_id, now=now,
                                        improving=self.campaign_type != PROFILES_COLLECTION)
        self.superseded_at = now
        self.version += 1
        return successor

    def delete(self, actor: Actor, campaign: Campaign, now: datetime) -> None:
        """An admin or the campaign's owner removes it: what identifies the learner is erased."""
        if not campaign.can_be_managed_by(actor):
            raise ManagerRequired("only an admin of the organization or the campaign's owner deletes it")
        if self.deleted_at is not None:
            return
        self.deleted_at, self.deleted_by = now, actor.user_id
        self.user_id = None
        self.participant_external_id = None
        self.organization_learner_id = None
        self.version += 1
        self.events.append(ParticipationDeleted(self.id, self.version, self.campaign_id, self.organization_id,
                                                actor.user_id, now))
