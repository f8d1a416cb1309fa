from __future__ import annotations

from reporting.domain import exceptions as e

ERRORS = {
    e.CampaignNotFound: (404, "CAMPAIGN_NOT_FOUND"),
    e.ParticipationNotFound: (404, "PARTICIPATION_NOT_FOUND"),
    e.OrganizationNotFound: (404, "ORGANIZATION_NOT_FOUND"),
    e.NotAMember: (403, "NOT_A_MEMBER"),
    e.OrgaTermsNotAccepted: (403, "ORGA_TERMS_NOT_ACCEPTED"),
    e.CampaignsNotComparable: (422, "CAMPAIGNS_NOT_COMPARABLE"),  # carries its own code
}
