"""Messages about appointments: confirmation, change, cancellation, the reminder (with the
screening re-check for dry needling), and waitlist offers."""

from django.utils import timezone
from django.utils.translation import gettext

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
from needlecare.web.mail.layout import Letter, absolute, in_language, when, written

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
    return gettext("%(type)s with %(therapist)s at %(clinic)s, %(when)s (%(minutes)s minutes).") % {
        "type": appointment.type.name,
        "therapist": appointment.therapist.user.full_name,
        "clinic": appointment.clinic.name,
        "when": when(appointment.starts_at, appointment.clinic),
        "minutes": appointment.type.duration_minutes,
    }


def _change_line(appointment: Appointment) -> str:
    return gettext(
        "To change or cancel, use your appointments page or call %(clinic)s at %(phone)s."
    ) % {"clinic": appointment.clinic.name, "phone": appointment.clinic.phone}


def _hello(name: str) -> str:
    return gettext("Hello %(name)s,") % {"name": name}


def _book_again(clinic: str, phone: str) -> str:
    return gettext(
        "To book another time, use the booking page or call %(clinic)s at %(phone)s."
    ) % {"clinic": clinic, "phone": phone}


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
    with in_language(appointment.patient):
        at = when(appointment.starts_at, clinic)
        letter = Letter(
            subject=(
                gettext("We have your request for %(when)s") % {"when": at}
                if requested
                else gettext("Your appointment at %(clinic)s on %(when)s")
                % {"clinic": clinic.name, "when": at}
            ),
            greeting=_hello(appointment.patient.first_name),
            paragraphs=(
                (
                    gettext("We have your request and will confirm it shortly:")
                    if requested
                    else gettext("You are booked:")
                ),
                _visit_line(appointment),
                gettext("The calendar file attached adds it to your calendar, with a reminder."),
                _change_line(appointment),
                *_policy(appointment),
            ),
            clinic=clinic,
            actions=((gettext("Your appointments"), absolute("my-appointments")),),
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
    with in_language(appointment.patient):
        letter = Letter(
            subject=gettext("Your appointment has moved to %(when)s")
            % {"when": when(appointment.starts_at, clinic)},
            greeting=_hello(appointment.patient.first_name),
            paragraphs=(
                gettext("Your appointment has moved. It is now:"),
                _visit_line(appointment),
                gettext("The calendar file attached replaces the earlier one in your calendar."),
                _change_line(appointment),
                *_policy(appointment),
            ),
            clinic=clinic,
            actions=((gettext("Your appointments"), absolute("my-appointments")),),
            attachments=_calendar_file(appointment, sequence),
        )
        return written(letter)


@renders(notices.CANCELLED, prefetch=_prefetch)
def cancelled(message: Message) -> Rendered | None:
    appointment, _ = _appointment(message)
    if appointment is None or appointment.status not in CALLED_OFF:
        return None
    clinic = appointment.clinic
    with in_language(appointment.patient):
        at = when(appointment.starts_at, clinic)
        letter = Letter(
            subject=gettext("Your appointment on %(when)s is cancelled") % {"when": at},
            greeting=_hello(appointment.patient.first_name),
            paragraphs=(
                gettext("Your %(type)s on %(when)s at %(clinic)s is cancelled.")
                % {"type": appointment.type.name.lower(), "when": at, "clinic": clinic.name},
                _book_again(clinic.name, clinic.phone),
            ),
            clinic=clinic,
            actions=((gettext("Book another time"), absolute("book-online")),),
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
    with in_language(appointment.patient):
        return _reminder(appointment)


def _reminder(appointment: Appointment) -> Rendered:
    clinic = appointment.clinic
    paragraphs = [gettext("A reminder of your appointment:"), _visit_line(appointment)]
    actions = [(gettext("Your appointments"), absolute("my-appointments"))]
    if appointment.type.needs_certification and appointment_needs_reconfirmation(appointment):
        # Booked beyond the screening's validity (a later visit of a course): an expired
        # screening cannot be confirmed unchanged, so the patient is asked to answer again.
        paragraphs.append(
            gettext(
                "Your safety screening answers will no longer be current on the day of this "
                "visit. Before dry needling we need them again: please answer the questions "
                "before your visit (about five minutes). If nothing has changed, your answers "
                "will be the same."
            )
        )
        actions = [(gettext("Answer the questions again"), absolute("screening")), *actions]
    elif appointment.type.needs_certification:
        token = link_make(VISIT_SCREENING, appointment.pk, expires=appointment.starts_at)
        paragraphs.append(
            gettext(
                "Before dry needling we check your safety screening again. If nothing about your "
                "health, medicines or pregnancy has changed since you answered, tell us with the "
                "first link. If something has changed, answer the questions again."
            )
        )
        actions = [
            (gettext("Nothing has changed"), absolute("link-visit-screening", token)),
            (gettext("Answer the questions again"), absolute("screening")),
            *actions,
        ]
    paragraphs.append(_change_line(appointment))
    paragraphs.extend(_policy(appointment))
    letter = Letter(
        subject=gettext("Reminder: your appointment on %(when)s")
        % {"when": when(appointment.starts_at, clinic)},
        greeting=_hello(appointment.patient.first_name),
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
    with in_language(offer.entry.patient):
        letter = Letter(
            subject=gettext("A time has come free at %(clinic)s") % {"clinic": clinic.name},
            greeting=_hello(offer.entry.patient.first_name),
            paragraphs=(
                gettext(
                    "A time you were waiting for has come free: %(type)s with %(therapist)s, "
                    "%(when)s."
                )
                % {
                    "type": offer.entry.type.name,
                    "therapist": offer.therapist.user.full_name,
                    "when": when(offer.starts_at, clinic),
                },
                gettext(
                    "We are holding it for you until %(when)s. Accept it with the link below; if "
                    "you do not want it, do nothing and you stay on the waitlist."
                )
                % {"when": when(offer.expires_at, clinic)},
            ),
            clinic=clinic,
            actions=((gettext("Accept this time"), absolute("link-offer", token)),),
        )
        return written(letter)
