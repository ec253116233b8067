"""The messages a change to the schedule queues, in the change's own transaction: the
confirmation, change and cancellation notices, the visit's reminder, and waitlist offers.

What each says is written when it is sent (`web.mail`); here is who gets which, and when.
"""

from django.utils import timezone

from needlecare.common.time import clinic_zone
from needlecare.outbox.services import message_queue, messages_cancel
from needlecare.patients.selectors import patient_recipients
from needlecare.scheduling.models import Appointment, WaitlistOffer
from needlecare.scheduling.reminders import reminder_at

BOOKED = "appointment.booked"
MOVED = "appointment.moved"
CANCELLED = "appointment.cancelled"
CONFIRMED = "appointment.confirmed"
REMINDER = "appointment.reminder"
OFFERED = "waitlist.offered"


def _queue_reminder(appointment: Appointment) -> None:
    clinic = appointment.clinic
    at = reminder_at(
        appointment.starts_at,
        hours=clinic.reminder_hours,
        zone=clinic_zone(clinic),
        now=timezone.now(),
    )
    if at is None:
        return
    message_queue(
        kind=REMINDER,
        about=appointment,
        to=patient_recipients(appointment.patient, reminder=True),
        key=f"{appointment.pk}:{appointment.starts_at.isoformat()}",
        send_after=at,
        clinic_id=clinic.pk,
        context={"starts_at": appointment.starts_at.isoformat()},
    )


def _notice(appointment: Appointment, kind: str, key: str) -> None:
    message_queue(
        kind=kind,
        about=appointment,
        to=patient_recipients(appointment.patient),
        key=key,
        clinic_id=appointment.clinic_id,
        context={"starts_at": appointment.starts_at.isoformat()},
    )


def notices_booked(appointment: Appointment) -> None:
    """A new booking: the confirmation now, the reminder before the visit."""
    _notice(appointment, BOOKED, str(appointment.pk))
    _queue_reminder(appointment)


def notices_moved(appointment: Appointment) -> None:
    """A move: the old reminder is called off; a change notice now and a reminder for the new
    time."""
    messages_cancel(about=appointment, kinds=[REMINDER])
    _notice(appointment, MOVED, f"{appointment.pk}:{timezone.now().isoformat()}")
    _queue_reminder(appointment)


def notices_confirmed(appointment: Appointment) -> None:
    """A request the front desk confirmed: the patient hears it is booked."""
    _notice(appointment, CONFIRMED, str(appointment.pk))


def notices_cancelled(appointment: Appointment) -> None:
    """A cancellation: no reminder any more, and a cancellation notice."""
    messages_cancel(about=appointment, kinds=[REMINDER, BOOKED, MOVED])
    _notice(appointment, CANCELLED, str(appointment.pk))


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
