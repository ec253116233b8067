"""Screening pages: the questionnaire (patient and staff), results, clearances, policy."""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from needlecare.accounts.access import STAFF, AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.clinics.access import access_clinic
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_today
from needlecare.patients.access import access_own_patient, access_patient
from needlecare.patients.models import Patient
from needlecare.reports.services import clearance_request_create
from needlecare.scheduling.selectors import visit_today
from needlecare.scheduling.services import screening_record_for_visits
from needlecare.screening import selectors, services
from needlecare.screening.access import access_clearance, access_screening
from needlecare.screening.letters import SIGNATURES
from needlecare.screening.models import Screening
from needlecare.screening.policy import CONDITION_INFO, CONDITIONS, REGION_LABELS
from needlecare.screening.wording import policy_text
from needlecare.web.forms import attempt
from needlecare.web.screening_explain import DECISION_LABELS, clinical, explain, shared_reasons
from needlecare.web.screening_forms import (
    EFFECT_LABELS,
    ClearanceForm,
    IntakeForm,
    PolicyChangeForm,
)

CLEARING = (Role.FRONT_DESK, Role.THERAPIST, Role.CLINIC_ADMIN)


def _questionnaire(request: AuthedRequest, patient: Patient, *, staff: bool) -> HttpResponse:
    form = IntakeForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        # Through scheduling: a coming visit the new answers no longer clear is flagged at once.
        screening = screening_record_for_visits(
            patient=patient,
            intake=form.intake(),
            indications=form.cleaned_data["indications"],
            details=form.details(),
            by=request.user,
        )
        target = "staff-screening" if staff else "screening-result"
        return redirect(target, screening_id=screening.pk)
    context = {"form": form, "patient": patient, "staff": staff}
    return render(
        request, "screening/questionnaire.html", context, status=400 if form.errors else 200
    )


@allow(Role.PATIENT)
def questionnaire(request: AuthedRequest) -> HttpResponse:
    return _questionnaire(request, access_own_patient(request.user), staff=False)


@allow(*STAFF)
def staff_questionnaire(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, roles=STAFF)
    return _questionnaire(request, patient, staff=True)


def _result_context(screening: Screening) -> dict[str, Any]:
    decision = screening.decision
    return {
        "screening": screening,
        "regions": explain(screening),
        "shared": shared_reasons(decision),
        "shared_messages": [policy_text(r.message) for r in shared_reasons(decision)],
        "current": selectors.screening_is_current(screening),
        "clinic": screening.clinic,
        "any_cleared": bool(decision.cleared_regions()),
        "needs_clearance": bool(decision.with_effect("physician_clearance_required")),
        "decision_label": DECISION_LABELS[decision.decision],
        "policy_name": screening.policy.content.get("name", ""),
    }


@allow(Role.PATIENT)
def result(request: AuthedRequest, screening_id: int) -> HttpResponse:
    screening = access_screening(request.user, screening_id, roles=(Role.PATIENT,))
    audit_read(actor=request.user, request=request, what="screening", targets=[screening])
    return render(request, "screening/result.html", _result_context(screening))


@allow(Role.PATIENT)
@require_POST
def confirm(request: AuthedRequest, screening_id: int) -> HttpResponse:
    screening = access_screening(request.user, screening_id, roles=(Role.PATIENT,))
    if not selectors.screening_is_current(screening):
        messages.error(
            request,
            gettext("This screening is no longer current; please answer the questions again."),
        )
        return redirect("screening")
    services.screening_confirm(screening=screening, by=request.user)
    if visit_today(screening.patient):
        messages.success(
            request, gettext("Thank you. Your answers are confirmed for today's visit.")
        )
    else:
        messages.success(request, gettext("Thank you: we have noted that nothing has changed."))
    return redirect("screening-result", screening_id=screening.pk)


@allow(Role.PATIENT)
@require_POST
def clearance_letter_for_me(request: AuthedRequest, screening_id: int) -> HttpResponseBase:
    """The patient takes the clinic's request for a recommendation to their own physician."""
    screening = access_screening(request.user, screening_id, roles=(Role.PATIENT,))
    try:
        letter = clearance_request_create(patient=screening.patient, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("screening-result", screening_id=screening.pk)
    audit_read(actor=request.user, request=request, what="letter PDF", targets=[letter])
    return FileResponse(
        letter.pdf.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename="letter-for-your-physician.pdf",
    )


@allow(*STAFF)
def staff_result(request: AuthedRequest, screening_id: int) -> HttpResponse:
    screening = access_screening(request.user, screening_id, roles=STAFF)
    audit_read(actor=request.user, request=request, what="screening", targets=[screening])
    context = _result_context(screening) | {
        "staff": True,
        "replayed": services.screening_replay(screening) == screening.decision,
    }
    return render(request, "screening/result.html", context)


def _clearance_initial(patient: Patient) -> dict[str, Any]:
    """Start from what needs clearing now, and the physician on file."""
    screening = selectors.screening_current(patient)
    waiting = screening.decision.with_effect("physician_clearance_required") if screening else ()
    doctor = patient.referring_physician
    return {
        "condition": waiting[0].code if waiting else None,
        "physician_name": doctor.name if doctor else "",
    }


@allow(*CLEARING)
def clearance_new(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, roles=CLEARING)
    form = ClearanceForm(
        request.POST or None, request.FILES or None, initial=_clearance_initial(patient)
    )
    outcome = attempt(
        form,
        lambda: services.clearance_record(
            patient=patient,
            condition=form.cleaned_data["condition"],
            physician_name=form.cleaned_data["physician_name"],
            cleared_on=form.cleaned_data["cleared_on"],
            note=form.cleaned_data["note"],
            letter=form.cleaned_data["letter"],
            by=request.user,
        ),
    )
    if outcome.value is not None:
        _, redecided = outcome.value
        if redecided is not None:
            messages.success(request, "Clearance recorded; the screening was decided again.")
            return redirect("staff-screening", screening_id=redecided.pk)
        messages.success(request, "Clearance recorded. It applies to the patient's next screening.")
        return redirect("staff-patient", patient_id=patient.pk)
    context = {"form": form, "patient": patient}
    return render(request, "screening/clearance_new.html", context, status=outcome.status)


@allow(*STAFF)
def clearance_letter(request: AuthedRequest, clearance_id: int) -> FileResponse:
    clearance = access_clearance(request.user, clearance_id)
    if not clearance.letter:
        raise Http404("No letter on file.")
    audit_read(actor=request.user, request=request, what="clearance letter", targets=[clearance])
    handle = clearance.letter.open("rb")
    head = handle.read(16)
    handle.seek(0)
    content_type = next(
        (t for magic, t, _ in SIGNATURES if head.startswith(magic)), "application/octet-stream"
    )
    return FileResponse(
        handle,
        as_attachment=True,
        content_type=content_type,
        filename=(clearance.letter.name or "letter").rsplit("/", 1)[-1],
    )


@allow(*STAFF)
def worklist(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug)
    rows = [
        (s, [clinical(r, s) for r in s.decision.reasons if r.effect != "precaution"])
        for s in selectors.clearance_worklist([clinic.pk])
    ]
    audit_read(
        actor=request.user, request=request, what="screening worklist", targets=[s for s, _ in rows]
    )
    return render(request, "screening/worklist.html", {"clinic": clinic, "rows": rows})


@allow(Role.CLINIC_ADMIN)
def policy(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=(Role.CLINIC_ADMIN,))
    today = clinic_today(clinic)
    in_force = selectors.policy_in_force(clinic, on=today)
    form = PolicyChangeForm(request.POST or None, initial={"effective_from": today})
    outcome = attempt(
        form,
        lambda: services.policy_rule_change(
            clinic=clinic,
            condition=form.cleaned_data["condition"],
            rule=form.cleaned_data["rule"],
            effective_from=form.cleaned_data["effective_from"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        ),
    )
    if outcome.done:
        messages.success(request, "The new policy is published.")
        return redirect("staff-policy", slug=clinic.slug)
    rules = [
        {
            "info": info,
            "rule": in_force.rules[info.code],
            "effect_label": EFFECT_LABELS[in_force.rules[info.code].effect],
            "cleared_label": EFFECT_LABELS.get(in_force.rules[info.code].cleared_effect or "", ""),
            "region_labels": [REGION_LABELS.get(r, r) for r in in_force.rules[info.code].regions],
        }
        for info in CONDITIONS
    ]
    context = {
        "clinic": clinic,
        "policy": in_force,
        "rules": rules,
        "form": form,
        "history": selectors.policy_history(clinic),
        "condition_info": CONDITION_INFO,
    }
    return render(request, "screening/policy.html", context, status=outcome.status)
