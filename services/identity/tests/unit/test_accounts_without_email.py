"""Pupils without an email address: username accounts and GAR accounts (service_layer/handlers.py), with fakes."""

from datetime import date, timedelta

import pytest

from identity.domain import commands
from identity.domain.events import EmailVerificationRequested, GarLinked, UserRegistered
from identity.domain.exceptions import (
    GarAlreadyLinked,
    InvalidArrival,
    InvalidCredentials,
    InvalidEmail,
    NoEmailAddress,
    TermsNotAccepted,
    TooManyAttempts,
    UsernameUnavailable,
    WeakPassword,
)
from identity.domain.gar import GarIdentity
from identity.domain.login_throttle import LoginThrottle
from identity.domain.recovery import RecoveryPolicy
from identity.integration_events import to_integration
from identity.service_layer import handlers
from identity.service_layer.ports import TokenPolicy
from svckit.uow import UniqueViolation

PASSWORD = "Sup3r-Secret!"
TOKENS = TokenPolicy(access_ttl_seconds=900, refresh_ttl_seconds=3600)
CHLOE = GarIdentity(ido="9f1c27d4b8e04a6f93c1e5d7a2b8f046", first_name="Chloé", last_name="Cœur-de-Roy",
                    uai="0751234A", profile="National_elv")


def pupil(uow, hasher, clock, first="Chloé", last="Cœur-de-Roy", birthdate=date(2012, 2, 14), password=PASSWORD,
          accepted=True):
    user_id = handlers.register_pupil_with_username(
        commands.RegisterPupilWithUsername(first, last, birthdate, password, accepted), uow, hasher, clock)
    return uow.users.rows[user_id]


def log_in(uow, hasher, issuer, clock, login, password=PASSWORD, address="10.0.0.1"):
    return handlers.log_in(commands.LogIn(login, password, address), uow, hasher, issuer, TOKENS, LoginThrottle(),
                           clock)


def test_a_pupil_without_an_email_gets_a_username_and_no_mail_is_asked_for(uow, hasher, clock):
    user = pupil(uow, hasher, clock)
    assert (user.username, user.email, user.password_hash) == ("chloe.coeurderoy1402", None, f"hashed:{PASSWORD}")
    assert [type(e) for e in uow.committed_events] == [UserRegistered]
    published = to_integration(uow.committed_events[0]).payload
    assert published["email"] is None and published["username"] == "chloe.coeurderoy1402"
    assert published["first_name"] == "Chloé" and "birthdate" not in published


def test_the_second_pupil_of_the_same_names_and_birthday_gets_the_next_number(uow, hasher, clock):
    first, second = pupil(uow, hasher, clock), pupil(uow, hasher, clock, first="chloe", last="COEUR DE ROY")
    third = pupil(uow, hasher, clock)
    assert [first.username, second.username, third.username] == [
        "chloe.coeurderoy1402", "chloe.coeurderoy14022", "chloe.coeurderoy14023"]


def test_a_username_taken_meanwhile_is_tried_again_with_the_next_one(uow, hasher, clock):
    uow.fail_next_commit_with = UniqueViolation("ux_users_username_lower")
    user = pupil(uow, hasher, clock)
    # The fake keeps the losing attempt's row, as the winner's row would be there: the next number is given.
    assert user.username == "chloe.coeurderoy14022"


def test_usernames_are_given_up_after_a_few_lost_races(uow, hasher, clock, monkeypatch):
    monkeypatch.setattr(uow, "commit", lambda: (_ for _ in ()).throw(UniqueViolation("ux_users_username_lower")))
    with pytest.raises(UsernameUnavailable):
        pupil(uow, hasher, clock)


def test_a_username_account_needs_the_terms_a_strong_password_and_not_the_names_in_it(uow, hasher, clock):
    with pytest.raises(TermsNotAccepted):
        pupil(uow, hasher, clock, accepted=False)
    with pytest.raises(WeakPassword) as weak:
        pupil(uow, hasher, clock, password="Chloé-2012-x")
    assert "PASSWORD_CONTAINS_PERSONAL_DATA" in weak.value.details["rules"]
    assert uow.users.rows == {}


def test_a_pupil_logs_in_with_the_username_in_any_case(uow, hasher, issuer, clock):
    user = pupil(uow, hasher, clock)
    assert log_in(uow, hasher, issuer, clock, " Chloe.CoeurDeRoy1402 ").user_id == user.id


def test_an_unknown_username_and_a_wrong_password_are_answered_alike_and_as_slowly(uow, hasher, issuer, clock):
    pupil(uow, hasher, clock)
    for login, password in (("chloe.coeurderoy1402", "Wrong-pass-1"), ("nobody.here0101", PASSWORD)):
        before = hasher.verified
        with pytest.raises(InvalidCredentials) as refused:
            log_in(uow, hasher, issuer, clock, login, password)
        assert str(refused.value) == "The email or the password is wrong." and hasher.verified == before + 1


def test_failed_log_ins_with_a_username_are_throttled_as_with_an_email(uow, hasher, issuer, clock):
    pupil(uow, hasher, clock)
    with pytest.raises(TooManyAttempts):
        for _ in range(50):
            with pytest.raises(InvalidCredentials):
                log_in(uow, hasher, issuer, clock, "chloe.coeurderoy1402", "Wrong-pass-1")
    assert {key for key, *_ in uow.login_failures.rows} == {"chloe.coeurderoy1402"}


def test_a_username_account_has_nothing_to_verify_and_nothing_is_mailed_to_it(uow, hasher, clock):
    user = pupil(uow, hasher, clock)
    with pytest.raises(NoEmailAddress):
        handlers.request_email_verification(commands.RequestEmailVerification(user.id, "10.0.0.1"), uow,
                                            RecoveryPolicy(), clock)
    assert not any(isinstance(e, EmailVerificationRequested) for e in uow.committed_events)


def test_a_reset_asked_with_a_username_is_refused_as_any_other_address_that_is_not_one(uow, hasher, clock):
    pupil(uow, hasher, clock)
    for typed in ("chloe.coeurderoy1402", "nobody.here0101"):
        with pytest.raises(InvalidEmail):
            handlers.request_password_reset(commands.RequestPasswordReset(typed, "10.0.0.1"), uow, RecoveryPolicy(),
                                            clock)
    assert uow.mail_requests.rows == []


# -- GAR accounts --------------------------------------------------------------------------------------


def create(uow, issuer, arrivals, clock, token, accepted=True):
    return handlers.create_gar_account(commands.CreateGarAccount(token, accepted), uow, issuer, TOKENS, arrivals,
                                       clock)


def test_an_arrival_creates_a_gar_account_with_no_email_and_no_password(uow, issuer, arrivals, clock):
    tokens = create(uow, issuer, arrivals, clock, arrivals.issue(CHLOE, clock()))
    user = uow.users.rows[tokens.user_id]
    assert (user.email, user.username, user.password_hash) == (None, None, None)
    assert (user.first_name, user.last_name) == ("Chloé", "Cœur-de-Roy")
    assert uow.gar_links.get(CHLOE.ido).user_id == user.id
    assert [type(e) for e in uow.committed_events] == [UserRegistered, GarLinked]
    assert (uow.committed_events[1].uai, uow.committed_events[1].version, user.version) == ("0751234A", 2, 2)


def test_a_gar_account_signs_in_at_the_next_arrival_and_never_with_a_password(uow, hasher, issuer, arrivals, clock):
    from identity.domain.gar import VerifiedAssertion

    tokens = create(uow, issuer, arrivals, clock, arrivals.issue(CHLOE, clock()))
    again = handlers.sign_in_with_gar(VerifiedAssertion("id-2", clock() + timedelta(minutes=5), CHLOE), uow, issuer,
                                      TOKENS, arrivals, clock)
    assert again.tokens.user_id == tokens.user_id
    before = hasher.verified
    with pytest.raises(InvalidCredentials):  # no password to find: answered as an unknown account, as slowly
        log_in(uow, hasher, issuer, clock, "chloé.cœur-de-roy")
    assert hasher.verified == before + 1


def test_a_second_account_for_one_gar_identity_is_refused(uow, issuer, arrivals, clock):
    token = arrivals.issue(CHLOE, clock())
    create(uow, issuer, arrivals, clock, token)
    with pytest.raises(GarAlreadyLinked):
        create(uow, issuer, arrivals, clock, token)
    assert len(uow.users.rows) == 1


def test_an_expired_or_altered_arrival_creates_nothing(uow, issuer, arrivals, clock):
    token = arrivals.issue(CHLOE, clock())
    with pytest.raises(InvalidArrival):
        create(uow, issuer, arrivals, clock, token[:-2] + "xx")
    clock.advance(minutes=11)
    with pytest.raises(InvalidArrival):
        create(uow, issuer, arrivals, clock, token)
    assert uow.users.rows == {} and uow.gar_links.rows == {}


def test_a_gar_account_needs_the_terms(uow, issuer, arrivals, clock):
    with pytest.raises(TermsNotAccepted):
        create(uow, issuer, arrivals, clock, arrivals.issue(CHLOE, clock()), accepted=False)
    assert uow.users.rows == {} and uow.gar_links.rows == {}


def test_a_username_account_links_the_gar_with_its_username(uow, hasher, issuer, arrivals, clock):
    user = pupil(uow, hasher, clock)
    tokens = handlers.link_gar(commands.LinkGar(arrivals.issue(CHLOE, clock()), "chloe.coeurderoy1402", PASSWORD,
                                                "10.0.0.1"), uow, hasher, issuer, TOKENS, LoginThrottle(), arrivals,
                               clock)
    assert tokens.user_id == user.id and uow.gar_links.get(CHLOE.ido).user_id == user.id
