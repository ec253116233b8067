"""The scheduling API: availability, booking, moving, cancelling, attendance (check-in, no-show,
completion) and lists: the same services, and so the same rules and refusals, as the pages."""

import datetime as dt
from typing import Literal

from django.http import Http404
from ninja import Query, Router, Schema, Status

from needlecare.accounts.access import STAFF, AuthedRequest, roles
from needlecare.audit.services import audit_read
from needlecare.clinics.access import access_clinic
from needlecare.clinics.selectors import therapists_at
from needlecare.common.errors import DomainError
from needlecare.common.schemas import Input, Message, Slug
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.access import access_own_patient, access_patient
from needlecare.patients.models import Patient
from needlecare.patients.selectors import patient_of
from needlecare.scheduling import selectors, services
from needlecare.scheduling.access import (
    access_appointment,
    access_bookable_type,
    access_clinic_therapist,
)
from needlecare.scheduling.models import Appointment

router = Router(tags=["scheduling"])
MAX_DAYS = 31


class SlotOut(Schema):
    start: dt.datetime
    end: dt.datetime
    therapist_id: int
    therapist: str


class AvailabilityQuery(Input):
    clinic: str
    type: str
    first_day: dt.date
    last_day: dt.date
    therapist_id: int | None = None


class AppointmentOut(Schema):
    id: int
    clinic: str
    type: str
    therapist_id: int
    therapist: str
    room: str
    patient_id: int
    patient: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    planned_regions: list[str]
    precautions: list[str]
    cancel_reason: str
    # Who called the visit off ("patient" or "clinic"), blank while it is not.
    cancelled_by: str


class BookIn(Input):
    clinic: str
    type: str
    therapist_id: int
    starts_at: dt.datetime
    planned_regions: list[str] = []
    patient_id: int | None = None


class RescheduleIn(Input):
    starts_at: dt.datetime
    therapist_id: int | None = None


class CancelIn(Input):
    reason: str
    # Who called it off. Inside the clinic's late-cancellation window staff must say: "patient"
    # records a late cancellation, "clinic" the clinic's own; patients cannot cancel then.
    # Left out otherwise: the patient's when the patient cancels, else the clinic's.
    kind: Literal["patient", "clinic"] | None = None


def _out(a: Appointment, *, for_patient: bool = False) -> AppointmentOut:
    return AppointmentOut(
        id=a.pk,
        clinic=a.clinic.slug,
        type=a.type.code,
        therapist_id=a.therapist_id,
        therapist=a.therapist.user.full_name,
        room=a.room.name,
        patient_id=a.patient_id,
        patient=a.patient.full_name,
        # In the clinic's own time, with its offset, as a person there would read it.
        starts_at=a.starts_at.astimezone(clinic_zone(a.clinic)),
        ends_at=a.ends_at.astimezone(clinic_zone(a.clinic)),
        status=a.status,
        planned_regions=a.planned_regions,
        precautions=[] if for_patient else [r.message for r in a.precaution_reasons],
        cancel_reason=a.cancel_reason,
        cancelled_by=a.cancelled_by,
    )


def _patient_to_book(request: AuthedRequest, patient_id: int | None) -> Patient:
    """A patient books for themself; staff name a patient of their clinic."""
    if request.user.is_patient:
        patient = access_own_patient(request.user)
        if patient_id not in (None, patient.pk):
            raise Http404("No such patient.")
        return patient
    if patient_id is None:
        raise DomainError("booking.no_patient", "Name the patient (patient_id).")
    return access_patient(request.user, patient_id, roles=STAFF)


@router.get(
    "/availability",
    response={200: list[SlotOut], 400: Message, 401: Message, 404: Message},
    summary="Free starts for a type at a clinic over up to 31 days (signed-in users)",
)
def availability(request: AuthedRequest, query: Query[AvailabilityQuery]) -> list[SlotOut]:
    clinic, kind = access_bookable_type(request.user, query.clinic, query.type)
    if query.last_day < query.first_day:
        raise DomainError("availability.days_reversed", "last_day comes before first_day.")
    if (query.last_day - query.first_day).days >= MAX_DAYS:
        raise DomainError("availability.too_long", f"Ask for at most {MAX_DAYS} days at a time.")
    ids = [access_clinic_therapist(clinic, query.therapist_id).pk] if query.therapist_id else None
    slots = (
        selectors.slots_for(
            clinic=clinic,
            type=kind,
            first_day=max(query.first_day, clinic_today(clinic)),
            last_day=query.last_day,
            therapist_ids=ids,
            not_before=dt.datetime.now(dt.UTC),
        )
        if query.last_day >= clinic_today(clinic)
        else []
    )
    names = dict(therapists_at(clinic).values_list("pk", "user__full_name"))
    zone = clinic_zone(clinic)
    return [
        SlotOut(
            start=s.start.astimezone(zone),
            end=s.end.astimezone(zone),
            therapist_id=s.therapist_id,
            therapist=names[s.therapist_id],
        )
        for s in slots
    ]


@router.post(
    "/appointments",
    response={
        201: AppointmentOut,
        400: Message,
        401: Message,
        403: Message,
        404: Message,
        409: Message,
    },
    summary="Book an appointment (a patient for themself, staff for a patient of their clinic)",
)
def book(request: AuthedRequest, body: BookIn) -> Status[AppointmentOut]:
    clinic, kind = access_bookable_type(request.user, body.clinic, body.type)
    patient = _patient_to_book(request, body.patient_id)
    appointment = services.appointment_book(
        patient=patient,
        clinic=clinic,
        type=kind,
        therapist=access_clinic_therapist(clinic, body.therapist_id),
        starts_at=body.starts_at,
        planned_regions=body.planned_regions,
        booked_by=request.user,
    )
    return Status(201, _out(appointment, for_patient=request.user.is_patient))


@router.post(
    "/appointments/{int:appointment_id}/reschedule",
    response={
        200: AppointmentOut,
        400: Message,
        401: Message,
        403: Message,
        404: Message,
        409: Message,
    },
    summary="Move an appointment to another free time (its patient, or staff of its clinic)",
)
def reschedule(request: AuthedRequest, appointment_id: int, body: RescheduleIn) -> AppointmentOut:
    appointment = access_appointment(request.user, appointment_id)
    therapist = (
        access_clinic_therapist(appointment.clinic, body.therapist_id)
        if body.therapist_id
        else None
    )
    moved = services.appointment_reschedule(
        appointment=appointment, starts_at=body.starts_at, therapist=therapist, by=request.user
    )
    return _out(moved, for_patient=request.user.is_patient)


@router.post(
    "/appointments/{int:appointment_id}/cancel",
    response={
        200: AppointmentOut,
        400: Message,
        401: Message,
        403: Message,
        404: Message,
        409: Message,
    },
    summary=(
        "Cancel an appointment with a reason (its patient, or staff of its clinic); inside the "
        "late-cancellation window staff only, saying who called it off"
    ),
)
def cancel(request: AuthedRequest, appointment_id: int, body: CancelIn) -> AppointmentOut:
    appointment = access_appointment(request.user, appointment_id)
    cancelled = services.appointment_cancel(
        appointment=appointment, reason=body.reason, by=request.user, kind=body.kind
    )
    return _out(cancelled, for_patient=request.user.is_patient)


# --- Attendance: staff of the visit's clinic (anyone else: not found) ------------------------

ATTENDANCE_ANSWERS = {200: AppointmentOut, 401: Message, 403: Message, 404: Message, 409: Message}


def _attendance(request: AuthedRequest, appointment_id: int, action: str) -> AppointmentOut:
    appointment = access_appointment(request.user, appointment_id, roles=STAFF)
    return _out(
        services.appointment_transition(appointment=appointment, action=action, by=request.user)
    )


@router.post(
    "/appointments/{int:appointment_id}/check-in",
    response=ATTENDANCE_ANSWERS,
    summary="Check the patient in, on the visit's day in the clinic's time (staff of its clinic)",
)
def check_in(request: AuthedRequest, appointment_id: int) -> AppointmentOut:
    return _attendance(request, appointment_id, "check_in")


@router.post(
    "/appointments/{int:appointment_id}/no-show",
    response=ATTENDANCE_ANSWERS,
    summary=(
        "Mark a confirmed visit a no-show, from its start plus the clinic's grace (front desk "
        "and clinic admins of its clinic)"
    ),
)
def no_show(request: AuthedRequest, appointment_id: int) -> AppointmentOut:
    return _attendance(request, appointment_id, "no_show")


@router.post(
    "/appointments/{int:appointment_id}/complete",
    response=ATTENDANCE_ANSWERS,
    summary="Complete a visit whose patient is checked in (staff of its clinic)",
)
def complete(request: AuthedRequest, appointment_id: int) -> AppointmentOut:
    return _attendance(request, appointment_id, "complete")


class DayQuery(Input):
    day: dt.date
    days: int = 1


@router.get(
    "/clinics/{slug}/appointments",
    auth=roles(*STAFF),
    response={200: list[AppointmentOut], 400: Message, 401: Message, 404: Message},
    summary="A clinic's appointments over one to seven days (staff of that clinic)",
)
def clinic_appointments(
    request: AuthedRequest, slug: Slug, query: Query[DayQuery]
) -> list[AppointmentOut]:
    clinic = access_clinic(request.user, slug)
    if not 1 <= query.days <= 7:
        raise DomainError("schedule.days_out_of_range", "Ask for one to seven days.")
    visits = list(selectors.appointments_for_day(clinic, query.day, days=query.days))
    if visits:  # a row for each visit, so each patient's trail shows it (one INSERT)
        audit_read(
            actor=request.user, request=request, what="clinic schedule (API)", targets=visits
        )
    return [_out(a) for a in visits]


@router.get(
    "/mine",
    response={200: list[AppointmentOut], 401: Message},
    summary="The signed-in patient's own appointments",
)
def mine(request: AuthedRequest) -> list[AppointmentOut]:
    patient = patient_of(request.user)
    if patient is None:
        return []
    audit_read(
        actor=request.user,
        request=request,
        what="appointments (API)",
        targets=[Appointment],
        patient_id=patient.pk,
    )
    return [_out(a, for_patient=True) for a in selectors.appointments_of(patient)]
