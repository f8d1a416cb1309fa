"""Mails: what a service hands over, and where it goes (SMTP in production, .eml files on a laptop).

A service writes its mails (subject and text, in the reader's language) and gives them to a
``Mailer``. Mails leave from a consumer, never from an api: the service publishes an event
through its outbox and consumes it itself to send the mail, so a mail server outage is retried
like any handler failure, and the request that asked for the mail never waits for it. A secret
a mail carries (an invitation's code, a reset link's token) is never in the event.

Settings, read by ``MailSettings.from_env``: ``MAIL_BACKEND`` (``smtp``, the only one production
accepts, or ``file``, the default elsewhere), ``SMTP_URL``, ``MAIL_FROM`` and ``MAIL_DIR`` (where
``file`` writes, ``.run/mail`` by default).

``SMTP_URL`` says how the mails travel, and the password with them (reset links are as good as the
account's password, invitations' codes as good as a seat in an organization):

- ``smtp://user:password@host:587``: STARTTLS, required. A server that does not offer it, or
  someone in between who strips it from the server's answer, gets neither the password nor the
  mail: ``InsecureSmtpServer`` (the consumer retries, then dead-letters the message with that
  error). The server's certificate is checked against the system's authorities and its name.
- ``smtps://user:password@host:465``: TLS from the first byte, checked the same way.
- ``smtp+insecure://host:25``: in clear, for a relay on a network one trusts (a mail relay beside
  the service, on the same host or a private network). An explicit choice, refused in production.

Until issue 16's review ``smtp://`` used STARTTLS only if the server offered it (and, asking
before greeting the server, never saw the offer): the password and the links went in clear.
"""

from __future__ import annotations

import abc
import logging
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from svckit.config import ConfigurationError

log = logging.getLogger("svckit.mail")

BACKENDS = ("smtp", "file")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str


class Mailer(abc.ABC):
    @abc.abstractmethod
    def send(self, mail: Mail) -> None:
        """Deliver the mail or raise (the consumer retries, then dead-letters)."""


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, mail.to, mail.subject
    message["Date"], message["Message-ID"] = formatdate(localtime=False), make_msgid(domain=sender.split("@")[-1])
    message.set_content(mail.text)
    return message


class FileMailer(Mailer):
    """Writes each mail as a .eml file a developer can open, and logs where it is."""

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder, self.sender = folder, sender

    def send(self, mail: Mail) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{uuid.uuid4()}.eml"
        path.write_bytes(bytes(_message(mail, self.sender)))
        log.info("mail written", extra={"to": mail.to, "subject": mail.subject, "path": str(path)})


class InsecureSmtpServer(smtplib.SMTPException):
    """The server would take the password and the mail in clear: refused (``smtp://`` requires STARTTLS)."""


STARTTLS, TLS, CLEAR = "starttls", "tls", "clear"
SCHEMES = {"smtp": (STARTTLS, 587), "smtps": (TLS, 465), "smtp+insecure": (CLEAR, 25)}  # -> security, default port


class SmtpMailer(Mailer):
    """``smtp://user:password@host:587`` (STARTTLS, required), ``smtps://…:465`` (TLS from the start) or
    ``smtp+insecure://host:25`` (in clear: a trusted network only). ``context``: the TLS context, the
    system's defaults unless given (tests give one that trusts their own authority)."""

    def __init__(self, url: str, sender: str, timeout: float = 10.0, context: ssl.SSLContext | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES:
            raise ValueError("the SMTP URL must start with smtp://, smtps:// or smtp+insecure://")
        self.security, default_port = SCHEMES[parts.scheme]
        self.host, self.port = parts.hostname or "localhost", parts.port or default_port
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender, self.timeout = sender, timeout
        self.context = context or ssl.create_default_context()

    def send(self, mail: Mail) -> None:
        if self.security == TLS:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.security == STARTTLS:
                client.ehlo()  # the server's offer: nothing is known of it before the greeting
                if not client.has_extn("starttls"):
                    raise InsecureSmtpServer(
                        f"the SMTP server {self.host}:{self.port} does not offer STARTTLS (or someone in between "
                        "removed it): neither the password nor the mail is sent in clear. Use smtps:// or, on a "
                        "trusted network only, smtp+insecure://")
                client.starttls(context=self.context)  # raises when the certificate does not check out
            if self.user:
                client.login(self.user, self.password or "")
            client.send_message(_message(mail, self.sender))
        log.info("mail sent", extra={"to": mail.to, "subject": mail.subject})


@dataclass(frozen=True)
class MailSettings:
    backend: str  # smtp or file
    smtp_url: str | None
    sender: str
    folder: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, production: bool, default_sender: str) -> MailSettings:
        backend = env.get("MAIL_BACKEND", "smtp" if production else "file")
        if backend not in BACKENDS:
            raise ConfigurationError(f"MAIL_BACKEND={backend!r}: expected smtp or file")
        if production and backend != "smtp":
            raise ConfigurationError("production sends its mails by SMTP (MAIL_BACKEND=smtp)")
        smtp_url = env.get("SMTP_URL") or None
        if backend == "smtp" and not smtp_url:
            raise ConfigurationError("SMTP_URL must be set when MAIL_BACKEND=smtp (smtp://user:password@host:587)")
        scheme = urlsplit(smtp_url).scheme if smtp_url else None
        if backend == "smtp" and scheme not in SCHEMES:
            raise ConfigurationError("SMTP_URL must start with smtp:// (STARTTLS), smtps:// (TLS) or smtp+insecure://")
        if production and scheme == "smtp+insecure":
            raise ConfigurationError("production sends its mails over TLS: SMTP_URL smtp:// (STARTTLS) or smtps://, "
                                     "not smtp+insecure://")
        return cls(backend=backend, smtp_url=smtp_url, sender=env.get("MAIL_FROM", default_sender),
                   folder=Path(env.get("MAIL_DIR", ".run/mail")))

    def mailer(self) -> Mailer:
        if self.backend == "smtp":
            return SmtpMailer(self.smtp_url or "", self.sender)
        return FileMailer(self.folder, self.sender)
