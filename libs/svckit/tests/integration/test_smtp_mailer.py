"""The production mailer against a real SMTP server (aiosmtpd, in the test's process)."""

import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from svckit.mail import Mail, SmtpMailer
from svckit.testing import free_port

pytestmark = pytest.mark.integration


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_the_smtp_mailer_delivers_the_mail_with_its_accents(smtp_server):
    controller, inbox = smtp_server
    mailer = SmtpMailer(f"smtp://127.0.0.1:{controller.port}", "Orga <no-reply@example.org>")
    mailer.send(Mail(to="prof@example.org", subject="Invitation à rejoindre Collège Œuvre",
                     text="Accepter l'invitation : https://orga.example.org/rejoindre?invitationId=1&code=ABC\n"))
    [(sender, recipients, content)] = inbox.messages
    assert sender == "no-reply@example.org" and recipients == ["prof@example.org"]
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == "Invitation à rejoindre Collège Œuvre"
    assert "rejoindre?invitationId=1&code=ABC" in message.get_content()


def test_an_unreachable_server_raises_so_the_consumer_retries():
    mailer = SmtpMailer(f"smtp://127.0.0.1:{free_port()}", "no-reply@example.org", timeout=2)
    with pytest.raises(OSError):
        mailer.send(Mail(to="prof@example.org", subject="x", text="x"))


def test_the_smtp_url_must_be_smtp():
    with pytest.raises(ValueError):
        SmtpMailer("http://mail.example.org", "no-reply@example.org")
