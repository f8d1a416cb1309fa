"""organizations' error table: domain exception -> (HTTP status, error code)."""

from organizations.domain import exceptions as e
from svckit.uow import ConcurrentUpdate

ERRORS = {
    e.InvalidOrganization: (400, "INVALID_ORGANIZATION"),
    e.OrganizationAlreadyExists: (409, "ORGANIZATION_ALREADY_EXISTS"),
    e.OrganizationNotFound: (404, "ORGANIZATION_NOT_FOUND"),
    e.OrganizationArchived: (422, "ORGANIZATION_ARCHIVED"),
    e.NotAMember: (403, "NOT_A_MEMBER"),
    e.OrgaTermsNotAccepted: (403, "ORGA_TERMS_NOT_ACCEPTED"),
    e.AdminRoleRequired: (403, "ADMIN_ROLE_REQUIRED"),
    e.PlatformAdminRequired: (403, "PLATFORM_ADMIN_REQUIRED"),
    e.MembershipNotFound: (404, "MEMBERSHIP_NOT_FOUND"),
    e.LastAdmin: (422, "LAST_ADMIN"),
    e.InvalidRole: (400, "INVALID_ROLE"),
    e.InvitationNotFound: (404, "INVITATION_NOT_FOUND"),
    e.InvitationAlreadyAccepted: (409, "INVITATION_ALREADY_ACCEPTED"),
    e.InvitationCancelled: (409, "INVITATION_CANCELLED"),
    e.InvitationEmailMismatch: (403, "INVITATION_EMAIL_MISMATCH"),
    e.EmailNotVerified: (403, "EMAIL_NOT_VERIFIED"),
    e.ResendThrottled: (429, "INVITATION_RESEND_THROTTLED"),
    e.ImportNotAllowed: (422, "LEARNER_LIST_NOT_MANAGED"),
    e.LearnerNotFound: (404, "LEARNER_NOT_FOUND"),
    e.NoMatchingLearner: (404, "NO_MATCHING_LEARNER"),
    e.SeveralMatchingLearners: (409, "SEVERAL_MATCHING_LEARNERS"),
    e.LearnerLinkedToAnotherAccount: (409, "LEARNER_LINKED_TO_ANOTHER_ACCOUNT"),
    e.AlreadyLinkedToAnotherLearner: (409, "ACCOUNT_LINKED_TO_ANOTHER_LEARNER"),
    e.SchoolNotOnThePlatform: (404, "GAR_SCHOOL_NOT_FOUND"),
    e.LearnerNotLinked: (409, "LEARNER_NOT_LINKED"),
    e.ReconciliationThrottled: (429, "RECONCILIATION_THROTTLED"),
    ConcurrentUpdate: (409, "CONCURRENT_UPDATE"),
}
