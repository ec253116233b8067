"""Messages about a course of care: one confirmation for the whole course (a calendar file for
each visit), and one notice when the rest of a course is cancelled. Each visit's reminder is
the ordinary one (`appointments.reminder`)."""

from django.utils import timezone

from needlecare.common.time import clinic_zone
from needlecare.interop.selectors import appointment_calendar, appointment_sequences
from needlecare.outbox.channels import Attachment, Rendered
from needlecare.outbox.models import Message
from needlecare.outbox.rendering import renders
from needlecare.scheduling.attendance import policy_words
from needlecare.scheduling.models import Appointment, Status
from needlecare.scheduling.series_reads import screening_valid_until, visits_needing_reconfirmation
from needlecare.scheduling.services.series import SERIES_BOOKED, SERIES_CANCELLED
from needlecare.web.mail.layout import Letter, absolute, when, written

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
    return f"{n}. {when(visit.starts_at, visit.clinic)} with {visit.therapist.user.full_name}"


@renders(SERIES_BOOKED)
def course_booked(message: Message) -> Rendered | None:
    visits = _visits(message, UPCOMING)
    if not visits:
        return None  # every visit moved away or cancelled since: nothing left to confirm
    first, clinic = visits[0], visits[0].clinic
    requested = all(v.status == Status.REQUESTED for v in visits)
    paragraphs = [
        (
            f"We have your request for a course of {len(visits)} visits and will confirm it "
            "shortly:"
            if requested
            else f"You are booked for a course of {len(visits)} visits:"
        ),
        *(_line(n, v) for n, v in enumerate(visits, 1)),
        f"Each is {first.type.name.lower()} at {clinic.name} "
        f"({first.type.duration_minutes} minutes). The calendar files attached add them to "
        "your calendar; we also send a reminder before each visit.",
    ]
    later = visits_needing_reconfirmation(visits)
    if later:
        screening = next(iter(later.values()))
        expires = screening and screening_valid_until(screening).astimezone(clinic_zone(clinic))
        until = f", until {expires:%B} {expires.day}" if expires else ""
        start = next(v for v in visits if v.pk in later)
        paragraphs.append(
            f"Your safety screening answers stay current for "
            f"{clinic.screening_valid_days} days{until}. Before your visit on "
            f"{when(start.starts_at, clinic)} and the ones after it, please answer the "
            "questions again; the reminder for each of those visits will ask you."
        )
    paragraphs.append(
        f"To change or cancel a visit, use your appointments page or call {clinic.name} at "
        f"{clinic.phone}."
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
    letter = Letter(
        subject=(
            f"We have your request for {len(visits)} visits from {when(first.starts_at, clinic)}"
            if requested
            else f"Your {len(visits)} visits at {clinic.name} from {when(first.starts_at, clinic)}"
        ),
        greeting=f"Hello {first.patient.first_name},",
        paragraphs=tuple(paragraphs),
        clinic=clinic,
        actions=(("Your appointments", absolute("my-appointments")),),
        attachments=files,
    )
    return written(letter)


@renders(SERIES_CANCELLED)
def course_cancelled(message: Message) -> Rendered | None:
    visits = _visits(message, (Status.CANCELLED,))
    if not visits:
        return None
    first, clinic = visits[0], visits[0].clinic
    letter = Letter(
        subject=f"Your visits at {clinic.name} from {when(first.starts_at, clinic)} are cancelled",
        greeting=f"Hello {first.patient.first_name},",
        paragraphs=(
            f"The rest of your course of {first.type.name.lower()} at {clinic.name} is "
            f"cancelled: {'this visit' if len(visits) == 1 else f'these {len(visits)} visits'}.",
            *(_line(n, v) for n, v in enumerate(visits, 1)),
            f"To book again, use the booking page or call {clinic.name} at {clinic.phone}.",
        ),
        clinic=clinic,
        actions=(("Book another time", absolute("book-online")),),
    )
    return written(letter)
