"""The organization aggregate: the organization, its memberships and its invitations.

Memberships and invitations live inside the aggregate because the rules that matter span
them: the last admin cannot leave, an archived organization takes no invitation, an
invitation accepted becomes a membership. Every change bumps the organization's version,
which the published events carry so consumers can drop stale updates.
"""

from __future__ import annotations

import math
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from organizations.domain import exceptions as e
from organizations.domain.events import (
    InvitationIssued,
    LearnerChange,
    LearnerLinked,
    LearnersImported,
    MembershipGranted,
    MembershipRevoked,
    MembershipRoleChanged,
    OrganizationArchived,
    OrganizationCreated,
    OrganizationFeaturesChanged,
)
from organizations.domain.sign_in_methods import SignInMethods

SCO, SUP, PRO = "SCO", "SUP", "PRO"
TYPES = (SCO, SUP, PRO)
ADMIN, MEMBER = "ADMIN", "MEMBER"
ROLES = (ADMIN, MEMBER)
PENDING, ACCEPTED, CANCELLED = "pending", "accepted", "cancelled"
LOCALES = ("fr", "en")

UAI = re.compile(r"^[0-9]{7}[A-Z]$")
INVITATION_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread
INVITATION_CODE_LENGTH = 10
RESEND_INTERVAL = timedelta(minutes=5)
NAME_MAX = 255


def _email(value: str) -> str:
    email = unicodedata.normalize("NFC", value.strip()).lower()
    if len(email) > 254 or not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$", email):
        raise e.InvalidOrganization("INVALID_EMAIL", f"{value!r} is not a valid email address.")
    return email


def new_invitation_code() -> str:
    return "".join(secrets.choice(INVITATION_CODE_ALPHABET) for _ in range(INVITATION_CODE_LENGTH))


@dataclass(frozen=True)
class KnownUser:
    """An account as identity announced it; ``version`` orders the announcements."""

    id: UUID
    email: str | None  # None: a pupil without an email address (a username, or the GAR): no invitation matches it
    first_name: str
    last_name: str
    registered_at: datetime
    version: int
    orga_terms_accepted_at: datetime | None = None
    verified_email: str | None = None  # the address identity verified for this account, if any
    username: str | None = None  # what a pupil without an email address signs in with
    gar_linked_at: datetime | None = None  # since when the account signs in through the GAR too, if it does

    @property
    def sign_in_methods(self) -> SignInMethods:
        return SignInMethods(email=self.email, username=self.username, gar=self.gar_linked_at is not None)


@dataclass(eq=False)
class Membership:
    id: UUID
    organization_id: UUID
    user_id: UUID
    role: str
    created_at: datetime
    updated_at: datetime
    disabled_at: datetime | None = None
    disabled_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


@dataclass(eq=False)
class Invitation:
    id: UUID
    organization_id: UUID
    email: str
    role: str
    code: str
    status: str
    locale: str
    created_at: datetime
    updated_at: datetime
    last_sent_at: datetime
    sent_count: int = 1
    accepted_by: UUID | None = None


@dataclass
class InvitationOutcome:
    email: str
    outcome: str  # SENT, RESENT, ALREADY_MEMBER, THROTTLED
    invitation: Invitation | None


@dataclass(eq=False)
class Organization:
    id: UUID
    name: str
    type: str
    external_id: str | None
    manages_students: bool
    created_at: datetime
    created_by: UUID | None
    archived_at: datetime | None = None
    # Whether its assessment campaigns may take results several times (set by a platform admin).
    multiple_sendings_for_assessments: bool = False
    version: int = 1
    learners_version: int = 0
    memberships: list[Membership] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    events: list[Any] = field(default_factory=list, repr=False)

    # -- creation and life ---------------------------------------------------------------

    @classmethod
    def create(cls, *, name: str, type: str, external_id: str | None, manages_students: bool, admin_email: str,
               created_by: UUID | None, locale: str, now: datetime) -> Organization:
        name = " ".join(unicodedata.normalize("NFC", name).split())
        if not name:
            raise e.InvalidOrganization("ORGANIZATION_NAME_REQUIRED", "The organization needs a name.")
        if len(name) > NAME_MAX:
            raise e.InvalidOrganization("ORGANIZATION_NAME_TOO_LONG", f"The name has more than {NAME_MAX} characters.")
        if type not in TYPES:
            raise e.InvalidOrganization("INVALID_ORGANIZATION_TYPE", f"The type must be one of {', '.join(TYPES)}.")
        external_id = (external_id or "").strip().upper() or None
        if type == SCO:
            if external_id is None:
                raise e.InvalidOrganization("UAI_REQUIRED", "A school (SCO) needs its UAI as external id.")
            if not UAI.match(external_id):
                raise e.InvalidOrganization("INVALID_UAI", f"{external_id} is not a UAI (7 digits and a letter).")
        if manages_students and type == PRO:
            raise e.InvalidOrganization("PRO_CANNOT_MANAGE_STUDENTS", "A PRO organization does not manage students.")
        organization = cls(id=uuid4(), name=name, type=type, external_id=external_id,
                           manages_students=manages_students, created_at=now, created_by=created_by)
        organization.events.append(OrganizationCreated(organization.id, name, type, external_id, manages_students,
                                                       now, organization.version))
        organization.invite([admin_email], ADMIN, locale=locale, now=now)
        return organization

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def _changed(self) -> int:
        self.version += 1
        return self.version

    def _refuse_if_archived(self) -> None:
        if self.archived:
            raise e.OrganizationArchived("This organization is archived.")

    def archive(self, now: datetime) -> None:
        if self.archived:
            return
        self.archived_at = now
        # Invitations still pending can no longer be accepted.
        for invitation in self.invitations:
            if invitation.status == PENDING:
                invitation.status, invitation.updated_at = CANCELLED, now
        self.events.append(OrganizationArchived(self.id, now, self._changed()))

    def allow_multiple_sendings_for_assessments(self, allowed: bool, now: datetime) -> None:
        if allowed == self.multiple_sendings_for_assessments:
            return
        self.multiple_sendings_for_assessments = allowed
        self.events.append(OrganizationFeaturesChanged(self.id, allowed, now, self._changed()))

    def require_can_import(self) -> None:
        self._refuse_if_archived()
        if self.type == PRO or not self.manages_students:
            raise e.ImportNotAllowed("This organization does not manage a list of learners.")

    def record_learner_import(self, import_id: UUID, changes: list[LearnerChange], now: datetime) -> None:
        """The learner list changed: announce it (the list has its own version, apart from the team's)."""
        self.learners_version += 1
        self.events.append(LearnersImported(import_id, self.id, now, tuple(changes), self.learners_version))

    def announce_links_again(self, linked: list[LearnerLinked]) -> None:
        """The links held now, announced again as they were (each learner's version: a consumer that has it
        changes nothing), for a consumer that came after them (identity's replica of issue 19)."""
        self.events.extend(linked)

    def record_links_carried_over(self, linked: list[LearnerLinked]) -> None:
        """An import linked pupils who changed school to their accounts: each is announced as its learner's fact
        (its own version), from here because the import writes the list in bulk, not learner by learner."""
        self.events.extend(linked)

    # -- memberships -------------------------------------------------------------------

    def active_memberships(self) -> list[Membership]:
        return [m for m in self.memberships if m.active]

    def membership_of(self, user_id: UUID) -> Membership | None:
        return next((m for m in self.memberships if m.active and m.user_id == user_id), None)

    def require_member(self, user_id: UUID) -> Membership:
        membership = self.membership_of(user_id)
        if membership is None:
            raise e.NotAMember("Access to this organization is limited to its invited members.")
        return membership

    def require_admin(self, user_id: UUID) -> Membership:
        membership = self.require_member(user_id)
        if membership.role != ADMIN:
            raise e.AdminRoleRequired("Only an administrator of the organization can do this.")
        return membership

    def _admins(self) -> list[Membership]:
        return [m for m in self.active_memberships() if m.role == ADMIN]

    def _grant(self, user_id: UUID, role: str, now: datetime) -> Membership:
        membership = Membership(id=uuid4(), organization_id=self.id, user_id=user_id, role=role, created_at=now,
                                updated_at=now)
        self.memberships.append(membership)
        self.events.append(MembershipGranted(membership.id, self.id, user_id, role, now, self._changed()))
        return membership

    def change_role(self, *, by: UUID, user_id: UUID, role: str, now: datetime) -> Membership:
        self.require_admin(by)
        if role not in ROLES:
            raise e.InvalidRole(f"The role must be {' or '.join(ROLES)}.")
        membership = self.membership_of(user_id)
        if membership is None:
            raise e.MembershipNotFound("This user is not a member of the organization.")
        if membership.role == role:
            return membership
        if membership.role == ADMIN and len(self._admins()) == 1:
            raise e.LastAdmin("The last administrator cannot be demoted; name another administrator first.")
        membership.role, membership.updated_at = role, now
        self.events.append(MembershipRoleChanged(membership.id, self.id, user_id, role, now, self._changed()))
        return membership

    def remove_member(self, *, by: UUID, user_id: UUID, now: datetime) -> Membership:
        """An admin removes someone, or a member leaves (``by == user_id``); the history stays."""
        leaving = by == user_id
        if not leaving:
            self.require_admin(by)
        membership = self.membership_of(user_id)
        if membership is None:
            if leaving:
                raise e.NotAMember("Access to this organization is limited to its invited members.")
            raise e.MembershipNotFound("This user is not a member of the organization.")
        if membership.role == ADMIN and len(self._admins()) == 1:
            raise e.LastAdmin("The last administrator cannot leave or be removed; name another administrator first.")
        reason = "LEFT" if leaving else "REMOVED"
        membership.disabled_at, membership.disabled_reason, membership.updated_at = now, reason, now
        self.events.append(MembershipRevoked(membership.id, self.id, user_id, reason, now, self._changed()))
        return membership

    # -- invitations -------------------------------------------------------------------

    def pending_invitation_for(self, email: str) -> Invitation | None:
        return next((i for i in self.invitations if i.status == PENDING and i.email == email), None)

    def invite(self, emails: list[str], role: str, *, locale: str, now: datetime,
               member_emails: frozenset[str] = frozenset()) -> list[InvitationOutcome]:
        """Invite each email; a pending invitation for an email is sent again, not duplicated.

        ``member_emails`` are the emails of the current members (known from identity's events):
        they are not invited again.
        """
        self._refuse_if_archived()
        if role not in ROLES:
            raise e.InvalidRole(f"The role must be {' or '.join(ROLES)}.")
        locale = locale if locale in LOCALES else LOCALES[0]
        outcomes = []
        for email in dict.fromkeys(_email(raw) for raw in emails):  # de-duplicated, order kept
            if email in member_emails:
                outcomes.append(InvitationOutcome(email, "ALREADY_MEMBER", None))
                continue
            pending = self.pending_invitation_for(email)
            if pending is not None:
                if now - pending.last_sent_at < RESEND_INTERVAL:
                    outcomes.append(InvitationOutcome(email, "THROTTLED", pending))
                    continue
                pending.role, pending.locale = role, locale
                self._send(pending, now)
                outcomes.append(InvitationOutcome(email, "RESENT", pending))
                continue
            invitation = Invitation(id=uuid4(), organization_id=self.id, email=email, role=role,
                                    code=new_invitation_code(), status=PENDING, locale=locale, created_at=now,
                                    updated_at=now, last_sent_at=now, sent_count=0)
            self.invitations.append(invitation)
            self._send(invitation, now)
            outcomes.append(InvitationOutcome(email, "SENT", invitation))
        return outcomes

    def _send(self, invitation: Invitation, now: datetime) -> None:
        invitation.last_sent_at, invitation.updated_at = now, now
        invitation.sent_count += 1
        self.events.append(InvitationIssued(invitation.id, self.id, invitation.email, invitation.role,
                                            invitation.locale, now, self._changed()))

    def invitation(self, invitation_id: UUID) -> Invitation:
        invitation = next((i for i in self.invitations if i.id == invitation_id), None)
        if invitation is None:
            raise e.InvitationNotFound("This invitation does not exist.")
        return invitation

    def resend_invitation(self, *, by: UUID, invitation_id: UUID, now: datetime) -> Invitation:
        self.require_admin(by)
        self._refuse_if_archived()
        invitation = self._pending(invitation_id)
        elapsed = now - invitation.last_sent_at
        if elapsed < RESEND_INTERVAL:
            raise e.ResendThrottled(math.ceil((RESEND_INTERVAL - elapsed).total_seconds()))
        self._send(invitation, now)
        return invitation

    def cancel_invitation(self, *, by: UUID, invitation_id: UUID, now: datetime) -> Invitation:
        self.require_admin(by)
        invitation = self._pending(invitation_id)
        invitation.status, invitation.updated_at = CANCELLED, now
        self._changed()
        return invitation

    def _pending(self, invitation_id: UUID) -> Invitation:
        invitation = self.invitation(invitation_id)
        if invitation.status == ACCEPTED:
            raise e.InvitationAlreadyAccepted("This invitation was already accepted.")
        if invitation.status == CANCELLED:
            raise e.InvitationCancelled("This invitation was cancelled.")
        return invitation

    def accept_invitation(self, *, invitation_id: UUID, code: str, user_id: UUID, user_email: str,
                          verified_email: str | None, now: datetime) -> Membership:
        """Every membership is granted here, the first admin's of a new organization included.

        ``verified_email``: the account's address as identity verified it (a link mailed there was
        followed), if it did. A membership needs the invitation's address verified: whoever signed up
        first with a teacher's address cannot join in the teacher's name.
        """
        invitation = self.invitation(invitation_id)
        # compare_digest takes ASCII text only: bytes, so that any code a caller sends is just a wrong one.
        if not secrets.compare_digest(invitation.code.encode(), code.strip().upper().encode()):
            raise e.InvitationNotFound("This invitation does not exist.")  # a wrong code reveals nothing
        invitation = self._pending(invitation_id)
        self._refuse_if_archived()
        if invitation.email != user_email.strip().lower():
            raise e.InvitationEmailMismatch("This invitation was sent to another email address than your account's.")
        if verified_email != invitation.email:
            raise e.EmailNotVerified("Verify your email address (follow the link mailed to it) before joining.")
        invitation.status, invitation.accepted_by, invitation.updated_at = ACCEPTED, user_id, now
        existing = self.membership_of(user_id)
        if existing is not None:
            self._changed()
            return existing  # already a member: the invitation is spent, the role unchanged
        return self._grant(user_id, invitation.role, now)
