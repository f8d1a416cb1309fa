"""Getting back into an account, and proving an address: the rules.

Password reset by mail:

1. Anyone may ask for a reset link for an email address. The answer is the same whether an
   account has that address or not, and so is the work done before answering: the request is
   written down and announced, and that is all. Whether an account has the address is looked up
   afterwards, by identity's consumer, which makes the link and mails it. So neither the answer
   nor its time tells anybody whether the address has an account.
2. An address gets at most 3 reset mails an hour; the consumer drops further requests. The
   owner's mailbox is not flooded, and the requester, answered alike, learns nothing. A client
   (its network address, an IPv6 client's /64 network) may ask 1,000 times in 15 minutes, then
   waits (429 with the seconds to wait), which says nothing about any account either. Why 1,000:
   a whole school often reaches the platform from one address, its academy's proxy, and the
   platform is sized for 1,000 pupils of one school starting within 10 minutes; each of them may
   ask once in the same quarter of an hour (with 30, as before issue 16's review, the 31st pupil
   waited up to 15 minutes). What it leaves one client: 4,000 requests an hour, each a row kept a
   day and an event; mails go to accounts only, 3 an hour each at most. The gateway counts these
   requests in a group of their own, 100 a minute per address.
3. A link works once, for one hour. Its token is 256 random bits, and identity keeps only its
   SHA-256; it travels in the link's fragment (``#token=``), which browsers never send to a server.
4. Setting a new password with it follows the password rules, spends every reset link of the
   account, ends all of its sessions (every refresh token family), forgets its failed log-ins,
   and proves the address (the mail was read there): the address counts as verified from then on.

Verifying the address:

5. A new account is mailed a link that proves its address. Orga needs it: organizations grants a
   membership only to an account whose address is verified (it learns it from
   ``identity.user.email_verified.v1``). A learner who only takes tests never needs it.
6. Its owner may ask for another link: at most one a minute and 5 an hour (429 with the wait),
   counted per account, never per address: pupils behind one school address do not share them.
7. A link works for 48 hours; following it again once the address is verified changes nothing.

Why: whoever signed up first with a teacher's address kept it, and a forgotten password was a
lost account. Now the mailbox's owner takes such an account back with a reset (whoever held it is
logged out), and nobody joins an organization under an address they cannot read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from identity.domain.events import EmailVerificationRequested, PasswordResetRequested

PASSWORD_RESET, EMAIL_VERIFICATION = "PASSWORD_RESET", "EMAIL_VERIFICATION"
# Not mailed: answered to a log-in with a temporary password, to set a new one (domain/temporary_passwords.py).
PASSWORD_CHANGE = "PASSWORD_CHANGE"  # noqa: S105 (a token's purpose, not a password)
LEARNER, ORGA = "learner", "orga"  # the face a mail's link leads to: where its reader came from
FACES = (LEARNER, ORGA)


@dataclass(frozen=True)
class RecoveryPolicy:
    reset_link_lifetime: timedelta = timedelta(hours=1)
    reset_mails_per_email: int = 3  # in reset_mails_window
    reset_mails_window: timedelta = timedelta(hours=1)
    reset_requests_per_client: int = 1_000  # in reset_requests_window, from one client: a whole school (rule 2)
    reset_requests_window: timedelta = timedelta(minutes=15)
    verification_link_lifetime: timedelta = timedelta(hours=48)
    verification_mail_interval: timedelta = timedelta(minutes=1)
    verification_mails_per_hour: int = 5
    memory: timedelta = timedelta(days=1)  # how long requests are kept to count them
    password_change_lifetime: timedelta = timedelta(minutes=15)  # after a log-in with a temporary password


@dataclass(frozen=True)
class RecentRequests:
    """Mail requests of one kind, for one email or one client address, since some moment."""

    count: int = 0
    mailed: int = 0
    oldest: datetime | None = None
    latest_mailed: datetime | None = None


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(math.ceil((moment - now).total_seconds()), 1)


def reset_requests_wait(from_client: RecentRequests, policy: RecoveryPolicy, now: datetime) -> int:
    """Rule 2, for a client: 0, or the seconds before it may ask again."""
    if from_client.count < policy.reset_requests_per_client or from_client.oldest is None:
        return 0
    return _seconds_until(from_client.oldest + policy.reset_requests_window, now)


def verification_mail_wait(mailed: RecentRequests, policy: RecoveryPolicy, now: datetime) -> int:
    """Rule 6: 0, or the seconds before another verification mail may go (``mailed``: the last hour's)."""
    if mailed.latest_mailed is not None and now - mailed.latest_mailed < policy.verification_mail_interval:
        return _seconds_until(mailed.latest_mailed + policy.verification_mail_interval, now)
    if mailed.mailed >= policy.verification_mails_per_hour and mailed.oldest is not None:
        return _seconds_until(mailed.oldest + timedelta(hours=1), now)
    return 0


@dataclass(eq=False)
class MailRequest:
    """Someone asked for a mail about an account: kept a day, to count requests (rules 2 and 6)."""

    id: UUID
    kind: str
    email: str
    address: str | None  # the client (its address, an IPv6 client's /64 network); None when identity asked (sign-up)
    requested_at: datetime
    user_id: UUID | None = None
    mailed: bool = False
    events: list[Any] = field(default_factory=list, repr=False)

    @classmethod
    def password_reset(cls, *, id: UUID, email: str, address: str, face: str, locale: str | None,
                       now: datetime) -> MailRequest:
        """Written and announced whatever the email: the consumer decides whether to mail (rules 1, 2)."""
        request = cls(id=id, kind=PASSWORD_RESET, email=email, address=address, requested_at=now)
        request.events.append(PasswordResetRequested(id, email, locale, _face(face), now))
        return request

    def mail_reset_to(self, user_id: UUID, mailed_lately: int, policy: RecoveryPolicy) -> bool:
        """The consumer found the account: mail it unless the address had its share this hour (rule 2)."""
        if mailed_lately >= policy.reset_mails_per_email:
            return False
        self.user_id, self.mailed = user_id, True
        return True

    @classmethod
    def email_verification(cls, *, id: UUID, user_id: UUID, email: str, locale: str, face: str,
                           address: str | None, now: datetime) -> MailRequest:
        request = cls(id=id, kind=EMAIL_VERIFICATION, email=email, address=address, requested_at=now,
                      user_id=user_id, mailed=True)
        request.events.append(EmailVerificationRequested(id, user_id, locale, _face(face), now))
        return request


def _face(face: str) -> str:
    return face if face in FACES else LEARNER


@dataclass(eq=False)
class AccountToken:
    """A link's secret, as identity keeps it: its SHA-256, its purpose, the address it was mailed to."""

    id: UUID
    user_id: UUID
    purpose: str  # PASSWORD_RESET, EMAIL_VERIFICATION or PASSWORD_CHANGE
    email: str | None  # None: a PASSWORD_CHANGE token of an account without an email address
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def mailed(cls, *, id: UUID, user_id: UUID, purpose: str, email: str, token_hash: str, policy: RecoveryPolicy,
               now: datetime) -> AccountToken:
        lifetime = policy.reset_link_lifetime if purpose == PASSWORD_RESET else policy.verification_link_lifetime
        return cls(id=id, user_id=user_id, purpose=purpose, email=email, token_hash=token_hash, created_at=now,
                   expires_at=now + lifetime)

    @classmethod
    def password_change(cls, *, id: UUID, user_id: UUID, email: str | None, token_hash: str,
                        policy: RecoveryPolicy, now: datetime) -> AccountToken:
        return cls(id=id, user_id=user_id, purpose=PASSWORD_CHANGE, email=email, token_hash=token_hash,
                   created_at=now, expires_at=now + policy.password_change_lifetime)

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def spend(self, now: datetime) -> None:
        if self.used_at is None:
            self.used_at = now
