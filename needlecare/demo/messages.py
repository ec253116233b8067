"""The messages the demo's story queued, settled as that story has it.

Booking and signing through the services queued each message as if it happened now: an
aftercare message for a session signed in March, a confirmation for a visit booked last week.
Here each takes the time it belongs to: what would have gone out by now is marked sent then,
a check-in about a session it is too late to ask about is called off, and only what is still
to come stays queued (the reminders of visits ahead), so a sender started after the demo
sends nothing about the past.
"""

import datetime as dt

from needlecare.charting.models import TreatmentSession
from needlecare.charting.services.notices import AFTERCARE, CHECK_IN
from needlecare.demo.practice import Practice
from needlecare.outbox.models import Message
from needlecare.scheduling.models import Appointment
from needlecare.scheduling.reminders import later_waking, reminder_at
from needlecare.scheduling.services.notices import BOOKED, CANCELLED, CONFIRMED, REMINDER

SESSION = TreatmentSession._meta.label_lower
APPOINTMENT = Appointment._meta.label_lower


def _sent(message: Message, at: dt.datetime) -> Message:
    return Message(
        pk=message.pk,
        state=Message.State.SENT,
        created_at=min(at, message.created_at),
        send_after=at,
        sent_at=at,
    )


def _off(message: Message, created: dt.datetime) -> Message:
    return Message(
        pk=message.pk,
        state=Message.State.CANCELLED,
        created_at=created,
        send_after=created,
        sent_at=None,
    )


def _queued(message: Message, created: dt.datetime, due: dt.datetime) -> Message:
    return Message(
        pk=message.pk, state=Message.State.QUEUED, created_at=created, send_after=due, sent_at=None
    )


def messages_settle(p: Practice, *, since: int) -> None:
    """Settle the messages queued after message `since` (the demo's own)."""
    queued = list(Message.objects.filter(pk__gt=since))
    sessions = {
        str(s.pk): s
        for s in TreatmentSession.objects.filter(
            pk__in=[m.target_id for m in queued if m.target_type == SESSION]
        ).select_related("clinic")
    }
    appointments = {
        str(a.pk): a
        for a in Appointment.objects.filter(
            pk__in=[m.target_id for m in queued if m.target_type == APPOINTMENT]
        ).select_related("clinic")
    }
    settled = []
    for message in queued:
        session = sessions.get(message.target_id) if message.target_type == SESSION else None
        appointment = (
            appointments.get(message.target_id) if message.target_type == APPOINTMENT else None
        )
        if session is not None and session.signed_at is not None:
            settled.append(_session_message(p, message, session, session.signed_at))
        elif appointment is not None and appointment.pk in p.booked_at:
            settled.append(_appointment_message(p, message, appointment))
        else:
            settled.append(_off(message, min(message.created_at, p.now)))
    Message.objects.bulk_update(
        settled, ["state", "created_at", "send_after", "sent_at"], batch_size=200
    )


def _session_message(
    p: Practice, message: Message, session: TreatmentSession, signed: dt.datetime
) -> Message:
    message.created_at = signed
    if message.kind == AFTERCARE:
        return _sent(message, signed)
    if message.kind == CHECK_IN:
        asked = later_waking(signed + dt.timedelta(hours=session.clinic.check_in_hours), p.zone)
        # Asked the day after; a session signed today would be asked about tomorrow, but
        # nothing in the demo's story should reach a patient as if new.
        return _sent(message, asked) if asked <= p.now else _off(message, signed)
    return _off(message, signed)


def _appointment_message(p: Practice, message: Message, appointment: Appointment) -> Message:
    booked = p.booked_at[appointment.pk]
    message.created_at = booked
    if message.state == Message.State.CANCELLED:
        return _off(message, booked)  # a reminder the cancellation called off
    if message.kind in (BOOKED, CONFIRMED):
        return _sent(message, booked)
    if message.kind == CANCELLED:
        at = p.cancelled_at.get(appointment.pk, booked)
        message.created_at = at
        return _sent(message, at)
    if message.kind == REMINDER:
        clinic = appointment.clinic
        due = reminder_at(
            appointment.starts_at, hours=clinic.reminder_hours, zone=p.zone, now=booked
        )
        if due is None:
            return _off(message, booked)
        return _sent(message, due) if due <= p.now else _queued(message, booked, due)
    return _off(message, booked)
