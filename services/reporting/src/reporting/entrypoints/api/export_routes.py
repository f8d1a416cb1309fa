"""The CSV export of a campaign's results, streamed."""

from __future__ import annotations

from flask_smorest import Blueprint

export = Blueprint("campaign-export", __name__, url_prefix="/api/campaigns", description="CSV export of results")
