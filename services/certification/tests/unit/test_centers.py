import uuid
from datetime import UTC, date, datetime

import pytest

from certification.domain import events as ev
from certification.domain import exceptions as e
from certification.domain.centers import COLLEGE, LYCEE, PRO, Center, Window, require_inside_window

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
ADMIN = uuid.uuid4()


def pro_center(email="Certif.Admin@Example.org"):
    return Center.create(uuid.uuid4(), uuid.uuid4(), type=PRO, name=" Centre Pro ", external_id=None,
                         admin_email=email, locale="fr", now=NOW)


def school(kind=None):
    center = Center.for_school(uuid.uuid4(), "Collège Victor Hugo", "0751234a", NOW)
    center.school_kind = kind
    return center


def test_a_school_is_a_centre_under_its_organization_id_with_its_uai():
    organization_id = uuid.uuid4()
    center = Center.for_school(organization_id, "Collège Victor Hugo", " 0751234a ", NOW)
    assert (center.id, center.organization_id, center.external_id, center.type) == (
        organization_id, organization_id, "0751234A", "SCO")
    assert [type(event) for event in center.events] == [ev.CenterCreated]


def test_a_platform_admins_centre_invites_its_first_admin():
    center = pro_center()
    assert center.name == "Centre Pro"
    [invitation] = center.invitations
    assert (invitation.email, invitation.role, invitation.status) == ("certif.admin@example.org", "ADMIN", "PENDING")
    assert [type(event) for event in center.events] == [ev.CenterCreated, ev.InvitationIssued]


@pytest.mark.parametrize(("changes", "code"), [
    ({"type": "SCO"}, "CENTER_TYPE_NOT_VALID"),
    ({"name": "  "}, "CENTER_NAME_REQUIRED"),
    ({"admin_email": "not an email"}, "EMAIL_NOT_VALID"),
    ({"locale": "de"}, "LOCALE_NOT_VALID"),
])
def test_a_centre_with_a_wrong_field_is_refused_with_its_code(changes, code):
    fields = {"type": PRO, "name": "Centre", "external_id": None, "admin_email": "a@b.org", "locale": "fr",
              **changes}
    with pytest.raises(e.Invalid) as refused:
        Center.create(uuid.uuid4(), uuid.uuid4(), now=NOW, **fields)
    assert refused.value.error_code == code


def test_the_invited_person_joins_with_the_code_and_their_verified_address():
    center = pro_center()
    invitation = center.invitations[0]
    center.accept_invitation(invitation.id, invitation.code.lower(), user_id=ADMIN, user_email="certif.admin@example.org",
                             verified_email="certif.admin@example.org", now=NOW)
    assert center.members == {ADMIN: "ADMIN"}
    with pytest.raises(e.Conflict):
        center.accept_invitation(invitation.id, invitation.code, user_id=ADMIN, user_email="certif.admin@example.org",
                                 verified_email="certif.admin@example.org", now=NOW)


@pytest.mark.parametrize(("code", "email", "verified", "refusal"), [
    ("WRONG", "certif.admin@example.org", "certif.admin@example.org", "INVITATION_NOT_FOUND"),
    (None, "other@example.org", "other@example.org", "INVITATION_EMAIL_MISMATCH"),
    (None, "certif.admin@example.org", None, "EMAIL_NOT_VERIFIED"),
])
def test_an_invitation_is_refused_to_a_wrong_code_another_address_or_an_unverified_one(code, email, verified, refusal):
    center = pro_center()
    invitation = center.invitations[0]
    with pytest.raises(e.CertificationError) as refused:
        center.accept_invitation(invitation.id, code or invitation.code, user_id=ADMIN, user_email=email,
                                 verified_email=verified, now=NOW)
    assert refused.value.error_code == refusal
    assert center.members == {} and invitation.status == "PENDING"


def test_only_a_school_has_a_kind():
    with pytest.raises(e.RuleBroken):
        pro_center().set_school_kind(COLLEGE)
    with pytest.raises(e.Invalid):
        school().set_school_kind("PRIMAIRE")
    center = school()
    center.set_school_kind(LYCEE)
    assert center.school_kind == LYCEE


def window(kind=COLLEGE, start=date(2027, 3, 17), end=date(2027, 6, 13), others=()):
    return Window.open(uuid.uuid4(), kind, start, end, by=ADMIN, now=NOW, others=list(others))


def test_windows_of_one_kind_do_not_overlap_but_two_kinds_may():
    college = window()
    window(LYCEE, date(2026, 11, 7), date(2027, 3, 20), others=[college])
    with pytest.raises(e.Conflict) as refused:
        window(COLLEGE, date(2027, 6, 13), date(2027, 7, 1), others=[college])
    assert refused.value.error_code == "WINDOW_OVERLAPS"
    with pytest.raises(e.Invalid):
        window(start=date(2027, 3, 17), end=date(2027, 3, 16))


def test_a_school_schedules_only_inside_a_window_of_its_kind_and_other_centres_anywhere():
    windows = [window(), window(LYCEE, date(2026, 11, 7), date(2027, 3, 7))]
    require_inside_window(school(COLLEGE), date(2027, 3, 17), windows)
    require_inside_window(school(COLLEGE), date(2027, 6, 13), windows)
    require_inside_window(pro_center(), date(2026, 8, 1), windows)
    for center, day, code in [(school(COLLEGE), date(2027, 3, 1), "SESSION_OUTSIDE_WINDOW"),
                              (school(LYCEE), date(2027, 4, 1), "SESSION_OUTSIDE_WINDOW"),
                              (school(None), date(2027, 4, 1), "SCHOOL_KIND_UNKNOWN")]:
        with pytest.raises(e.RuleBroken) as refused:
            require_inside_window(center, day, windows)
        assert refused.value.error_code == code
