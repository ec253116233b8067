"""One layout for every message: a greeting, paragraphs, buttons as links, the clinic's name,
address and phone; as plain text and as HTML. Subjects never name a condition."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from needlecare.clinics.models import Clinic
from needlecare.common.time import clinic_zone
from needlecare.outbox.channels import Attachment, Rendered


@dataclass(frozen=True)
class Letter:
    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    clinic: Clinic | None = None
    actions: tuple[tuple[str, str], ...] = ()  # (label, absolute link)
    warning: tuple[str, ...] = ()  # shown first and boxed: emergency instructions
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def absolute(name: str, *args: object) -> str:
    """A link to one of our pages at the address patients reach the site at."""
    return settings.NEEDLECARE_BASE_URL + reverse(name, args=list(args))


def when(at: dt.datetime, clinic: Clinic) -> str:
    """'Monday, March 2 at 9:30 AM' in the clinic's time."""
    local = timezone.localtime(at, clinic_zone(clinic))
    return f"{local:%A, %B} {local.day} at {local:%-I:%M %p}"


def written(letter: Letter) -> Rendered:
    context = {"letter": letter, "clinic": letter.clinic}
    first_link = f" {letter.actions[0][1]}" if letter.actions else ""
    return Rendered(
        subject=letter.subject,
        text=render_to_string("mail/message.txt", context).strip() + "\n",
        html=render_to_string("mail/message.html", context),
        short=f"{letter.subject}.{first_link}",
        attachments=letter.attachments,
    )
