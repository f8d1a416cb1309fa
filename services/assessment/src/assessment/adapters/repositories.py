from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from sys import intern
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Uuid, bindparam, insert, literal_column, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from assessment.adapters import orm
from assessment.adapters.state_cache import StateCache
from assessment.domain.knowledge import KnowledgeElement
from assessment.domain.model import Answer, Assessment, CampaignTarget
from assessment.domain.releases import ContentRelease
from assessment.service_layer.ports import AbstractAssessments, AbstractCampaignTargets, AbstractReleases
from svckit.uow import ConcurrentUpdate

Track = Callable[[Any], Any]


class SqlAlchemyReleases(AbstractReleases):
    def __init__(self, session: Session, track: Track) -> None:
        self.session, self.track = session, track

    def latest(self) -> ContentRelease | None:
        row = self.session.execute(
            select(orm.content_releases).order_by(orm.content_releases.c.version.desc()).limit(1)).mappings().first()
        return self.track(ContentRelease(**row)) if row else None

    def add(self, release: ContentRelease) -> None:
        self.session.execute(insert(orm.content_releases).values(
            version=release.version, checksum=release.checksum, released_at=release.released_at,
            released_by=release.released_by, skill_count=release.skill_count,
            challenge_count=release.challenge_count, document=release.document))
        self.track(release)


class SqlAlchemyCampaignTargets(AbstractCampaignTargets):
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, campaign_id: UUID) -> CampaignTarget | None:
        row = self.session.execute(select(orm.campaign_targets).where(
            orm.campaign_targets.c.campaign_id == campaign_id)).mappings().first()
        if row is None:
            return None
        return CampaignTarget(**{**row, "target_skill_ids": tuple(row["target_skill_ids"])})

    def save(self, target: CampaignTarget) -> None:
        values = {"campaign_id": target.campaign_id, "organization_id": target.organization_id, "type": target.type,
                  "target_skill_ids": list(target.target_skill_ids), "archived": target.archived,
                  "version": target.version}
        statement = pg_insert(orm.campaign_targets).values(**values)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=["campaign_id"], set_={k: statement.excluded[k] for k in values if k != "campaign_id"}))


def _knowledge_element(row: Any) -> KnowledgeElement:
    return KnowledgeElement(
        id=row.id, user_id=row.user_id, assessment_id=row.assessment_id, skill_id=row.skill_id,
        competence_code=row.competence_code, status=row.status, source=row.source,
        earned_pix=row.earned_pix, created_at=row.created_at)


# The stamp of what a learner's assessment is built from: the version and ``xmin`` of each of the learner's
# assessments (their answers and knowledge elements are only written with a new version of one of them), and
# the campaign's archive state. Ordered by id, so equal stamps are equal strings (adapters.state_cache). _LOAD
# and _CHECK read it with the same expression.
_LOAD = text("""
    SELECT a.*, coalesce(ct.archived, false) AS campaign_archived,
      (SELECT string_agg(m.id::text || ':' || m.version || ':' || m.xmin::text, ',' ORDER BY m.id)
         FROM assessments m WHERE m.user_id = a.user_id) AS stamp,
      (SELECT coalesce(json_agg(json_build_array(an.id, an.assessment_id, an.index, an.challenge_id, an.skill_id,
                                                 an.value, an.result, an.answered_at, an.elapsed_ms)
                                ORDER BY an.index), '[]')
         FROM answers an JOIN assessments mine ON mine.id = an.assessment_id
        WHERE mine.user_id = a.user_id) AS answers,
      (SELECT coalesce(json_agg(json_build_array(k.id, k.assessment_id, k.skill_id, k.competence_code, k.status,
                                                 k.source, k.earned_pix, k.created_at)
                                ORDER BY k.created_at), '[]')
         FROM knowledge_elements k WHERE k.user_id = a.user_id) AS knowledge
      FROM assessments a LEFT JOIN campaign_targets ct ON ct.campaign_id = a.campaign_id
     WHERE a.id = :id
""").columns(id=Uuid, user_id=Uuid, participation_id=Uuid, campaign_id=Uuid, target_skill_ids=JSONB,
             created_at=DateTime(timezone=True), completed_at=DateTime(timezone=True),
             current_served_at=DateTime(timezone=True), answers=JSONB, knowledge=JSONB)

_CHECK = text("""
    SELECT coalesce(ct.archived, false) AS campaign_archived,
      (SELECT string_agg(m.id::text || ':' || m.version || ':' || m.xmin::text, ',' ORDER BY m.id)
         FROM assessments m WHERE m.user_id = a.user_id) AS stamp
      FROM assessments a LEFT JOIN campaign_targets ct ON ct.campaign_id = a.campaign_id
     WHERE a.id = :id
""")

# The columns of an assessment's row an aggregate is built from (besides its answers and knowledge).
_ROW_FIELDS = ("id", "user_id", "participation_id", "campaign_id", "target_skill_ids", "improving", "created_at",
               "state", "completed_at", "current_challenge_id", "current_served_at", "version", "campaign_archived",
               "reset_all_not_validated", "participation_version")


@dataclass(frozen=True)
class AssessmentSnapshot:
    """An assessment as a process last read or wrote it: never changed, each request builds its own aggregate."""

    fields: tuple[tuple[str, Any], ...]
    answers: tuple[Answer, ...]
    knowledge: tuple[KnowledgeElement, ...]
    answered_before: frozenset[str]

    @classmethod
    def of(cls, assessment: Assessment) -> AssessmentSnapshot:
        return cls(tuple((name, getattr(assessment, name)) for name in _ROW_FIELDS), tuple(assessment.answers),
                   tuple(assessment.knowledge), assessment.answered_before)

    def aggregate(self) -> Assessment:
        return Assessment(**dict(self.fields), answers=list(self.answers), knowledge=list(self.knowledge),
                          answered_before=self.answered_before)


def _restamped(stamp: tuple[bool, str], assessment_id: UUID, version: int, xmin: str) -> tuple[bool, str]:
    """The stamp after this process wrote one of the learner's assessments (the others as they were read)."""
    archived, rows = stamp
    mine = f"{assessment_id}:"
    return archived, ",".join(f"{mine}{version}:{xmin}" if row.startswith(mine) else row for row in rows.split(","))


# Built once (the hot path's write): the row as the aggregate has it, if still at the version it was read at;
# its new xmin back for the stamp.
_SET = ("user_id", "participation_id", "campaign_id", "target_skill_ids", "improving", "state", "created_at",
        "completed_at", "current_challenge_id", "current_served_at", "reset_all_not_validated",
        "participation_version", "version")
_UPDATE = (update(orm.assessments)
           .where(orm.assessments.c.id == bindparam("b_id"), orm.assessments.c.version == bindparam("read_version"))
           .values({name: bindparam(name) for name in _SET})
           .returning(literal_column("xmin::text")))


class SqlAlchemyAssessments(AbstractAssessments):
    def __init__(self, session: Session, track: Track, states: StateCache[AssessmentSnapshot] | None = None) -> None:
        self.session, self.track = session, track
        self.states = states if states is not None else StateCache(0)
        self._stamps: dict[UUID, tuple[bool, str]] = {}  # the stamp each aggregate handed out was read at

    def get(self, assessment_id: UUID) -> Assessment | None:
        assessment_id = assessment_id if isinstance(assessment_id, UUID) else UUID(str(assessment_id))
        if assessment_id in self.states:
            # The snapshot this process kept, if nothing changed since: one small statement instead of the load.
            row = self.session.execute(_CHECK, {"id": assessment_id}).first()
            if row is None:
                self.states.drop(assessment_id)
                return None
            stamp = (row.campaign_archived, row.stamp)
            snapshot = self.states.get(assessment_id, stamp)
            if snapshot is not None:
                self._stamps[assessment_id] = stamp
                return self.track(snapshot.aggregate())
        return self._load(assessment_id)

    def _load(self, assessment_id: UUID) -> Assessment | None:
        # One round trip: the assessment, its campaign's archive state, every answer of the learner (this
        # assessment's, and the challenges seen elsewhere) and the learner's knowledge, the last two as JSON
        # arrays built by PostgreSQL, with the stamp of all of it.
        row = self.session.execute(_LOAD, {"id": assessment_id}).mappings().first()
        if row is None:
            return None
        # Kept between requests (state_cache): the learner's assessment ids and the repeated strings are shared.
        ids: dict[str, UUID] = {str(assessment_id): assessment_id}

        def shared_id(text: str) -> UUID:
            found = ids.get(text)
            if found is None:
                found = ids[text] = UUID(text)
            return found

        moments: dict[str, datetime] = {}  # an answer's knowledge elements are created at its moment

        def moment(text: str) -> datetime:
            found = moments.get(text)
            if found is None:
                found = moments[text] = datetime.fromisoformat(text)
            return found

        answers = [Answer(id=UUID(a[0]), assessment_id=shared_id(a[1]), index=a[2], challenge_id=intern(a[3]),
                          skill_id=intern(a[4]), value=a[5], result=intern(a[6]), answered_at=moment(a[7]),
                          elapsed_ms=a[8])
                   for a in row["answers"]]
        assessment = Assessment(
            id=row["id"], user_id=row["user_id"], participation_id=row["participation_id"],
            campaign_id=row["campaign_id"], target_skill_ids=tuple(row["target_skill_ids"]),
            improving=row["improving"], created_at=row["created_at"], state=row["state"],
            completed_at=row["completed_at"], current_challenge_id=row["current_challenge_id"],
            current_served_at=row["current_served_at"], version=row["version"],
            campaign_archived=row["campaign_archived"], reset_all_not_validated=row["reset_all_not_validated"],
            participation_version=row["participation_version"],
            answers=[a for a in answers if a.assessment_id == assessment_id],
            knowledge=[KnowledgeElement(id=UUID(k[0]), user_id=row["user_id"], assessment_id=shared_id(k[1]),
                                        skill_id=intern(k[2]), competence_code=intern(k[3]), status=intern(k[4]),
                                        source=intern(k[5]), earned_pix=k[6], created_at=moment(k[7]))
                       for k in row["knowledge"]],
            answered_before=frozenset(a.challenge_id for a in answers if a.assessment_id != assessment_id))
        stamp = (row["campaign_archived"], row["stamp"])
        self._stamps[assessment_id] = stamp
        self.states.keep(assessment_id, stamp, AssessmentSnapshot.of(assessment))
        return self.track(assessment)

    def id_for_participation(self, participation_id: UUID) -> UUID | None:
        return self.latest_for_participation(participation_id)[0]

    def latest_for_participation(self, participation_id: UUID) -> tuple[UUID | None, int]:
        row = self.session.execute(
            select(orm.assessments.c.id, orm.assessments.c.participation_version)
            .where(orm.assessments.c.participation_id == participation_id)
            .order_by(orm.assessments.c.participation_version.desc()).limit(1)).first()
        return (row.id, row.participation_version) if row else (None, 0)

    def knowledge_of(self, user_id: UUID) -> list[KnowledgeElement]:
        rows = self.session.execute(select(orm.knowledge_elements).where(orm.knowledge_elements.c.user_id == user_id)
                                    .order_by(orm.knowledge_elements.c.created_at)).all()
        return [_knowledge_element(row) for row in rows]

    def challenges_answered_by(self, user_id: UUID) -> set[str]:
        return set(self.session.execute(select(orm.answers.c.challenge_id).join(orm.assessments)
                                        .where(orm.assessments.c.user_id == user_id)).scalars())

    def add(self, assessment: Assessment) -> None:
        self.session.execute(insert(orm.assessments).values(version=assessment.version, **self._columns(assessment)))
        assessment.loaded_version = assessment.version
        self._write_new(assessment)
        self.track(assessment)

    def save(self, assessment: Assessment) -> None:
        if assessment.version == assessment.loaded_version:
            if assessment.new_answers or assessment.new_knowledge:  # never happens: a change bumps the version
                self.states.drop(assessment.id)
            self._write_new(assessment)
            return
        written = self.session.execute(_UPDATE, {
            **self._columns(assessment), "version": assessment.version, "b_id": assessment.id,
            "read_version": assessment.loaded_version,
        }).scalar()
        if written is None:
            self.states.drop(assessment.id)
            raise ConcurrentUpdate(f"assessment {assessment.id} changed since it was read")
        assessment.loaded_version = assessment.version
        self._write_new(assessment)
        stamp = self._stamps.get(assessment.id)
        if stamp is not None:
            # Stamped with this transaction's id: if it rolls back, no row will ever carry it.
            stamp = _restamped(stamp, assessment.id, assessment.version, written)
            self._stamps[assessment.id] = stamp
            self.states.keep(assessment.id, stamp, AssessmentSnapshot.of(assessment))

    @staticmethod
    def _columns(assessment: Assessment) -> dict[str, Any]:
        return {"id": assessment.id, "user_id": assessment.user_id, "participation_id": assessment.participation_id,
                "campaign_id": assessment.campaign_id, "target_skill_ids": list(assessment.target_skill_ids),
                "improving": assessment.improving, "state": assessment.state, "created_at": assessment.created_at,
                "completed_at": assessment.completed_at, "current_challenge_id": assessment.current_challenge_id,
                "current_served_at": assessment.current_served_at,
                "reset_all_not_validated": assessment.reset_all_not_validated,
                "participation_version": assessment.participation_version}

    def _write_new(self, assessment: Assessment) -> None:
        if assessment.new_answers:
            self.session.execute(insert(orm.answers), [
                {"id": a.id, "assessment_id": a.assessment_id, "index": a.index, "challenge_id": a.challenge_id,
                 "skill_id": a.skill_id, "value": a.value, "result": a.result, "answered_at": a.answered_at,
                 "elapsed_ms": a.elapsed_ms} for a in assessment.new_answers])
            assessment.new_answers.clear()
        if assessment.new_knowledge:
            self.session.execute(insert(orm.knowledge_elements), [
                {"id": e.id, "user_id": e.user_id, "assessment_id": e.assessment_id, "skill_id": e.skill_id,
                 "competence_code": e.competence_code, "status": e.status, "source": e.source,
                 "earned_pix": e.earned_pix, "created_at": e.created_at}
                for e in assessment.new_knowledge])
            assessment.new_knowledge.clear()
