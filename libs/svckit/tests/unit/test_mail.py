"""The mail settings every mailing service reads, and the development mailer's files."""

import email
import email.policy

import pytest

from svckit.config import ConfigurationError
from svckit.mail import FileMailer, Mail, MailSettings, SmtpMailer

SENDER = "Plateforme <no-reply@example.org>"


def settings(production=False, **env):
    return MailSettings.from_env(env, production=production, default_sender=SENDER)


def test_a_laptop_writes_files_in_run_mail_by_default():
    mail = settings()
    assert (mail.backend, str(mail.folder), mail.sender) == ("file", ".run/mail", SENDER)
    assert isinstance(mail.mailer(), FileMailer)


def test_production_sends_by_smtp_and_needs_its_url():
    with pytest.raises(ConfigurationError, match="SMTP_URL"):
        settings(production=True)
    with pytest.raises(ConfigurationError, match="MAIL_BACKEND=smtp"):
        settings(production=True, MAIL_BACKEND="file")
    mail = settings(production=True, SMTP_URL="smtp://u:p@mail.example.org:587", MAIL_FROM="X <x@example.org>")
    assert isinstance(mail.mailer(), SmtpMailer) and mail.sender == "X <x@example.org>"


def test_a_relay_in_clear_is_an_explicit_choice_that_production_refuses():
    with pytest.raises(ConfigurationError, match="not smtp\\+insecure"):
        settings(production=True, SMTP_URL="smtp+insecure://relay.internal:25")
    relay = settings(MAIL_BACKEND="smtp", SMTP_URL="smtp+insecure://relay.internal")
    assert (relay.mailer().security, relay.mailer().port) == ("clear", 25)
    assert settings(production=True, SMTP_URL="smtps://u:p@mail.example.org").mailer().security == "tls"
    assert settings(production=True, SMTP_URL="smtp://u:p@mail.example.org").mailer().security == "starttls"


def test_an_smtp_url_of_another_scheme_is_refused_at_start():
    with pytest.raises(ConfigurationError, match="must start with smtp://"):
        settings(production=True, SMTP_URL="http://mail.example.org")


def test_an_unknown_backend_is_refused():
    with pytest.raises(ConfigurationError, match="expected smtp or file"):
        settings(MAIL_BACKEND="pigeon")


def test_the_file_mailer_writes_a_readable_eml_with_its_accents(tmp_path):
    FileMailer(tmp_path / "mail", SENDER).send(Mail("lou@example.org", "Réinitialisation", "Lien : https://x/#token=a\n"))
    [path] = (tmp_path / "mail").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert (message["To"], message["Subject"]) == ("lou@example.org", "Réinitialisation")
    assert "https://x/#token=a" in message.get_content()
