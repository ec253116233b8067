"""The checks every change to the schedule shares, and the booking write itself.

Private to the scheduling services: each runs inside its caller's transaction, so a check and
the write it guards can never be separated by another request. On SQLite the transaction is
IMMEDIATE (writers queue); on PostgreSQL the exclusion constraints refuse an overlap that
slips between the check and the write, and `lock` takes the appointment's row.
"""

import datetime as dt

from django.db import IntegrityError
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.audit.services import audit_record
from needlecare.clinics.models import Clinic, Therapist
from needlecare.clinics.selectors import therapist_can_dry_needle
from needlecare.common.errors import Conflict, DomainError
from needlecare.common.time import clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling import attendance
from needlecare.scheduling.availability import Slot
from needlecare.scheduling.inputs import availability_inputs
from needlecare.scheduling.models import Appointment, AppointmentType, Status
from needlecare.scheduling.selectors import free_slots
from needlecare.screening.models import Screening
from needlecare.screening.services import screening_gate

TAKEN = "That time has just been taken; please choose another."
Precautions = list[dict[str, object]]


def local(clinic: Clinic, at: dt.datetime) -> dt.datetime:
    return timezone.localtime(at, clinic_zone(clinic))


def lock(appointment: Appointment) -> None:
    """Re-read the appointment's status in this transaction (locking its row on PostgreSQL), so
    a change made meanwhile by someone else is seen, never overwritten."""
    appointment.status = (
        Appointment.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=appointment.pk)
    )


def check_parties(
    *, clinic: Clinic, type: AppointmentType, therapist: Therapist, patient: Patient
) -> None:
    if type.clinic_id != clinic.pk or not type.is_active:
        raise DomainError(
            "booking.type_not_offered",
            "That appointment type is not offered at this clinic.",
            field="type",
        )
    if not therapist.user.memberships.filter(clinic=clinic).exists():
        raise DomainError(
            "booking.therapist_elsewhere",
            f"{therapist} does not work at {clinic}.",
            field="therapist",
        )
    if patient.user is not None and not patient.user.is_active:
        raise DomainError("booking.account_closed", "This patient's account is closed.")


def safety(
    *,
    type: AppointmentType,
    therapist: Therapist,
    patient: Patient,
    day: dt.date,
    regions: list[str],
    certified: bool | None = None,
) -> tuple[Screening | None, Precautions]:
    """The certification and screening rules for a dry needling type; the clearing screening
    and its precautions for these regions.

    `certified` is the therapist's certification on the day when the caller has already read
    it; otherwise the credentials are asked.
    """
    if not type.needs_certification:
        return None, []
    if certified is None:
        certified = therapist_can_dry_needle(therapist, on=day)
    if not certified:
        raise DomainError(
            "therapist.not_certified",
            f"{therapist.user.full_name} is not certified for dry needling on {day:%B %-d, %Y}.",
            field="therapist",
        )
    cleared = screening_gate(patient=patient, regions=regions)
    return cleared.screening, [reason.to_dict() for reason in cleared.precautions]


def checked_slot(
    *,
    clinic: Clinic,
    type: AppointmentType,
    therapist: Therapist,
    patient: Patient,
    starts_at: dt.datetime,
    regions: list[str],
    ignore: int | None = None,
) -> tuple[Slot, Screening | None, Precautions]:
    """The free slot at starts_at, after the safety rules; and the screening that cleared it.

    One read gives the day's availability and the therapist's credentials for it, so the
    certification rule costs no extra query.
    """
    day = local(clinic, starts_at).date()
    inputs = availability_inputs(
        clinic=clinic,
        first_day=day,
        last_day=day,
        therapist_ids=[therapist.pk],
        patient=patient,
        ignore_appointment=ignore,
    )
    # The agenda holds the credentials valid that day (the same rule as
    # therapist_can_dry_needle); without hours here there is no agenda, so safety asks.
    agendas = inputs[1]
    screening, precautions = safety(
        type=type,
        therapist=therapist,
        patient=patient,
        day=day,
        regions=regions,
        certified=any(day in dates for dates in agendas[0].certified) if agendas else None,
    )
    for slot in free_slots(inputs, type=type, days=(day, day), not_before=timezone.now()):
        if slot.start == starts_at:
            return slot, screening, precautions
    raise Conflict(
        "booking.not_free",
        f"{local(clinic, starts_at):%A %B %-d at %-I:%M %p} is not free with "
        f"{therapist.user.full_name}; choose one of the times offered.",
        field="starts_at",
    )


def save(
    appointment: Appointment, *, by: User | None, action: str, data: dict[str, object]
) -> Appointment:
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
        raise Conflict("booking.taken", TAKEN) from exc
    audit_record(
        actor=by, action=action, target=appointment, data=data, clinic_ids=[appointment.clinic_id]
    )
    return appointment


def book(
    *,
    patient: Patient,
    clinic: Clinic,
    type: AppointmentType,
    therapist: Therapist,
    starts_at: dt.datetime,
    booked_by: User,
    planned_regions: list[str],
    status: str,
) -> Appointment:
    """Every check, then the new appointment; inside the caller's transaction."""
    check_parties(clinic=clinic, type=type, therapist=therapist, patient=patient)
    slot, screening, precautions = checked_slot(
        clinic=clinic,
        type=type,
        therapist=therapist,
        patient=patient,
        starts_at=starts_at,
        regions=planned_regions,
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
        planned_regions=planned_regions,
        precautions=precautions,
        screening=screening,
        booked_by=booked_by,
    )
    return save(
        appointment,
        by=booked_by,
        action="appointment.booked",
        data={"starts_at": slot.start.isoformat(), "therapist": therapist.pk, "status": status},
    )


def check_visit_day(appointment: Appointment, now: dt.datetime | None = None) -> None:
    """A patient is checked in on the visit's own day, in the clinic's time."""
    refusal = attendance.check_in_refusal(appointment, now or timezone.now())
    if refusal is not None:
        raise refusal


def check_changeable(appointment: Appointment, verb: str) -> None:
    """Only a requested or confirmed appointment can be moved or cancelled."""
    if appointment.status not in (Status.REQUESTED, Status.CONFIRMED):
        raise Conflict(
            "appointment.not_changeable",
            f"A {appointment.get_status_display().lower()} appointment cannot be {verb}.",
            {"status": appointment.status},
        )


def check_may_change(appointment: Appointment, *, by: User, now: dt.datetime) -> None:
    """Nobody moves or cancels a visit once it has started; its patient not inside the
    clinic's late-cancellation window either (they call the clinic)."""
    refusal = attendance.change_refusal(appointment, by_patient=by.is_patient, now=now)
    if refusal is not None:
        raise refusal
