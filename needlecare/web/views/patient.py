from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from needlecare.accounts.access import AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.patients.access import access_own_patient
from needlecare.patients.services import patient_message_preferences_set, patient_update
from needlecare.screening.selectors import screening_current
from needlecare.web.forms import ContactDetailsForm, MessagePreferencesForm, attempt


@allow(Role.PATIENT)
def dashboard(request: AuthedRequest) -> HttpResponse:
    patient = access_own_patient(request.user)
    audit_read(actor=request.user, request=request, what="home", patient_id=patient.pk)
    context = {"patient": patient, "current": screening_current(patient)}
    return render(request, "patient/dashboard.html", context)


@allow(Role.PATIENT)
def message_preferences(request: AuthedRequest) -> HttpResponse:
    patient = access_own_patient(request.user)
    initial = {
        "by_email": patient.messages_by_email,
        "by_sms": patient.messages_by_sms,
        "reminders": patient.reminders_wanted,
    }
    form = MessagePreferencesForm(request.POST or None, initial=initial)
    outcome = attempt(
        form,
        lambda: patient_message_preferences_set(
            patient=patient, by=request.user, **form.cleaned_data
        ),
    )
    if outcome.done:
        messages.success(request, _("Your choices are saved."))
        return redirect("my-messages")
    context = {"patient": patient, "form": form}
    return render(request, "patient/messages.html", context, status=outcome.status)


@allow(Role.PATIENT)
def my_details(request: AuthedRequest) -> HttpResponse:
    patient = access_own_patient(request.user)
    initial = {name: getattr(patient, name) for name in ContactDetailsForm.keep}
    form = ContactDetailsForm(request.POST or None, initial=initial)
    if not form.is_bound:
        audit_read(actor=request.user, request=request, what="details", patient_id=patient.pk)
    outcome = attempt(
        form,
        lambda: patient_update(
            patient=patient, fields=list(form.fields), data=form.changes(), by=request.user
        ),
    )
    if outcome.done:
        messages.success(request, _("Your details are saved."))
        return redirect("patient-home")
    context = {"patient": patient, "form": form}
    return render(request, "record/my_details.html", context, status=outcome.status)
