"""Reads for scheduling: bookable starts, and the appointments the pages show."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from needlecare.clinics.models import Clinic
from needlecare.patients.models import Patient
from needlecare.scheduling.availability import Slot, available_slots
from needlecare.scheduling.inputs import Inputs, availability_inputs, local_bounds
from needlecare.scheduling.models import (
    Appointment,
    AppointmentType,
    Status,
    WaitlistEntry,
    WaitlistOffer,
    WorkingHours,
)
from needlecare.screening.models import Screening
from needlecare.screening.selectors import screening_is_current


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
    inputs = availability_inputs(
        clinic=clinic,
        first_day=first_day,
        last_day=last_day,
        therapist_ids=therapist_ids,
        patient=patient,
        ignore_appointment=ignore_appointment,
    )
    return free_slots(inputs, type=type, days=(first_day, last_day), not_before=not_before)


def free_slots(
    inputs: Inputs,
    *,
    type: AppointmentType,
    days: tuple[dt.date, dt.date],
    not_before: dt.datetime | None,
) -> list[Slot]:
    """The pure availability rules applied to what availability_inputs read, for one type."""
    calendar, agendas, patient_busy = inputs
    return available_slots(
        clinic=calendar,
        therapists=agendas,
        first_day=days[0],
        last_day=days[1],
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


def appointment_types_offered(
    clinic: Clinic | None = None, *, online_only: bool
) -> QuerySet[AppointmentType]:
    """Active appointment types, at one clinic or all, optionally only those patients may book."""
    types = AppointmentType.objects.filter(is_active=True)
    if clinic is not None:
        types = types.filter(clinic=clinic)
    if online_only:
        types = types.filter(bookable_online=True)
    return types.select_related("clinic").order_by("clinic__name", "name")


def waitlist_offers_open(patient: Patient) -> list[WaitlistOffer]:
    """The patient's offers that can still be accepted, soonest first."""
    return list(
        WaitlistOffer.objects.filter(
            entry__patient=patient,
            state=WaitlistOffer.State.OPEN,
            expires_at__gt=timezone.now(),
        )
        .select_related("entry__clinic", "entry__type", "therapist__user")
        .order_by("starts_at")
    )


def waitlist_entries_waiting(patient: Patient) -> list[WaitlistEntry]:
    """The patient's places on waitlists that are still waiting or have an offer out."""
    return list(
        WaitlistEntry.objects.filter(
            patient=patient,
            state__in=(WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED),
        )
        .select_related("clinic", "type")
        .order_by("first_day")
    )


def working_hours_on(clinic: Clinic, weekdays: list[int]) -> list[WorkingHours]:
    """Active therapists' hours at the clinic on these weekdays, for the schedule's columns."""
    return list(
        WorkingHours.objects.filter(
            clinic=clinic, weekday__in=weekdays, therapist__user__is_active=True
        )
        .select_related("therapist__user")
        .order_by("therapist__user__full_name", "weekday", "starts")
    )


def appointments_screening_changed(appointments: Iterable[Appointment]) -> set[int]:
    """The coming dry needling visits whose planned areas the patient's current screening no
    longer clears (the patient answered again since booking): one query for them all."""
    coming = [
        a
        for a in appointments
        if a.status in (Status.REQUESTED, Status.CONFIRMED)
        and a.type.needs_certification
        and a.planned_regions
    ]
    if not coming:
        return set()
    latest: dict[int, Screening] = {}
    for screening in (
        Screening.objects.filter(patient_id__in={a.patient_id for a in coming})
        .select_related("clinic")
        .order_by("patient_id", "-entered_at", "-id")
    ):
        latest.setdefault(screening.patient_id, screening)
    flagged = set()
    for a in coming:
        now = latest.get(a.patient_id)
        if now is None or now.pk == a.screening_id:
            continue
        if screening_is_current(now) and not all(now.decision.clears(r) for r in a.planned_regions):
            flagged.add(a.pk)
    return flagged
