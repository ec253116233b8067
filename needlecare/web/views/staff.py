from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from needlecare.accounts.access import STAFF, AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.audit.selectors import audit_events_for_clinics
from needlecare.charting.selectors import notifications_unread
from needlecare.charting.services import notification_mark_read
from needlecare.clinics.access import access_clinic
from needlecare.clinics.models import Clinic
from needlecare.clinics.selectors import clinic_therapists, clinics_of
from needlecare.common.time import clinic_today
from needlecare.outbox.selectors import messages_failed, messages_to_patient
from needlecare.patients.access import access_patient
from needlecare.patients.selectors import patients_search
from needlecare.patients.services import patient_record_viewed, patient_register_by_staff
from needlecare.screening import selectors as screening_selectors
from needlecare.web.forms import StaffPatientForm, attempt
from needlecare.web.mail import KIND_LABELS


@allow(*STAFF)
def home(request: AuthedRequest) -> HttpResponse:
    clinics = clinics_of(request.user)
    failed = (
        messages_failed(c.pk for c in clinics)[:20]
        if request.user.role == Role.CLINIC_ADMIN
        else []
    )
    context = {
        "my_clinics": clinics,
        "notifications": notifications_unread(request.user)[:20],
        "failed": failed,
        "kind_labels": KIND_LABELS,
    }
    return render(request, "staff/home.html", context)


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
    page = Paginator(patients_search(clinic, query), 50).get_page(request.GET.get("page"))
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


@allow(*STAFF)
def patient_detail(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, roles=STAFF)
    patient_record_viewed(patient=patient, by=request.user)
    context = {
        "patient": patient,
        "screenings": screening_selectors.screenings_of(patient)[:10],
        "current": screening_selectors.screening_current(patient),
        "clearances": screening_selectors.clearances_of(patient),
        "messages_sent": messages_to_patient(patient.pk),
        "kind_labels": KIND_LABELS,
    }
    return render(request, "staff/patient_detail.html", context)


@allow(Role.CLINIC_ADMIN)
def audit_trail(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=(Role.CLINIC_ADMIN,))
    page = Paginator(audit_events_for_clinics([clinic.pk]), 100).get_page(request.GET.get("page"))
    return render(request, "staff/audit.html", {"clinic": clinic, "page": page})
