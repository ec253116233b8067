from django.http import HttpResponse
from django.shortcuts import render

from needlecare.accounts.access import AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.patients.access import access_own_patient
from needlecare.screening.selectors import screening_current


@allow(Role.PATIENT)
def dashboard(request: AuthedRequest) -> HttpResponse:
    patient = access_own_patient(request.user)
    context = {"patient": patient, "current": screening_current(patient)}
    return render(request, "patient/dashboard.html", context)
