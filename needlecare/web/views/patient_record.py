"""A patient's record as staff see it: the one place everything about the patient starts from.

Every member of staff of the patient's clinic sees the details (and changes them, audited),
the appointments, screenings and clearances, whether consent is in force and the messages sent,
and books, screens and records clearances from here; the front desk and clinic admins invite the
patient to an online account. Treatment sessions, outcome measures and letters are for
clinicians (therapists and clinic admins) only: the front desk never sees treatment notes.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlecare.accounts.access import CLINICAL, DESK, STAFF, AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.audit.selectors import read_events_filtered
from needlecare.audit.services import audit_read
from needlecare.charting.selectors import consent_status, sessions_of
from needlecare.common.time import clinic_zone
from needlecare.outbox.selectors import messages_to_patient
from needlecare.patients.access import access_patient
from needlecare.patients.models import Patient
from needlecare.patients.services import patient_invite, patient_update
from needlecare.scheduling.attendance import attendance_of, requests_only_given
from needlecare.scheduling.models import Status
from needlecare.scheduling.selectors import appointments_of, appointments_screening_changed
from needlecare.screening import selectors as screening_selectors
from needlecare.screening.policy import CONDITION_INFO, REGION_LABELS
from needlecare.web.forms import InvitationForm, PatientEditForm, attempt
from needlecare.web.mail import KIND_LABELS
from needlecare.web.screening_explain import DECISION_LABELS
from needlecare.web.views._visits import STATUS_BADGES

UPCOMING = (Status.REQUESTED, Status.CONFIRMED, Status.CHECKED_IN)
CONDITION_LABELS = {code: info.label for code, info in CONDITION_INFO.items()}


def _online(patient: Patient) -> str:
    """Where the patient stands online: "active", "invited" (no password chosen yet),
    "can_invite" (an email on record) or "no_email"."""
    user = patient.user
    if user is not None:
        return "invited" if not user.has_usable_password() and user.last_login is None else "active"
    return "can_invite" if patient.email else "no_email"


def _page(
    request: AuthedRequest,
    patient: Patient,
    *,
    invitation: InvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    clinical = request.user.role in CLINICAL
    now = timezone.now()
    appointments = appointments_of(patient)
    upcoming = [a for a in appointments if a.status in UPCOMING and a.ends_at >= now]
    attendance = attendance_of(patient, now=now)  # the last twelve months, at every clinic
    context = {
        "patient": patient,
        "clinical": clinical,
        "desk": request.user.role in DESK,
        "upcoming": upcoming,
        # Coming visits whose planned areas the patient's latest screening no longer clears.
        "flagged": appointments_screening_changed(upcoming),
        "past": [a for a in reversed(appointments) if a.status not in UPCOMING or a.ends_at < now],
        # Attended, cancelled, late-cancelled and missed over the last twelve months.
        "attendance": attendance,
        # From the same counts: no second read of the no-shows.
        "requests_only": requests_only_given(attendance, patient.preferred_clinic),
        "badges": {s.value: badge for s, badge in STATUS_BADGES.items()},
        "screenings": screening_selectors.screenings_of(patient)[:10],
        "current": screening_selectors.screening_current(patient),
        "clearances": screening_selectors.clearances_of(patient),
        "consent": consent_status(patient, patient.preferred_clinic),
        "sessions": list(sessions_of(patient)) if clinical else [],
        "messages_sent": messages_to_patient(patient.pk),
        "kind_labels": KIND_LABELS,
        "region_labels": REGION_LABELS,
        "decision_labels": DECISION_LABELS,
        "condition_labels": CONDITION_LABELS,
        "online": _online(patient),
        "invitation": invitation or InvitationForm(),
        # Who looked at this patient: for clinic admins, the latest views (this one included).
        "reads": read_events_filtered([patient.pk])[:10]
        if request.user.role == Role.CLINIC_ADMIN
        else None,
    }
    with timezone.override(clinic_zone(patient.preferred_clinic)):
        return render(request, "record/patient.html", context, status=status)


@allow(*STAFF)
def record(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, roles=STAFF)
    audit_read(actor=request.user, request=request, what="record", patient_id=patient.pk)
    return _page(request, patient)


@allow(*STAFF)
def edit(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, roles=STAFF)
    initial = {name: getattr(patient, name) for name in PatientEditForm.keep}
    form = PatientEditForm(request.POST or None, initial=initial)
    outcome = attempt(
        form,
        lambda: patient_update(
            patient=patient, fields=list(form.fields), data=form.changes(), by=request.user
        ),
    )
    if outcome.done:
        messages.success(request, f"{patient.full_name}'s details are saved.")
        return redirect("staff-patient", patient_id=patient.pk)
    context = {"patient": patient, "form": form}
    return render(request, "record/edit.html", context, status=outcome.status)


@allow(*DESK)
@require_POST
def invite(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, roles=DESK)
    form = InvitationForm(request.POST)
    outcome = attempt(form, lambda: patient_invite(patient=patient, by=request.user))
    if outcome.done:
        messages.success(request, f"The invitation is on its way to {patient.email}.")
        return redirect("staff-patient", patient_id=patient.pk)
    return _page(request, patient, invitation=form, status=outcome.status)
