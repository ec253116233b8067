"""The outcome measures API: a patient's completed measures, read and recorded.

A patient reads and answers their own; clinical staff of their clinic read them, and a
therapist enters one at the clinic. The front desk never sees them.
"""

import datetime as dt

from ninja import Router, Schema, Status

from needlecare.accounts.access import CLINICAL, AuthedRequest, roles
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.common.schemas import Input, Message
from needlecare.outcomes.models import MeasureResponse
from needlecare.outcomes.selectors import measures_of
from needlecare.outcomes.services import measure_record
from needlecare.patients.access import access_patient

router = Router(tags=["outcomes"])
PATIENT_OR_CLINICAL = (Role.PATIENT, *CLINICAL)


class MeasureIn(Input):
    instrument: str
    answers: dict[str, int | None]
    labels: dict[str, str] = {}


class MeasureOut(Schema):
    id: int
    instrument: str
    version: str
    value: float
    band: str
    answered: int
    completed_at: dt.datetime


def _measure_out(m: MeasureResponse) -> MeasureOut:
    return MeasureOut(
        id=m.pk,
        instrument=m.instrument,
        version=m.version,
        value=m.value,
        band=m.band,
        answered=m.answered,
        completed_at=m.completed_at,
    )


@router.get(
    "/patients/{int:patient_id}/measures",
    auth=roles(*PATIENT_OR_CLINICAL),
    response={200: list[MeasureOut], 401: Message, 404: Message},
    summary="A patient's outcome measures (the patient, or clinical staff of their clinic)",
)
def measures(request: AuthedRequest, patient_id: int) -> list[MeasureOut]:
    patient = access_patient(request.user, patient_id, roles=PATIENT_OR_CLINICAL)
    audit_read(
        actor=request.user,
        request=request,
        what="outcome measures (API)",
        targets=[MeasureResponse],
        patient_id=patient.pk,
    )
    return [_measure_out(m) for m in measures_of(patient)]


@router.post(
    "/patients/{int:patient_id}/measures",
    auth=roles(Role.PATIENT, Role.THERAPIST),
    response={201: MeasureOut, 400: Message, 401: Message, 403: Message, 404: Message},
    summary="Record a completed outcome measure (the patient, or a therapist of their clinic)",
)
def measure_add(request: AuthedRequest, patient_id: int, body: MeasureIn) -> Status[MeasureOut]:
    patient = access_patient(request.user, patient_id, roles=(Role.PATIENT, Role.THERAPIST))
    response = measure_record(
        patient=patient,
        instrument=body.instrument,
        answers=body.answers,
        labels=body.labels,
        by=request.user,
    )
    return Status(201, _measure_out(response))
