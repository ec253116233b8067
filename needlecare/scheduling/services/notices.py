"""The messages a change to the schedule queues, in the change's own transaction: the
confirmation, change and cancellation notices, the visit's reminder, and waitlist offers.

What each says is written when it is sent (`web.mail`); here is who gets which, and when.
"""

from django.utils import timezone

from needlecare.common.time import clinic_zone
from needlecare.outbox.services import Occasion, message_queue, messages_cancel, messages_queue
from needlecare.patients.selectors import patient_recipients
from needlecare.scheduling.models import Appointment, WaitlistOffer
from needlecare.scheduling.reminders import reminder_at

BOOKED = "appointment.booked"
MOVED = "appointment.moved"
CANCELLED = "appointment.cancelled"
CONFIRMED = "appointment.confirmed"
REMINDER = "appointment.reminder"
OFFERED = "waitlist.offered"


def _reminder(appointment: Appointment) -> list[Occasion]:
    """The visit's reminder, when there is time for one."""
    clinic = appointment.clinic
    at = reminder_at(
        appointment.starts_at,
        hours=clinic.reminder_hours,
        zone=clinic_zone(clinic),
        now=timezone.now(),
    )
    if at is None:
        return []
    return [
        Occasion(
            kind=REMINDER,
            about=appointment,
            to=tuple(patient_recipients(appointment.patient, reminder=True)),
            key=f"{appointment.pk}:{appointment.starts_at.isoformat()}",
            send_after=at,
            clinic_id=clinic.pk,
            context={"starts_at": appointment.starts_at.isoformat()},
        )
    ]


def _notice(appointment: Appointment, kind: str, key: str) -> Occasion:
    return Occasion(
        kind=kind,
        about=appointment,
        to=tuple(patient_recipients(appointment.patient)),
        key=key,
        clinic_id=appointment.clinic_id,
        context={"starts_at": appointment.starts_at.isoformat()},
    )


def notices_booked(appointment: Appointment) -> None:
    """A new booking: the confirmation now, the reminder before the visit (one INSERT)."""
    messages_queue([_notice(appointment, BOOKED, str(appointment.pk)), *_reminder(appointment)])


def notices_moved(appointment: Appointment) -> None:
    """A move: the old reminder is called off; a change notice now and a reminder for the new
    time."""
    messages_cancel(about=appointment, kinds=[REMINDER])
    moved = _notice(appointment, MOVED, f"{appointment.pk}:{timezone.now().isoformat()}")
    messages_queue([moved, *_reminder(appointment)])


def notices_confirmed(appointment: Appointment) -> None:
    """A request the front desk confirmed: the patient hears it is booked."""
    messages_queue([_notice(appointment, CONFIRMED, str(appointment.pk))])


def notices_cancelled(appointment: Appointment) -> None:
    """A cancellation: no reminder any more, and a cancellation notice."""
    messages_cancel(about=appointment, kinds=[REMINDER, BOOKED, MOVED])
    messages_queue([_notice(appointment, CANCELLED, str(appointment.pk))])


def notices_offered(offer: WaitlistOffer) -> None:
    """A waitlist offer goes out as it is made: it is held only for a few hours."""
    entry = offer.entry
    message_queue(
        kind=OFFERED,
        about=offer,
        to=patient_recipients(entry.patient),
        key=str(offer.pk),
        clinic_id=entry.clinic_id,
    )
