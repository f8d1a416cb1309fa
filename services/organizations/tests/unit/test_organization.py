"""The organization aggregate: creation, team, invitations."""

from datetime import datetime, timedelta, timezone
from uuid import uuid4

import pytest

from organizations.domain import exceptions as e
from organizations.domain.events import (
    InvitationIssued,
    MembershipGranted,
    MembershipRevoked,
    MembershipRoleChanged,
    OrganizationArchived,
    OrganizationCreated,
)
from organizations.domain.model import ACCEPTED, ADMIN, CANCELLED, MEMBER, PENDING, Organization

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def a_school(**overrides):
    fields = {"name": "Collège Victor Hugo", "type": "SCO", "external_id": "0751234a", "manages_students": True,
              "admin_email": "Directrice@Example.org", "created_by": uuid4(), "locale": "fr", "now": NOW}
    return Organization.create(**{**fields, **overrides})


def with_admin(organization=None):
    """An organization whose first admin accepted; returns (organization, admin user id)."""
    organization = organization or a_school()
    invitation = organization.invitations[0]
    admin = uuid4()
    organization.accept_invitation(invitation_id=invitation.id, code=invitation.code, user_id=admin,
                                   user_email=invitation.email, verified_email=invitation.email, now=NOW)
    organization.events.clear()
    return organization, admin


def join(organization, admin, email, role=MEMBER, at=NOW):
    [outcome] = organization.invite([email], role, locale="fr", now=at)
    user = uuid4()
    organization.accept_invitation(invitation_id=outcome.invitation.id, code=outcome.invitation.code, user_id=user,
                                   user_email=email, verified_email=email, now=at)
    return user


def test_creating_a_school_checks_its_uai_and_invites_its_first_admin():
    school = a_school()
    assert school.external_id == "0751234A"
    [invitation] = school.invitations
    assert (invitation.email, invitation.role, invitation.status) == ("directrice@example.org", ADMIN, PENDING)
    assert len(invitation.code) == 10 and invitation.code.isupper()
    assert [type(event) for event in school.events] == [OrganizationCreated, InvitationIssued]


@pytest.mark.parametrize("overrides, code", [
    ({"name": "  "}, "ORGANIZATION_NAME_REQUIRED"),
    ({"type": "XYZ"}, "INVALID_ORGANIZATION_TYPE"),
    ({"external_id": None}, "UAI_REQUIRED"),
    ({"external_id": "75123"}, "INVALID_UAI"),
    ({"type": "PRO", "external_id": None, "manages_students": True}, "PRO_CANNOT_MANAGE_STUDENTS"),
    ({"admin_email": "not-an-email"}, "INVALID_EMAIL"),
])
def test_invalid_organizations_are_refused_with_a_code(overrides, code):
    with pytest.raises(e.InvalidOrganization) as refused:
        a_school(**overrides)
    assert refused.value.error_code == code


def test_invitation_codes_are_random():
    assert len({a_school().invitations[0].code for _ in range(50)}) == 50


def test_accepting_an_invitation_makes_a_member_with_its_role():
    school = a_school()
    invitation = school.invitations[0]
    user = uuid4()
    membership = school.accept_invitation(invitation_id=invitation.id, code=invitation.code.lower(), user_id=user,
                                          user_email="DIRECTRICE@example.org",
                                          verified_email="directrice@example.org", now=NOW)
    assert (membership.user_id, membership.role) == (user, ADMIN)
    assert invitation.status == ACCEPTED and invitation.accepted_by == user
    assert isinstance(school.events[-1], MembershipGranted)


@pytest.mark.parametrize("verified_email", [None, "another.address@example.org"])
def test_no_membership_is_granted_to_an_address_not_verified_not_even_the_first_admins(verified_email):
    school = a_school()  # its first admin is invited like anybody
    invitation = school.invitations[0]
    user = uuid4()
    with pytest.raises(e.EmailNotVerified):
        school.accept_invitation(invitation_id=invitation.id, code=invitation.code, user_id=user,
                                 user_email=invitation.email, verified_email=verified_email, now=NOW)
    assert invitation.status == PENDING and school.membership_of(user) is None  # the invitation waits
    school.accept_invitation(invitation_id=invitation.id, code=invitation.code, user_id=user,
                             user_email=invitation.email, verified_email=invitation.email, now=NOW)
    assert school.membership_of(user).role == ADMIN


def test_accepting_needs_the_right_code_and_the_right_email_and_works_once():
    school = a_school()
    invitation = school.invitations[0]
    with pytest.raises(e.InvitationNotFound):
        school.accept_invitation(invitation_id=invitation.id, code="WRONGCODE1", user_id=uuid4(),
                                 user_email=invitation.email, verified_email=invitation.email, now=NOW)
    with pytest.raises(e.InvitationEmailMismatch):
        school.accept_invitation(invitation_id=invitation.id, code=invitation.code, user_id=uuid4(),
                                 user_email="someone.else@example.org", verified_email="someone.else@example.org",
                                 now=NOW)
    school.accept_invitation(invitation_id=invitation.id, code=invitation.code, user_id=uuid4(),
                             user_email=invitation.email, verified_email=invitation.email, now=NOW)
    with pytest.raises(e.InvitationAlreadyAccepted):
        school.accept_invitation(invitation_id=invitation.id, code=invitation.code, user_id=uuid4(),
                                 user_email=invitation.email, verified_email=invitation.email, now=NOW)


def test_a_cancelled_invitation_cannot_be_accepted():
    school, admin = with_admin()
    [outcome] = school.invite(["prof@example.org"], MEMBER, locale="fr", now=NOW)
    school.cancel_invitation(by=admin, invitation_id=outcome.invitation.id, now=NOW)
    assert outcome.invitation.status == CANCELLED
    with pytest.raises(e.InvitationCancelled):
        school.accept_invitation(invitation_id=outcome.invitation.id, code=outcome.invitation.code, user_id=uuid4(),
                                 user_email="prof@example.org", verified_email="prof@example.org", now=NOW)


def test_inviting_again_resends_the_pending_invitation_instead_of_duplicating_it():
    school, _ = with_admin()
    [first] = school.invite(["prof@example.org", "PROF@example.org"], MEMBER, locale="fr", now=NOW)
    [too_soon] = school.invite(["prof@example.org"], MEMBER, locale="fr", now=NOW + timedelta(minutes=1))
    [later] = school.invite(["prof@example.org"], ADMIN, locale="en", now=NOW + timedelta(minutes=6))
    assert (first.outcome, too_soon.outcome, later.outcome) == ("SENT", "THROTTLED", "RESENT")
    assert first.invitation is later.invitation
    assert (later.invitation.role, later.invitation.locale, later.invitation.sent_count) == (ADMIN, "en", 2)
    assert len([i for i in school.invitations if i.email == "prof@example.org"]) == 1
    assert [type(event) for event in school.events] == [InvitationIssued, InvitationIssued]


def test_members_are_not_invited_again():
    school, admin = with_admin()
    [outcome] = school.invite(["member@example.org"], MEMBER, locale="fr", now=NOW,
                              member_emails=frozenset({"member@example.org"}))
    assert outcome.outcome == "ALREADY_MEMBER" and outcome.invitation is None


def test_resending_is_throttled():
    school, admin = with_admin()
    [outcome] = school.invite(["prof@example.org"], MEMBER, locale="fr", now=NOW)
    with pytest.raises(e.ResendThrottled) as throttled:
        school.resend_invitation(by=admin, invitation_id=outcome.invitation.id, now=NOW + timedelta(minutes=2))
    assert 0 < throttled.value.details["retry_after"] <= 180
    school.resend_invitation(by=admin, invitation_id=outcome.invitation.id, now=NOW + timedelta(minutes=5))
    assert outcome.invitation.sent_count == 2


def test_only_admins_manage_the_team():
    school, admin = with_admin()
    member = join(school, admin, "prof@example.org")
    with pytest.raises(e.AdminRoleRequired):
        school.change_role(by=member, user_id=admin, role=MEMBER, now=NOW)
    with pytest.raises(e.AdminRoleRequired):
        school.remove_member(by=member, user_id=admin, now=NOW)
    with pytest.raises(e.NotAMember):
        school.change_role(by=uuid4(), user_id=member, role=ADMIN, now=NOW)


def test_the_last_admin_cannot_be_demoted_removed_or_leave():
    school, admin = with_admin()
    member = join(school, admin, "prof@example.org")
    with pytest.raises(e.LastAdmin):
        school.change_role(by=admin, user_id=admin, role=MEMBER, now=NOW)
    with pytest.raises(e.LastAdmin):
        school.remove_member(by=admin, user_id=admin, now=NOW)
    school.change_role(by=admin, user_id=member, role=ADMIN, now=NOW)
    school.remove_member(by=admin, user_id=admin, now=NOW)  # now someone else holds the keys
    assert school.membership_of(admin) is None
    assert [m.role for m in school.active_memberships()] == [ADMIN]


def test_removal_is_soft_and_a_member_can_leave():
    school, admin = with_admin()
    member = join(school, admin, "prof@example.org")
    school.events.clear()
    left = school.remove_member(by=member, user_id=member, now=NOW)
    assert left.disabled_reason == "LEFT" and left in school.memberships  # the history stays
    assert isinstance(school.events[-1], MembershipRevoked) and school.events[-1].reason == "LEFT"
    again = join(school, admin, "prof@example.org", at=NOW + timedelta(minutes=10))
    assert school.membership_of(again).active


def test_role_changes_are_announced_with_a_growing_version():
    school, admin = with_admin()
    member = join(school, admin, "prof@example.org")
    before = school.version
    school.change_role(by=admin, user_id=member, role=ADMIN, now=NOW)
    [event] = [ev for ev in school.events if isinstance(ev, MembershipRoleChanged)]
    assert event.version == school.version == before + 1


def test_an_archived_organization_takes_no_invitation_and_cancels_the_pending_ones():
    school, admin = with_admin()
    [outcome] = school.invite(["prof@example.org"], MEMBER, locale="fr", now=NOW)
    school.archive(NOW)
    school.archive(NOW)
    assert [type(ev) for ev in school.events].count(OrganizationArchived) == 1
    assert outcome.invitation.status == CANCELLED
    with pytest.raises(e.OrganizationArchived):
        school.invite(["other@example.org"], MEMBER, locale="fr", now=NOW)
    with pytest.raises(e.OrganizationArchived):
        school.require_can_import()


def test_only_organizations_managing_students_import_learners():
    company = a_school(type="PRO", external_id=None, manages_students=False)
    with pytest.raises(e.ImportNotAllowed):
        company.require_can_import()
    university = a_school(type="SUP", external_id=None, manages_students=True)
    university.require_can_import()
