class IdentityError(Exception):
    """Base of the rules identity enforces; the API's error table maps each to a status and a code."""

    details: dict | None = None


class InvalidEmail(IdentityError):
    pass


class InvalidName(IdentityError):
    pass


class TermsNotAccepted(IdentityError):
    pass


class WeakPassword(IdentityError):
    def __init__(self, rules: list[str]) -> None:
        super().__init__("The password does not follow the password rules.")
        self.details = {"rules": rules}


class EmailAlreadyTaken(IdentityError):
    pass


class UsernameUnavailable(IdentityError):
    """No free username could be written (others took each one tried meanwhile)."""


class NoEmailAddress(IdentityError):
    """The account has no email address (a pupil's username or GAR account): nothing can be mailed to it."""


class UserNotFound(IdentityError):
    pass


class InvalidCredentials(IdentityError):
    pass


class _Throttled(IdentityError):
    message = "Too many requests; try again later."

    def __init__(self, retry_after: int) -> None:
        super().__init__(self.message)
        self.retry_after = retry_after
        self.details = {"retry_after": retry_after}
        self.headers = {"Retry-After": str(retry_after)}


class TooManyAttempts(_Throttled):
    message = "Too many failed logins from here; try again later."


class TooManyResetRequests(_Throttled):
    message = "Too many password reset requests from here; try again later."


class TooManyVerificationMails(_Throttled):
    message = "A verification mail was sent a moment ago; ask again later."


class InvalidResetLink(IdentityError):
    pass


class InvalidVerificationLink(IdentityError):
    pass


class EmailAlreadyVerified(IdentityError):
    pass


class InvalidRefreshToken(IdentityError):
    pass


class UnknownRole(IdentityError):
    pass


# -- the GAR (domain/gar.py) -------------------------------------------------------------------------


class InvalidSamlResponse(IdentityError):
    """The SAML response failed a check (signature, issuer, audience, recipient, validity window, form)."""


class SamlAssertionExpired(IdentityError):
    pass


class SamlAssertionReplayed(IdentityError):
    pass


class IncompleteAssertion(IdentityError):
    pass


class GarProfileNotAllowed(IdentityError):
    pass


class SamlUnavailable(IdentityError):
    """Sign-in through the GAR is not set up here, or the IdP's metadata cannot be read now."""


class InvalidArrival(IdentityError):
    pass


class GarAlreadyLinked(IdentityError):
    pass


class AccountAlreadyLinkedToGar(IdentityError):
    pass


# -- temporary passwords (domain/temporary_passwords.py) ----------------------------------------------


class AdminRoleRequired(IdentityError):
    pass


class LearnerListNotManaged(IdentityError):
    pass


class LearnerNotLinked(IdentityError):
    pass


class TemporaryPasswordForOneself(IdentityError):
    pass


class TemporaryPasswordForPlatformAdmin(IdentityError):
    pass


class AccountWithoutLogin(IdentityError):
    pass


class PasswordChangeRequired(IdentityError):
    """The password was right, but temporary: the token only allows setting a new one (rule 6)."""

    def __init__(self, token: str, expires_in: int) -> None:
        super().__init__("This password is temporary: choose a new one to sign in.")
        self.details = {"password_change_token": token, "expires_in": expires_in}
        self.headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class InvalidPasswordChangeToken(IdentityError):
    pass


class PasswordUnchanged(IdentityError):
    pass
