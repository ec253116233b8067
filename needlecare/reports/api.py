"""The letters API: a patient's letters, listed and downloaded as PDF.

A patient reads their own letters; clinical staff of their clinic read theirs.
"""

import datetime as dt

from django.http import HttpResponse
from django.urls import reverse
from ninja import Router, Schema

from needlecare.accounts.access import CLINICAL, AuthedRequest, roles
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.common.schemas import Message
from needlecare.patients.access import access_patient
from needlecare.reports.access import access_letter
from needlecare.reports.models import Letter
from needlecare.reports.selectors import letters_of

router = Router(tags=["letters"])
PATIENT_OR_CLINICAL = (Role.PATIENT, *CLINICAL)


class LetterOut(Schema):
    id: int
    kind: str
    recipient: str
    created_at: dt.datetime
    download: str


@router.get(
    "/patients/{int:patient_id}/letters",
    auth=roles(*PATIENT_OR_CLINICAL),
    response={200: list[LetterOut], 401: Message, 404: Message},
    summary="A patient's letters (the patient, or clinical staff of their clinic)",
)
def letters(request: AuthedRequest, patient_id: int) -> list[LetterOut]:
    patient = access_patient(request.user, patient_id, roles=PATIENT_OR_CLINICAL)
    audit_read(
        actor=request.user,
        request=request,
        what="letters (API)",
        targets=[Letter],
        patient_id=patient.pk,
    )
    return [
        LetterOut(
            id=letter.pk,
            kind=letter.kind,
            recipient=letter.recipient,
            created_at=letter.created_at,
            download=reverse("api:letter_pdf", args=[letter.pk]),
        )
        for letter in letters_of(patient)
    ]


@router.get(
    "/letters/{int:letter_id}.pdf",
    auth=roles(*PATIENT_OR_CLINICAL),
    url_name="letter_pdf",
    response={200: None, 401: Message, 404: Message},
    summary="Download one letter as PDF (the patient, or clinical staff of their clinic)",
)
def letter_pdf(request: AuthedRequest, letter_id: int) -> HttpResponse:
    letter = access_letter(request.user, letter_id, roles=PATIENT_OR_CLINICAL)
    audit_read(actor=request.user, request=request, what="letter PDF (API)", targets=[letter])
    response = HttpResponse(letter.pdf.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{letter.pk}.pdf"'
    return response
