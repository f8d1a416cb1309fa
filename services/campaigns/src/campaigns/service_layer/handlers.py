"""campaigns' use cases: each opens a unit of work, loads, calls the domain, commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from campaigns.domain import codes, commands
from campaigns.domain.exceptions import (
    CampaignNotFound,
    CodeUnavailable,
    LearnerLeftOrganization,
    LearnerNotMatched,
    NotAMember,
    OrganizationArchived,
    OrganizationNotKnownYet,
    OrgaTermsNotAccepted,
    ParticipationNotFound,
    PlatformAdminRequired,
    TargetProfileNotAvailable,
)
from campaigns.domain.model import Actor, Campaign, TargetProfile
from campaigns.domain.participations import Participation
from campaigns.service_layer.unit_of_work import CampaignsUnitOfWork
from svckit.uow import UniqueViolation

CODE_ATTEMPTS = 5


def member(uow: CampaignsUnitOfWork, organization_id: UUID, user_id: UUID) -> Actor:
    role = uow.replicas.role_of(organization_id, user_id)
    if role is None:
        raise NotAMember("access is limited to the organization's members")
    if not uow.replicas.accepted_orga_terms(user_id):
        raise OrgaTermsNotAccepted("accept the Orga terms of use first")
    return Actor(user_id, role)


def _multiple_sendings_allowed(uow: CampaignsUnitOfWork, organization_id: UUID) -> bool:
    return bool((uow.replicas.organization(organization_id) or {}).get("multiple_sendings_for_assessments"))


def create_campaign(command: commands.CreateCampaign, uow_factory: Callable[[], CampaignsUnitOfWork],
                    now: datetime, new_id: Callable[[], UUID],
                    new_code: Callable[[], str] = codes.new_code) -> UUID:
    """A code is drawn at random; the unique index is the referee, and a clash draws again."""
    for _ in range(CODE_ATTEMPTS):
        uow = uow_factory()
        with uow:
            actor = member(uow, command.organization_id, command.user_id)
            if uow.replicas.organization_archived(command.organization_id):
                raise OrganizationArchived("an archived organization creates no campaign")
            profile = None
            if command.target_profile_id is not None:
                profile = uow.replicas.target_profile(command.target_profile_id)
                if profile is None or not profile.available_to(command.organization_id):
                    raise TargetProfileNotAvailable(f"target profile {command.target_profile_id} is not available "
                                                    "to this organization")
            owner_is_member = command.owner_id is None or uow.replicas.role_of(
                command.organization_id, command.owner_id) is not None
            campaign = Campaign.create(
                id=new_id(), organization_id=command.organization_id, code=new_code(), creator=actor,
                type=command.type, name=command.name, title=command.title, landing_text=command.landing_text,
                external_id_label=command.external_id_label, external_id_type=command.external_id_type,
                multiple_sendings=command.multiple_sendings, target_profile=profile, owner_id=command.owner_id,
                owner_is_member=owner_is_member, multiple_sendings_allowed=_multiple_sendings_allowed(
                    uow, command.organization_id), now=now)
            try:
                uow.campaigns.add(campaign)
                uow.commit()
            except UniqueViolation as clash:
                if clash.constraint == "uq_campaigns_code":
                    continue
                raise
            return campaign.id
    raise CodeUnavailable(f"no free campaign code after {CODE_ATTEMPTS} draws")


def _managed(uow: CampaignsUnitOfWork, campaign_id: UUID, user_id: UUID) -> tuple[Campaign, Actor]:
    campaign = uow.campaigns.get(campaign_id)
    if campaign is None:
        raise CampaignNotFound(f"no campaign {campaign_id}")
    return campaign, member(uow, campaign.organization_id, user_id)


def edit_campaign(command: commands.EditCampaign, uow: CampaignsUnitOfWork, now: datetime) -> None:
    with uow:
        campaign, actor = _managed(uow, command.campaign_id, command.user_id)
        owner_id = command.changes.get("owner_id")
        owner_is_member = owner_id is None or uow.replicas.role_of(campaign.organization_id, owner_id) is not None
        campaign.edit(actor, command.changes, owner_is_member=owner_is_member, now=now,
                      has_participants="multiple_sendings" in command.changes
                      and uow.participations.any_in(campaign.id),
                      multiple_sendings_allowed=_multiple_sendings_allowed(uow, campaign.organization_id))
        uow.campaigns.save(campaign)
        uow.commit()


def archive_campaign(command: commands.ArchiveCampaign, uow: CampaignsUnitOfWork, now: datetime) -> None:
    with uow:
        campaign, actor = _managed(uow, command.campaign_id, command.user_id)
        if command.archive:
            campaign.archive(actor, now)
        else:
            campaign.unarchive(actor, now)
        uow.campaigns.save(campaign)
        uow.commit()


def join_campaign(command: commands.JoinCampaign, uow_factory: Callable[[], CampaignsUnitOfWork], now: datetime,
                  new_id: Callable[[], UUID]) -> tuple[UUID, bool]:
    """(participation id, whether it is new). Joining again gives back the live participation; two joins at
    once make one participation (the unique index decides, and the loser reads the winner's)."""
    code = codes.normalize(command.campaign_code)
    for _ in range(2):
        uow = uow_factory()
        with uow:
            campaign = uow.campaigns.by_code(code)
            if campaign is None:
                raise CampaignNotFound(f"no campaign with the code {code}")
            existing = uow.participations.live_of(campaign.id, command.user_id)
            if existing is not None:
                return existing.id, False
            organization = uow.replicas.organization(campaign.organization_id)
            if organization is None:  # fail closed: whether it manages its students is unknown
                raise OrganizationNotKnownYet("this campaign's organization is not known here yet: try again in a "
                                              "moment")
            if organization.get("archived"):
                raise OrganizationArchived("this organization is archived: its campaigns take no participant")
            learner_id = None
            if organization.get("manages_students"):
                linked = uow.replicas.linked_learner(campaign.organization_id, command.user_id)
                if linked is None:
                    raise LearnerNotMatched("this organization manages its students: find yourself in its list "
                                            "first (name and birth date)")
                learner_id, disabled = linked
                if disabled:
                    raise LearnerLeftOrganization("you are no longer in this organization's list of learners")
            participation = Participation.start(id=new_id(), campaign=campaign, user_id=command.user_id,
                                                external_id=command.participant_external_id,
                                                organization_learner_id=learner_id, now=now)
            try:
                uow.participations.add(participation)
                uow.commit()
            except UniqueViolation as clash:
                if clash.constraint == "uq_participations_live":
                    continue
                raise
            return participation.id, True
    raise AssertionError("a live participation vanished between two reads")  # pragma: no cover


def share_results(command: commands.ShareResults, uow: CampaignsUnitOfWork, now: datetime) -> None:
    with uow:
        participation = uow.participations.get(command.participation_id)
        if participation is None:
            raise ParticipationNotFound(f"no participation {command.participation_id}")
        campaign = uow.campaigns.get(participation.campaign_id)
        participation.share(command.user_id, campaign, uow.replicas.profile_of(participation.user_id), now)
        uow.participations.save(participation)
        uow.commit()


def on_assessment_completed(data: dict, uow: CampaignsUnitOfWork) -> None:
    """The learner's test ended: the participation's results wait to be sent; the profile is kept."""
    uow.replicas.save_profile(data["user_id"], data["profile"], data["completed_at"])
    if data.get("participation_id") is None:
        return
    participation = uow.participations.get(data["participation_id"])
    if participation is None:
        return  # not a campaign participation of ours (or deleted since)
    participation.assessment_completed({
        "mastery_rate": data["mastery_rate"], "validated_skills_count": data["validated_skills_count"],
        "target_skills_count": data["target_skills_count"], "competences": data["competences"],
        "profile": data["profile"]})
    uow.participations.save(participation)


def retry(command: commands.RetryParticipation, uow_factory: Callable[[], CampaignsUnitOfWork], now: datetime,
          new_id: Callable[[], UUID], delay: timedelta) -> UUID:
    uow = uow_factory()
    with uow:
        participation = uow.participations.get(command.participation_id)
        if participation is None or participation.user_id != command.user_id:
            raise ParticipationNotFound(f"no participation {command.participation_id} of yours")
        campaign = uow.campaigns.get(participation.campaign_id)
        successor = participation.retry(new_id=new_id(), user_id=command.user_id, campaign=campaign, delay=delay,
                                        now=now)
        uow.participations.save(participation)  # superseded first: the live index then admits the successor
        uow.participations.add(successor)
        uow.commit()
        return successor.id


def delete_participation(command: commands.DeleteParticipation, uow: CampaignsUnitOfWork, now: datetime) -> None:
    with uow:
        participation = uow.participations.get(command.participation_id)
        if participation is None:
            raise ParticipationNotFound(f"no participation {command.participation_id}")
        campaign = uow.campaigns.get(participation.campaign_id)
        participation.delete(member(uow, campaign.organization_id, command.user_id), campaign, now)
        uow.participations.save(participation)
        uow.commit()


def improve(command: commands.ImproveResults, uow: CampaignsUnitOfWork, now: datetime) -> None:
    with uow:
        participation = uow.participations.get(command.participation_id)
        if participation is None or participation.user_id != command.user_id:
            raise ParticipationNotFound(f"no participation {command.participation_id} of yours")
        participation.improve(command.user_id, uow.campaigns.get(participation.campaign_id), now)
        uow.participations.save(participation)
        uow.commit()


def create_target_profile(command: commands.CreateTargetProfile, uow: CampaignsUnitOfWork,
                          new_id: Callable[[], UUID]) -> str:
    """A platform admin's profile: tubes of the current content up to a level, public or for some organizations."""
    if not command.platform_admin:
        raise PlatformAdminRequired("only a platform administrator defines target profiles")
    with uow:
        skill_ids = TargetProfile.resolve(command.tubes, uow.replicas.levels_by_tube())
        profile_id = f"profile-{new_id().hex[:12]}"
        uow.replicas.add_target_profile({
            "id": profile_id, "name": command.name, "description": command.description, "tubes": command.tubes,
            "skill_ids": list(skill_ids), "public": command.public,
            "organization_ids": [str(o) for o in command.organization_ids], "source": "ADMIN", "content_version": 0})
        uow.commit()
        return profile_id
