"""Certification centres and the national windows of schools.

A school (an SCO organization with a UAI) is a centre by itself: organizations' events make
it one, with the organization's id as its own, and the organization's active admins are its
admins (no membership is kept here for a school: the replica of organizations' memberships
is the truth). A PRO or SUP centre is made by a platform admin, who names its first admin by
mail; it keeps its own members.

A school schedules its sessions only inside an open national window of its kind (collège or
lycée). organizations does not know a school's kind (a UAI does not tell it), so a platform
admin sets it on the centre; until then the school cannot schedule (SCHOOL_KIND_UNKNOWN).
Other centres have no window.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from certification.domain import events as ev
from certification.domain import exceptions as e
from certification.domain.addresses import looks_like_email
from certification.domain.codes import same_secret

SCO, PRO, SUP = "SCO", "PRO", "SUP"
TYPES = (SCO, PRO, SUP)
COLLEGE, LYCEE = "COLLEGE", "LYCEE"
SCHOOL_KINDS = (COLLEGE, LYCEE)
ADMIN, MEMBER = "ADMIN", "MEMBER"
PENDING, ACCEPTED = "PENDING", "ACCEPTED"
LOCALES = ("fr", "en")
INVITATION_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class Invitation:
    id: UUID
    email: str
    role: str
    code: str
    locale: str
    status: str
    created_at: datetime
    accepted_by: UUID | None = None


@dataclass
class Center:
    id: UUID
    type: str
    name: str
    external_id: str | None
    organization_id: UUID | None  # a school's organization
    school_kind: str | None
    archived: bool
    created_at: datetime
    members: dict[UUID, str] = field(default_factory=dict)  # PRO/SUP only: user -> role
    invitations: list[Invitation] = field(default_factory=list)
    version: int = 0
    events: list[Any] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def for_school(cls, organization_id: UUID, name: str, uai: str, now: datetime) -> Center:
        center = cls(id=organization_id, type=SCO, name=name, external_id=uai.strip().upper(),
                     organization_id=organization_id, school_kind=None, archived=False, created_at=now, version=1)
        center._record_created()
        return center

    @classmethod
    def create(cls, center_id: UUID, invitation_id: UUID, *, type: str, name: str, external_id: str | None,
               admin_email: str, locale: str, now: datetime) -> Center:
        """A platform admin's PRO or SUP centre, and the invitation of its first admin."""
        if type not in (PRO, SUP):
            raise e.Invalid("CENTER_TYPE_NOT_VALID", "A platform admin creates PRO and SUP centres; a school is one "
                            "by itself.", field="type")
        name = (name or "").strip()
        if not name or len(name) > 255:
            raise e.Invalid("CENTER_NAME_REQUIRED", "A centre needs a name (255 characters at most).", field="name")
        email = _email(admin_email)
        if locale not in LOCALES:
            raise e.Invalid("LOCALE_NOT_VALID", "The locale is fr or en.", field="locale")
        center = cls(id=center_id, type=type, name=name, external_id=(external_id or "").strip() or None,
                     organization_id=None, school_kind=None, archived=False, created_at=now, version=1)
        center._record_created()
        center._invite(invitation_id, email, ADMIN, locale, now)
        return center

    def _record_created(self) -> None:
        self.events.append(ev.CenterCreated(self.id, self.version, self.type, self.name, self.external_id,
                                            self.organization_id, self.created_at))

    def _invite(self, invitation_id: UUID, email: str, role: str, locale: str, now: datetime) -> Invitation:
        code = "".join(secrets.choice(INVITATION_CODE_ALPHABET) for _ in range(10))
        invitation = Invitation(invitation_id, email, role, code, locale, PENDING, now)
        self.invitations.append(invitation)
        self.events.append(ev.InvitationIssued(self.id, self.version, invitation_id, email, role, locale, now))
        return invitation

    @property
    def is_school(self) -> bool:
        return self.type == SCO

    def invitation(self, invitation_id: UUID) -> Invitation:
        for invitation in self.invitations:
            if invitation.id == invitation_id:
                return invitation
        raise e.NotFound("INVITATION_NOT_FOUND", "This invitation does not exist.")

    def accept_invitation(self, invitation_id: UUID, code: str, *, user_id: UUID, user_email: str,
                          verified_email: str | None, now: datetime) -> None:
        """The invited person joins, with the account of the address the mail went to, once identity verified it."""
        invitation = self.invitation(invitation_id)
        if not same_secret(invitation.code, (code or "").strip().upper()):
            raise e.NotFound("INVITATION_NOT_FOUND", "This invitation does not exist.")  # a wrong code tells nothing
        if invitation.status != PENDING:
            raise e.Conflict("INVITATION_ALREADY_ACCEPTED", "This invitation was already accepted.")
        if invitation.email != (user_email or "").strip().lower():
            raise e.Forbidden("INVITATION_EMAIL_MISMATCH", "This invitation was sent to another address than your "
                              "account's.")
        if verified_email != invitation.email:
            raise e.Forbidden("EMAIL_NOT_VERIFIED", "Verify your email address (follow the link mailed to it) "
                              "before joining.")
        invitation.status, invitation.accepted_by = ACCEPTED, user_id
        self.version += 1
        if user_id not in self.members:
            self.members[user_id] = invitation.role
            self.events.append(ev.MemberJoined(self.id, self.version, user_id, invitation.role, now))

    def set_school_kind(self, kind: str) -> None:
        if not self.is_school:
            raise e.RuleBroken("NOT_A_SCHOOL", "Only a school has a kind (collège or lycée) and national windows.")
        if kind not in SCHOOL_KINDS:
            raise e.Invalid("SCHOOL_KIND_NOT_VALID", f"The kind of a school is one of {', '.join(SCHOOL_KINDS)}.",
                            field="school_kind")
        self.school_kind = kind
        self.version += 1

    def require_schedulable(self) -> None:
        if self.archived:
            raise e.RuleBroken("CENTER_ARCHIVED", "This centre is archived: it schedules no session.")


def _email(value: str | None) -> str:
    email = (value or "").strip().lower()
    if not looks_like_email(email):
        raise e.Invalid("EMAIL_NOT_VALID", "This is not an email address.", field="admin_email")
    return email


@dataclass
class Window:
    """A national window: the schools of one kind schedule their sessions between these dates (included)."""

    id: UUID
    school_kind: str
    starts_on: date
    ends_on: date
    opened_by: UUID
    opened_at: datetime

    @classmethod
    def open(cls, window_id: UUID, school_kind: str, starts_on: date, ends_on: date, *, by: UUID, now: datetime,
             others: list[Window]) -> Window:
        if school_kind not in SCHOOL_KINDS:
            raise e.Invalid("SCHOOL_KIND_NOT_VALID", f"A window is for one of {', '.join(SCHOOL_KINDS)}.",
                            field="school_kind")
        if ends_on < starts_on:
            raise e.Invalid("WINDOW_DATES_NOT_VALID", "A window ends on or after its first day.", field="ends_on")
        for other in others:
            if other.school_kind == school_kind and other.starts_on <= ends_on and starts_on <= other.ends_on:
                raise e.Conflict("WINDOW_OVERLAPS", "Another window of this kind overlaps these dates.",
                                 window_id=str(other.id))
        return cls(window_id, school_kind, starts_on, ends_on, by, now)

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def require_inside_window(center: Center, day: date, windows: list[Window]) -> None:
    """A school schedules only inside a window of its kind; other centres have no window."""
    if not center.is_school:
        return
    if center.school_kind is None:
        raise e.RuleBroken("SCHOOL_KIND_UNKNOWN", "The kind of this school (collège or lycée) is not set yet: a "
                           "platform admin sets it before sessions can be scheduled.")
    if not any(window.school_kind == center.school_kind and window.contains(day) for window in windows):
        raise e.RuleBroken("SESSION_OUTSIDE_WINDOW", "This date is outside every national window of this kind of "
                           "school.", school_kind=center.school_kind)
