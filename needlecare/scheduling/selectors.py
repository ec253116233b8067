"""Reads for scheduling: bookable starts, and the appointments the pages show."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from needlecare.clinics.models import Clinic, Therapist
from needlecare.patients.models import Patient
from needlecare.scheduling.availability import Slot, available_slots
from needlecare.scheduling.inputs import availability_inputs, local_bounds
from needlecare.scheduling.models import Appointment, AppointmentType


def clinic_therapists_qs(clinic: Clinic) -> QuerySet[Therapist]:
    return Therapist.objects.filter(user__memberships__clinic=clinic, user__is_active=True)


def slots_for(
    *,
    clinic: Clinic,
    type: AppointmentType,
    first_day: dt.date,
    last_day: dt.date,
    therapist_ids: Iterable[int] | None = None,
    patient: Patient | None = None,
    not_before: dt.datetime | None = None,
    ignore_appointment: int | None = None,
) -> list[Slot]:
    """Bookable starts for a type at a clinic over local days, optionally for some therapists."""
    calendar, agendas, patient_busy = availability_inputs(
        clinic=clinic,
        first_day=first_day,
        last_day=last_day,
        therapist_ids=therapist_ids,
        patient=patient,
        ignore_appointment=ignore_appointment,
    )
    return available_slots(
        clinic=calendar,
        therapists=agendas,
        first_day=first_day,
        last_day=last_day,
        duration=dt.timedelta(minutes=type.duration_minutes),
        buffer=dt.timedelta(minutes=type.buffer_minutes),
        needs_certification=type.needs_certification,
        patient_busy=patient_busy,
        not_before=not_before,
    )


def appointments_for_day(clinic: Clinic, day: dt.date, *, days: int = 1) -> list[Appointment]:
    """A clinic's appointments over local days, with everything the schedule shows."""
    start, _ = local_bounds(clinic, day, day)
    _, end = local_bounds(
        clinic, day + dt.timedelta(days=days - 1), day + dt.timedelta(days=days - 1)
    )
    return list(
        Appointment.objects.filter(clinic=clinic, starts_at__gte=start, starts_at__lt=end)
        .select_related("patient", "therapist__user", "room", "type")
        .order_by("starts_at", "therapist_id")
    )


def appointments_of(patient: Patient) -> list[Appointment]:
    """A patient's appointments, soonest first."""
    return list(
        Appointment.objects.filter(patient=patient)
        .select_related("clinic", "therapist__user", "room", "type")
        .order_by("starts_at")
    )
