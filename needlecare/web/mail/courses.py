"""Messages about a course of care: one confirmation for the whole course (a calendar file for
each visit), and one notice when the rest of a course is cancelled. Each visit's reminder is
the ordinary one (`appointments.reminder`)."""

from django.utils import timezone
from django.utils.translation import gettext, ngettext

from needlecare.common.time import clinic_zone
from needlecare.interop.selectors import appointment_calendar, appointment_sequences
from needlecare.outbox.channels import Attachment, Rendered
from needlecare.outbox.models import Message
from needlecare.outbox.rendering import renders
from needlecare.scheduling.attendance import policy_words
from needlecare.scheduling.models import Appointment, Status
from needlecare.scheduling.series_reads import screening_valid_until, visits_needing_reconfirmation
from needlecare.scheduling.services.series import SERIES_BOOKED, SERIES_CANCELLED
from needlecare.web.mail.layout import (
    Letter,
    absolute,
    in_language,
    month_day,
    when,
    written,
)

LABELS = {
    SERIES_BOOKED: "Course confirmation",
    SERIES_CANCELLED: "Course cancelled",
}
UPCOMING = (Status.REQUESTED, Status.CONFIRMED)
RELATED = ("patient", "clinic", "type", "therapist__user", "room")


def _visits(message: Message, statuses: tuple[str, ...]) -> list[Appointment]:
    """The message's visits as they are now, in these statuses, in time order."""
    return list(
        Appointment.objects.select_related(*RELATED)
        .filter(pk__in=message.context.get("visits", []), status__in=statuses)
        .order_by("starts_at", "id")
    )


def _line(n: int, visit: Appointment) -> str:
    return gettext("%(number)s. %(when)s with %(therapist)s") % {
        "number": n,
        "when": when(visit.starts_at, visit.clinic),
        "therapist": visit.therapist.user.full_name,
    }


@renders(SERIES_BOOKED)
def course_booked(message: Message) -> Rendered | None:
    visits = _visits(message, UPCOMING)
    if not visits:
        return None  # every visit moved away or cancelled since: nothing left to confirm
    with in_language(visits[0].patient):
        return _course_booked(visits)


def _course_booked(visits: list[Appointment]) -> Rendered:
    first, clinic = visits[0], visits[0].clinic
    requested = all(v.status == Status.REQUESTED for v in visits)
    count = {"count": len(visits)}
    # The English says "visits" whatever the number (as it always has); the plural forms let
    # other languages agree with the number.
    paragraphs = [
        (
            ngettext(
                "We have your request for a course of %(count)s visits and will confirm it "
                "shortly:",
                "We have your request for a course of %(count)s visits and will confirm it "
                "shortly:",
                len(visits),
            )
            % count
            if requested
            else ngettext(
                "You are booked for a course of %(count)s visits:",
                "You are booked for a course of %(count)s visits:",
                len(visits),
            )
            % count
        ),
        *(_line(n, v) for n, v in enumerate(visits, 1)),
        gettext(
            "Each is %(type)s at %(clinic)s (%(minutes)s minutes). The calendar files attached "
            "add them to your calendar; we also send a reminder before each visit."
        )
        % {
            "type": first.type.name.lower(),
            "clinic": clinic.name,
            "minutes": first.type.duration_minutes,
        },
    ]
    later = visits_needing_reconfirmation(visits)
    if later:
        screening = next(iter(later.values()))
        expires = screening and screening_valid_until(screening).astimezone(clinic_zone(clinic))
        until = gettext(", until %(day)s") % {"day": month_day(expires)} if expires else ""
        start = next(v for v in visits if v.pk in later)
        paragraphs.append(
            gettext(
                "Your safety screening answers stay current for %(days)s days%(until)s. Before "
                "your visit on %(when)s and the ones after it, please answer the questions "
                "again; the reminder for each of those visits will ask you."
            )
            % {
                "days": clinic.screening_valid_days,
                "until": until,
                "when": when(start.starts_at, clinic),
            }
        )
    paragraphs.append(
        gettext(
            "To change or cancel a visit, use your appointments page or call %(clinic)s at "
            "%(phone)s."
        )
        % {"clinic": clinic.name, "phone": clinic.phone}
    )
    policy = policy_words(clinic)
    if policy:
        paragraphs.append(policy)
    sequences = appointment_sequences(v.pk for v in visits)
    files = tuple(
        Attachment(
            f"appointment-{v.pk}.ics",
            appointment_calendar(
                v,
                now=timezone.now(),
                screening_url=absolute("screening"),
                sequence=sequences.get(v.pk, 0),
            ),
            "text/calendar",
        )
        for v in visits
    )
    at = when(first.starts_at, clinic)
    letter = Letter(
        subject=(
            ngettext(
                "We have your request for %(count)s visits from %(when)s",
                "We have your request for %(count)s visits from %(when)s",
                len(visits),
            )
            % {"count": len(visits), "when": at}
            if requested
            else ngettext(
                "Your %(count)s visits at %(clinic)s from %(when)s",
                "Your %(count)s visits at %(clinic)s from %(when)s",
                len(visits),
            )
            % {"count": len(visits), "clinic": clinic.name, "when": at}
        ),
        greeting=gettext("Hello %(name)s,") % {"name": first.patient.first_name},
        paragraphs=tuple(paragraphs),
        clinic=clinic,
        actions=((gettext("Your appointments"), absolute("my-appointments")),),
        attachments=files,
    )
    return written(letter)


@renders(SERIES_CANCELLED)
def course_cancelled(message: Message) -> Rendered | None:
    visits = _visits(message, (Status.CANCELLED,))
    if not visits:
        return None
    first, clinic = visits[0], visits[0].clinic
    with in_language(first.patient):
        words = {
            "type": first.type.name.lower(),
            "clinic": clinic.name,
            "count": len(visits),
            "when": when(first.starts_at, clinic),
            "phone": clinic.phone,
        }
        letter = Letter(
            subject=gettext("Your visits at %(clinic)s from %(when)s are cancelled") % words,
            greeting=gettext("Hello %(name)s,") % {"name": first.patient.first_name},
            paragraphs=(
                (
                    gettext(
                        "The rest of your course of %(type)s at %(clinic)s is cancelled: this "
                        "visit."
                    )
                    if len(visits) == 1
                    else gettext(
                        "The rest of your course of %(type)s at %(clinic)s is cancelled: these "
                        "%(count)s visits."
                    )
                )
                % words,
                *(_line(n, v) for n, v in enumerate(visits, 1)),
                gettext("To book again, use the booking page or call %(clinic)s at %(phone)s.")
                % words,
            ),
            clinic=clinic,
            actions=((gettext("Book another time"), absolute("book-online")),),
        )
        return written(letter)
