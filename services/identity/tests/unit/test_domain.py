from datetime import datetime, timezone
from uuid import uuid4

import pytest

from identity.domain.events import OrgaTermsAccepted, RoleGranted, UserRegistered
from identity.domain.exceptions import InvalidEmail, InvalidName, TermsNotAccepted, UnknownRole
from identity.domain.model import SUPER_ADMIN, User, clean_name, normalize_email
from identity.domain.passwords import password_violations

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)


def a_user(**overrides):
    fields = {"id": uuid4(), "email": "Lou@Example.org ", "first_name": " Lou ", "last_name": "Apprenant",
              "password_hash": "h", "accepted_terms": True, "locale": "fr", "now": NOW}
    return User.register(**{**fields, **overrides})


def test_registering_normalizes_the_email_and_names_and_records_the_fact():
    user = a_user(first_name="  Marie   Claire ")
    assert user.email == "lou@example.org"
    assert user.first_name == "Marie Claire"
    assert user.events == [UserRegistered(user.id, "lou@example.org", "Marie Claire", "Apprenant", "fr", NOW, 1)]


def test_registering_without_accepting_the_terms_is_refused():
    with pytest.raises(TermsNotAccepted):
        a_user(accepted_terms=False)


def test_an_unknown_locale_falls_back_to_french():
    assert a_user(locale="de").locale == "fr"


@pytest.mark.parametrize("email", ["", "no-at-sign", "two@@example.org", "space in@example.org", "nodot@example",
                                   "a@b.", "x" * 250 + "@example.org"])
def test_invalid_emails_are_refused(email):
    with pytest.raises(InvalidEmail):
        normalize_email(email)


def test_names_are_required_and_bounded():
    with pytest.raises(InvalidName):
        clean_name("   ", "first name")
    with pytest.raises(InvalidName):
        clean_name("x" * 256, "last name")


def test_accepting_the_orga_terms_twice_records_one_fact_and_bumps_the_version_once():
    user = a_user()
    user.events.clear()
    user.accept_orga_terms(NOW)
    user.accept_orga_terms(NOW)
    assert user.events == [OrgaTermsAccepted(user.id, NOW, 2)]
    assert user.version == 2 and user.has_accepted_orga_terms


def test_a_platform_role_is_granted_once_and_unknown_roles_are_refused():
    user = a_user()
    user.events.clear()
    user.grant_role(SUPER_ADMIN)
    user.grant_role(SUPER_ADMIN)
    assert user.roles == [SUPER_ADMIN]
    assert user.events == [RoleGranted(user.id, SUPER_ADMIN, 2)]
    with pytest.raises(UnknownRole):
        user.grant_role("GOD")


@pytest.mark.parametrize("password, rule", [
    ("Ab1", "PASSWORD_TOO_SHORT"),
    ("A" * 120 + "a1" + "b" * 10, "PASSWORD_TOO_LONG"),
    ("ABCDEFGH1", "PASSWORD_NEEDS_LOWERCASE"),
    ("abcdefgh1", "PASSWORD_NEEDS_UPPERCASE"),
    ("Abcdefghi", "PASSWORD_NEEDS_DIGIT"),
    ("Password123", "PASSWORD_TOO_COMMON"),
    ("Apprenant2026", "PASSWORD_CONTAINS_PERSONAL_DATA"),
    ("LouLou-9xyz", "PASSWORD_CONTAINS_PERSONAL_DATA"),
])
def test_the_password_policy_names_each_broken_rule(password, rule):
    assert rule in password_violations(password, email="loulou@example.org", first_name="Lou", last_name="Apprenant")


def test_a_good_password_breaks_no_rule():
    assert password_violations("Demo-Pass-2026!", email="learner@demo.example.org", first_name="Lou",
                               last_name="Apprenant") == []
