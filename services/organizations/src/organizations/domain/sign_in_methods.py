"""How an account signs in, as a school sees it, and what a pupil who finds themself in a list is told when the
pupil already has an account (issue 19; Pix's rules and codes).

1. **Sign-in methods.** identity announces an account's email address and username at its registration and its
   GAR link later (``identity.user.gar_linked.v1``); an account may have several (an email account linked to the
   GAR). A school's admins see them for each pupil's account.
2. **The account already there.** A pupil who looks for themself in a school's list and matches a learner whose
   account is another's, or whose INE (national student id) signs in an account through another school's list,
   is told that they already have an account, and which way it signs in, so that they use it rather than make a
   second one. Pix's codes: R31, R32, R33 for a learner of the same school (email, username, GAR), R11, R12, R13
   for an account held through another school.
3. **What the answer shows.** The method that identifies the account best, in this order: the GAR (nothing
   shown: "use the ENT"), the username, the email address. A username or address is shown masked, enough for its
   owner to recognize it and no more: ``l***@example.org``, ``c***.c***1402``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from organizations.domain.exceptions import LearnerLinkedToAnotherAccount

EMAIL, USERNAME, GAR = "EMAIL", "USERNAME", "GAR"
SAME_SCHOOL, ANOTHER_SCHOOL = "SAME_ORGANIZATION", "ANOTHER_ORGANIZATION"

# (where the account is held, its method) -> (Pix's short code, the error code)
CONFLICTS = {
    (ANOTHER_SCHOOL, EMAIL): ("R11", "ACCOUNT_WITH_EMAIL_ALREADY_EXIST_FOR_ANOTHER_ORGANIZATION"),
    (ANOTHER_SCHOOL, USERNAME): ("R12", "ACCOUNT_WITH_USERNAME_ALREADY_EXIST_FOR_ANOTHER_ORGANIZATION"),
    (ANOTHER_SCHOOL, GAR): ("R13", "ACCOUNT_WITH_GAR_ALREADY_EXIST_FOR_ANOTHER_ORGANIZATION"),
    (SAME_SCHOOL, EMAIL): ("R31", "ACCOUNT_WITH_EMAIL_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION"),
    (SAME_SCHOOL, USERNAME): ("R32", "ACCOUNT_WITH_USERNAME_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION"),
    (SAME_SCHOOL, GAR): ("R33", "ACCOUNT_WITH_GAR_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION"),
}

_DIGITS_AT_END = re.compile(r"\d+$")


@dataclass(frozen=True)
class SignInMethods:
    email: str | None
    username: str | None
    gar: bool

    @property
    def names(self) -> list[str]:
        """Rule 1: every method the account has, in the order a school reads them."""
        return [name for name, present in ((EMAIL, self.email), (USERNAME, self.username), (GAR, self.gar))
                if present]

    def shown(self) -> tuple[str, str | None] | None:
        """Rule 3: the method an answer names, and its masked value (None for the GAR); None when identity has not
        announced the account yet."""
        if self.gar:
            return GAR, None
        if self.username:
            return USERNAME, mask_username(self.username)
        if self.email:
            return EMAIL, mask_email(self.email)
        return None


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_username(username: str) -> str:
    """``chloe.coeurderoy1402`` -> ``c***.c***1402``: each part's first letter, the day and month kept."""
    digits = _DIGITS_AT_END.search(username)
    letters = username[:digits.start()] if digits else username
    return ".".join(f"{part[:1]}***" for part in letters.split(".")) + (digits.group() if digits else "")


class AccountAlreadyExists(LearnerLinkedToAnotherAccount):
    """Rule 2: the pupil already has an account; the error's code says where and how it signs in."""

    def __init__(self, where: str, method: str, value: str | None) -> None:
        short_code, self.error_code = CONFLICTS[(where, method)]
        super().__init__("You already have an account: use it (its sign-in method is in the details)."
                         if where == SAME_SCHOOL else
                         "You already have an account through another school: use it.")
        self.details = {"short_code": short_code, "sign_in_method": method, "value": value}


def conflict(where: str, methods: SignInMethods | None) -> LearnerLinkedToAnotherAccount:
    """The refusal to give; the plain one when identity has not announced the account yet."""
    shown = methods.shown() if methods is not None else None
    if shown is None:
        return LearnerLinkedToAnotherAccount("This learner is already linked to another account; ask your teacher "
                                             "to check.")
    return AccountAlreadyExists(where, *shown)
