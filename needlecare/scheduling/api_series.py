"""The courses-of-care API: book a course of visits in one step, and cancel the rest of one
(the front desk and clinic admins, as on the pages; the same services and refusals)."""

import datetime as dt
from typing import Literal

from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from needlecare.accounts.access import DESK, AuthedRequest, roles
from needlecare.common.schemas import Input, Message
from needlecare.patients.access import access_patient
from needlecare.scheduling.access import (
    access_appointment,
    access_bookable_type,
    access_clinic_therapist,
)
from needlecare.scheduling.api import AppointmentOut, _out
from needlecare.scheduling.series_reads import VisitChange
from needlecare.scheduling.services import appointment_series_book, appointment_series_cancel_rest
from needlecare.scheduling.services.series import COUNT_MAX, EVERY_MAX

router = Router(tags=["scheduling"])
ANSWERS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message}


class VisitChangeIn(Input):
    visit: int = Field(ge=1, le=COUNT_MAX, description="The visit's place in the course, from 1.")
    starts_at: dt.datetime
    therapist_id: int | None = None


class SeriesIn(Input):
    clinic: str
    type: str
    patient_id: int
    # Left out: anyone certified for the type (whoever is free for most of the visits).
    therapist_id: int | None = None
    first_start: dt.datetime
    every_days: int = Field(default=7, ge=1, le=EVERY_MAX)
    count: int = Field(ge=2, le=COUNT_MAX)
    planned_regions: list[str] = []
    # Times chosen instead of visits the course's rhythm puts where nothing is free (one of the
    # alternatives a 409 offered, within a few days of the visit's planned day).
    changes: list[VisitChangeIn] = []


class SeriesOut(Schema):
    series: str
    appointments: list[AppointmentOut]


class CancelRestIn(Input):
    reason: str
    # Who is ending the course: the clinic (default; never a late cancellation) or the patient
    # (a visit inside the late-cancellation window is then a late cancellation).
    kind: Literal["patient", "clinic"] = "clinic"


@router.post(
    "/series",
    auth=roles(*DESK),
    response={201: SeriesOut, **ANSWERS},
    summary=(
        "Book a course of visits (every N days, K visits) in one step: all or none; a 409 names "
        "each visit that is not free and the nearest free starts (front desk, clinic admins)"
    ),
)
def book_series(request: AuthedRequest, body: SeriesIn) -> Status[SeriesOut]:
    clinic, kind = access_bookable_type(request.user, body.clinic, body.type)
    patient = access_patient(request.user, body.patient_id, roles=DESK)
    if clinic.pk not in patient.clinic_ids():
        raise Http404("No such patient.")
    changes = {
        c.visit: VisitChange(
            c.starts_at,
            access_clinic_therapist(clinic, c.therapist_id).pk if c.therapist_id else None,
        )
        for c in body.changes
    }
    visits = appointment_series_book(
        patient=patient,
        clinic=clinic,
        type=kind,
        therapist=access_clinic_therapist(clinic, body.therapist_id) if body.therapist_id else None,
        first_start=body.first_start,
        every_days=body.every_days,
        count=body.count,
        planned_regions=body.planned_regions,
        booked_by=request.user,
        changes=changes,
    )
    return Status(
        201, SeriesOut(series=str(visits[0].series), appointments=[_out(a) for a in visits])
    )


@router.post(
    "/appointments/{int:appointment_id}/cancel-rest",
    auth=roles(*DESK),
    response={200: list[AppointmentOut], **ANSWERS},
    summary="Cancel this visit of a course and every later one still to come (front desk, admins)",
)
def cancel_rest(
    request: AuthedRequest, appointment_id: int, body: CancelRestIn
) -> list[AppointmentOut]:
    appointment = access_appointment(request.user, appointment_id, roles=DESK)
    cancelled = appointment_series_cancel_rest(
        appointment=appointment, reason=body.reason, by=request.user, kind=body.kind
    )
    return [_out(a) for a in cancelled]
