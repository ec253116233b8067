"""Staff pages for one appointment: check in, complete, no-show, cancel, move.

Who may do what: every member of staff may check a patient in or complete a visit; confirming a
request, marking a no-show, cancelling and moving are for the front desk and clinic admins (a
therapist asks the front desk).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from needlecare.accounts.access import DESK, STAFF, AuthedRequest, allow
from needlecare.common.time import clinic_zone
from needlecare.scheduling import selectors
from needlecare.scheduling.access import access_appointment
from needlecare.scheduling.models import Appointment, Status
from needlecare.scheduling.services import (
    TRANSITION_ROLES,
    TRANSITIONS,
    appointment_cancel,
    appointment_transition,
)
from needlecare.web.forms import attempt
from needlecare.web.scheduling_forms import CancelForm, TransitionForm
from needlecare.web.views._booking_steps import CHANGEABLE
from needlecare.web.views._visits import visit_of
from needlecare.web.views.booking import move_page

# How each step's button reads.
TRANSITION_LABELS = {
    "confirm": "Confirm",
    "check_in": "Check in",
    "complete": "Complete",
    "no_show": "Mark no-show",
}


def _actions(user_role: str, appointment: Appointment) -> list[tuple[str, str]]:
    return [
        (action, TRANSITION_LABELS[action])
        for action, (before, _) in TRANSITIONS.items()
        if appointment.status == before and user_role in TRANSITION_ROLES[action]
    ]


# --- One appointment ----------------------------------------------------------------------------


def _appointment_page(
    request: AuthedRequest,
    appointment: Appointment,
    *,
    transition_form: TransitionForm | None = None,
    cancel_form: CancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    zone = clinic_zone(appointment.clinic)
    role = request.user.role
    local = timezone.localtime(appointment.starts_at, zone)
    context = {
        "appointment": appointment,
        "visit": visit_of(
            appointment, zone, flagged=selectors.appointments_screening_changed([appointment])
        ),
        "clinic": appointment.clinic,
        "actions": _actions(role, appointment),
        "desk": role in DESK,
        "changeable": appointment.status in CHANGEABLE,
        "transition_form": transition_form,
        "cancel_form": cancel_form or CancelForm(),
        "day_link": reverse("staff-schedule", args=[appointment.clinic.slug])
        + f"?day={local.date().isoformat()}",
    }
    with timezone.override(zone):
        return render(request, "schedule/appointment.html", context, status=status)


@allow(*STAFF)
def appointment(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    return _appointment_page(request, access_appointment(request.user, appointment_id, roles=STAFF))


def _safe_next(request: AuthedRequest, target: str) -> str | None:
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@allow(*STAFF)
@require_POST
def transition(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id, roles=STAFF)
    form = TransitionForm(request.POST)
    outcome = attempt(
        form,
        lambda: appointment_transition(
            appointment=appointment, action=form.cleaned_data["action"], by=request.user
        ),
    )
    if outcome.done:
        label = Status(appointment.status).label.lower()
        messages.success(request, f"{appointment.patient.full_name}: {label}.")
        back = _safe_next(request, form.cleaned_data["next"])
        return redirect(back or reverse("staff-appointment", args=[appointment.pk]))
    return _appointment_page(request, appointment, transition_form=form, status=outcome.status)


@allow(*DESK)
@require_POST
def cancel(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id, roles=DESK)
    form = CancelForm(request.POST)
    outcome = attempt(
        form,
        lambda: appointment_cancel(
            appointment=appointment, reason=form.cleaned_data["reason"], by=request.user
        ),
    )
    if outcome.done:
        messages.success(request, f"{appointment.patient.full_name}'s appointment is cancelled.")
        return redirect("staff-appointment", appointment_id=appointment.pk)
    return _appointment_page(request, appointment, cancel_form=form, status=outcome.status)


@allow(*DESK)
def move(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id, roles=DESK)
    back = reverse("staff-appointment", args=[appointment.pk])
    return move_page(request, appointment, any_therapist=True, back=back, done=back)
