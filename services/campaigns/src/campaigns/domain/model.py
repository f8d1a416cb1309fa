"""The campaign aggregate: what an organization tests, under which code, and who may change it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from campaigns.domain import events
from campaigns.domain.exceptions import CampaignInvalid, ManagerRequired, TargetProfileInvalid

ASSESSMENT, PROFILES_COLLECTION = "ASSESSMENT", "PROFILES_COLLECTION"
TYPES = (ASSESSMENT, PROFILES_COLLECTION)
TEXT, EMAIL = "TEXT", "EMAIL"
EXTERNAL_ID_TYPES = (TEXT, EMAIL)
ADMIN, MEMBER = "ADMIN", "MEMBER"
NAME_MAX, TITLE_MAX, LANDING_TEXT_MAX, EXTERNAL_ID_LABEL_MAX = 255, 50, 5000, 255


@dataclass(frozen=True)
class Actor:
    """Who acts, and their role in the campaign's organization (None: not a member)."""

    user_id: UUID
    role: str | None


@dataclass(frozen=True)
class TargetProfile:
    id: str
    name: dict[str, str]
    skill_ids: tuple[str, ...]
    public: bool
    organization_ids: tuple[UUID, ...] = ()

    def available_to(self, organization_id: UUID) -> bool:
        return self.public or organization_id in self.organization_ids

    @staticmethod
    def resolve(tubes: list[dict[str, Any]], levels_by_tube: dict[str, list[tuple[int, str]]]) -> tuple[str, ...]:
        """The skill ids of tubes up to their maximum level, easiest first; every tube must exist."""
        if not tubes:
            raise TargetProfileInvalid("TARGET_PROFILE_TUBES_REQUIRED", "a target profile has at least one tube")
        unknown = [t["tube_id"] for t in tubes if t["tube_id"] not in levels_by_tube]
        if unknown:
            raise TargetProfileInvalid("TARGET_PROFILE_TUBE_UNKNOWN",
                                       f"no tube {', '.join(unknown)} in the current learning content")
        return tuple(skill_id for tube in tubes for level, skill_id in sorted(levels_by_tube[tube["tube_id"]])
                     if level <= tube["max_level"])


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _check_lengths(name: str | None, title: str | None, landing_text: str | None) -> None:
    if name is None:
        raise CampaignInvalid("CAMPAIGN_NAME_IS_REQUIRED", "a campaign needs a name", "name")
    if len(name) > NAME_MAX:
        raise CampaignInvalid("CAMPAIGN_NAME_IS_TOO_LONG", f"a campaign's name is at most {NAME_MAX} characters",
                              "name")
    if title is not None and len(title) > TITLE_MAX:
        raise CampaignInvalid("CAMPAIGN_TITLE_IS_TOO_LONG", f"the title is at most {TITLE_MAX} characters", "title")
    if landing_text is not None and len(landing_text) > LANDING_TEXT_MAX:
        raise CampaignInvalid("CUSTOM_LANDING_PAGE_TEXT_IS_TOO_LONG",
                              f"the landing text is at most {LANDING_TEXT_MAX} characters", "landing_text")


def _check_multiple_sendings(type: str, multiple_sendings: bool, allowed: bool) -> None:
    if type == ASSESSMENT and multiple_sendings and not allowed:
        raise CampaignInvalid("MULTIPLE_SENDINGS_NOT_ALLOWED_FOR_ASSESSMENT",
                              "this organization's assessment campaigns take results once", "multiple_sendings")


@dataclass
class Campaign:
    id: UUID
    organization_id: UUID
    code: str
    type: str
    name: str
    title: str | None
    landing_text: str | None
    external_id_label: str | None
    external_id_type: str | None
    multiple_sendings: bool
    target_profile_id: str | None
    target_skill_ids: tuple[str, ...]
    owner_id: UUID
    creator_id: UUID
    created_at: datetime
    archived_at: datetime | None = None
    archived_by: UUID | None = None
    version: int = 1
    events: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.loaded_version = self.version

    @classmethod
    def create(cls, *, id: UUID, organization_id: UUID, code: str, creator: Actor, type: str | None,
               name: str | None, title: str | None = None, landing_text: str | None = None,
               external_id_label: str | None = None, external_id_type: str | None = None,
               multiple_sendings: bool = False, target_profile: TargetProfile | None = None,
               owner_id: UUID | None = None, owner_is_member: bool = True,
               multiple_sendings_allowed: bool = False, now: datetime) -> Campaign:
        """``multiple_sendings_allowed``: the organization lets its assessment campaigns take results several
        times (a profiles collection always may)."""
        if creator.role is None:
            raise ManagerRequired("only members of the organization create its campaigns")
        name, title, landing_text = _clean(name), _clean(title), _clean(landing_text)
        external_id_label = _clean(external_id_label)
        if type is None:
            raise CampaignInvalid("CAMPAIGN_PURPOSE_IS_REQUIRED", "say what the campaign is for: ASSESSMENT or "
                                  "PROFILES_COLLECTION", "type")
        if type not in TYPES:
            raise CampaignInvalid("CAMPAIGN_PURPOSE_IS_INVALID", f"type is one of {', '.join(TYPES)}", "type")
        _check_lengths(name, title, landing_text)
        if type == ASSESSMENT and target_profile is None:
            raise CampaignInvalid("TARGET_PROFILE_IS_REQUIRED", "an assessment campaign tests a target profile",
                                  "target_profile_id")
        if type == PROFILES_COLLECTION and target_profile is not None:
            raise CampaignInvalid("TARGET_PROFILE_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN",
                                  "a profiles collection tests nothing: it has no target profile", "target_profile_id")
        if type == PROFILES_COLLECTION and title is not None:
            raise CampaignInvalid("TITLE_OF_PERSONALISED_TEST_IS_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN",
                                  "a profiles collection has no test, hence no test title", "title")
        if external_id_label is not None and external_id_type is None:
            raise CampaignInvalid("EXTERNAL_ID_TYPE_IS_REQUIRED", "say whether the external id is a TEXT or an EMAIL",
                                  "external_id_type")
        if external_id_label is not None and len(external_id_label) > EXTERNAL_ID_LABEL_MAX:
            raise CampaignInvalid("EXTERNAL_ID_LABEL_IS_TOO_LONG",
                                  f"the external id's label is at most {EXTERNAL_ID_LABEL_MAX} characters",
                                  "external_id_label")
        if external_id_type is not None and external_id_type not in EXTERNAL_ID_TYPES:
            raise CampaignInvalid("EXTERNAL_ID_TYPE_IS_INVALID", f"external_id_type is one of "
                                  f"{', '.join(EXTERNAL_ID_TYPES)}", "external_id_type")
        if not owner_is_member:
            raise CampaignInvalid("OWNER_IS_NOT_A_MEMBER", "the owner must be a member of the organization", "owner_id")
        _check_multiple_sendings(type, multiple_sendings, multiple_sendings_allowed)
        campaign = cls(
            id=id, organization_id=organization_id, code=code, type=type, name=name, title=title,
            landing_text=landing_text, external_id_label=external_id_label,
            external_id_type=external_id_type if external_id_label else None,
            multiple_sendings=multiple_sendings, target_profile_id=target_profile.id if target_profile else None,
            target_skill_ids=target_profile.skill_ids if target_profile else (), owner_id=owner_id or creator.user_id,
            creator_id=creator.user_id, created_at=now)
        campaign.events.append(events.CampaignCreated(
            campaign_id=id, version=campaign.version, organization_id=organization_id, type=type, code=code, name=name,
            title=title, target_profile_id=campaign.target_profile_id, target_skill_ids=campaign.target_skill_ids,
            target_profile_name=dict(target_profile.name) if target_profile else None, owner_id=campaign.owner_id, creator_id=creator.user_id, external_id_label=external_id_label,
            external_id_type=campaign.external_id_type, multiple_sendings=multiple_sendings, created_at=now))
        return campaign

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def can_be_managed_by(self, actor: Actor) -> bool:
        return actor.role == ADMIN or (actor.role is not None and actor.user_id == self.owner_id)

    def _require_manager(self, actor: Actor) -> None:
        if not self.can_be_managed_by(actor):
            raise ManagerRequired("only an admin of the organization or the campaign's owner can do this")

    def edit(self, actor: Actor, changes: dict[str, Any], *, owner_is_member: bool, now: datetime,
             has_participants: bool = False, multiple_sendings_allowed: bool = False) -> None:
        """Name, title, landing text and owner, at any time (archived or not); multiple sendings only until
        someone has joined."""
        self._require_manager(actor)
        name = _clean(changes["name"]) if "name" in changes else self.name
        title = _clean(changes["title"]) if "title" in changes else self.title
        landing_text = _clean(changes["landing_text"]) if "landing_text" in changes else self.landing_text
        _check_lengths(name, title, landing_text)
        if self.type == PROFILES_COLLECTION and title is not None:
            raise CampaignInvalid("TITLE_OF_PERSONALISED_TEST_IS_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN",
                                  "a profiles collection has no test, hence no test title", "title")
        owner_id = changes.get("owner_id") or self.owner_id
        if owner_id != self.owner_id and not owner_is_member:
            raise CampaignInvalid("OWNER_IS_NOT_A_MEMBER", "the owner must be a member of the organization", "owner_id")
        multiple_sendings = changes.get("multiple_sendings", self.multiple_sendings)
        if multiple_sendings != self.multiple_sendings and has_participants:
            raise CampaignInvalid("MULTIPLE_SENDINGS_CANNOT_CHANGE_AFTER_JOINING",
                                  "multiple sendings cannot change once someone has joined", "multiple_sendings")
        if multiple_sendings and not self.multiple_sendings:
            _check_multiple_sendings(self.type, multiple_sendings, multiple_sendings_allowed)
        if (name, title, landing_text, owner_id, multiple_sendings) == (
                self.name, self.title, self.landing_text, self.owner_id, self.multiple_sendings):
            return
        self.name, self.title, self.landing_text, self.owner_id = name, title, landing_text, owner_id
        self.multiple_sendings = multiple_sendings
        self.version += 1
        self.events.append(events.CampaignUpdated(self.id, self.version, self.organization_id, name, title, owner_id,
                                                  multiple_sendings, actor.user_id, now))

    def archive(self, actor: Actor, now: datetime) -> None:
        self._require_manager(actor)
        if self.archived:
            return
        self.archived_at, self.archived_by = now, actor.user_id
        self.version += 1
        self.events.append(events.CampaignArchived(self.id, self.version, self.organization_id, actor.user_id, now))

    def unarchive(self, actor: Actor, now: datetime) -> None:
        self._require_manager(actor)
        if not self.archived:
            return
        self.archived_at = self.archived_by = None
        self.version += 1
        self.events.append(events.CampaignUnarchived(self.id, self.version, self.organization_id, actor.user_id, now))
