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
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Table, and_, case, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from reporting.adapters import orm
from reporting.domain import collective, progress
from reporting.service_layer.read_models import AbstractReadModels
from svckit.replicas import upsert_if_newer

PROJECTION_TABLES: dict[str, tuple[Table, ...]] = {
    "directory": (orm.organizations, orm.memberships, orm.orga_terms, orm.users, orm.gar_sign_ins, orm.learners),
    "content": (orm.content_release, orm.areas, orm.competences, orm.skills, orm.target_profiles),
    "campaigns": (orm.campaigns,),
    "participations": (orm.participations, orm.shared_results, orm.collective_totals, orm.campaign_counts,
                       orm.campaign_days),
    "certification": (orm.certification_results,),
}

SUMS = tuple(field.name for field in fields(collective.Totals))

# The participation's learner is the one it was matched to, else the organization's learner linked to the
# participant's account (one not disabled first); its names are the learner's, else the account's.
REFRESH_PARTICIPANTS = """
UPDATE participations AS p
SET learner_id = found.id,
    first_name = COALESCE(found.first_name, account.first_name),
    last_name = COALESCE(found.last_name, account.last_name),
    division = found.division, group_name = found.group_name, student_number = found.student_number
FROM participations AS q
LEFT JOIN LATERAL (
    SELECT l.id, l.first_name, l.last_name, l.division, l.group_name, l.student_number
    FROM learners AS l
    WHERE l.id = q.organization_learner_id OR (l.organization_id = q.organization_id AND l.user_id = q.user_id)
    ORDER BY (l.id = q.organization_learner_id) IS TRUE DESC, l.disabled, l.id
    LIMIT 1) AS found ON true
LEFT JOIN users AS account ON account.id = q.user_id
WHERE p.id = q.id AND ({selection})
"""

# Live: the same condition as orm.LIVE. The contract does not fix the snapshot's inner fields: a competence
# whose area is not named is in the area its code starts with, and a profile's missing pix or level is 0.
SYNC_SHARED_RESULTS = """
INSERT INTO shared_results (participation_id, competence_code, campaign_id, area_code, target_skills_count,
                            validated_skills_count, tested_skills_count, mastery_rate, pix, level)
SELECT p.id, c.competence_code, p.campaign_id, COALESCE(c.area_code, split_part(c.competence_code, '.', 1)),
       c.target_skills_count, c.validated_skills_count,
       c.tested_skills_count, c.mastery_rate, NULL, NULL
FROM participations AS p,
     jsonb_to_recordset(p.results -> 'competences') AS c(competence_code text, area_code text,
         target_skills_count int, validated_skills_count int, tested_skills_count int, mastery_rate numeric)
WHERE p.id = ANY(:ids) AND p.status = 'SHARED' AND p.campaign_type = 'ASSESSMENT'
  AND p.deleted_at IS NULL AND NOT p.superseded AND p.started_at IS NOT NULL
UNION ALL
SELECT p.id, c.competence_code, p.campaign_id, COALESCE(c.area_code, split_part(c.competence_code, '.', 1)),
       NULL, NULL, NULL, NULL, COALESCE(c.pix, 0), COALESCE(c.level, 0)
FROM participations AS p,
     jsonb_to_recordset(p.results -> 'profile' -> 'competences') AS c(competence_code text, area_code text,
         pix int, level int)
WHERE p.id = ANY(:ids) AND p.status = 'SHARED' AND p.campaign_type = 'PROFILES_COLLECTION'
  AND p.deleted_at IS NULL AND NOT p.superseded AND p.started_at IS NOT NULL
RETURNING *
"""


# ``record_progress``'s writes, one statement for all the answers a transaction holds (``progress.merged``): a
# participation not known yet is created with what they know (version 0: the participation's own events, from
# campaigns, are still to come); a known one takes the latest answer's progress and the latest completion unless
# they are older than its own progress or its latest (re)start. One statement rather than one per answer: each
# statement on participations also runs the running counts' trigger (migration 0006).
PROGRESS = text("""
INSERT INTO participations AS p (id, version, campaign_id, progress_rate, progress_at, completed_at)
SELECT id, 0, campaign_id, rate, at, completed_at
FROM unnest(CAST(:ids AS uuid[]), CAST(:campaign_ids AS uuid[]), CAST(:rates AS numeric[]),
            CAST(:ats AS timestamptz[]), CAST(:completed_ats AS timestamptz[]))
     AS written(id, campaign_id, rate, at, completed_at)
ON CONFLICT (id) DO UPDATE
SET progress_rate = excluded.progress_rate, progress_at = excluded.progress_at,
    completed_at = CASE WHEN excluded.completed_at IS NOT NULL
                             AND (p.progress_at IS NULL OR p.progress_at <= excluded.completed_at)
                             AND (p.restarted_at IS NULL OR p.restarted_at <= excluded.completed_at)
                        THEN excluded.completed_at ELSE p.completed_at END
WHERE (p.progress_at IS NULL OR p.progress_at <= excluded.progress_at)
  AND (p.restarted_at IS NULL OR p.restarted_at <= excluded.progress_at)
""")


class SqlAlchemyReadModels(AbstractReadModels):
    def __init__(self, session: Session) -> None:
        self.session = session
        self._progress: list[progress.Progress] = []
        # participations whose derived rows (who the participant is, their shared results) are to be derived
        # again at the commit: once for all a transaction changed (``derive_pending``)
        self._to_rename: dict[UUID, None] = {}
        self._to_sync: dict[UUID, None] = {}

    def _upsert(self, table: Table, key: str, row: dict[str, Any]) -> None:
        """The whole row, when the event is newer than the row's ``version``."""
        upsert_if_newer(self.session, table, key, row)

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

    def save_user(self, user_id: UUID, version: int, first_name: str, last_name: str, *, has_email: bool,
                  username: str | None) -> None:
        self._upsert(orm.users, "id", {"id": user_id, "version": version, "first_name": first_name,
                                       "last_name": last_name, "has_email": has_email, "username": username})
        self._refresh_participants("q.user_id = :user_id", user_id=user_id)

    def save_gar_sign_in(self, user_id: UUID, version: int, linked_at: datetime) -> None:
        self._upsert(orm.gar_sign_ins, "user_id", {"user_id": user_id, "version": version, "linked_at": linked_at})

    def save_learners(self, organization_id: UUID, learners: list[dict[str, Any]]) -> None:
        """Learners as imported (each dict: ``learner_id``, ``version``, ``user_id`` and the fields), then
        the names of their participants. The import also says which account each learner is linked to,
        which a ``learner.linked`` or ``.unlinked`` of a later version may have changed already. It does not say
        since when: an account it changes has no date until its ``learner.linked`` arrives."""
        table = orm.learners
        for learner in learners:
            values = {k: v for k, v in learner.items() if k not in ("learner_id", "version", "user_id")}
            row = {"id": learner["learner_id"], "version": learner["version"], "organization_id": organization_id,
                   "user_id": learner["user_id"], "link_version": learner["version"], **values}
            statement = pg_insert(table).values(**row)
            excluded = statement.excluded
            link_is_newer = table.c.link_version < excluded.version
            self.session.execute(statement.on_conflict_do_update(index_elements=[table.c.id], set_={
                **{name: case((table.c.version < excluded.version, excluded[name]), else_=table.c[name])
                   for name in values},
                "organization_id": excluded.organization_id,
                "version": func.greatest(table.c.version, excluded.version),
                "user_id": case((link_is_newer, excluded.user_id), else_=table.c.user_id),
                "linked_at": case((and_(link_is_newer, excluded.user_id.is_distinct_from(table.c.user_id)), None),
                                  else_=table.c.linked_at),
                "link_version": func.greatest(table.c.link_version, excluded.version),
            }))
        self._refresh_learners(organization_id, [learner["learner_id"] for learner in learners])

    def link_learner(self, learner_id: UUID, version: int, organization_id: UUID, user_id: UUID,
                     linked_at: datetime) -> None:
        """The link, when it is the newest news of the learner's account. Its date is also taken when it is
        older but names the account linked now, with a later date than the one known: an import of a later
        version may have brought the account without a date, and the latest link of an account is its
        latest date (a later unlink or another account would have changed the account)."""
        table = orm.learners
        # version 0: the import that brings the learner's names is still to come, and must not be taken as stale
        statement = pg_insert(table).values(id=learner_id, version=0, organization_id=organization_id,
                                            user_id=user_id, linked_at=linked_at, link_version=version)
        newer = table.c.link_version < version
        dates_this_account = and_(table.c.user_id == user_id,
                                  or_(table.c.linked_at.is_(None), table.c.linked_at < linked_at))
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={"user_id": case((newer, statement.excluded.user_id), else_=table.c.user_id),
                  "linked_at": statement.excluded.linked_at,
                  "link_version": func.greatest(table.c.link_version, version)},
            where=or_(newer, dates_this_account)))
        self._refresh_learners(organization_id, [learner_id])

    def unlink_learner(self, learner_id: UUID, version: int, organization_id: UUID) -> None:
        table = orm.learners
        statement = pg_insert(table).values(id=learner_id, version=0, organization_id=organization_id,
                                            user_id=None, linked_at=None, link_version=version)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.id], set_={"user_id": None, "linked_at": None, "link_version": version},
            where=table.c.link_version < version))
        # The participants it named through the account are found by their learner_id (_refresh_learners).
        self._refresh_learners(organization_id, [learner_id])

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
        others = self._supersede(participation_id, row["campaign_id"], row["user_id"], row["started_at"])
        self._participants_changed([participation_id, *others])

    def _supersede(self, participation_id: UUID, campaign_id: UUID, user_id: UUID,
                   started_at: datetime) -> list[UUID]:
        """One live participation per learner and campaign: a retry supersedes the earlier ones, and a start
        that arrives after a later one is superseded at once. A deleted participation supersedes nothing."""
        table = orm.participations
        if self.session.execute(select(table.c.deleted_at).where(table.c.id == participation_id)).scalar():
            return []
        same_learner = and_(table.c.campaign_id == campaign_id, table.c.user_id == user_id,
                            table.c.id != participation_id)
        earlier = self.session.execute(update(table).where(same_learner, table.c.started_at < started_at,
                                                           ~table.c.superseded)
                                       .values(superseded=True).returning(table.c.id)).scalars().all()
        later = select(table.c.id).where(same_learner, table.c.started_at > started_at).exists()
        self.session.execute(update(table).where(table.c.id == participation_id).values(superseded=later))
        return list(earlier)

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
        self._to_sync[participation_id] = None

    def delete_participation(self, participation_id: UUID, version: int, known: dict[str, Any],
                             deleted_at: datetime) -> None:
        """Everything that identified the learner is forgotten, and the tombstone stays so that no older
        event brings the participation back."""
        self._participation_event(participation_id, version, known, {
            "deleted_at": deleted_at, "user_id": None, "organization_learner_id": None,
            "participant_external_id": None, "results": None})
        self._participants_changed([participation_id])

    def record_progress(self, participation_id: UUID, campaign_id: UUID, at: datetime, progress_rate: float,
                        completed: bool) -> None:
        """Progress comes from assessment, another aggregate: the latest answer counts, and answers given before
        the participation's latest (re)start are not counted. Written with the transaction's other answers, before
        its next statement or its commit (``write_pending``)."""
        self._progress.append(progress.Progress(participation_id, campaign_id, at, progress_rate, completed))

    def write_pending(self) -> None:
        if not self._progress:
            return
        # in the participations' order: two consumers' batches lock the rows they share in one order
        written, self._progress = sorted(progress.merged(self._progress), key=lambda w: w.participation_id), []
        self.session.execute(PROGRESS, {
            "ids": [w.participation_id for w in written], "campaign_ids": [w.campaign_id for w in written],
            "rates": [w.rate for w in written], "ats": [w.at for w in written],
            "completed_ats": [w.completed_at for w in written]})

    # --- certification results -----------------------------------------------------------

    def save_certification_result(self, course_id: UUID, version: int, row: dict[str, Any]) -> None:
        """The course's result as published; a later version (a rescoring, a publication again) replaces it
        whole, an earlier or repeated one changes nothing."""
        upsert_if_newer(self.session, orm.certification_results, "course_id",
                        {"course_id": course_id, "version": version, **row})

    # --- what is derived from several rows: who each participant is, the results to average -----

    def _participants_changed(self, participation_ids: list[UUID]) -> None:
        for participation_id in participation_ids:
            self._to_rename[participation_id] = self._to_sync[participation_id] = None

    def derive_pending(self) -> None:
        """What the transaction's participations derive, derived again once for all of them, before its commit:
        each derived row is a function of the rows as they are then (``_refresh_participants``,
        ``_sync_shared_results``), so doing it once at the end leaves what doing it after each event would,
        for a batch of shares four statements in all instead of three per share. Nothing the projections read
        while applying events is derived (they read versions, starts and deletions)."""
        if self._to_rename:
            ids, self._to_rename = list(self._to_rename), {}
            self._refresh_participants("q.id = ANY(:ids)", ids=ids)
        if self._to_sync:
            ids, self._to_sync = list(self._to_sync), {}
            self._sync_shared_results(ids)

    def _refresh_learners(self, organization_id: UUID, learner_ids: list[UUID]) -> None:
        """The participants a change of these learners may rename: those matched to them, those they were
        found for, and those of the accounts they are linked to now."""
        self._refresh_participants(
            "q.organization_learner_id = ANY(:ids) OR q.learner_id = ANY(:ids) OR (q.organization_id = :org "
            "AND q.user_id IN (SELECT user_id FROM learners WHERE id = ANY(:ids) AND user_id IS NOT NULL))",
            ids=learner_ids, org=organization_id)

    def _refresh_participants(self, selection: str, **parameters: Any) -> None:
        """Who the selected participants are, derived again from the rows as they are now, so that the result
        does not depend on the order events came in (``orm.participations``' participant columns)."""
        self.session.execute(text(REFRESH_PARTICIPANTS.format(selection=selection)), parameters)

    def _sync_shared_results(self, participation_ids: list[UUID]) -> None:
        """The participations' rows in ``shared_results``, derived again (present only while shared and live),
        and their campaigns' totals moved by the difference."""
        table, totals = orm.shared_results, orm.collective_totals
        removed = self.session.execute(delete(table).where(table.c.participation_id.in_(participation_ids))
                                       .returning(*table.c)).all()
        added = self.session.execute(text(SYNC_SHARED_RESULTS), {"ids": participation_ids}).all()
        rows = [{"campaign_id": campaign_id, "kind": kind, "code": code, **asdict(change)}
                for (campaign_id, kind, code), change in collective.changes(removed, added).items()]
        if rows:  # one statement (insertmanyvalues), its rows in key order: concurrent ones lock them in one order
            statement = pg_insert(totals)
            self.session.execute(statement.on_conflict_do_update(
                index_elements=[totals.c.campaign_id, totals.c.kind, totals.c.code],
                set_={name: totals.c[name] + statement.excluded[name] for name in SUMS}), rows)

    # --- rebuilding -----------------------------------------------------------------------

    def clear(self, projections: Iterable[str]) -> None:
        for name in projections:
            for table in PROJECTION_TABLES[name]:
                self.session.execute(delete(table))
