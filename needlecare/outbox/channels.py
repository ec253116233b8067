"""How a written message leaves: email through Django's email framework (SMTP in production,
from NEEDLECARE_EMAIL_URL), text messages through a small interface with a console and a file
backend (a gateway adapter can be added; none is on by default)."""

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Rendered:
    """A message as written for its recipient: the email's parts, and the text message's words."""

    subject: str
    text: str
    html: str = ""
    short: str = ""  # for a text message; the subject and the first paragraph when empty
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)

    @property
    def sms(self) -> str:
        return self.short or f"{self.subject}. {self.text.split(chr(10) * 2)[0]}"


def send_email(rendered: Rendered, to: str, *, connection: BaseEmailBackend) -> None:
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        connection=connection,
    )
    if rendered.html:
        email.attach_alternative(rendered.html, "text/html")
    for attachment in rendered.attachments:
        email.attach(attachment.filename, attachment.content, attachment.mimetype)
    email.send()


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> None: ...


class ConsoleSms:
    """Prints each text message (development)."""

    def send(self, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")
        sys.stdout.flush()


class FileSms:
    """Appends each text message to a file as one JSON line (tests, and a dry run)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, to: str, text: str) -> None:
        line = json.dumps({"to": to, "text": text, "at": timezone.now().isoformat()})
        with self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")


def sms_backend() -> SmsBackend:
    """The backend NEEDLECARE_SMS_URL names: "console:" (the default) or "file:/a/path"."""
    url: str = settings.NEEDLECARE_SMS_URL
    if url.startswith("file:"):
        return FileSms(Path(url.removeprefix("file:").removeprefix("//")))
    return ConsoleSms()
