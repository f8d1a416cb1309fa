"""reporting's read routes: a campaign's participants and results, an organization's learners."""

from __future__ import annotations

from flask_smorest import Blueprint

campaign = Blueprint("campaign-results", __name__, url_prefix="/api/campaigns",
                     description="A campaign's participants, results and statistics")
organization = Blueprint("organization-learners", __name__, url_prefix="/api/organizations",
                         description="An organization's learners")
