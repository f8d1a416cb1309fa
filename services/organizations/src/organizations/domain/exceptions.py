"""The rules organizations enforces; the API's error table maps each to a status and a code."""


class OrganizationsError(Exception):
    details: dict | None = None


class InvalidOrganization(OrganizationsError):
    """Invalid input found by a domain rule; ``error_code`` names which."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code


class OrganizationAlreadyExists(OrganizationsError):
    pass


class OrganizationNotFound(OrganizationsError):
    pass


class OrganizationArchived(OrganizationsError):
    pass


class NotAMember(OrganizationsError):
    pass


class OrgaTermsNotAccepted(OrganizationsError):
    pass


class AdminRoleRequired(OrganizationsError):
    pass


class PlatformAdminRequired(OrganizationsError):
    pass


class MembershipNotFound(OrganizationsError):
    pass


class LastAdmin(OrganizationsError):
    pass


class InvalidRole(OrganizationsError):
    pass


class InvitationNotFound(OrganizationsError):
    pass


class InvitationAlreadyAccepted(OrganizationsError):
    pass


class InvitationCancelled(OrganizationsError):
    pass


class InvitationEmailMismatch(OrganizationsError):
    pass


class EmailNotVerified(OrganizationsError):
    pass


class ResendThrottled(OrganizationsError):
    def __init__(self, retry_after: int) -> None:
        super().__init__("This invitation was sent a moment ago; it can be sent again later.")
        self.details = {"retry_after": retry_after}
        self.headers = {"Retry-After": str(retry_after)}


class ImportNotAllowed(OrganizationsError):
    pass


class LearnerNotFound(OrganizationsError):
    pass


class NoMatchingLearner(OrganizationsError):
    pass


class SeveralMatchingLearners(OrganizationsError):
    pass


class LearnerLinkedToAnotherAccount(OrganizationsError):
    pass


class SchoolNotOnThePlatform(OrganizationsError):
    """The GAR's school (its UAI) has no list of pupils here."""


class AlreadyLinkedToAnotherLearner(OrganizationsError):
    pass


class LearnerNotLinked(OrganizationsError):
    pass


class ReconciliationThrottled(OrganizationsError):
    """Too many failed attempts to find a learner, from this account or against this organization."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many attempts to find a learner in a list; ask your teacher for help, or try again "
                         "later.")
        self.details = {"retry_after": retry_after, "retry_after_minutes": -(-retry_after // 60)}
        self.headers = {"Retry-After": str(retry_after)}
