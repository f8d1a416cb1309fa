from unittest.mock import Mock
from uuid import uuid4

import pytest

from identity.domain import commands
from identity.domain.events import EmailVerificationRequested, OrgaTermsAccepted, RoleGranted, UserRegistered
from identity.domain.exceptions import (
    EmailAlreadyTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    TooManyAttempts,
    UserNotFound,
    WeakPassword,
)
from identity.domain.login_throttle import LoginThrottle
from identity.domain.model import SUPER_ADMIN
from identity.service_layer import handlers
from identity.service_layer.ports import TokenPolicy

PASSWORD = "Sup3r-Secret!"
TOKENS = TokenPolicy(access_ttl_seconds=900, refresh_ttl_seconds=3600)
THROTTLE = LoginThrottle()


def register(uow, hasher, clock, email="lou@example.org", password=PASSWORD):
    return handlers.register_user(commands.RegisterUser("Lou", "Apprenant", email, password, True), uow, hasher, clock)


def log_in(uow, hasher, issuer, clock, email="lou@example.org", password=PASSWORD, address="10.0.0.1"):
    return handlers.log_in(commands.LogIn(email, password, address), uow, hasher, issuer, TOKENS, THROTTLE, clock)


def test_signing_up_stores_a_hash_never_the_password_and_announces_the_account(uow, hasher, clock):
    user_id = register(uow, hasher, clock)
    user = uow.users.rows[user_id]
    assert user.password_hash == f"hashed:{PASSWORD}"
    # ...and asks for the mail that verifies the address (identity's consumer sends it).
    assert [type(e) for e in uow.committed_events] == [UserRegistered, EmailVerificationRequested]


def test_an_email_can_only_have_one_account_whatever_its_case(uow, hasher, clock):
    register(uow, hasher, clock)
    with pytest.raises(EmailAlreadyTaken):
        register(uow, hasher, clock, email=" LOU@example.ORG")


def test_two_sign_ups_racing_for_one_email_end_with_a_clear_conflict(uow, hasher, clock, unique_violation):
    uow.fail_next_commit_with = unique_violation
    with pytest.raises(EmailAlreadyTaken):
        register(uow, hasher, clock)


def test_a_weak_password_is_refused_before_any_hashing(uow, clock):
    hasher = Mock()
    with pytest.raises(WeakPassword) as refused:
        register(uow, hasher, clock, password="short")
    assert "PASSWORD_TOO_SHORT" in refused.value.details["rules"]
    hasher.hash.assert_not_called()


def test_logging_in_gives_an_access_token_and_a_refresh_token(uow, hasher, issuer, clock):
    user_id = register(uow, hasher, clock)
    tokens = log_in(uow, hasher, issuer, clock)
    assert tokens.user_id == user_id
    assert tokens.access_token.startswith(f"access-for-{user_id}")
    assert tokens.expires_in == 900
    [stored] = uow.refresh_tokens.rows
    assert stored.token_hash == handlers.hash_token(tokens.refresh_token) != tokens.refresh_token


def test_a_wrong_password_and_an_unknown_email_fail_alike_and_both_cost_a_hash_check(uow, hasher, issuer, clock):
    register(uow, hasher, clock)
    with pytest.raises(InvalidCredentials) as wrong:
        log_in(uow, hasher, issuer, clock, password="Wrong-Pass-1")
    checks = hasher.verified
    with pytest.raises(InvalidCredentials) as unknown:
        log_in(uow, hasher, issuer, clock, email="nobody@example.org")
    assert str(wrong.value) == str(unknown.value)
    assert hasher.verified == checks + 1


def test_a_held_back_address_waits_and_the_right_password_is_not_even_checked(uow, hasher, issuer, clock):
    register(uow, hasher, clock)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            log_in(uow, hasher, issuer, clock, password="Wrong-Pass-1", address="6.6.6.6")
    checks = hasher.verified
    with pytest.raises(TooManyAttempts) as held:
        log_in(uow, hasher, issuer, clock, address="6.6.6.6")
    assert held.value.retry_after == 60 and hasher.verified == checks  # nothing checked, nothing revealed
    assert log_in(uow, hasher, issuer, clock, address="10.9.9.9").access_token  # the owner, elsewhere
    clock.advance(seconds=60)
    assert log_in(uow, hasher, issuer, clock, address="6.6.6.6").access_token


def fail(uow, hasher, issuer, clock, address):
    """A wrong password from ``address``: refused as wrong, or held back (both are failures to get in)."""
    with pytest.raises((InvalidCredentials, TooManyAttempts)):
        log_in(uow, hasher, issuer, clock, password="Wrong-Pass-1", address=address)


def test_another_address_failing_does_not_refresh_the_owners_wait(uow, hasher, issuer, clock):
    register(uow, hasher, clock)
    for _ in range(5):  # the owner's typos, at home: a minute to wait
        fail(uow, hasher, issuer, clock, "203.0.113.10")
    clock.advance(seconds=59)
    fail(uow, hasher, issuer, clock, "198.51.100.66")  # someone else, elsewhere, a second before the minute is up
    clock.advance(seconds=1)
    assert log_in(uow, hasher, issuer, clock, address="203.0.113.10").access_token


def test_the_owner_with_a_few_typos_gets_in_after_its_own_wait_whatever_an_attacker_does(uow, hasher, issuer, clock):
    register(uow, hasher, clock)
    for n in range(50):  # ten addresses, five free guesses each: the account is under siege
        fail(uow, hasher, issuer, clock, f"198.51.100.{n % 10}")
    fail(uow, hasher, issuer, clock, "203.0.113.10")  # the owner mistypes once: held back 15 minutes from there
    with pytest.raises(TooManyAttempts) as held:
        log_in(uow, hasher, issuer, clock, address="203.0.113.10")
    assert held.value.retry_after == 900
    for minute in range(1, 15):  # meanwhile the attacker fails every minute from one more new address
        clock.advance(minutes=1)
        fail(uow, hasher, issuer, clock, f"192.0.2.{minute}")
    clock.advance(minutes=1)  # fifteen minutes after the owner's own typo
    assert log_in(uow, hasher, issuer, clock, address="203.0.113.10").access_token


def test_unknown_emails_are_throttled_like_accounts(uow, hasher, issuer, clock):
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            log_in(uow, hasher, issuer, clock, email="nobody@example.org", address="6.6.6.6")
    with pytest.raises(TooManyAttempts):
        log_in(uow, hasher, issuer, clock, email="nobody@example.org", address="6.6.6.6")


def test_a_successful_login_forgets_the_failures_of_its_address_only(uow, hasher, issuer, clock):
    register(uow, hasher, clock)
    for address in ("10.0.0.1", "6.6.6.6", "6.6.6.6"):
        with pytest.raises(InvalidCredentials):
            log_in(uow, hasher, issuer, clock, password="Wrong-Pass-1", address=address)
    log_in(uow, hasher, issuer, clock, address="10.0.0.1")
    assert [row[1] for row in uow.login_failures.rows] == ["6.6.6.6", "6.6.6.6"]  # the attacker's stay


def test_failures_older_than_a_day_are_pruned(uow, hasher, issuer, clock):
    with pytest.raises(InvalidCredentials):
        log_in(uow, hasher, issuer, clock, email="nobody@example.org")
    clock.advance(hours=24, seconds=1)
    with pytest.raises(InvalidCredentials):
        log_in(uow, hasher, issuer, clock, email="someone@example.org")
    assert [row[0] for row in uow.login_failures.rows] == ["someone@example.org"]


def test_a_hash_made_with_outdated_parameters_is_upgraded_at_login(uow, hasher, issuer, clock):
    user_id = register(uow, hasher, clock)
    uow.users.rows[user_id].password_hash = f"old:{PASSWORD}"
    log_in(uow, hasher, issuer, clock)
    assert uow.users.rows[user_id].password_hash == f"hashed:{PASSWORD}"


def test_refreshing_spends_the_refresh_token_and_gives_the_next_of_the_same_family(uow, hasher, issuer, clock):
    register(uow, hasher, clock)
    first = log_in(uow, hasher, issuer, clock)
    clock.advance(minutes=20)
    second = handlers.refresh_tokens(commands.RefreshTokens(first.refresh_token), uow, issuer, TOKENS, clock)
    assert second.refresh_token != first.refresh_token
    old, new = uow.refresh_tokens.rows
    assert old.used_at == clock() and new.family_id == old.family_id


def test_a_spent_refresh_token_presented_again_closes_the_whole_session(uow, hasher, issuer, clock):
    register(uow, hasher, clock)
    first = log_in(uow, hasher, issuer, clock)
    second = handlers.refresh_tokens(commands.RefreshTokens(first.refresh_token), uow, issuer, TOKENS, clock)
    with pytest.raises(InvalidRefreshToken):
        handlers.refresh_tokens(commands.RefreshTokens(first.refresh_token), uow, issuer, TOKENS, clock)
    with pytest.raises(InvalidRefreshToken):  # the thief's (or the user's) newest token is dead too
        handlers.refresh_tokens(commands.RefreshTokens(second.refresh_token), uow, issuer, TOKENS, clock)


def test_expired_or_unknown_refresh_tokens_are_refused(uow, hasher, issuer, clock):
    register(uow, hasher, clock)
    tokens = log_in(uow, hasher, issuer, clock)
    with pytest.raises(InvalidRefreshToken):
        handlers.refresh_tokens(commands.RefreshTokens("made-up"), uow, issuer, TOKENS, clock)
    clock.advance(seconds=3601)
    with pytest.raises(InvalidRefreshToken):
        handlers.refresh_tokens(commands.RefreshTokens(tokens.refresh_token), uow, issuer, TOKENS, clock)


def test_revoking_logs_the_session_out_and_unknown_tokens_are_ignored(uow, hasher, issuer, clock):
    register(uow, hasher, clock)
    tokens = log_in(uow, hasher, issuer, clock)
    handlers.revoke_refresh_token(commands.RevokeRefreshToken("made-up"), uow, clock)
    handlers.revoke_refresh_token(commands.RevokeRefreshToken(tokens.refresh_token), uow, clock)
    with pytest.raises(InvalidRefreshToken):
        handlers.refresh_tokens(commands.RefreshTokens(tokens.refresh_token), uow, issuer, TOKENS, clock)


def test_accepting_the_orga_terms_is_announced_once(uow, hasher, clock):
    user_id = register(uow, hasher, clock)
    for _ in range(2):
        handlers.accept_orga_terms(commands.AcceptOrgaTerms(user_id), uow, clock)
    assert [type(e) for e in uow.committed_events if type(e) in (UserRegistered, OrgaTermsAccepted)] == [
        UserRegistered, OrgaTermsAccepted]
    with pytest.raises(UserNotFound):
        handlers.accept_orga_terms(commands.AcceptOrgaTerms(uuid4()), uow, clock)


def test_the_admin_command_promotes_an_existing_account_or_creates_one(uow, hasher, clock):
    user_id = register(uow, hasher, clock)
    same_id, created = handlers.create_platform_admin(
        commands.CreatePlatformAdmin("lou@example.org", "Lou", "Apprenant", "ignored"), uow, hasher, clock)
    assert (same_id, created) == (user_id, False)
    new_id, created = handlers.create_platform_admin(
        commands.CreatePlatformAdmin("boss@example.org", "Camille", "Admin", "Adm1n-Strong!"), uow, hasher, clock)
    assert created and uow.users.rows[new_id].roles == [SUPER_ADMIN]
    assert [type(e) for e in uow.committed_events][-3:] == [RoleGranted, UserRegistered, RoleGranted]


class WatchingHasher:
    """A hasher that notes, at every hash and every check, whether a unit of work was open (a
    transaction held: argon2id takes ~200 ms, and waiting log-ins would hold pool connections)."""

    def __init__(self, hasher, uow):
        self.hasher, self.uow, self.open_during = hasher, uow, []

    def hash(self, password):
        self.open_during.append(("hash", self.uow.open))
        return self.hasher.hash(password)

    def verify(self, password_hash, password):
        self.open_during.append(("verify", self.uow.open))
        return self.hasher.verify(password_hash, password)

    def needs_rehash(self, password_hash):
        return self.hasher.needs_rehash(password_hash)


def test_passwords_are_hashed_and_checked_with_no_transaction_open(uow, hasher, issuer, clock):
    hasher = WatchingHasher(hasher, uow)
    user_id = register(uow, hasher, clock)
    log_in(uow, hasher, issuer, clock)  # the right password
    with pytest.raises(InvalidCredentials):
        log_in(uow, hasher, issuer, clock, password="Wrong-Pass-1")
    with pytest.raises(InvalidCredentials):
        log_in(uow, hasher, issuer, clock, email="nobody@example.org")  # the timing shield's check
    uow.users.rows[user_id].password_hash = f"old:{PASSWORD}"
    log_in(uow, hasher, issuer, clock)  # checked, then hashed again with today's parameters
    handlers.create_platform_admin(commands.CreatePlatformAdmin("boss@example.org", "Camille", "Admin",
                                                                "Adm1n-Strong!"), uow, hasher, clock)
    kinds = [kind for kind, _ in hasher.open_during]
    assert kinds.count("hash") >= 3 and kinds.count("verify") == 4
    assert not [call for call in hasher.open_during if call[1]], hasher.open_during
