"""Booking, moving and cancelling appointments: the one way the schedule changes.

Every refusal is a DomainError a person can read. On SQLite the check and the write run in one
IMMEDIATE transaction, so two bookings cannot interleave; on PostgreSQL the exclusion
constraints refuse an overlap that slips between the check and the write.
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.audit.services import audit_record
from needlecare.clinics.models import Clinic, Therapist
from needlecare.clinics.selectors import therapist_can_dry_needle
from needlecare.common.errors import Conflict, DomainError
from needlecare.common.time import clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling.availability import Slot, available_slots
from needlecare.scheduling.inputs import availability_inputs
from needlecare.scheduling.models import Appointment, AppointmentType, Status
from needlecare.screening.gate import screening_gate

TAKEN = "That time has just been taken; please choose another."


def _local(clinic: Clinic, at: dt.datetime) -> dt.datetime:
    return timezone.localtime(at, clinic_zone(clinic))


def _check_parties(
    *, clinic: Clinic, type: AppointmentType, therapist: Therapist, patient: Patient
) -> None:
    if type.clinic_id != clinic.pk or not type.is_active:
        raise DomainError("That appointment type is not offered at this clinic.", field="type")
    if not therapist.user.memberships.filter(clinic=clinic).exists():
        raise DomainError(f"{therapist} does not work at {clinic}.", field="therapist")
    if patient.user is not None and not patient.user.is_active:
        raise DomainError("This patient's account is closed.")


def _safety(
    *,
    type: AppointmentType,
    therapist: Therapist,
    patient: Patient,
    day: dt.date,
    regions: list[str],
    certified: bool | None = None,
) -> tuple[Any, list[dict[str, object]]]:
    """The certification and screening rules for a dry needling type; the clearing screening.

    `certified` is the therapist's certification on the day when the caller has already read
    it; otherwise the credentials are asked.
    """
    if not type.needs_certification:
        return None, []
    if certified is None:
        certified = therapist_can_dry_needle(therapist, on=day)
    if not certified:
        raise DomainError(
            f"{therapist.user.full_name} is not certified for dry needling on {day:%B %-d, %Y}.",
            field="therapist",
        )
    cleared = screening_gate(patient=patient, regions=regions)
    return cleared.screening, cleared.precautions


def _checked_slot(
    *,
    clinic: Clinic,
    type: AppointmentType,
    therapist: Therapist,
    patient: Patient,
    starts_at: dt.datetime,
    regions: list[str],
    ignore: int | None = None,
) -> tuple[Slot, Any, list[dict[str, object]]]:
    """The free slot at starts_at, after the safety rules; and the screening that cleared it.

    One read gives the day's availability and the therapist's credentials for it, so the
    certification rule costs no extra query.
    """
    day = _local(clinic, starts_at).date()
    calendar, agendas, patient_busy = availability_inputs(
        clinic=clinic,
        first_day=day,
        last_day=day,
        therapist_ids=[therapist.pk],
        patient=patient,
        ignore_appointment=ignore,
    )
    # The agenda holds the credentials valid that day (the same rule as
    # therapist_can_dry_needle); without hours here there is no agenda, so _safety asks.
    screening, precautions = _safety(
        type=type,
        therapist=therapist,
        patient=patient,
        day=day,
        regions=regions,
        certified=any(day in dates for dates in agendas[0].certified) if agendas else None,
    )
    slots = available_slots(
        clinic=calendar,
        therapists=agendas,
        first_day=day,
        last_day=day,
        duration=dt.timedelta(minutes=type.duration_minutes),
        buffer=dt.timedelta(minutes=type.buffer_minutes),
        needs_certification=type.needs_certification,
        patient_busy=patient_busy,
        not_before=timezone.now(),
    )
    for slot in slots:
        if slot.start == starts_at:
            return slot, screening, precautions
    raise Conflict(
        f"{_local(clinic, starts_at):%A %B %-d at %-I:%M %p} is not free with "
        f"{therapist.user.full_name}; choose one of the times offered.",
        field="starts_at",
    )


def _save(appointment: Appointment, **audit: Any) -> Appointment:
    """Write the appointment and its audit record, inside the caller's transaction.

    No savepoint of its own: every caller runs in an atomic block that the Conflict leaves, so
    a refused insert rolls back with it.
    """
    try:
        appointment.save()
    except IntegrityError as exc:
        if "overlap" not in str(exc):
            raise
        # An exclusion constraint refused it: someone else took the time since the check.
        raise Conflict(TAKEN) from exc
    audit_record(**audit, target=appointment, clinic_ids=[appointment.clinic_id])
    return appointment


def appointment_book(
    *,
    patient: Patient,
    clinic: Clinic,
    type: AppointmentType,
    therapist: Therapist,
    starts_at: dt.datetime,
    booked_by: User,
    planned_regions: list[str] | None = None,
    status: str = Status.CONFIRMED,
) -> Appointment:
    """Book a patient with a therapist, after every safety and availability check."""
    if timezone.is_naive(starts_at):
        raise DomainError("The start time must carry its time zone.", field="starts_at")
    if status not in (Status.REQUESTED, Status.CONFIRMED):
        raise DomainError("A new appointment is requested or confirmed.", field="status")
    regions = list(dict.fromkeys(planned_regions or []))
    _check_parties(clinic=clinic, type=type, therapist=therapist, patient=patient)
    with transaction.atomic():
        slot, screening, precautions = _checked_slot(
            clinic=clinic,
            type=type,
            therapist=therapist,
            patient=patient,
            starts_at=starts_at,
            regions=regions,
        )
        appointment = Appointment(
            clinic=clinic,
            type=type,
            therapist=therapist,
            room_id=slot.room_id,
            patient=patient,
            starts_at=slot.start,
            ends_at=slot.end,
            blocked_until=slot.end + dt.timedelta(minutes=type.buffer_minutes),
            status=status,
            planned_regions=regions,
            precautions=precautions,
            screening=screening,
            booked_by=booked_by,
        )
        return _save(
            appointment,
            actor=booked_by,
            action="appointment.booked",
            data={"starts_at": slot.start.isoformat(), "therapist": therapist.pk, "status": status},
        )


def appointment_reschedule(
    *,
    appointment: Appointment,
    starts_at: dt.datetime,
    by: User,
    therapist: Therapist | None = None,
) -> Appointment:
    """Move an active appointment to another free time (and therapist), re-checking safety."""
    if appointment.status not in (Status.REQUESTED, Status.CONFIRMED):
        raise DomainError(
            f"A {appointment.get_status_display().lower()} appointment cannot be moved."
        )
    therapist = therapist or appointment.therapist
    clinic, type, patient = appointment.clinic, appointment.type, appointment.patient
    _check_parties(clinic=clinic, type=type, therapist=therapist, patient=patient)
    old = appointment.starts_at
    with transaction.atomic():
        slot, screening, precautions = _checked_slot(
            clinic=clinic,
            type=type,
            therapist=therapist,
            patient=patient,
            starts_at=starts_at,
            regions=list(appointment.planned_regions),
            ignore=appointment.pk,
        )
        appointment.therapist = therapist
        appointment.room_id = slot.room_id
        appointment.starts_at = slot.start
        appointment.ends_at = slot.end
        appointment.blocked_until = slot.end + dt.timedelta(minutes=type.buffer_minutes)
        appointment.screening = screening
        appointment.precautions = precautions
        return _save(
            appointment,
            actor=by,
            action="appointment.rescheduled",
            data={"from": old.isoformat(), "to": slot.start.isoformat(), "therapist": therapist.pk},
        )


def appointment_cancel(*, appointment: Appointment, reason: str, by: User) -> Appointment:
    """Cancel an appointment with a reason; the freed time is offered to the waitlist."""
    from needlecare.scheduling.waitlist import waitlist_offer_freed_time

    reason = reason.strip()
    if not reason:
        raise DomainError("Give a reason for the cancellation.", field="reason")
    if appointment.status not in (Status.REQUESTED, Status.CONFIRMED):
        raise DomainError(
            f"A {appointment.get_status_display().lower()} appointment cannot be cancelled."
        )
    with transaction.atomic():
        appointment.status = Status.CANCELLED
        appointment.cancel_reason = reason[:200]
        _save(appointment, actor=by, action="appointment.cancelled", data={"reason": reason[:200]})
        waitlist_offer_freed_time(appointment=appointment)
    return appointment


TRANSITIONS = {
    "confirm": (Status.REQUESTED, Status.CONFIRMED),
    "check_in": (Status.CONFIRMED, Status.CHECKED_IN),
    "complete": (Status.CHECKED_IN, Status.COMPLETED),
    "no_show": (Status.CONFIRMED, Status.NO_SHOW),
}


def appointment_transition(*, appointment: Appointment, action: str, by: User) -> Appointment:
    """Confirm a request, check a patient in, complete a visit or mark a no-show."""
    if action not in TRANSITIONS:
        raise DomainError(f"Unknown action {action!r}.")
    before, after = TRANSITIONS[action]
    if appointment.status != before:
        raise DomainError(
            f"Only a {Status(before).label.lower()} appointment can be marked "
            f"{Status(after).label.lower()}; this one is "
            f"{appointment.get_status_display().lower()}."
        )
    with transaction.atomic():
        if action == "confirm":
            # A request waits for staff; confirming it re-checks the safety rules as of now,
            # and the screening that clears it now (with its precautions) is the one recorded.
            screening, precautions = _safety(
                type=appointment.type,
                therapist=appointment.therapist,
                patient=appointment.patient,
                day=_local(appointment.clinic, appointment.starts_at).date(),
                regions=list(appointment.planned_regions),
            )
            if screening is not None:
                appointment.screening, appointment.precautions = screening, precautions
        appointment.status = after
        return _save(appointment, actor=by, action=f"appointment.{action}", data={})
