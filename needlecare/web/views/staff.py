from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from needlecare.accounts.access import STAFF, AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.charting.services import notification_mark_read
from needlecare.clinics.access import access_clinic
from needlecare.clinics.models import Clinic
from needlecare.clinics.selectors import clinic_therapists
from needlecare.common.time import clinic_today
from needlecare.patients.selectors import SEARCH_TERM_MAX, SEARCH_TERM_TOO_LONG, patients_search
from needlecare.patients.services import patient_register_by_staff
from needlecare.web.forms import StaffPatientForm, attempt
from needlecare.web.views.errors import bad_request


@allow(*STAFF)
@require_POST
def notification_read(request: AuthedRequest, notification_id: int) -> HttpResponse:
    notification_mark_read(user=request.user, notification_id=notification_id)
    return redirect("staff-home")


@allow(*STAFF)
def clinic(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug)
    today = clinic_today(clinic)
    rows = clinic_therapists(clinic, on=today)
    return render(
        request,
        "staff/clinic.html",
        {
            "clinic": clinic,
            "therapists": rows,
            "today": today,
            "is_admin": request.user.role == Role.CLINIC_ADMIN,
        },
    )


@allow(*STAFF)
def patients(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug)
    query = request.GET.get("q", "").strip()
    if len(query) > SEARCH_TERM_MAX:
        return bad_request(request, SEARCH_TERM_TOO_LONG)
    page = Paginator(patients_search(clinic, query), 50).get_page(request.GET.get("page"))
    audit_read(actor=request.user, request=request, what="patient list", targets=list(page))
    return render(request, "staff/patients.html", {"clinic": clinic, "page": page, "q": query})


@allow(Role.FRONT_DESK, Role.CLINIC_ADMIN)
def patient_new(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=(Role.FRONT_DESK, Role.CLINIC_ADMIN))
    form = StaffPatientForm(request.POST or None, initial={"preferred_clinic": clinic})
    clinic_field = form.fields["preferred_clinic"]
    assert isinstance(clinic_field, forms.ModelChoiceField)
    clinic_field.queryset = Clinic.objects.filter(pk=clinic.pk)
    outcome = attempt(
        form,
        lambda: patient_register_by_staff(
            details=form.details(), clinic=clinic, by=request.user, physician=form.physician()
        ),
    )
    if outcome.value is not None:
        messages.success(request, f"{outcome.value.full_name} is registered.")
        return redirect("staff-patient", patient_id=outcome.value.pk)
    return render(
        request, "staff/patient_new.html", {"clinic": clinic, "form": form}, status=outcome.status
    )
