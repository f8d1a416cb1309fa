"""A school's admin gives a pupil a temporary password: the rules.

Many pupils sign in with a username and no email: a forgotten password cannot be reset by mail.

1. Only an active ADMIN of the organization may give one, only in an organization that manages a
   school's list (type SCO, not archived), and only to the account currently linked to a learner of
   that list. identity knows all three from organizations' events (its replicas): a link made a
   moment ago may take a second to be known.
2. Never to the admin's own account, nor to a platform admin's: an organization's admin must not
   take over an account that can do more than a pupil's.
3. An account that signs in through the GAR only (no username, no email) is refused: nobody could
   sign in with the password.
4. The password is drawn by identity (10 characters from an alphabet without look-alikes, that
   follow the password rules), answered once and never kept in clear; the account must change it
   at its next log-in (``must_change_password``). Giving one ends the account's sessions, and the
   former password, temporary or not, no longer works.
5. Who gave it, to which account, for which organization and learner, and when, is written down
   (``temporary_passwords``), for the school and for support.
6. A log-in with it is answered ``PASSWORD_CHANGE_REQUIRED`` with a token that allows only setting a
   new one (single use, 15 minutes), never with access tokens. The new password follows the rules
   and differs from the temporary one; a reset by mail clears the obligation too.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from identity.domain.exceptions import (
    AccountWithoutLogin,
    AdminRoleRequired,
    LearnerListNotManaged,
    LearnerNotLinked,
    TemporaryPasswordForOneself,
    TemporaryPasswordForPlatformAdmin,
)
from identity.domain.model import SUPER_ADMIN, User
from identity.domain.passwords import password_violations

LENGTH = 10
# No 0/O/o, 1/l/I: the admin reads it out or writes it down for a pupil.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
ADMIN, SCO = "ADMIN", "SCO"


def draw(user: User, choice: Callable[[str], str] = secrets.choice) -> str:
    """A temporary password that follows the password rules for this account (rule 4)."""
    while True:
        password = "".join(choice(ALPHABET) for _ in range(LENGTH))
        if not password_violations(password, email=user.email or "", first_name=user.first_name,
                                   last_name=user.last_name):
            return password


@dataclass(frozen=True)
class GivingContext:
    """What identity's replicas say of the organization, the admin and the learner (rule 1)."""

    organization_type: str | None  # None: an organization identity does not know
    organization_archived: bool
    admin_role: str | None  # the giver's active role in the organization, None when not a member
    linked_user_id: UUID | None  # the account linked to the learner now


def check_may_give(context: GivingContext, given_by: UUID, user: User | None) -> User:
    """Rules 1 to 3: the account that gets the password, or why not."""
    if context.admin_role != ADMIN:
        raise AdminRoleRequired("Only the organization's administrators can give a temporary password.")
    if context.organization_type != SCO or context.organization_archived:
        raise LearnerListNotManaged("This organization does not manage a school's list of pupils.")
    if context.linked_user_id is None or user is None:
        raise LearnerNotLinked("No account is linked to this learner.")
    if user.id == given_by:
        raise TemporaryPasswordForOneself("An administrator cannot give their own account a temporary password.")
    if SUPER_ADMIN in user.roles:
        raise TemporaryPasswordForPlatformAdmin("A platform administrator's account cannot be given a temporary "
                                                "password.")
    if user.email is None and user.username is None:
        raise AccountWithoutLogin("This account signs in through the GAR only: it has no username nor email to sign "
                                  "in with a password.")
    return user


@dataclass(eq=False)
class TemporaryPasswordGiven:
    """The record of rule 5."""

    id: UUID
    user_id: UUID
    organization_id: UUID
    learner_id: UUID
    given_by: UUID
    given_at: datetime
