"""The use cases of signing in through the GAR (service_layer/handlers.py), with fakes."""

from datetime import timedelta

import pytest

from identity.domain import commands
from identity.domain.exceptions import (
    AccountAlreadyLinkedToGar,
    GarAlreadyLinked,
    InvalidArrival,
    InvalidCredentials,
    PasswordChangeRequired,
    SamlAssertionExpired,
    SamlAssertionReplayed,
)
from identity.domain.gar import GarIdentity, VerifiedAssertion
from identity.domain.login_throttle import LoginThrottle
from identity.service_layer import handlers
from identity.service_layer.ports import TokenPolicy

PASSWORD = "Sup3r-Secret!"
TOKENS = TokenPolicy(access_ttl_seconds=900, refresh_ttl_seconds=3600)
LOU = GarIdentity(ido="e3b2c6f0a1d94e7c8b5a2f61d0c4a9e1", first_name="Lou", last_name="Apprenant", uai="0751234A",
                  profile="National_elv")
CHLOE = GarIdentity(ido="9f1c27d4b8e04a6f93c1e5d7a2b8f046", first_name="Chloé", last_name="Cœurderoy",
                    uai="0751234A", profile="National_elv")


def assertion(clock, identity=LOU, assertion_id="id-1", minutes=5):
    return VerifiedAssertion(assertion_id, clock() + timedelta(minutes=minutes), identity)


def arrive(uow, issuer, arrivals, clock, verified):
    return handlers.sign_in_with_gar(verified, uow, issuer, TOKENS, arrivals, clock)


def account(uow, hasher, clock, email="lou@example.org"):
    return handlers.register_user(commands.RegisterUser("Lou", "Apprenant", email, PASSWORD, True), uow,
                                  hasher, clock)


def link(uow, hasher, issuer, arrivals, clock, token, email="lou@example.org", password=PASSWORD):
    return handlers.link_gar(commands.LinkGar(token, email, password, "10.0.0.1"), uow, hasher, issuer, TOKENS,
                             LoginThrottle(), arrivals, clock)


def test_an_unlinked_pupil_gets_an_arrival_token_and_the_assertion_is_spent(uow, issuer, arrivals, clock):
    arrived = arrive(uow, issuer, arrivals, clock, assertion(clock))
    assert arrived.tokens is None and arrivals.read(arrived.arrival_token, clock()) == LOU
    assert uow.used_assertions.rows == {"id-1": clock() + timedelta(minutes=10)}  # its end and the margin
    assert uow.refresh_tokens.rows == [] and uow.gar_links.rows == {}


def test_an_assertion_is_used_once(uow, issuer, arrivals, clock):
    arrive(uow, issuer, arrivals, clock, assertion(clock))
    commits = uow.commits
    with pytest.raises(SamlAssertionReplayed):
        arrive(uow, issuer, arrivals, clock, assertion(clock))
    assert uow.commits == commits


def test_an_assertion_past_its_end_is_refused_and_not_written(uow, issuer, arrivals, clock):
    late = assertion(clock)
    clock.advance(minutes=5)
    with pytest.raises(SamlAssertionExpired):
        arrive(uow, issuer, arrivals, clock, late)
    assert uow.used_assertions.rows == {}


def test_linking_then_arriving_again_signs_the_account_in(uow, hasher, issuer, arrivals, clock):
    user_id = account(uow, hasher, clock)
    token = arrive(uow, issuer, arrivals, clock, assertion(clock)).arrival_token
    issued = link(uow, hasher, issuer, arrivals, clock, token)
    assert issued.user_id == user_id and uow.gar_links.rows[LOU.ido].user_id == user_id
    again = arrive(uow, issuer, arrivals, clock, assertion(clock, assertion_id="id-2"))
    assert again.arrival_token is None and again.tokens.user_id == user_id
    assert len({t.family_id for t in uow.refresh_tokens.rows}) == 2  # a session of its own, as a log-in
    # The link announced once (organizations shows how the pupil signs in); arriving again announces nothing.
    assert [(type(e).__name__, e.uai) for e in uow.committed_events if hasattr(e, "uai")] == [("GarLinked", LOU.uai)]


def test_a_temporary_password_links_nothing_and_asks_for_the_pupil_s_own(uow, hasher, issuer, arrivals, clock):
    user_id = account(uow, hasher, clock)
    uow.users.rows[user_id].must_change_password = True  # a school's admin gave it (test_temporary_passwords.py)
    token = arrive(uow, issuer, arrivals, clock, assertion(clock)).arrival_token
    with pytest.raises(PasswordChangeRequired):
        link(uow, hasher, issuer, arrivals, clock, token)
    assert uow.gar_links.rows == {} and uow.refresh_tokens.rows == []


def test_a_wrong_password_links_nothing(uow, hasher, issuer, arrivals, clock):
    account(uow, hasher, clock)
    token = arrive(uow, issuer, arrivals, clock, assertion(clock)).arrival_token
    with pytest.raises(InvalidCredentials):
        link(uow, hasher, issuer, arrivals, clock, token, password="Not-Her-Password1")
    assert uow.gar_links.rows == {} and uow.refresh_tokens.rows == []


def test_a_spoilt_arrival_is_refused_before_any_password_is_checked(uow, hasher, issuer, arrivals, clock):
    account(uow, hasher, clock)
    with pytest.raises(InvalidArrival):
        link(uow, hasher, issuer, arrivals, clock, "nope.nope")
    assert hasher.verified == 0 and uow.login_failures.rows == []


def test_one_gar_identity_one_account(uow, hasher, issuer, arrivals, clock):
    account(uow, hasher, clock)
    account(uow, hasher, clock, email="eve@example.org")
    lou = arrivals.issue(LOU, clock())
    link(uow, hasher, issuer, arrivals, clock, lou)
    with pytest.raises(GarAlreadyLinked):
        link(uow, hasher, issuer, arrivals, clock, lou, email="eve@example.org")
    with pytest.raises(AccountAlreadyLinkedToGar):
        link(uow, hasher, issuer, arrivals, clock, arrivals.issue(CHLOE, clock()))
    assert list(uow.gar_links.rows) == [LOU.ido]
