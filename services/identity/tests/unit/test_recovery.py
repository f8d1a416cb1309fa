"""Password reset and email verification (identity/domain/recovery.py), with fakes: the requests, the
mails the consumer makes of them, and following their links."""

import re
from uuid import uuid4

import pytest

from identity.domain import commands
from identity.domain.events import EmailVerificationRequested, EmailVerified, PasswordResetRequested
from identity.domain.exceptions import (
    EmailAlreadyVerified,
    InvalidCredentials,
    InvalidResetLink,
    InvalidVerificationLink,
    TooManyResetRequests,
    TooManyVerificationMails,
    WeakPassword,
)
from identity.domain.login_throttle import LoginThrottle
from identity.domain.recovery import RecoveryPolicy
from identity.integration_events import to_integration
from identity.service_layer import handlers
from identity.service_layer.mails import AccountLinks
from identity.service_layer.ports import TokenPolicy
from msgkit import Envelope
from svckit.uow import envelope_for

PASSWORD, NEW_PASSWORD = "Sup3r-Secret!", "Brand-New-Pass-7"
POLICY = RecoveryPolicy()
LINKS = AccountLinks("https://skills.example.org", "https://skills.example.org/orga")


def register(uow, hasher, clock, email="lou@example.org", face="learner"):
    return handlers.register_user(commands.RegisterUser("Lou", "Apprenant", email, PASSWORD, True, face=face), uow,
                                  hasher, clock)


def log_in(uow, hasher, issuer, clock, password=PASSWORD, address="10.0.0.1"):
    return handlers.log_in(commands.LogIn("lou@example.org", password, address), uow, hasher, issuer, TokenPolicy(),
                           LoginThrottle(), clock)


def ask_reset(uow, clock, email="lou@example.org", address="10.0.0.1", face="learner"):
    handlers.request_password_reset(commands.RequestPasswordReset(email, address, face), uow, POLICY, clock)


def deliver_mails(uow, mailer, clock):
    """What identity's consumer does with the events committed since the last call: the mails' links."""
    links = []
    for event in list(uow.committed_events):
        if not isinstance(event, PasswordResetRequested | EmailVerificationRequested):
            continue
        envelope = Envelope.from_dict(envelope_for("identity", to_integration(event)).to_dict())
        data = {**envelope.payload, **({"user_id": event.user_id} if "user_id" in envelope.payload else {}),
                "request_id": event.request_id}
        with uow:
            handlers.on_account_mail_requested(data, envelope, uow, mailer=mailer, links=LINKS, policy=POLICY,
                                               now=clock)
            uow.commit()
    uow.committed_events.clear()  # read: the next call looks at what came after
    for mail in mailer.sent:
        links.append(re.search(r"https://\S+", mail.text).group())
    deliver_mails.last = list(mailer.sent)
    mailer.sent.clear()
    return links


def token_of(link):
    return link.split("#token=")[1]


def a_reset_link(uow, hasher, mailer, clock):
    """An account signs up, then asks for a reset: the link of the mail."""
    register(uow, hasher, clock)
    deliver_mails(uow, mailer, clock)  # the sign-up's verification mail
    ask_reset(uow, clock)
    [link] = deliver_mails(uow, mailer, clock)
    return link


def reset(uow, hasher, clock, link, password=NEW_PASSWORD):
    handlers.reset_password(commands.ResetPassword(token_of(link), password), uow, hasher, clock)


# -- asking for a reset ---------------------------------------------------------------------------


def test_a_reset_request_is_answered_alike_whether_the_address_has_an_account_or_not(uow, hasher, mailer, clock):
    register(uow, hasher, clock)
    deliver_mails(uow, mailer, clock)  # the sign-up's verification mail
    ask_reset(uow, clock)
    ask_reset(uow, clock, email="nobody@example.org")
    # The same work: one request written and announced each; the consumer mails the account only.
    assert [r.email for r in uow.mail_requests.rows if r.kind == "PASSWORD_RESET"] == [
        "lou@example.org", "nobody@example.org"]
    assert [type(e) for e in uow.committed_events] == [PasswordResetRequested, PasswordResetRequested]
    [link] = deliver_mails(uow, mailer, clock)
    assert link.startswith("https://skills.example.org/nouveau-mot-de-passe#token=")


def test_an_address_gets_three_reset_mails_an_hour_and_further_requests_are_answered_alike(uow, hasher, mailer,
                                                                                       clock):
    register(uow, hasher, clock)
    deliver_mails(uow, mailer, clock)
    for _ in range(5):
        ask_reset(uow, clock)  # no refusal: a refusal would say the account exists
    assert len(deliver_mails(uow, mailer, clock)) == 3
    clock.advance(hours=1, seconds=1)
    ask_reset(uow, clock)
    assert len(deliver_mails(uow, mailer, clock)) == 1


def test_a_client_asking_for_too_many_resets_waits_and_learns_nothing_about_accounts(uow, clock):
    assert POLICY.reset_requests_per_client == 1_000  # a whole school behind one address, each pupil once
    for n in range(1_000):
        ask_reset(uow, clock, email=f"someone{n}@example.org", address="6.6.6.6")
        clock.advance(milliseconds=600)
    with pytest.raises(TooManyResetRequests) as refused:
        ask_reset(uow, clock, address="6.6.6.6")
    assert refused.value.retry_after == 900 - 600
    ask_reset(uow, clock, address="10.9.9.9")  # others are not held back


def test_a_teachers_link_leads_to_orga_and_the_mail_speaks_the_language_asked(uow, hasher, mailer, clock):
    register(uow, hasher, clock, face="orga")
    [verification] = deliver_mails(uow, mailer, clock)
    assert verification.startswith("https://skills.example.org/orga/verification-email#token=")
    handlers.request_password_reset(commands.RequestPasswordReset("lou@example.org", "10.0.0.1", "orga", "en"), uow,
                                    POLICY, clock)
    deliver_mails(uow, mailer, clock)
    [mail] = deliver_mails.last
    assert mail.subject == "Resetting your password" and "/orga/nouveau-mot-de-passe#token=" in mail.text


# -- following a reset link ---------------------------------------------------------------------


def test_a_reset_sets_the_password_ends_the_sessions_forgets_the_failures_and_proves_the_address(
        uow, hasher, issuer, mailer, clock):
    user_id = register(uow, hasher, clock)
    deliver_mails(uow, mailer, clock)
    session = log_in(uow, hasher, issuer, clock)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            log_in(uow, hasher, issuer, clock, password="Wrong-Pass-1", address="6.6.6.6")
    ask_reset(uow, clock)
    [link] = deliver_mails(uow, mailer, clock)
    stored = uow.account_tokens.rows[-1]
    assert stored.token_hash == handlers.hash_token(token_of(link)) != token_of(link)  # only its hash is kept

    reset(uow, hasher, clock, link)
    user = uow.users.rows[user_id]
    assert user.password_hash == f"hashed:{NEW_PASSWORD}" and user.email_verified
    assert [type(e) for e in uow.committed_events] == [EmailVerified]
    with pytest.raises(Exception, match="refresh token"):
        handlers.refresh_tokens(commands.RefreshTokens(session.refresh_token), uow, issuer, TokenPolicy(), clock)
    assert uow.login_failures.rows == []
    assert log_in(uow, hasher, issuer, clock, password=NEW_PASSWORD, address="6.6.6.6").access_token
    with pytest.raises(InvalidResetLink):  # a link works once
        reset(uow, hasher, clock, link, password="Another-Pass-8")


def test_using_one_reset_link_spends_the_others(uow, hasher, mailer, clock):
    register(uow, hasher, clock)
    deliver_mails(uow, mailer, clock)
    ask_reset(uow, clock)
    ask_reset(uow, clock)
    first, second = deliver_mails(uow, mailer, clock)
    reset(uow, hasher, clock, second)
    with pytest.raises(InvalidResetLink):
        reset(uow, hasher, clock, first)


def test_a_reset_link_lasts_one_hour_and_a_made_up_one_is_refused(uow, hasher, mailer, clock):
    link = a_reset_link(uow, hasher, mailer, clock)
    with pytest.raises(InvalidResetLink):
        reset(uow, hasher, clock, "https://x/#token=made-up")
    clock.advance(hours=1)
    with pytest.raises(InvalidResetLink):
        reset(uow, hasher, clock, link)


def test_the_new_password_follows_the_rules_and_a_refused_one_leaves_the_link_usable(uow, hasher, mailer, clock):
    link = a_reset_link(uow, hasher, mailer, clock)
    with pytest.raises(WeakPassword) as weak:
        reset(uow, hasher, clock, link, password="lou-apprenant-1")
    assert "PASSWORD_CONTAINS_PERSONAL_DATA" in weak.value.details["rules"]
    reset(uow, hasher, clock, link)


def test_a_verification_link_is_no_reset_link(uow, hasher, mailer, clock):
    register(uow, hasher, clock)
    [verification] = deliver_mails(uow, mailer, clock)
    with pytest.raises(InvalidResetLink):
        reset(uow, hasher, clock, verification)


# -- verifying the address ---------------------------------------------------------------------------


def verify(uow, clock, link):
    return handlers.verify_email(commands.VerifyEmail(token_of(link)), uow, clock)


def test_following_the_sign_up_link_verifies_the_address_once(uow, hasher, mailer, clock):
    user_id = register(uow, hasher, clock)
    [link] = deliver_mails(uow, mailer, clock)
    assert link.startswith("https://skills.example.org/verification-email#token=")
    uow.committed_events.clear()
    assert verify(uow, clock, link) == "lou@example.org"
    assert uow.users.rows[user_id].email_verified
    assert verify(uow, clock, link) == "lou@example.org"  # followed again: nothing more happens
    [verified] = uow.committed_events
    assert isinstance(verified, EmailVerified) and verified.email == "lou@example.org"


def test_a_verification_link_lasts_48_hours(uow, hasher, mailer, clock):
    register(uow, hasher, clock)
    [link] = deliver_mails(uow, mailer, clock)
    clock.advance(hours=48)
    with pytest.raises(InvalidVerificationLink):
        verify(uow, clock, link)
    with pytest.raises(InvalidVerificationLink):
        verify(uow, clock, "https://x/#token=made-up")


def test_another_verification_link_once_a_minute_and_five_an_hour(uow, hasher, mailer, clock):
    user_id = register(uow, hasher, clock)

    def ask():
        handlers.request_email_verification(commands.RequestEmailVerification(user_id, "10.0.0.1", "orga"), uow,
                                            POLICY, clock)

    with pytest.raises(TooManyVerificationMails) as soon:
        ask()  # the sign-up's mail went a moment ago
    assert soon.value.retry_after == 60
    for _ in range(4):
        clock.advance(minutes=1)
        ask()
    clock.advance(minutes=1)
    with pytest.raises(TooManyVerificationMails) as hourly:
        ask()
    assert hourly.value.retry_after == 3600 - 300
    links = deliver_mails(uow, mailer, clock)
    assert len(links) == 5 and all("/orga/verification-email#token=" in link for link in links[1:])
    verify(uow, clock, links[0])  # any of them works
    with pytest.raises(EmailAlreadyVerified):
        ask()


def test_no_verification_mail_goes_to_an_address_verified_meanwhile(uow, hasher, mailer, clock):
    register(uow, hasher, clock)
    handlers.mark_email_verified(commands.MarkEmailVerified("LOU@example.org"), uow, clock)
    assert deliver_mails(uow, mailer, clock) == []


def test_the_consumer_sends_nothing_for_an_account_that_is_gone(uow, mailer, clock):
    handlers.on_account_mail_requested({"user_id": uuid4(), "locale": "fr", "face": "learner"},
                                       Envelope(event_type="identity.email_verification.requested.v1",
                                                producer="identity", aggregate_id=str(uuid4()), aggregate_version=1,
                                                payload={}),
                                       uow, mailer=mailer, links=LINKS, policy=POLICY, now=clock)
    assert mailer.sent == [] and uow.account_tokens.rows == []


def test_the_new_password_is_hashed_with_no_transaction_open(uow, hasher, mailer, clock):
    link = a_reset_link(uow, hasher, mailer, clock)
    open_while_hashing = []

    class Watching:
        def hash(self, password):
            open_while_hashing.append(uow.open)
            return hasher.hash(password)

    handlers.reset_password(commands.ResetPassword(token_of(link), NEW_PASSWORD), uow, Watching(), clock)
    assert open_while_hashing == [False]
