"""reporting's read routes: a campaign's participants and results, an organization's learners and their
certification results."""

from __future__ import annotations

from uuid import UUID

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from reporting.entrypoints.api import live
from reporting.entrypoints.api import schemas as s
from reporting.views import certification_results, learners, participants, progression, results, statistics
from svckit.auth import auth_required, current_principal
from svckit.live import EVENT_STREAM, message_schema
from svckit.openapi import errors
from svckit.pagination import page_of

campaign = Blueprint("campaign-results", __name__, url_prefix="/api/campaigns",
                     description="A campaign's participants, results and statistics")
organization = Blueprint("organization-learners", __name__, url_prefix="/api/organizations",
                         description="An organization's learners and their certification results")


def _engine():
    return current_app.extensions["reporting"].engine


def _user_id() -> UUID:
    return UUID(current_principal().user_id)


def locale_of(args: dict) -> str:
    """The reader's language: ``?locale=``, else the Accept-Language header's choice, else French."""
    return args.get("locale") or request.accept_languages.best_match(s.LOCALES, default="fr")


@campaign.route("/<uuid:campaign_id>/activity")
class Activity(MethodView):
    @auth_required
    @campaign.response(200, s.ActivitySchema)
    def get(self, campaign_id: UUID):
        """How many take part, at each status, and their average progress"""
        return statistics.activity(_engine(), campaign_id, _user_id())


LIVE_EVENT = message_schema(live.EVENT, "the JSON of GET /api/campaigns/{campaign_id}/activity")


@campaign.route("/<uuid:campaign_id>/activity/events")
class ActivityEvents(MethodView):
    @auth_required
    @campaign.response(200, LIVE_EVENT, content_type=EVENT_STREAM, description=(
        "Server-sent events: `event: activity`, an increasing `id`, and as `data` the JSON of GET /activity; "
        "one at once, then one whenever the campaign's participations change (a start, answers, a completion, a "
        "share, a deletion; at most one every 4 s, LIVE_ACTIVITY_COALESCE_SECONDS), and `: keep-alive` after "
        "15 s of silence. The stream ends after at most 5 minutes (at the token's expiry at the latest, or when "
        "the server drains): EventSource reconnects by itself. 503 LIVE_STREAMS_FULL (Retry-After) when this "
        "server holds as many streams as it may."))
    def get(self, campaign_id: UUID):
        """The campaign's activity, pushed live as server-sent events whenever its participations change"""
        return live.activity_events(current_app.extensions["reporting"], campaign_id, _user_id(),
                                    current_principal().expires_at)


@campaign.route("/<uuid:campaign_id>/participants")
class Participants(MethodView):
    @auth_required
    @campaign.arguments(s.ParticipantFilterSchema, location="query")
    @campaign.response(200, s.ParticipantPageSchema)
    def get(self, args: dict, campaign_id: UUID):
        """The participants (one each, retries and deletions left out), by last name, filtered"""
        items, total = participants.participants_page(_engine(), campaign_id, _user_id(), args)
        return page_of(items, total, args)


@campaign.route("/<uuid:campaign_id>/participants/filters")
class ParticipantFilters(MethodView):
    @auth_required
    @campaign.response(200, s.ParticipantFiltersSchema)
    def get(self, campaign_id: UUID):
        """The classes and groups present among the participants, for the filters"""
        return participants.participant_filters(_engine(), campaign_id, _user_id())


@campaign.route("/<uuid:campaign_id>/participants/<uuid:participation_id>/results")
class ParticipantResults(MethodView):
    @auth_required
    @campaign.arguments(s.LocaleArgsSchema, location="query")
    @campaign.response(200, s.ParticipantResultsSchema)
    def get(self, args: dict, campaign_id: UUID, participation_id: UUID):
        """A participant's follow-up and, once shared, their results per competence and area (or profile)"""
        return results.participant_results(_engine(), campaign_id, participation_id, _user_id(), locale_of(args))


@campaign.route("/<uuid:campaign_id>/collective-results")
class CollectiveResults(MethodView):
    @auth_required
    @campaign.arguments(s.LocaleArgsSchema, location="query")
    @campaign.response(200, s.CollectiveResultsSchema)
    def get(self, args: dict, campaign_id: UUID):
        """Averages over the shared results, per competence and area (or per competence of the profiles)"""
        return results.collective_results(_engine(), campaign_id, _user_id(), locale_of(args))


@campaign.route("/<uuid:campaign_id>/statistics")
class Statistics(MethodView):
    @auth_required
    @campaign.response(200, s.StatisticsSchema)
    def get(self, campaign_id: UUID):
        """Participations by status and by day (Europe/Paris), average mastery and progress"""
        return statistics.statistics(_engine(), campaign_id, _user_id())


@campaign.route("/<uuid:campaign_id>/progression")
class Progression(MethodView):
    @auth_required
    @errors(422)  # CAMPAIGNS_NOT_COMPARABLE
    @campaign.arguments(s.ProgressionArgsSchema, location="query")
    @campaign.response(200, s.ProgressionSchema)
    def get(self, args: dict, campaign_id: UUID):
        """Progress of the learners who sent results to both campaigns (422 unless two assessments of one
        organization)"""
        return progression.progression(_engine(), campaign_id, args["compare_to"], _user_id(), args, locale_of(args))


@organization.route("/<uuid:organization_id>/learners")
class Learners(MethodView):
    @auth_required
    @organization.arguments(s.LearnerFilterSchema, location="query")
    @organization.response(200, s.LearnerPageSchema)
    def get(self, args: dict, organization_id: UUID):
        """The organization's learners (imported, and accounts that joined its campaigns), with the campaigns
        joined, whether they may certify and their latest certification result"""
        items, total = learners.learners_page(_engine(), organization_id, _user_id(), args)
        return page_of(items, total, args)


@organization.route("/<uuid:organization_id>/certification-results")
class CertificationResults(MethodView):
    @auth_required
    @organization.arguments(s.CertificationResultFilterSchema, location="query")
    @organization.response(200, s.CertificationResultPageSchema)
    def get(self, args: dict, organization_id: UUID):
        """The published certification results of the organization's pupils (one per certificate), by last
        name"""
        items, total = certification_results.results_page(_engine(), organization_id, _user_id(), args)
        return page_of(items, total, args)
