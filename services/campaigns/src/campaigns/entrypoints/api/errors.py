from __future__ import annotations

from campaigns.domain import exceptions as e
from svckit.uow import ConcurrentUpdate

ERRORS = {
    # CampaignInvalid carries its own code (CAMPAIGN_NAME_IS_REQUIRED, ...); 400 is its status.
    e.CampaignInvalid: (400, "CAMPAIGN_INVALID"),
    e.CampaignNotFound: (404, "CAMPAIGN_NOT_FOUND"),
    e.NotAMember: (403, "NOT_A_MEMBER"),
    e.OrgaTermsNotAccepted: (403, "ORGA_TERMS_NOT_ACCEPTED"),
    e.ManagerRequired: (403, "ADMIN_OR_OWNER_REQUIRED"),
    e.TargetProfileNotAvailable: (422, "TARGET_PROFILE_NOT_AVAILABLE"),
    e.TargetProfileInvalid: (400, "TARGET_PROFILE_INVALID"),  # carries its own code
    e.PlatformAdminRequired: (403, "PLATFORM_ADMIN_REQUIRED"),
    e.OrganizationArchived: (422, "ORGANIZATION_ARCHIVED"),
    e.CodeUnavailable: (503, "CODE_UNAVAILABLE"),
    e.CampaignArchivedError: (422, "CAMPAIGN_ARCHIVED"),
    e.ExternalIdInvalid: (400, "EXTERNAL_ID_INVALID"),  # carries its own code: EXTERNAL_ID_REQUIRED, ...
    e.LearnerNotMatched: (422, "LEARNER_NOT_MATCHED"),
    e.LearnerLeftOrganization: (422, "LEARNER_NO_LONGER_IN_ORGANIZATION"),
    e.OrganizationNotKnownYet: (503, "ORGANIZATION_NOT_KNOWN_YET"),
    e.ParticipationNotFound: (404, "PARTICIPATION_NOT_FOUND"),
    e.NotTheParticipant: (403, "NOT_THE_PARTICIPANT"),
    e.NothingToShare: (422, "NOTHING_TO_SHARE_YET"),
    e.RetryNotAllowed: (422, "RETRY_NOT_ALLOWED"),  # or its own code: RETRY_TOO_SOON, NOTHING_TO_IMPROVE...
    ConcurrentUpdate: (409, "CONCURRENT_UPDATE"),
}
