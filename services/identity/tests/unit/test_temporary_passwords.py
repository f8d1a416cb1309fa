"""Temporary passwords a school's admin gives a pupil (identity/domain/temporary_passwords.py), with fakes."""

import itertools
import uuid
from datetime import date

import pytest

from identity.domain import commands, temporary_passwords
from identity.domain.exceptions import (
    AccountWithoutLogin,
    AdminRoleRequired,
    InvalidCredentials,
    InvalidPasswordChangeToken,
    LearnerListNotManaged,
    LearnerNotLinked,
    PasswordChangeRequired,
    PasswordUnchanged,
    TemporaryPasswordForOneself,
    TemporaryPasswordForPlatformAdmin,
    WeakPassword,
)
from identity.domain.login_throttle import LoginThrottle
from identity.domain.model import SUPER_ADMIN, User
from identity.domain.passwords import password_violations
from identity.domain.recovery import PASSWORD_RESET, AccountToken, RecoveryPolicy
from identity.service_layer import handlers, replication
from identity.service_layer.ports import TokenPolicy
from msgkit import Envelope

PUPIL_PASSWORD, ADMIN_PASSWORD, NEW_PASSWORD = "Forgotten-42", "Admin-Pass-42", "Brand-New-7x"
ORGANIZATION, LEARNER = uuid.uuid4(), uuid.uuid4()


def envelope(event_type, version):
    return Envelope.from_dict({"message_id": str(uuid.uuid4()), "event_type": event_type,
                               "occurred_at": "2026-11-23T09:00:00Z", "producer": "organizations",
                               "correlation_id": str(uuid.uuid4()), "causation_id": None,
                               "aggregate_id": str(LEARNER), "aggregate_version": version, "payload": {}})


def link(uow, user_id, version=1, learner=LEARNER, organization=ORGANIZATION, unlinked=False):
    kind = "unlinked" if unlinked else "linked"
    with uow:
        replication.on_learner_account_changed(
            {"learner_id": learner, "organization_id": organization, "user_id": user_id},
            envelope(f"organizations.learner.{kind}.v1", version), uow)


class School:
    """An SCO organization, its admin (an email account), and a pupil with a username linked to a learner."""

    def __init__(self, uow, hasher, clock, organization_type="SCO"):
        self.uow, self.hasher, self.clock = uow, hasher, clock
        self.admin_id = handlers.register_user(
            commands.RegisterUser("Ada", "Lovelace", "ada@example.org", ADMIN_PASSWORD, True), uow, hasher, clock)
        self.pupil_id = handlers.register_pupil_with_username(
            commands.RegisterPupilWithUsername("Chloé", "Martin", date(2012, 2, 14), PUPIL_PASSWORD, True), uow,
            hasher, clock)
        self.username = uow.users.get(self.pupil_id).username
        with uow:
            uow.memberships.save_organization(ORGANIZATION, 1, name="Collège Curie", type=organization_type,
                                              archived=False)
            self.membership(self.admin_id, "ADMIN")
        link(uow, self.pupil_id)

    def membership(self, user_id, role, version=2, active=True):
        self.uow.memberships.save_membership(uuid.uuid4(), version, organization_id=ORGANIZATION, user_id=user_id,
                                             role=role, active=active)

    def give(self, given_by=None, learner=LEARNER):
        return handlers.give_temporary_password(
            commands.GiveTemporaryPassword(ORGANIZATION, learner, given_by or self.admin_id), self.uow, self.hasher,
            self.clock)

    def log_in(self, login, password, address="10.0.0.1"):
        return handlers.log_in(commands.LogIn(login, password, address), self.uow, self.hasher, _Issuer(),
                               TokenPolicy(), LoginThrottle(), self.clock, RecoveryPolicy())

    def change(self, token, password=NEW_PASSWORD):
        return handlers.change_temporary_password(commands.ChangeTemporaryPassword(token, password), self.uow,
                                                  self.hasher, _Issuer(), TokenPolicy(), self.clock)

    def change_token(self, password):
        with pytest.raises(PasswordChangeRequired) as refused:
            self.log_in(self.username, password)
        return refused.value.details["password_change_token"]


class _Issuer:
    def issue(self, user, now):
        return f"access-for-{user.id}"


@pytest.fixture
def school(uow, hasher, clock):
    return School(uow, hasher, clock)


def test_an_admin_of_a_school_gives_the_linked_pupil_a_password_that_follows_the_rules(school, uow, clock):
    given = school.give()

    assert (given.username, given.email) == (school.username, None)
    assert len(given.password) == 10 and set(given.password) <= set(temporary_passwords.ALPHABET)
    assert password_violations(given.password, first_name="Chloé", last_name="Martin") == []
    pupil = uow.users.get(school.pupil_id)
    assert pupil.password_hash == f"hashed:{given.password}" and pupil.must_change_password
    [record] = uow.temporary_passwords.rows
    assert (record.user_id, record.organization_id, record.learner_id, record.given_by, record.given_at) == (
        school.pupil_id, ORGANIZATION, LEARNER, school.admin_id, clock())


def test_giving_a_temporary_password_ends_the_pupil_s_sessions_and_the_former_password(school, uow):
    tokens = school.log_in(school.username, PUPIL_PASSWORD)
    school.give()
    assert not uow.refresh_tokens.get_by_hash(handlers.hash_token(tokens.refresh_token)).is_usable(school.clock())
    with pytest.raises(InvalidCredentials):
        school.log_in(school.username, PUPIL_PASSWORD)


@pytest.mark.parametrize("role, active", [("MEMBER", True), ("ADMIN", False)])
def test_only_an_active_admin_of_the_organization_may_give_one(school, uow, role, active):
    teacher = handlers.register_user(commands.RegisterUser("Tom", "Prof", "tom@example.org", ADMIN_PASSWORD, True),
                                     uow, school.hasher, school.clock)
    school.membership(teacher, role, active=active)
    with pytest.raises(AdminRoleRequired):
        school.give(given_by=teacher)
    assert uow.users.get(school.pupil_id).password_hash == f"hashed:{PUPIL_PASSWORD}"


def test_an_admin_of_another_organization_may_not(school, uow):
    with uow:
        uow.memberships.save_membership(uuid.uuid4(), 2, organization_id=uuid.uuid4(), user_id=school.admin_id,
                                        role="ADMIN", active=True)
        uow.memberships.memberships = {k: m for k, m in uow.memberships.memberships.items()
                                       if m["organization_id"] != ORGANIZATION}
    with pytest.raises(AdminRoleRequired):
        school.give()


def test_only_an_organization_that_manages_a_school_s_list(uow, hasher, clock):
    school = School(uow, hasher, clock, organization_type="SUP")
    with pytest.raises(LearnerListNotManaged):
        school.give()


def test_not_in_an_archived_organization(school, uow):
    with uow:
        uow.memberships.archive_organization(ORGANIZATION, 5)
    with pytest.raises(LearnerListNotManaged):
        school.give()


def test_only_a_learner_linked_to_an_account_now(school, uow):
    with pytest.raises(LearnerNotLinked):
        school.give(learner=uuid.uuid4())  # identity never heard of it
    link(uow, school.pupil_id, version=3, unlinked=True)
    link(uow, school.pupil_id, version=2)  # late: changes nothing
    with pytest.raises(LearnerNotLinked):
        school.give()
    assert uow.temporary_passwords.rows == []


def test_not_a_learner_of_another_organization(school, uow):
    other = uuid.uuid4()
    link(uow, school.pupil_id, learner=other, organization=uuid.uuid4())
    with pytest.raises(LearnerNotLinked):
        school.give(learner=other)


def test_never_the_admin_s_own_account(school, uow):
    link(uow, school.admin_id, version=2)
    with pytest.raises(TemporaryPasswordForOneself):
        school.give()
    assert not uow.users.get(school.admin_id).must_change_password


def test_never_a_platform_admin_s_account(school, uow):
    uow.users.get(school.pupil_id).grant_role(SUPER_ADMIN)
    with pytest.raises(TemporaryPasswordForPlatformAdmin):
        school.give()
    assert not uow.users.get(school.pupil_id).must_change_password


def test_not_an_account_that_signs_in_through_the_gar_only(school, uow, clock):
    gar_pupil = User.register_through_gar(id=uuid.uuid4(), first_name="Lou", last_name="Gar", accepted_terms=True,
                                          locale="fr", now=clock())
    uow.users.add(gar_pupil)
    link(uow, gar_pupil.id, version=2)
    with pytest.raises(AccountWithoutLogin):
        school.give()


def test_a_log_in_with_the_temporary_password_gets_only_a_change_token(school, uow):
    given = school.give()
    with pytest.raises(PasswordChangeRequired) as refused:
        school.log_in(school.username, given.password)
    assert refused.value.details["expires_in"] == 15 * 60
    assert refused.value.headers["Cache-Control"] == "no-store"
    assert uow.refresh_tokens.rows == []  # no session


def test_the_new_password_clears_the_obligation_signs_in_and_the_token_works_once(school, uow):
    given = school.give()
    token = school.change_token(given.password)

    tokens = school.change(token)

    assert tokens.user_id == school.pupil_id and tokens.access_token == f"access-for-{school.pupil_id}"
    pupil = uow.users.get(school.pupil_id)
    assert pupil.password_hash == f"hashed:{NEW_PASSWORD}" and not pupil.must_change_password
    with pytest.raises(InvalidPasswordChangeToken):
        school.change(token, "Another-New-8y")
    assert school.log_in(school.username, NEW_PASSWORD).user_id == school.pupil_id
    with pytest.raises(InvalidCredentials):
        school.log_in(school.username, given.password)


def test_the_new_password_follows_the_rules_and_differs_from_the_temporary_one(school, uow):
    given = school.give()
    token = school.change_token(given.password)
    with pytest.raises(WeakPassword):
        school.change(token, "short")
    with pytest.raises(PasswordUnchanged):
        school.change(token, given.password)
    assert uow.users.get(school.pupil_id).must_change_password
    assert school.change(token).user_id == school.pupil_id  # the token was not spent by the refusals


def test_the_change_token_lasts_15_minutes(school):
    token = school.change_token(school.give().password)
    school.clock.advance(minutes=15)
    with pytest.raises(InvalidPasswordChangeToken):
        school.change(token)


def test_another_temporary_password_spends_the_change_token_of_the_first(school):
    token = school.change_token(school.give().password)
    school.give()
    with pytest.raises(InvalidPasswordChangeToken):
        school.change(token)


def test_a_wrong_password_still_counts_towards_the_log_in_throttle(school, uow):
    school.give()
    with pytest.raises(InvalidCredentials):
        school.log_in(school.username, "Wrong-Guess-1")
    assert [row[0] for row in uow.login_failures.rows] == [school.username]


def test_a_reset_by_mail_clears_the_obligation(school, uow, hasher, clock):
    link(uow, school.admin_id, version=2)  # here the pupil with an email: the teacher's own account stands in
    other_admin = handlers.register_user(commands.RegisterUser("Bea", "Boss", "bea@example.org", ADMIN_PASSWORD,
                                                               True), uow, hasher, clock)
    school.membership(other_admin, "ADMIN")
    given = school.give(given_by=other_admin)
    assert given.email == "ada@example.org" and uow.users.get(school.admin_id).must_change_password
    uow.account_tokens.add(AccountToken.mailed(id=uuid.uuid4(), user_id=school.admin_id, purpose=PASSWORD_RESET,
                                               email="ada@example.org", token_hash=handlers.hash_token("link"),
                                               policy=RecoveryPolicy(), now=clock()))
    handlers.reset_password(commands.ResetPassword("link", NEW_PASSWORD), uow, hasher, clock)
    assert not uow.users.get(school.admin_id).must_change_password
    assert school.log_in("ada@example.org", NEW_PASSWORD).user_id == school.admin_id


def test_the_draw_skips_a_password_that_breaks_the_rules(clock):
    user = User.register_with_username(id=uuid.uuid4(), username="chloe.martin1402", first_name="Chloé",
                                       last_name="Martin", password_hash="x", accepted_terms=True, locale="fr",
                                       now=clock())
    letters = itertools.chain("aaaaaaaaaa", "Ab3defghjk")  # no upper case nor digit first
    assert temporary_passwords.draw(user, choice=lambda _: next(letters)) == "Ab3defghjk"
