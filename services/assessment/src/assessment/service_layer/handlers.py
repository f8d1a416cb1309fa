"""assessment's use cases: each opens a unit of work, loads, calls the domain, commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from assessment.domain import commands
from assessment.domain.content import LearningContent
from assessment.domain.exceptions import AssessmentNotFound, AssessmentNotOwned
from assessment.domain.model import Answer, Assessment, CampaignTarget, Rules, new_assessment
from assessment.domain.releases import ContentRelease
from assessment.service_layer.unit_of_work import AssessmentUnitOfWork
from svckit.uow import ConcurrentUpdate

ASSESSMENT_CAMPAIGN = "ASSESSMENT"


class CampaignNotKnownYet(Exception):
    """An event about a campaign arrived before the campaign's creation: retried later by the consumer."""


def release_content(document: dict[str, Any], checksum: str, released_by: str, uow: AssessmentUnitOfWork,
                    now: datetime, *, announce_if_unchanged: bool = False) -> tuple[int, bool]:
    """Release the document as the next version; the same content as the latest is not released twice, but
    may be announced again (consumers keep the latest version and ignore one they already have)."""
    with uow:
        latest = uow.releases.latest()
        if latest is not None and latest.checksum == checksum:
            if announce_if_unchanged:
                latest.announce()
                uow.commit()
            return latest.version, False
        version = (latest.version if latest else 0) + 1
        uow.releases.add(ContentRelease.release(version=version, checksum=checksum, document=document,
                                                released_at=now, released_by=released_by))
        uow.commit()
        return version, True


def on_campaign_changed(data: dict[str, Any], event_type: str, version: int, uow: AssessmentUnitOfWork) -> None:
    """Keep the replica of a campaign's target and archive state; stale versions are dropped."""
    known = uow.campaign_targets.get(data["campaign_id"])
    if known is not None and known.version >= version:
        return
    if event_type.startswith("campaigns.campaign.created."):
        uow.campaign_targets.save(CampaignTarget(
            campaign_id=data["campaign_id"], organization_id=data["organization_id"], type=data["type"],
            target_skill_ids=tuple(data.get("target_skill_ids") or ()), archived=False, version=version))
        return
    if known is None:
        raise CampaignNotKnownYet(f"campaign {data['campaign_id']} is not known yet")
    archived = event_type.startswith("campaigns.campaign.archived.")
    uow.campaign_targets.save(CampaignTarget(known.campaign_id, known.organization_id, known.type,
                                             known.target_skill_ids, archived, version))


def on_participation_started(command: commands.StartCampaignAssessment, uow: AssessmentUnitOfWork,
                             content: Callable[[], LearningContent], rules: Rules,
                             new_id: Callable[[], UUID]) -> UUID | None:
    """An assessment campaign's participation gets its assessment (once), over the campaign's target.

    A target already known from earlier campaigns completes it at once.
    """
    if command.campaign_type not in (None, ASSESSMENT_CAMPAIGN):
        return None  # a profiles collection sends the learner's profile: nothing to ask
    campaign = uow.campaign_targets.get(command.campaign_id)
    if campaign is None:
        raise CampaignNotKnownYet(f"campaign {command.campaign_id} is not known yet")
    if campaign.type != ASSESSMENT_CAMPAIGN:
        return None
    existing, version = uow.assessments.latest_for_participation(command.participation_id)
    if existing is not None and version >= command.participation_version:
        return existing  # already created by this event or a later one
    assessment = new_assessment(
        id=new_id(), user_id=command.user_id, participation_id=command.participation_id,
        campaign_id=command.campaign_id, target_skill_ids=campaign.target_skill_ids, improving=command.improving,
        created_at=command.started_at, knowledge=uow.assessments.knowledge_of(command.user_id),
        answered_before=uow.assessments.challenges_answered_by(command.user_id),
        reset_all_not_validated=command.reset_all_not_validated, participation_version=command.participation_version)
    assessment.complete_if_nothing_to_ask(content(), rules, command.started_at)
    uow.assessments.add(assessment)
    return assessment.id


def _own(uow: AssessmentUnitOfWork, assessment_id: UUID, user_id: UUID) -> Assessment:
    assessment = uow.assessments.get(assessment_id)
    if assessment is None:
        raise AssessmentNotFound(f"no assessment {assessment_id}")
    if assessment.user_id != user_id:
        raise AssessmentNotOwned("this assessment belongs to another learner")
    return assessment


def load_own(assessment_id: UUID, user_id: UUID, uow: AssessmentUnitOfWork) -> Assessment:
    with uow:
        return _own(uow, assessment_id, user_id)


def own_for_participation(participation_id: UUID, user_id: UUID, uow: AssessmentUnitOfWork) -> Assessment:
    with uow:
        assessment_id = uow.assessments.id_for_participation(participation_id)
        if assessment_id is None:
            raise AssessmentNotFound(f"no assessment for participation {participation_id} (yet)")
        return _own(uow, assessment_id, user_id)


def current_challenge(assessment_id: UUID, user_id: UUID, uow_factory: Callable[[], AssessmentUnitOfWork],
                      content: LearningContent, rules: Rules, now: datetime) -> tuple[Assessment, Any]:
    """The question being asked, chosen and stored if there was none. Two requests racing for the
    first choice both get the one stored by the winner."""
    for attempt in range(2):
        uow = uow_factory()
        with uow:
            assessment = _own(uow, assessment_id, user_id)
            challenge = assessment.current_challenge(content, rules, now)
            if assessment.version == assessment.loaded_version:
                return assessment, challenge
            try:
                uow.assessments.save(assessment)
                uow.commit()
            except ConcurrentUpdate:
                if attempt == 1:
                    raise
                continue
            return assessment, challenge
    raise AssertionError("unreachable")  # pragma: no cover


def answer(command: commands.AnswerChallenge, uow: AssessmentUnitOfWork, content: LearningContent, rules: Rules,
           now: datetime, new_id: Callable[[], UUID]) -> tuple[Assessment, Answer, bool]:
    """The answer recorded, and whether it is new (False: the same answer was recorded before, nothing changed)."""
    with uow:
        assessment = _own(uow, command.assessment_id, command.user_id)
        recorded = assessment.answer(content, rules, challenge_id=command.challenge_id, value=command.value,
                                     skipped=command.skipped, now=now, new_id=new_id)
        if recorded not in assessment.new_answers:
            return assessment, recorded, False
        uow.assessments.save(assessment)
        uow.commit()
        return assessment, recorded, True
