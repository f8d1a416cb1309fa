"""Where mails go: SMTP in production, files in a folder (and a log line with the link) on a laptop."""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from organizations.domain.mails import Mail
from organizations.service_layer.ports import Mailer

log = logging.getLogger("organizations.mail")


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


class SmtpMailer(Mailer):
    """``smtp://user:password@host:587`` (STARTTLS) or ``smtps://…:465`` (TLS from the start)."""

    def __init__(self, url: str, sender: str, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("the SMTP URL must start with smtp:// or smtps://")
        self.host, self.port = parts.hostname or "localhost", parts.port or (465 if parts.scheme == "smtps" else 587)
        self.tls = parts.scheme == "smtps"
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender, self.timeout = sender, timeout

    def send(self, mail: Mail) -> None:
        context = ssl.create_default_context()
        if self.tls:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if not self.tls and client.has_extn("starttls"):
                client.starttls(context=context)
            if self.user:
                client.login(self.user, self.password or "")
            client.send_message(_message(mail, self.sender))
        log.info("mail sent", extra={"to": mail.to, "subject": mail.subject})
