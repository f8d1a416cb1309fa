from __future__ import annotations

from uuid import UUID

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from campaigns import views
from campaigns.domain import commands
from campaigns.entrypoints.api import schemas as s
from campaigns.service_layer import handlers
from svckit.auth import auth_required, current_principal
from svckit.openapi import errors
from svckit.pagination import page_of

orga = Blueprint("organization-campaigns", __name__, url_prefix="/api/organizations",
                 description="An organization's campaigns")
campaign = Blueprint("campaigns", __name__, url_prefix="/api/campaigns", description="A campaign")
admin_profiles = Blueprint("admin-target-profiles", __name__, url_prefix="/api/admin/target-profiles",
                           description="Platform administration of target profiles")
participations = Blueprint("participations", __name__, url_prefix="/api", description="Joining and sending results")
profiles = Blueprint("target-profiles", __name__, url_prefix="/api/target-profiles",
                     description="What a campaign can test")


def _runtime():
    return current_app.extensions["campaigns"]


def _user_id() -> UUID:
    return UUID(current_principal().user_id)


@orga.route("/<uuid:organization_id>/campaigns")
class OrganizationCampaigns(MethodView):
    @auth_required
    @orga.arguments(s.CreateCampaignSchema)
    @orga.response(201, s.CampaignSchema)
    def post(self, data: dict, organization_id: UUID):
        """Create a campaign; its code is drawn at random"""
        runtime = _runtime()
        campaign_id = handlers.create_campaign(commands.CreateCampaign(organization_id, _user_id(), **data),
                                               runtime.uow, runtime.now(), runtime.new_id)
        return views.campaign(runtime.engine, campaign_id, _user_id())

    @auth_required
    @orga.arguments(s.CampaignFilterSchema, location="query")
    @orga.response(200, s.CampaignPageSchema)
    def get(self, args: dict, organization_id: UUID):
        """The organization's campaigns (live ones, or the archived with archived=true), newest first or by name"""
        items, total = views.campaigns_page(_runtime().engine, organization_id, _user_id(), args)
        return page_of(items, total, args)


@campaign.route("/by-code/<string:code>")
class Landing(MethodView):
    @campaign.response(200, s.LandingSchema)
    def get(self, code: str):
        """What anyone with the code sees before joining (no login needed)"""
        return views.landing(_runtime().engine, code)


@campaign.route("/<uuid:campaign_id>")
class CampaignDetails(MethodView):
    @auth_required
    @campaign.response(200, s.CampaignSchema)
    def get(self, campaign_id: UUID):
        """A campaign, for the organization's members"""
        return views.campaign(_runtime().engine, campaign_id, _user_id())

    @auth_required
    @campaign.arguments(s.EditCampaignSchema)
    @campaign.response(200, s.CampaignSchema)
    def patch(self, data: dict, campaign_id: UUID):
        """Change the name, title, landing text or owner (an admin or the owner, at any time), or multiple
        sendings (until someone has joined)"""
        runtime = _runtime()
        handlers.edit_campaign(commands.EditCampaign(campaign_id, _user_id(), data), runtime.uow(), runtime.now())
        return views.campaign(runtime.engine, campaign_id, _user_id())


@campaign.route("/<uuid:campaign_id>/archive")
class Archive(MethodView):
    @auth_required
    @campaign.response(200, s.CampaignSchema)
    def post(self, campaign_id: UUID):
        """Archive: no new participant, no answer, no share"""
        runtime = _runtime()
        handlers.archive_campaign(commands.ArchiveCampaign(campaign_id, _user_id(), True), runtime.uow(),
                                  runtime.now())
        return views.campaign(runtime.engine, campaign_id, _user_id())


@campaign.route("/<uuid:campaign_id>/unarchive")
class Unarchive(MethodView):
    @auth_required
    @campaign.response(200, s.CampaignSchema)
    def post(self, campaign_id: UUID):
        """Take the campaign out of the archive"""
        runtime = _runtime()
        handlers.archive_campaign(commands.ArchiveCampaign(campaign_id, _user_id(), False), runtime.uow(),
                                  runtime.now())
        return views.campaign(runtime.engine, campaign_id, _user_id())


@profiles.route("")
class TargetProfiles(MethodView):
    @auth_required
    @profiles.arguments(s.TargetProfileArgsSchema, location="query")
    @profiles.response(200, s.TargetProfileListSchema)
    def get(self, args: dict):
        """What a campaign of the organization can test: one competence, or a ready target profile"""
        return {"items": views.target_profiles(_runtime().engine, args["organization_id"], _user_id(),
                                               args["locale"])}


@participations.route("/campaign-participations")
class Join(MethodView):
    @auth_required
    @errors(404)  # no campaign with this code
    @participations.arguments(s.JoinSchema)
    @participations.response(201, s.ParticipationSchema)
    @participations.alt_response(200, schema=s.ParticipationSchema, description="already joined: the same one")
    def post(self, data: dict):
        """Join a campaign with its code (and the external id it asks for); joining again gives the same one"""
        runtime = _runtime()
        participation_id, new = handlers.join_campaign(commands.JoinCampaign(_user_id(), **data), runtime.uow,
                                                       runtime.now(), runtime.new_id)
        return views.participation(runtime.engine, participation_id, _user_id()), 201 if new else 200


@participations.route("/users/me/campaign-participations")
class MyParticipations(MethodView):
    @auth_required
    @participations.response(200, s.ParticipationListSchema)
    def get(self):
        """My participations, newest first (to resume a test or send results)"""
        return {"items": views.my_participations(_runtime().engine, _user_id())}


@participations.route("/campaign-participations/<uuid:participation_id>")
class MyParticipation(MethodView):
    @auth_required
    @participations.response(200, s.ParticipationSchema)
    def get(self, participation_id: UUID):
        """One of my participations"""
        return views.participation(_runtime().engine, participation_id, _user_id())

    @auth_required
    @participations.response(204)
    def delete(self, participation_id: UUID):
        """Delete a participation (an admin or the campaign's owner): the learner's identity is erased"""
        runtime = _runtime()
        handlers.delete_participation(commands.DeleteParticipation(participation_id, _user_id()), runtime.uow(),
                                      runtime.now())


@participations.route("/campaign-participations/<uuid:participation_id>/share")
class Share(MethodView):
    @auth_required
    @participations.response(200, s.ParticipationSchema)
    def post(self, participation_id: UUID):
        """Send my results to the organization: they are frozen as they are now"""
        runtime = _runtime()
        handlers.share_results(commands.ShareResults(participation_id, _user_id()), runtime.uow(), runtime.now())
        return views.participation(runtime.engine, participation_id, _user_id())


@participations.route("/campaign-participations/<uuid:participation_id>/retry")
class Retry(MethodView):
    @auth_required
    @participations.response(201, s.ParticipationSchema)
    def post(self, participation_id: UUID):
        """Start again after sending (multiple-sendings campaigns): to improve, or to send the profile again"""
        runtime = _runtime()
        successor = handlers.retry(commands.RetryParticipation(participation_id, _user_id()), runtime.uow,
                                   runtime.now(), runtime.new_id, runtime.settings.retry_delay)
        return views.participation(runtime.engine, successor, _user_id())


@participations.route("/campaign-participations/<uuid:participation_id>/improve")
class Improve(MethodView):
    @auth_required
    @participations.response(200, s.ParticipationSchema)
    def post(self, participation_id: UUID):
        """Before sending: go back to the test, every skill not validated asked again"""
        runtime = _runtime()
        handlers.improve(commands.ImproveResults(participation_id, _user_id()), runtime.uow(), runtime.now())
        return views.participation(runtime.engine, participation_id, _user_id())


@admin_profiles.route("")
class AdminTargetProfiles(MethodView):
    @auth_required
    @admin_profiles.arguments(s.CreateTargetProfileSchema)
    @admin_profiles.response(201, s.CreatedTargetProfileSchema)
    def post(self, data: dict):
        """Define a target profile: tubes of the current content up to a level, public or for some organizations"""
        runtime = _runtime()
        profile_id = handlers.create_target_profile(commands.CreateTargetProfile(
            platform_admin=current_principal().has_role("SUPER_ADMIN"), name=data["name"],
            description=data["description"], tubes=data["tubes"], public=data["public"],
            organization_ids=tuple(data["organization_ids"])), runtime.uow(), runtime.new_id)
        return {"id": profile_id}
