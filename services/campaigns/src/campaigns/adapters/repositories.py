from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from campaigns.adapters import orm
from campaigns.domain.model import Campaign, TargetProfile
from campaigns.domain.participations import Participation
from campaigns.service_layer.ports import AbstractCampaigns, AbstractParticipations, AbstractReplicas
from svckit.replicas import upsert_if_newer
from svckit.uow import ConcurrentUpdate, unique_violation

Track = Callable[[Any], Any]
CONTENT = "CONTENT"


class SqlAlchemyReplicas(AbstractReplicas):
    """Each row keeps the version of the event that last wrote it; an older event changes nothing
    (events of one organization may arrive out of order: several relays, retries)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _upsert(self, table, key: str, row: dict[str, Any]) -> None:
        upsert_if_newer(self.session, table, key, row)

    def save_organization(self, organization_id: UUID, version: int, **values: Any) -> None:
        self._upsert(orm.known_organizations, "id", {"id": organization_id, "version": version, **values})

    def archive_organization(self, organization_id: UUID, version: int) -> None:
        self.session.execute(update(orm.known_organizations)
                             .where(orm.known_organizations.c.id == organization_id,
                                    orm.known_organizations.c.version < version)
                             .values(archived=True, version=version))

    def set_organization_features(self, organization_id: UUID, version: int,
                                  multiple_sendings_for_assessments: bool) -> None:
        self.session.execute(update(orm.known_organizations)
                             .where(orm.known_organizations.c.id == organization_id,
                                    orm.known_organizations.c.version < version)
                             .values(multiple_sendings_for_assessments=multiple_sendings_for_assessments,
                                     version=version))

    def save_membership(self, membership_id: UUID, version: int, **values: Any) -> None:
        self._upsert(orm.memberships, "membership_id", {"membership_id": membership_id, "version": version, **values})

    def role_of(self, organization_id: UUID, user_id: UUID) -> str | None:
        return self.session.execute(select(orm.memberships.c.role).where(
            orm.memberships.c.organization_id == organization_id, orm.memberships.c.user_id == user_id,
            orm.memberships.c.active.is_(True))).scalar()

    def save_orga_terms(self, user_id: UUID, version: int, accepted_at: Any) -> None:
        self._upsert(orm.orga_terms, "user_id", {"user_id": user_id, "version": version, "accepted_at": accepted_at})

    def accepted_orga_terms(self, user_id: UUID) -> bool:
        return self.session.execute(select(orm.orga_terms.c.user_id).where(
            orm.orga_terms.c.user_id == user_id)).first() is not None

    def organization_archived(self, organization_id: UUID) -> bool:
        return bool(self.session.execute(select(orm.known_organizations.c.archived).where(
            orm.known_organizations.c.id == organization_id)).scalar())

    def replace_content(self, content_version: int, profiles: list[dict[str, Any]],
                        skills: list[dict[str, Any]]) -> bool:
        table = orm.target_profiles
        newest = self.session.execute(select(table.c.content_version).where(table.c.source == CONTENT)
                                      .order_by(table.c.content_version.desc()).limit(1).with_for_update()).scalar()
        if newest is not None and newest >= content_version:
            return False
        self.session.execute(delete(table).where(table.c.source == CONTENT))
        if profiles:
            self.session.execute(insert(table), [{**p, "source": CONTENT, "content_version": content_version,
                                                  "public": True, "organization_ids": []} for p in profiles])
        self.session.execute(delete(orm.content_skills))
        if skills:
            self.session.execute(insert(orm.content_skills), [
                {"id": s["id"], "tube_id": s["tube_id"], "level": s["level"], "content_version": content_version}
                for s in skills])
        return True

    def levels_by_tube(self) -> dict[str, list[tuple[int, str]]]:
        levels: dict[str, list[tuple[int, str]]] = {}
        for row in self.session.execute(select(orm.content_skills)).all():
            levels.setdefault(row.tube_id, []).append((row.level, row.id))
        return levels

    def add_target_profile(self, profile: dict[str, Any]) -> None:
        self.session.execute(insert(orm.target_profiles).values(**profile))

    def organization(self, organization_id: UUID) -> dict[str, Any] | None:
        row = self.session.execute(select(orm.known_organizations).where(
            orm.known_organizations.c.id == organization_id)).mappings().first()
        return dict(row) if row else None

    def save_learner_link(self, learner_id: UUID, version: int, organization_id: UUID, user_id: UUID | None) -> None:
        table = orm.learner_links
        statement = pg_insert(table).values(learner_id=learner_id, version=version, organization_id=organization_id,
                                            user_id=user_id, disabled=False)
        self.session.execute(statement.on_conflict_do_update(  # a link leaves the list state as it is
            index_elements=[table.c.learner_id], set_={"user_id": statement.excluded.user_id,
                                                       "version": statement.excluded.version},
            where=table.c.version < statement.excluded.version))

    def save_learner(self, learner_id: UUID, version: int, organization_id: UUID, user_id: UUID | None,
                     disabled: bool) -> None:
        self._upsert(orm.learner_links, "learner_id", {"learner_id": learner_id, "version": version,
                                                       "organization_id": organization_id, "user_id": user_id,
                                                       "disabled": disabled})

    def linked_learner(self, organization_id: UUID, user_id: UUID) -> tuple[UUID, bool] | None:
        row = self.session.execute(select(orm.learner_links.c.learner_id, orm.learner_links.c.disabled).where(
            orm.learner_links.c.organization_id == organization_id,
            orm.learner_links.c.user_id == user_id)).first()
        return (row.learner_id, row.disabled) if row else None

    def save_profile(self, user_id: UUID, profile: dict[str, Any], as_of: Any) -> None:
        table = orm.learner_profiles
        statement = pg_insert(table).values(user_id=user_id, profile=profile, as_of=as_of)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.user_id], set_={"profile": statement.excluded.profile,
                                                   "as_of": statement.excluded.as_of},
            where=table.c.as_of < statement.excluded.as_of))

    def profile_of(self, user_id: UUID) -> dict[str, Any] | None:
        return self.session.execute(select(orm.learner_profiles.c.profile).where(
            orm.learner_profiles.c.user_id == user_id)).scalar()

    def target_profile(self, profile_id: str) -> TargetProfile | None:
        row = self.session.execute(select(orm.target_profiles).where(orm.target_profiles.c.id == profile_id)).first()
        if row is None:
            return None
        return TargetProfile(row.id, row.name, tuple(row.skill_ids), row.public,
                             tuple(UUID(o) for o in row.organization_ids))


_FIELDS = ("id", "organization_id", "code", "type", "name", "title", "landing_text", "external_id_label",
           "external_id_type", "multiple_sendings", "target_profile_id", "owner_id", "creator_id", "created_at",
           "archived_at", "archived_by")


class SqlAlchemyCampaigns(AbstractCampaigns):
    def __init__(self, session: Session, track: Track) -> None:
        self.session, self.track = session, track

    def add(self, campaign: Campaign) -> None:
        try:
            self.session.execute(insert(orm.campaigns).values(**self._columns(campaign), version=campaign.version))
        except IntegrityError as error:  # a code already taken: the handler draws again
            violation = unique_violation(error)
            if violation is None:
                raise
            raise violation from error
        campaign.loaded_version = campaign.version
        self.track(campaign)

    def get(self, campaign_id: UUID) -> Campaign | None:
        row = self.session.execute(select(orm.campaigns).where(orm.campaigns.c.id == campaign_id)).first()
        if row is None:
            return None
        campaign = Campaign(**{name: getattr(row, name) for name in _FIELDS},
                            target_skill_ids=tuple(row.target_skill_ids), version=row.version)
        campaign.loaded_version = row.version
        return self.track(campaign)

    def by_code(self, code: str) -> Campaign | None:
        campaign_id = self.session.execute(select(orm.campaigns.c.id).where(orm.campaigns.c.code == code)).scalar()
        return self.get(campaign_id) if campaign_id else None

    def save(self, campaign: Campaign) -> None:
        if campaign.version == campaign.loaded_version:
            return
        result = self.session.execute(
            update(orm.campaigns)
            .where(orm.campaigns.c.id == campaign.id, orm.campaigns.c.version == campaign.loaded_version)
            .values(**self._columns(campaign), version=campaign.version))
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"campaign {campaign.id} changed since it was read")
        campaign.loaded_version = campaign.version

    @staticmethod
    def _columns(campaign: Campaign) -> dict[str, Any]:
        return {**{name: getattr(campaign, name) for name in _FIELDS},
                "target_skill_ids": list(campaign.target_skill_ids)}


_PARTICIPATION_FIELDS = ("id", "campaign_id", "organization_id", "user_id", "campaign_type", "status",
                         "participant_external_id", "organization_learner_id", "created_at", "results", "shared_at",
                         "is_improvement", "superseded_at", "deleted_at", "deleted_by")
_PARTICIPATION_CHANGES = ("status", "results", "shared_at", "superseded_at", "deleted_at", "deleted_by", "user_id",
                          "participant_external_id", "organization_learner_id")


class SqlAlchemyParticipations(AbstractParticipations):
    def __init__(self, session: Session, track: Track) -> None:
        self.session, self.track = session, track

    def add(self, participation: Participation) -> None:
        try:
            self.session.execute(insert(orm.participations).values(
                **{name: getattr(participation, name) for name in _PARTICIPATION_FIELDS},
                version=participation.version))
        except IntegrityError as error:  # two joins at once: the second finds the first
            violation = unique_violation(error)
            if violation is None:
                raise
            raise violation from error
        participation.loaded_version = participation.version
        self.track(participation)

    def _load(self, *conditions: Any) -> Participation | None:
        row = self.session.execute(select(orm.participations).where(*conditions)).first()
        if row is None:
            return None
        participation = Participation(**{name: getattr(row, name) for name in _PARTICIPATION_FIELDS},
                                      version=row.version)
        return self.track(participation)

    def get(self, participation_id: UUID) -> Participation | None:
        return self._load(orm.participations.c.id == participation_id)

    def live_of(self, campaign_id: UUID, user_id: UUID) -> Participation | None:
        return self._load(orm.participations.c.campaign_id == campaign_id, orm.participations.c.user_id == user_id,
                          orm.participations.c.superseded_at.is_(None), orm.participations.c.deleted_at.is_(None))

    def any_in(self, campaign_id: UUID) -> bool:
        return self.session.execute(select(orm.participations.c.id).where(
            orm.participations.c.campaign_id == campaign_id).limit(1)).first() is not None

    def save(self, participation: Participation) -> None:
        if participation.version == participation.loaded_version:
            return
        result = self.session.execute(
            update(orm.participations)
            .where(orm.participations.c.id == participation.id,
                   orm.participations.c.version == participation.loaded_version)
            .values(**{name: getattr(participation, name) for name in _PARTICIPATION_CHANGES},
                    version=participation.version))
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"participation {participation.id} changed since it was read")
        participation.loaded_version = participation.version
