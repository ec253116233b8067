"""The next two weeks: visits booked, requested, checked in and cancelled, all through the
scheduling services, at times availability offers."""

import datetime as dt

from django.utils import timezone

from needlecare.demo.diary import HOURS, working_day
from needlecare.demo.history import State
from needlecare.demo.practice import Practice
from needlecare.outbox.models import Message
from needlecare.scheduling.attendance import in_late_window
from needlecare.scheduling.models import Appointment, CancelledBy, Status
from needlecare.scheduling.selectors import slots_for
from needlecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_transition,
)
from needlecare.scheduling.services.notices import BOOKED

NOT_TOO_SOON = dt.timedelta(minutes=30)


def _booked_at(p: Practice, state: State) -> dt.datetime:
    """When the visit was booked: at the desk after the last visit, or online after screening
    (patients), or by phone yesterday."""
    if state.last_end is not None:
        return state.last_end + dt.timedelta(minutes=5)
    if state.screened_at is not None and state.online:
        return state.screened_at + dt.timedelta(minutes=10)
    return min(p.at(p.today - dt.timedelta(days=1), 11), p.now - dt.timedelta(hours=1))


def later_today(p: Practice, therapist: str, slug: str, kind: str) -> bool:
    """Whether a visit can still be booked today (then today's visit is ahead, not past)."""
    hours = HOURS.get((therapist, slug), {}).get(p.today.weekday())
    if hours is None:
        return False
    type = p.types[(slug, kind)]
    length = dt.timedelta(minutes=type.duration_minutes + type.buffer_minutes)
    return p.now + NOT_TOO_SOON + length <= p.at(p.today, hours[1].hour, hours[1].minute)


def book(
    p: Practice,
    state: State,
    *,
    kind: str,
    therapist: str,
    day: dt.date,
    requested: bool = False,
) -> Appointment | None:
    """The visit on this day, or the next the therapist works there, at a free time within two
    weeks; None when there is none."""
    patient, slug = state.patient, state.slug
    type = p.types[(slug, kind)]
    staff = p.therapists[therapist]
    while day <= p.last_day:
        slots = slots_for(
            clinic=patient.preferred_clinic,
            type=type,
            first_day=day,
            last_day=day,
            therapist_ids=[staff.pk],
            patient=patient,
            not_before=p.now + NOT_TOO_SOON,
        )
        on_the_hour = [s for s in slots if p.local(s.start).minute == 0] or slots
        if on_the_hour:
            slot = p.rng.choice(on_the_hour)
            by = patient.user if requested and state.online and patient.user else p.desks[slug]
            appointment = appointment_book(
                patient=patient,
                clinic=patient.preferred_clinic,
                type=type,
                therapist=staff,
                starts_at=slot.start,
                booked_by=by,
                planned_regions=state.cleared if type.needs_certification else [],
                status=Status.REQUESTED if requested else Status.CONFIRMED,
            )
            booked = _booked_at(p, state)
            p.booked_at[appointment.pk] = booked
            p.moves.set(appointment, created_at=booked)
            p.seen(patient.pk, booked)
            return appointment
        day = working_day(therapist, slug, day + dt.timedelta(days=1))
    return None


def arrive(p: Practice, state: State, *, kind: str, therapist: str) -> Appointment | None:
    """A visit starting within the quarter hour, the patient already checked in at the desk;
    None when the therapist has no such time today."""
    patient, slug = state.patient, state.slug
    local = p.local(p.now)
    start = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=15 - local.minute % 15)
    slots = slots_for(
        clinic=patient.preferred_clinic,
        type=p.types[(slug, kind)],
        first_day=p.today,
        last_day=p.today,
        therapist_ids=[p.therapists[therapist].pk],
        patient=patient,
        not_before=p.now,
    )
    if not any(slot.start == start for slot in slots):
        return None
    desk = p.desks[slug]
    appointment = appointment_book(
        patient=patient,
        clinic=patient.preferred_clinic,
        type=p.types[(slug, kind)],
        therapist=p.therapists[therapist],
        starts_at=start,
        booked_by=desk,
    )
    booked = _booked_at(p, state)
    p.booked_at[appointment.pk] = booked
    p.moves.set(appointment, created_at=booked)
    appointment_transition(appointment=appointment, action="check_in", by=desk)
    return appointment


def cancel(p: Practice, state: State, appointment: Appointment, *, reason: str) -> None:
    """The patient cancels a booked visit (online, or by calling the desk: always, inside the
    clinic's late-cancellation window, and then it is a late cancellation)."""
    booked = p.booked_at[appointment.pk]
    # Its confirmation went out when it was booked, before the cancellation.
    Message.objects.filter(
        target_type=appointment._meta.label_lower,
        target_id=str(appointment.pk),
        kind=BOOKED,
        state=Message.State.QUEUED,
    ).update(state=Message.State.SENT, sent_at=booked, created_at=booked, send_after=booked)
    patient = state.patient
    online = state.online and not in_late_window(appointment, timezone.now())
    by = patient.user if online and patient.user else p.desks[state.slug]
    appointment_cancel(appointment=appointment, reason=reason, by=by, kind=CancelledBy.PATIENT)
    cancelled = max(booked + dt.timedelta(hours=1), p.now - dt.timedelta(hours=2))
    p.cancelled_at[appointment.pk] = min(cancelled, p.now - dt.timedelta(minutes=1))
