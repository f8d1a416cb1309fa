"""What the campaigns domain refuses; the API's error table gives each its status and code."""

from __future__ import annotations

from typing import Any


class CampaignsError(Exception):
    pass


class CampaignInvalid(CampaignsError):
    """A campaign's fields break a rule; ``code`` is one a front can translate."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.field = code, field
        self.error_code = code  # the API answers with this code (svckit.errors)
        self.details: dict[str, Any] = {"field": field} if field else {}


class CampaignNotFound(CampaignsError):
    pass


class NotAMember(CampaignsError):
    pass


class OrgaTermsNotAccepted(CampaignsError):
    pass


class ManagerRequired(CampaignsError):
    """Only the organization's admins and the campaign's owner may change it."""


class TargetProfileNotAvailable(CampaignsError):
    pass


class TargetProfileInvalid(CampaignsError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = code


class PlatformAdminRequired(CampaignsError):
    pass


class OrganizationArchived(CampaignsError):
    pass


class CodeUnavailable(CampaignsError):
    """No free code after several draws (practically impossible: 23^6 * 8^3 codes)."""


class CampaignArchivedError(CampaignsError):
    """An archived campaign accepts no new participant and no share."""


class ExternalIdInvalid(CampaignsError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = code


class LearnerNotMatched(CampaignsError):
    """The organization manages its students: the learner must first be matched to its list."""


class LearnerLeftOrganization(CampaignsError):
    """The learner's entry was disabled by a later import: they are no longer in the organization."""


class ParticipationNotFound(CampaignsError):
    pass


class NotTheParticipant(CampaignsError):
    pass


class NothingToShare(CampaignsError):
    pass


class OrganizationNotKnownYet(CampaignsError):
    """The organization's events have not reached campaigns yet: refused rather than guessed."""


class RetryNotAllowed(CampaignsError):
    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.error_code, self.details = code, details or {}
