import datetime as dt

from ninja import Router, Schema

from needlecare.accounts.access import AuthedRequest
from needlecare.audit.services import audit_read
from needlecare.common.schemas import Message
from needlecare.patients.access import access_patient
from needlecare.patients.models import Patient

router = Router(tags=["patients"])


class PhysicianOut(Schema):
    name: str
    practice: str
    phone: str
    fax: str
    email: str


class PatientOut(Schema):
    id: int
    first_name: str
    last_name: str
    date_of_birth: dt.date
    email: str
    phone: str
    preferred_clinic: str
    referring_physician: PhysicianOut | None


def _out(patient: Patient) -> PatientOut:
    doc = patient.referring_physician
    return PatientOut(
        id=patient.pk,
        first_name=patient.first_name,
        last_name=patient.last_name,
        date_of_birth=patient.date_of_birth,
        email=patient.email,
        phone=patient.phone,
        preferred_clinic=patient.preferred_clinic.slug,
        referring_physician=PhysicianOut(
            name=doc.name, practice=doc.practice, phone=doc.phone, fax=doc.fax, email=doc.email
        )
        if doc
        else None,
    )


@router.get(
    "/{int:patient_id}",
    response={200: PatientOut, 401: Message, 404: Message},
    summary="One patient's details (the patient themself, or staff of their clinic)",
)
def get_patient(request: AuthedRequest, patient_id: int) -> PatientOut:
    patient = access_patient(request.user, patient_id)
    audit_read(actor=request.user, request=request, what="details (API)", patient_id=patient.pk)
    return _out(patient)
