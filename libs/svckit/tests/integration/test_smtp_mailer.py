"""The production mailer against a real SMTP server (aiosmtpd, in the test's process), with TLS from a test
certificate authority (trustme): the password and the mails never travel in clear unless asked for."""

import email
import email.policy
import ssl

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from svckit.mail import InsecureSmtpServer, Mail, SmtpMailer
from svckit.testing import free_port

MAIL = Mail(to="prof@example.org", subject="Invitation à rejoindre Collège Œuvre",
            text="Accepter l'invitation : https://orga.example.org/rejoindre?invitationId=1&code=ABC\n")


class Inbox:
    """What the server received, and whether it came over TLS."""

    def __init__(self):
        self.messages, self.logins = [], []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content, _over_tls(server)))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode(), _over_tls(server)))
        return AuthResult(success=True)


def _over_tls(server):
    return server.transport.get_extra_info("ssl_object") is not None


@pytest.fixture(scope="module")
def authority():
    return trustme.CA()


@pytest.fixture
def trusting(authority):
    """The mailer's TLS context: the system's defaults (hostname checked), trusting the test authority."""
    context = ssl.create_default_context()
    authority.configure_trust(context)
    return context


@pytest.fixture
def smtp_server(authority):
    """Starts a local SMTP server: ``starttls`` offers STARTTLS, ``implicit`` speaks TLS from the start."""
    started = []

    def start(*, starttls=False, implicit=False):
        inbox = Inbox()
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert("127.0.0.1").configure_cert(tls)
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=inbox.authenticate,
                                tls_context=tls if starttls else None, ssl_context=tls if implicit else None,
                                auth_require_tls=False)  # a careless server: it would take a password in clear
        controller.start()
        started.append(controller)
        return controller, inbox

    yield start
    for controller in started:
        controller.stop()


def test_smtp_sends_the_password_and_the_mail_over_starttls(smtp_server, trusting):
    controller, inbox = smtp_server(starttls=True)
    SmtpMailer(f"smtp://orga:s3cret@127.0.0.1:{controller.port}", "Orga <no-reply@example.org>",
               context=trusting).send(MAIL)
    assert inbox.logins == [("orga", "s3cret", True)]
    [(sender, recipients, content, over_tls)] = inbox.messages
    assert over_tls and sender == "no-reply@example.org" and recipients == ["prof@example.org"]
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == "Invitation à rejoindre Collège Œuvre"
    assert "rejoindre?invitationId=1&code=ABC" in message.get_content()


def test_smtp_refuses_a_server_that_does_not_offer_starttls_and_sends_nothing(smtp_server, trusting):
    """A server without STARTTLS, or someone in between who strips it from the server's answer."""
    controller, inbox = smtp_server(starttls=False)
    mailer = SmtpMailer(f"smtp://orga:s3cret@127.0.0.1:{controller.port}", "no-reply@example.org", context=trusting)
    with pytest.raises(InsecureSmtpServer, match="does not offer STARTTLS"):
        mailer.send(MAIL)
    assert inbox.logins == [] and inbox.messages == []  # neither the password nor the mail went in clear


def test_smtp_refuses_a_certificate_it_cannot_trust(smtp_server):
    controller, inbox = smtp_server(starttls=True)
    mailer = SmtpMailer(f"smtp://orga:s3cret@127.0.0.1:{controller.port}", "no-reply@example.org")  # system CAs
    with pytest.raises(ssl.SSLCertVerificationError):
        mailer.send(MAIL)
    assert inbox.logins == [] and inbox.messages == []


def test_smtps_speaks_tls_from_the_start(smtp_server, trusting):
    controller, inbox = smtp_server(implicit=True)
    SmtpMailer(f"smtps://orga:s3cret@127.0.0.1:{controller.port}", "no-reply@example.org", context=trusting).send(MAIL)
    assert inbox.logins == [("orga", "s3cret", True)] and inbox.messages[0][3] is True


def test_smtp_insecure_sends_in_clear_only_when_asked_for(smtp_server):
    """A relay on a trusted network (refused in production: see the settings' unit tests)."""
    controller, inbox = smtp_server(starttls=False)
    SmtpMailer(f"smtp+insecure://127.0.0.1:{controller.port}", "no-reply@example.org").send(MAIL)
    [(_, recipients, _, over_tls)] = inbox.messages
    assert recipients == ["prof@example.org"] and not over_tls


def test_an_unreachable_server_raises_so_the_consumer_retries():
    mailer = SmtpMailer(f"smtp://127.0.0.1:{free_port()}", "no-reply@example.org", timeout=2)
    with pytest.raises(OSError):
        mailer.send(MAIL)


def test_the_smtp_url_must_be_smtp():
    with pytest.raises(ValueError, match="smtp://, smtps:// or smtp"):
        SmtpMailer("http://mail.example.org", "no-reply@example.org")
