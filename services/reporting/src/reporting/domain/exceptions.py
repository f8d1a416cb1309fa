"""What reporting refuses; the API's error table gives each its status and code."""

from __future__ import annotations


class ReportingError(Exception):
    pass


class CampaignNotFound(ReportingError):
    pass


class ParticipationNotFound(ReportingError):
    pass


class OrganizationNotFound(ReportingError):
    pass


class NotAMember(ReportingError):
    pass


class OrgaTermsNotAccepted(ReportingError):
    pass


class CampaignsNotComparable(ReportingError):
    """Progression compares two campaigns of one organization, both assessments."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = code  # the API answers with this code (svckit.errors)
