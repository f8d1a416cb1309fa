from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Uuid, insert, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from assessment.adapters import orm
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


_LOAD = text("""
    SELECT a.*, coalesce(ct.archived, false) AS campaign_archived,
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


class SqlAlchemyAssessments(AbstractAssessments):
    def __init__(self, session: Session, track: Track) -> None:
        self.session, self.track = session, track

    def get(self, assessment_id: UUID) -> Assessment | None:
        # One round trip on the hot path: the assessment, its campaign's archive state, every answer of
        # the learner (this assessment's, and the challenges seen elsewhere) and the learner's knowledge,
        # the last two as JSON arrays built by PostgreSQL.
        row = self.session.execute(_LOAD, {"id": assessment_id}).mappings().first()
        if row is None:
            return None
        answers = [Answer(id=UUID(a[0]), assessment_id=UUID(a[1]), index=a[2], challenge_id=a[3], skill_id=a[4],
                          value=a[5], result=a[6], answered_at=datetime.fromisoformat(a[7]), elapsed_ms=a[8])
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
            knowledge=[KnowledgeElement(id=UUID(k[0]), user_id=row["user_id"], assessment_id=UUID(k[1]),
                                        skill_id=k[2], competence_code=k[3], status=k[4], source=k[5],
                                        earned_pix=k[6], created_at=datetime.fromisoformat(k[7]))
                       for k in row["knowledge"]],
            answered_before=frozenset(a.challenge_id for a in answers if a.assessment_id != assessment_id))
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
        if assessment.version != assessment.loaded_version:
            result = self.session.execute(
                update(orm.assessments)
                .where(orm.assessments.c.id == assessment.id, orm.assessments.c.version == assessment.loaded_version)
                .values(version=assessment.version, **self._columns(assessment)))
            if result.rowcount != 1:
                raise ConcurrentUpdate(f"assessment {assessment.id} changed since it was read")
            assessment.loaded_version = assessment.version
        self._write_new(assessment)

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
