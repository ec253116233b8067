"""Staff pages for one appointment: check in, complete, no-show, cancel, move.

Who may do what: every member of staff may check a patient in or complete a visit; confirming a
request, marking a no-show, cancelling and moving are for the front desk and clinic admins (a
therapist asks the front desk). When: the attendance rules (`scheduling.attendance`); the page
says when a step opens, and inside the late-cancellation window the cancel form asks whether it
is a late cancellation or the clinic's.
"""

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from needlecare.accounts.access import DESK, STAFF, AuthedRequest, allow
from needlecare.audit.services import audit_read
from needlecare.common.time import clinic_zone
from needlecare.scheduling import attendance, selectors
from needlecare.scheduling.access import access_appointment
from needlecare.scheduling.models import Appointment, Status
from needlecare.scheduling.services import (
    TRANSITION_ROLES,
    TRANSITIONS,
    appointment_cancel,
    appointment_transition,
)
from needlecare.web.forms import attempt
from needlecare.web.scheduling_forms import StaffCancelForm, TransitionForm
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


def _not_yet(
    actions: list[tuple[str, str]], appointment: Appointment, now: dt.datetime
) -> list[str]:
    """When each step offered but not open yet opens, in the services' own words."""
    rules = {"check_in": attendance.check_in_refusal, "no_show": attendance.no_show_refusal}
    refusals = (rules[action](appointment, now) for action, _ in actions if action in rules)
    return [refusal.message for refusal in refusals if refusal is not None]


def _window_note(appointment: Appointment, now: dt.datetime) -> str:
    """Where the visit stands against the clinic's late-cancellation window, for the desk."""
    opens = attendance.late_window_opens(appointment)
    if opens is None:
        return ""
    if now >= opens:
        return (
            f"{attendance.late_window_words(appointment, now)}: the patient cannot change it "
            "online, and a cancellation is recorded as a late cancellation or the clinic's."
        )
    clinic = appointment.clinic
    return (
        f"The late-cancellation window opens at {attendance.clock_words(clinic, opens, now)}, "
        f"{attendance.hours_words(clinic.late_cancel_hours)} before the visit: from then the "
        "patient calls to change it."
    )


def cancel_form_for(appointment: Appointment, data: object = None) -> StaffCancelForm:
    """Inside the late-cancellation window, the form asks who called the visit off."""
    late = attendance.in_late_window(appointment, timezone.now())
    return StaffCancelForm(data, late=late)


# --- One appointment ----------------------------------------------------------------------------


def _appointment_page(
    request: AuthedRequest,
    appointment: Appointment,
    *,
    transition_form: TransitionForm | None = None,
    cancel_form: StaffCancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    zone = clinic_zone(appointment.clinic)
    role = request.user.role
    local = timezone.localtime(appointment.starts_at, zone)
    now = timezone.now()
    actions = _actions(role, appointment)
    # Staff change a visit until it starts (patients not inside the late-cancellation window).
    started = attendance.change_refusal(appointment, by_patient=False, now=now)
    changeable = appointment.status in CHANGEABLE
    context = {
        "appointment": appointment,
        "visit": visit_of(
            appointment, zone, flagged=selectors.appointments_screening_changed([appointment])
        ),
        "clinic": appointment.clinic,
        "actions": actions,
        "not_yet": _not_yet(actions, appointment, now),
        "desk": role in DESK,
        "changeable": changeable and started is None,
        "started": started.message if changeable and started is not None else "",
        "window_note": _window_note(appointment, now) if changeable and not started else "",
        "transition_form": transition_form,
        "cancel_form": cancel_form or cancel_form_for(appointment),
        "day_link": reverse("staff-schedule", args=[appointment.clinic.slug])
        + f"?day={local.date().isoformat()}",
    }
    audit_read(actor=request.user, request=request, what="appointment", targets=[appointment])
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
    form = cancel_form_for(appointment, request.POST)
    outcome = attempt(
        form,
        lambda: appointment_cancel(
            appointment=appointment,
            reason=form.cleaned_data["reason"],
            by=request.user,
            kind=form.cleaned_data["kind"],
        ),
    )
    if outcome.done:
        late = appointment.status == Status.LATE_CANCELLED
        recorded = ", recorded as a late cancellation" if late else ""
        name = appointment.patient.full_name
        messages.success(request, f"{name}'s appointment is cancelled{recorded}.")
        return redirect("staff-appointment", appointment_id=appointment.pk)
    return _appointment_page(request, appointment, cancel_form=form, status=outcome.status)


@allow(*DESK)
def move(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id, roles=DESK)
    back = reverse("staff-appointment", args=[appointment.pk])
    return move_page(request, appointment, any_therapist=True, back=back, done=back)
