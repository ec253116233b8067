"""One layout for every message: a greeting, paragraphs, buttons as links, the clinic's name,
address and phone; as plain text and as HTML. Subjects never name a condition."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone, translation

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


@contextmanager
def in_language(patient: object) -> Iterator[None]:
    """Write a patient's message in their preferred language (English when they have none).

    Messages are rendered in English unless a renderer asks otherwise (`rendering.render`)."""
    language = getattr(patient, "preferred_language", "") or "en"
    with translation.override(language):
        yield


def _english() -> bool:
    return (translation.get_language() or "en").split("-")[0] == "en"


def month_day(day: dt.date) -> str:
    """'March 2' (English), '2 de marzo' (Spanish), '2 de março' (Portuguese)."""
    if _english():
        return f"{day:%B} {day.day}"
    return dateformat.format(day, r"j \d\e F").lower()


def when(at: dt.datetime, clinic: Clinic) -> str:
    """'Monday, March 2 at 9:30 AM' in the clinic's time, in the active language: Spanish
    'lunes, 2 de marzo a las 9:30 AM' (12-hour clock), Portuguese 'segunda-feira, 2 de março às
    09:30' (24-hour clock), with Django's names of days and months."""
    local = timezone.localtime(at, clinic_zone(clinic))
    if _english():
        return f"{local:%A, %B} {local.day} at {local:%-I:%M %p}"
    day = dateformat.format(local, r"l, j \d\e F").lower()
    if translation.get_language() == "es":
        article = "a la" if local.hour % 12 == 1 else "a las"
        return f"{day} {article} {dateformat.format(local, 'g:i A')}"
    return f"{day} às {dateformat.format(local, 'H:i')}"


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
