"""Writing the read models: one upsert per fact, guarded by versions so that a duplicate, stale or early
event leaves the right state whatever the order of arrival.

Three rules, the same everywhere:

- a field that changes keeps the version of the last event that set it, and an older event does not
  overwrite it (``_newer``);
- a fact that never changes once known (a campaign's code, a participation's first start) is taken from
  whichever event brings it, even a late one (``_known``);
- an event about a row not known yet creates it with what it knows; the others fill the rest later.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Table, and_, case, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from reporting.adapters import orm
from reporting.service_layer.read_models import AbstractReadModels

PROJECTION_TABLES: dict[str, tuple[Table, ...]] = {
    "directory": (orm.organizations, orm.memberships, orm.orga_terms, orm.users, orm.learners),
    "content": (orm.content_release, orm.areas, orm.competences, orm.skills, orm.target_profiles),
    "campaigns": (orm.campaigns,),
    "participations": (orm.participations,),
}


class SqlAlchemyReadModels(AbstractReadModels):
    def __init__(self, session: Session) -> None:
        self.session = session

    def _upsert(self, table: Table, key: str, row: dict[str, Any]) -> None:
        """The whole row, when the event is newer than the row's ``version``."""
        statement = pg_insert(table).values(**row)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c[key]], set_={name: statement.excluded[name] for name in row if name != key},
            where=table.c.version < statement.excluded.version))

    # --- directory: who may read, who the participants are --------------------------------

    def save_organization(self, organization_id: UUID, version: int, **values: Any) -> None:
        self._upsert(orm.organizations, "id", {"id": organization_id, "version": version, **values})

    def archive_organization(self, organization_id: UUID, version: int) -> None:
        table = orm.organizations
        self.session.execute(update(table).where(table.c.id == organization_id, table.c.version < version)
                             .values(archived=True, version=version))

    def save_membership(self, membership_id: UUID, version: int, **values: Any) -> None:
        self._upsert(orm.memberships, "membership_id", {"membership_id": membership_id, "version": version, **values})

    def save_orga_terms(self, user_id: UUID, version: int, accepted_at: datetime) -> None:
        self._upsert(orm.orga_terms, "user_id", {"user_id": user_id, "version": version, "accepted_at": accepted_at})

    def save_user(self, user_id: UUID, version: int, first_name: str, last_name: str) -> None:
        self._upsert(orm.users, "id", {"id": user_id, "version": version, "first_name": first_name,
                                       "last_name": last_name})

    def save_learner(self, learner_id: UUID, version: int, organization_id: UUID, user_id: UUID | None,
                     **values: Any) -> None:
        """The learner as imported; the import also says which account it is linked to, which a
        ``learner.linked`` of a later version may have changed already."""
        table = orm.learners
        row = {"id": learner_id, "version": version, "organization_id": organization_id, "user_id": user_id,
               "link_version": version, **values}
        statement = pg_insert(table).values(**row)
        excluded = statement.excluded
        link_is_newer = table.c.link_version < excluded.version
        fields = {name: case((table.c.version < excluded.version, excluded[name]), else_=table.c[name])
                  for name in values}
        self.session.execute(statement.on_conflict_do_update(index_elements=[table.c.id], set_={
            **fields,
            "organization_id": excluded.organization_id,
            "version": func.greatest(table.c.version, excluded.version),
            "user_id": case((link_is_newer, excluded.user_id), else_=table.c.user_id),
            "link_version": func.greatest(table.c.link_version, excluded.version),
        }))

    def link_learner(self, learner_id: UUID, version: int, organization_id: UUID, user_id: UUID) -> None:
        table = orm.learners
        # version 0: the import that brings the learner's names is still to come, and must not be taken as stale
        statement = pg_insert(table).values(id=learner_id, version=0, organization_id=organization_id,
                                            user_id=user_id, link_version=version)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.id], set_={"user_id": statement.excluded.user_id, "link_version": version},
            where=table.c.link_version < version))

    # --- content: the names of competences and areas, the skills' competences --------------

    def replace_content(self, version: int, areas: list[dict[str, Any]], competences: list[dict[str, Any]],
                        skills: list[dict[str, Any]], target_profiles: list[dict[str, Any]]) -> bool:
        current = self.session.execute(select(orm.content_release.c.version).with_for_update()).scalar()
        if current is not None and current >= version:
            return False
        for table in PROJECTION_TABLES["content"]:
            self.session.execute(delete(table))
        self.session.execute(insert(orm.content_release).values(id=1, version=version))
        for table, rows in ((orm.areas, areas), (orm.competences, competences), (orm.skills, skills),
                            (orm.target_profiles, target_profiles)):
            if rows:
                self.session.execute(insert(table), rows)
        return True

    # --- campaigns ------------------------------------------------------------------------

    def save_campaign_created(self, campaign_id: UUID, version: int, organization_id: UUID,
                              facts: dict[str, Any], details: dict[str, Any]) -> None:
        """``facts`` never change (code, type, target...); ``details`` are the first of the ones that can."""
        table = orm.campaigns
        statement = pg_insert(table).values(id=campaign_id, organization_id=organization_id, details_version=version,
                                            archive_version=version, **facts, **details)
        excluded = statement.excluded
        self.session.execute(statement.on_conflict_do_update(index_elements=[table.c.id], set_={
            **{name: excluded[name] for name in facts},
            **{name: case((table.c.details_version < version, excluded[name]), else_=table.c[name])
               for name in details},
            "details_version": func.greatest(table.c.details_version, version),
            "archive_version": func.greatest(table.c.archive_version, version),
        }))

    def save_campaign_details(self, campaign_id: UUID, version: int, organization_id: UUID,
                              details: dict[str, Any]) -> None:
        self._versioned_campaign("details_version", campaign_id, version, organization_id, details)

    def save_campaign_archive(self, campaign_id: UUID, version: int, organization_id: UUID,
                              archived_at: datetime | None) -> None:
        self._versioned_campaign("archive_version", campaign_id, version, organization_id,
                                 {"archived_at": archived_at})

    def _versioned_campaign(self, version_column: str, campaign_id: UUID, version: int, organization_id: UUID,
                            values: dict[str, Any]) -> None:
        table = orm.campaigns
        statement = pg_insert(table).values(id=campaign_id, organization_id=organization_id,
                                            **{version_column: version}, **values)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.id], set_={version_column: version, **{n: statement.excluded[n] for n in values}},
            where=table.c[version_column] < version))

    # --- participations -------------------------------------------------------------------

    def save_participation_started(self, participation_id: UUID, version: int, row: dict[str, Any]) -> None:
        """A start is the participation's first event: what it brings never changes, so it is kept even when
        later events arrived first, unless the participation was deleted meanwhile (nothing comes back)."""
        table = orm.participations
        statement = pg_insert(table).values(id=participation_id, version=version, **row)
        excluded = statement.excluded
        alive = table.c.deleted_at.is_(None)
        identifying = ("user_id", "organization_learner_id", "participant_external_id")
        self.session.execute(statement.on_conflict_do_update(index_elements=[table.c.id], set_={
            "campaign_id": excluded.campaign_id,
            "organization_id": excluded.organization_id,
            "campaign_type": excluded.campaign_type,
            "is_improvement": excluded.is_improvement,
            "started_at": excluded.started_at,
            "restarted_at": func.coalesce(table.c.restarted_at, excluded.restarted_at),
            "completed_at": func.coalesce(table.c.completed_at, excluded.completed_at),
            "progress_rate": func.greatest(table.c.progress_rate, excluded.progress_rate),
            **{name: case((alive, excluded[name]), else_=table.c[name]) for name in identifying},
            "version": func.greatest(table.c.version, excluded.version),
        }))
        self._supersede(participation_id, row["campaign_id"], row["user_id"], row["started_at"])

    def _supersede(self, participation_id: UUID, campaign_id: UUID, user_id: UUID, started_at: datetime) -> None:
        """One live participation per learner and campaign: a retry supersedes the earlier ones, and a start
        that arrives after a later one is superseded at once. A deleted participation supersedes nothing."""
        table = orm.participations
        if self.session.execute(select(table.c.deleted_at).where(table.c.id == participation_id)).scalar():
            return
        same_learner = and_(table.c.campaign_id == campaign_id, table.c.user_id == user_id,
                            table.c.id != participation_id)
        self.session.execute(update(table).where(same_learner, table.c.started_at < started_at)
                             .values(superseded=True))
        later = select(table.c.id).where(same_learner, table.c.started_at > started_at).exists()
        self.session.execute(update(table).where(table.c.id == participation_id).values(superseded=later))

    def _participation_event(self, participation_id: UUID, version: int, known: dict[str, Any],
                             changes: dict[str, Any]) -> None:
        """``changes`` when the event is newer than the participation's version; ``known`` (campaign,
        organization...) fills a row this event is the first to mention."""
        table = orm.participations
        statement = pg_insert(table).values(id=participation_id, version=version, **known, **changes)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={"version": version, **{name: statement.excluded[name] for name in changes}},
            where=table.c.version < version))

    def restart_participation(self, participation_id: UUID, version: int, known: dict[str, Any],
                              restarted_at: datetime) -> None:
        table = orm.participations
        self._participation_event(participation_id, version, known, {"restarted_at": restarted_at})
        # The new assessment starts from what the learner knows: its answers bring the progress back. Answers
        # of that new assessment may have arrived before this event; they are kept.
        self.session.execute(update(table).where(
            table.c.id == participation_id, table.c.version == version,
            or_(table.c.progress_at.is_(None), table.c.progress_at < restarted_at)).values(progress_rate=0))

    def share_participation(self, participation_id: UUID, version: int, known: dict[str, Any],
                            results: dict[str, Any]) -> None:
        self._participation_event(participation_id, version, known, results)

    def delete_participation(self, participation_id: UUID, version: int, known: dict[str, Any],
                             deleted_at: datetime) -> None:
        """Everything that identified the learner is forgotten, and the tombstone stays so that no older
        event brings the participation back."""
        self._participation_event(participation_id, version, known, {
            "deleted_at": deleted_at, "user_id": None, "organization_learner_id": None,
            "participant_external_id": None, "results": None})

    def record_progress(self, participation_id: UUID, campaign_id: UUID, at: datetime, progress_rate: float,
                        completed: bool) -> None:
        """Progress comes from assessment, another aggregate: the latest answer counts, and answers given before
        the participation's latest (re)start are not counted."""
        table = orm.participations
        values: dict[str, Any] = {"progress_rate": progress_rate, "progress_at": at}
        if completed:
            values["completed_at"] = at
        # version 0: the participation's own events (campaigns) are still to come
        statement = pg_insert(table).values(id=participation_id, version=0, campaign_id=campaign_id, **values)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.id], set_={name: statement.excluded[name] for name in values},
            where=and_(or_(table.c.progress_at.is_(None), table.c.progress_at <= at),
                       or_(table.c.restarted_at.is_(None), table.c.restarted_at <= at))))

    # --- rebuilding -----------------------------------------------------------------------

    def clear(self, projections: Iterable[str]) -> None:
        for name in projections:
            for table in PROJECTION_TABLES[name]:
                self.session.execute(delete(table))
