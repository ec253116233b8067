"""Messages about appointments: confirmation, change, cancellation, the reminder (with the
screening re-check for dry needling), and waitlist offers."""

from django.utils import timezone

from needlecare.interop.selectors import appointment_calendar, appointment_sequences
from needlecare.outbox.channels import Attachment, Rendered
from needlecare.outbox.links import link_make
from needlecare.outbox.models import Message
from needlecare.outbox.rendering import renders
from needlecare.scheduling.attendance import policy_words
from needlecare.scheduling.links import VISIT_SCREENING, WAITLIST_ACCEPT
from needlecare.scheduling.models import CALLED_OFF, Appointment, Status, WaitlistOffer
from needlecare.scheduling.series_reads import appointment_needs_reconfirmation
from needlecare.scheduling.services import notices
from needlecare.web.mail.layout import Letter, absolute, when, written

UPCOMING = (Status.REQUESTED, Status.CONFIRMED)


RELATED = ("patient", "clinic", "type", "therapist__user", "room")
# A sender's batch of appointment messages, read in two queries by `_prefetch` (the messages'
# appointments and their calendar revisions), by message id; each renderer takes its own.
_BATCH: dict[int, tuple[Appointment, int]] = {}


def _prefetch(messages: list[Message]) -> None:
    ids = {int(m.target_id) for m in messages}
    appointments = Appointment.objects.select_related(*RELATED).in_bulk(ids)
    sequences = appointment_sequences(ids)
    if len(_BATCH) > 10_000:
        _BATCH.clear()  # left by messages never written: never let it grow
    for message in messages:
        found = appointments.get(int(message.target_id))
        if found is not None:
            _BATCH[message.pk] = (found, sequences.get(found.pk, 0))


def _appointment(message: Message) -> tuple[Appointment | None, int | None]:
    """The message's appointment as it is now (and its calendar revision, if read already)."""
    if message.pk in _BATCH:
        return _BATCH.pop(message.pk)
    appointment = Appointment.objects.select_related(*RELATED).filter(pk=message.target_id).first()
    return appointment, None


def _calendar_file(appointment: Appointment, sequence: int | None) -> tuple[Attachment, ...]:
    ics = appointment_calendar(
        appointment, now=timezone.now(), screening_url=absolute("screening"), sequence=sequence
    )
    return (Attachment(f"appointment-{appointment.pk}.ics", ics, "text/calendar"),)


def _visit_line(appointment: Appointment) -> str:
    therapist = appointment.therapist.user.full_name
    return (
        f"{appointment.type.name} with {therapist} at {appointment.clinic.name}, "
        f"{when(appointment.starts_at, appointment.clinic)} "
        f"({appointment.type.duration_minutes} minutes)."
    )


def _change_line(appointment: Appointment) -> str:
    return (
        f"To change or cancel, use your appointments page or call {appointment.clinic.name} "
        f"at {appointment.clinic.phone}."
    )


def _policy(appointment: Appointment) -> tuple[str, ...]:
    """The clinic's late-cancellation window and policy, when it has one."""
    words = policy_words(appointment.clinic)
    return (words,) if words else ()


def _booked(message: Message, *, confirmed: bool) -> Rendered | None:
    appointment, sequence = _appointment(message)
    if appointment is None or appointment.status not in UPCOMING:
        return None
    requested = appointment.status == Status.REQUESTED and not confirmed
    clinic = appointment.clinic
    letter = Letter(
        subject=(
            f"We have your request for {when(appointment.starts_at, clinic)}"
            if requested
            else f"Your appointment at {clinic.name} on {when(appointment.starts_at, clinic)}"
        ),
        greeting=f"Hello {appointment.patient.first_name},",
        paragraphs=(
            (
                "We have your request and will confirm it shortly:"
                if requested
                else "You are booked:"
            ),
            _visit_line(appointment),
            "The calendar file attached adds it to your calendar, with a reminder.",
            _change_line(appointment),
            *_policy(appointment),
        ),
        clinic=clinic,
        actions=(("Your appointments", absolute("my-appointments")),),
        attachments=_calendar_file(appointment, sequence),
    )
    return written(letter)


@renders(notices.BOOKED, prefetch=_prefetch)
def booked(message: Message) -> Rendered | None:
    return _booked(message, confirmed=False)


@renders(notices.CONFIRMED, prefetch=_prefetch)
def confirmed(message: Message) -> Rendered | None:
    return _booked(message, confirmed=True)


@renders(notices.MOVED, prefetch=_prefetch)
def moved(message: Message) -> Rendered | None:
    appointment, sequence = _appointment(message)
    if appointment is None or appointment.status not in UPCOMING:
        return None
    clinic = appointment.clinic
    letter = Letter(
        subject=f"Your appointment has moved to {when(appointment.starts_at, clinic)}",
        greeting=f"Hello {appointment.patient.first_name},",
        paragraphs=(
            "Your appointment has moved. It is now:",
            _visit_line(appointment),
            "The calendar file attached replaces the earlier one in your calendar.",
            _change_line(appointment),
            *_policy(appointment),
        ),
        clinic=clinic,
        actions=(("Your appointments", absolute("my-appointments")),),
        attachments=_calendar_file(appointment, sequence),
    )
    return written(letter)


@renders(notices.CANCELLED, prefetch=_prefetch)
def cancelled(message: Message) -> Rendered | None:
    appointment, _ = _appointment(message)
    if appointment is None or appointment.status not in CALLED_OFF:
        return None
    clinic = appointment.clinic
    letter = Letter(
        subject=f"Your appointment on {when(appointment.starts_at, clinic)} is cancelled",
        greeting=f"Hello {appointment.patient.first_name},",
        paragraphs=(
            f"Your {appointment.type.name.lower()} on {when(appointment.starts_at, clinic)} "
            f"at {clinic.name} is cancelled.",
            f"To book another time, use the booking page or call {clinic.name} at {clinic.phone}.",
        ),
        clinic=clinic,
        actions=(("Book another time", absolute("book-online")),),
    )
    return written(letter)


@renders(notices.REMINDER, prefetch=_prefetch)
def reminder(message: Message) -> Rendered | None:
    appointment, _ = _appointment(message)
    if (
        appointment is None
        or appointment.status not in UPCOMING
        or appointment.starts_at.isoformat() != message.context.get("starts_at")
        or appointment.starts_at <= timezone.now()
    ):
        return None  # moved, cancelled or past: the reminder no longer applies
    clinic = appointment.clinic
    paragraphs = ["A reminder of your appointment:", _visit_line(appointment)]
    actions = [("Your appointments", absolute("my-appointments"))]
    if appointment.type.needs_certification and appointment_needs_reconfirmation(appointment):
        # Booked beyond the screening's validity (a later visit of a course): an expired
        # screening cannot be confirmed unchanged, so the patient is asked to answer again.
        paragraphs.append(
            "Your safety screening answers will no longer be current on the day of this visit. "
            "Before dry needling we need them again: please answer the questions before your "
            "visit (about five minutes). If nothing has changed, your answers will be the same."
        )
        actions = [("Answer the questions again", absolute("screening")), *actions]
    elif appointment.type.needs_certification:
        token = link_make(VISIT_SCREENING, appointment.pk, expires=appointment.starts_at)
        paragraphs.append(
            "Before dry needling we check your safety screening again. If nothing about your "
            "health, medicines or pregnancy has changed since you answered, tell us with the "
            "first link. If something has changed, answer the questions again."
        )
        actions = [
            ("Nothing has changed", absolute("link-visit-screening", token)),
            ("Answer the questions again", absolute("screening")),
            *actions,
        ]
    paragraphs.append(_change_line(appointment))
    paragraphs.extend(_policy(appointment))
    letter = Letter(
        subject=f"Reminder: your appointment on {when(appointment.starts_at, clinic)}",
        greeting=f"Hello {appointment.patient.first_name},",
        paragraphs=tuple(paragraphs),
        clinic=clinic,
        actions=tuple(actions),
    )
    return written(letter)


@renders(notices.OFFERED)
def offered(message: Message) -> Rendered | None:
    offer = (
        WaitlistOffer.objects.select_related("entry__patient", "entry__clinic", "entry__type")
        .select_related("therapist__user")
        .filter(pk=message.target_id)
        .first()
    )
    if offer is None or offer.state != WaitlistOffer.State.OPEN:
        return None
    if offer.expires_at <= timezone.now():
        return None
    clinic = offer.entry.clinic
    token = link_make(WAITLIST_ACCEPT, offer.pk, expires=offer.expires_at)
    letter = Letter(
        subject=f"A time has come free at {clinic.name}",
        greeting=f"Hello {offer.entry.patient.first_name},",
        paragraphs=(
            f"A time you were waiting for has come free: {offer.entry.type.name} with "
            f"{offer.therapist.user.full_name}, {when(offer.starts_at, clinic)}.",
            f"We are holding it for you until {when(offer.expires_at, clinic)}. Accept it with "
            "the link below; if you do not want it, do nothing and you stay on the waitlist.",
        ),
        clinic=clinic,
        actions=(("Accept this time", absolute("link-offer", token)),),
    )
    return written(letter)
