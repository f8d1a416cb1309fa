"""The CSV export of a campaign's results, streamed."""

from __future__ import annotations

from datetime import datetime, timezone
from uuid import UUID

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from reporting.domain import export as csv_format
from reporting.entrypoints.api.routes import locale_of
from reporting.entrypoints.api.schemas import LocaleArgsSchema
from reporting.views.export import campaign_export
from svckit.auth import auth_required, current_principal
from svckit.downloads import attachment_headers

export = Blueprint("campaign-export", __name__, url_prefix="/api/campaigns", description="CSV export of results")


@export.route("/<uuid:campaign_id>/export.csv")
class CampaignExport(MethodView):
    @auth_required
    @export.arguments(LocaleArgsSchema, location="query")
    @export.response(200, content_type="text/csv", description="UTF-8 with BOM, ';' separated, one line per "
                     "participant; results NA until shared")
    def get(self, args: dict, campaign_id: UUID):
        """Every participant of the campaign and their shared results, as the CSV French schools use"""
        name, chunks = campaign_export(current_app.extensions["reporting"].engine, campaign_id,
                                       UUID(current_principal().user_id), locale_of(args),
                                       datetime.now(timezone.utc))
        return Response(chunks, content_type=csv_format.CONTENT_TYPE, headers={
            **attachment_headers(name),
            "X-Accel-Buffering": "no"})  # a proxy in front must not buffer the stream either
