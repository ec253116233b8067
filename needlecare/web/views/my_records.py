"""The patient's own copy of their records ("Download my records"), and the same copy produced
by clinical staff of the patient's clinic (therapists and clinic admins: it holds treatment
notes, which the front desk never sees). Each download is recorded as a read of the record."""

from django.http import HttpResponse
from django.utils import timezone

from needlecare.accounts.access import CLINICAL, AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.common.time import clinic_zone
from needlecare.patients.access import access_own_patient, access_patient
from needlecare.patients.models import Patient
from needlecare.reports.export import patient_records_zip


def _download(request: AuthedRequest, patient: Patient) -> HttpResponse:
    audit_read(actor=request.user, request=request, what="records export", patient_id=patient.pk)
    now = timezone.now()
    day = timezone.localtime(now, clinic_zone(patient.preferred_clinic)).date()
    response = HttpResponse(patient_records_zip(patient, now=now), content_type="application/zip")
    name = f"records-{patient.pk}-{day.isoformat()}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@allow(Role.PATIENT)
def my_records(request: AuthedRequest) -> HttpResponse:
    return _download(request, access_own_patient(request.user))


@allow(*CLINICAL)
def staff_records(request: AuthedRequest, patient_id: int) -> HttpResponse:
    return _download(request, access_patient(request.user, patient_id, roles=CLINICAL))
