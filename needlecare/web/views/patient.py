from django.http import Http404, HttpResponse
from django.shortcuts import render

from needlecare.accounts.access import AuthedRequest, access_patient, allow
from needlecare.accounts.models import Role
from needlecare.patients.models import Patient
from needlecare.screening.selectors import screening_current


@allow(Role.PATIENT)
def dashboard(request: AuthedRequest) -> HttpResponse:
    own = Patient.objects.filter(user=request.user).values_list("pk", flat=True).first()
    if own is None:
        raise Http404("No patient record is linked to this account.")
    patient = access_patient(request.user, own)
    context = {"patient": patient, "current": screening_current(patient)}
    return render(request, "patient/dashboard.html", context)
