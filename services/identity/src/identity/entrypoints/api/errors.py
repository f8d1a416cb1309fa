"""identity's error table: domain exception -> (HTTP status, error code)."""

from identity.domain import exceptions as e
from identity.domain.clients import ClientNotFound, InvalidClient
from svckit.uow import ConcurrentUpdate

ERRORS = {
    e.InvalidEmail: (400, "INVALID_EMAIL"),
    e.InvalidName: (400, "INVALID_NAME"),
    e.TermsNotAccepted: (422, "TERMS_NOT_ACCEPTED"),
    e.WeakPassword: (422, "PASSWORD_TOO_WEAK"),
    e.EmailAlreadyTaken: (409, "EMAIL_ALREADY_TAKEN"),
    e.UserNotFound: (404, "USER_NOT_FOUND"),
    e.UsernameUnavailable: (409, "USERNAME_UNAVAILABLE"),
    e.NoEmailAddress: (409, "ACCOUNT_WITHOUT_EMAIL"),
    e.InvalidCredentials: (401, "INVALID_CREDENTIALS"),
    e.TooManyAttempts: (429, "TOO_MANY_LOGIN_ATTEMPTS"),
    e.InvalidRefreshToken: (401, "INVALID_REFRESH_TOKEN"),
    e.UnknownRole: (400, "UNKNOWN_ROLE"),
    e.TooManyResetRequests: (429, "TOO_MANY_RESET_REQUESTS"),
    e.TooManyVerificationMails: (429, "TOO_MANY_VERIFICATION_MAILS"),
    e.InvalidResetLink: (400, "INVALID_RESET_LINK"),
    e.InvalidVerificationLink: (400, "INVALID_VERIFICATION_LINK"),
    e.EmailAlreadyVerified: (409, "EMAIL_ALREADY_VERIFIED"),
    e.InvalidSamlResponse: (400, "SAML_RESPONSE_INVALID"),
    e.SamlAssertionExpired: (400, "SAML_ASSERTION_EXPIRED"),
    e.SamlAssertionReplayed: (409, "SAML_ASSERTION_REPLAYED"),
    e.IncompleteAssertion: (400, "GAR_ASSERTION_INCOMPLETE"),
    e.GarProfileNotAllowed: (403, "GAR_PROFILE_NOT_ALLOWED"),
    e.SamlUnavailable: (503, "SAML_UNAVAILABLE"),
    e.InvalidArrival: (400, "GAR_ARRIVAL_INVALID"),
    e.GarAlreadyLinked: (409, "GAR_ALREADY_LINKED"),
    e.AccountAlreadyLinkedToGar: (409, "ACCOUNT_ALREADY_LINKED_TO_GAR"),
    InvalidClient: (400, "VALIDATION_ERROR"),
    ClientNotFound: (404, "OAUTH_CLIENT_NOT_FOUND"),
    ConcurrentUpdate: (409, "CONCURRENT_UPDATE"),
}
