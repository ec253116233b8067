"""Patient pages for booking: book online, and move an appointment to another time.

Moving goes through `move_page`, which the front desk's move page shares.
"""

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from needlecare.accounts.access import AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.clinics.models import Therapist
from needlecare.clinics.selectors import clinic_therapists
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.access import access_own_patient
from needlecare.scheduling import attendance
from needlecare.scheduling.access import access_appointment
from needlecare.scheduling.models import Appointment
from needlecare.scheduling.services import appointment_reschedule
from needlecare.web.forms import Outcome, attempt
from needlecare.web.patient_words import worded
from needlecare.web.scheduling_forms import MoveForm
from needlecare.web.views._booking_steps import (
    CHANGEABLE,
    booking_steps,
    check_offered,
    free_times,
    when_words,
)


@allow(Role.PATIENT)
def book_online(request: AuthedRequest) -> HttpResponse:
    return booking_steps(
        request, patient=access_own_patient(request.user), clinic=None, staff=False
    )


# --- Moving an appointment (patients here; the front desk through the same helper) -----------


def move_page(
    request: AuthedRequest,
    appointment: Appointment,
    *,
    any_therapist: bool,
    back: str,
    done: str,
) -> HttpResponse:
    """Free times from a day on (7 days shown); POST moves the appointment to the one chosen."""
    clinic = appointment.clinic
    today = clinic_today(clinic)
    therapists = {row.therapist.pk: row.therapist for row in clinic_therapists(clinic, on=today)}
    form = MoveForm(request.POST if request.method == "POST" else None)
    # Any of the clinic's therapists when the front desk moves it, else the same one as before.
    offered = set(therapists) if any_therapist else set(therapists) & {appointment.therapist_id}
    check_offered(form, offered)
    outcome = _reschedule(request, appointment, form, therapists)
    if outcome.value is not None:
        moved = outcome.value
        messages.success(
            request,
            gettext("Moved to %(when)s with %(therapist)s.")
            % {"when": when_words(moved), "therapist": moved.therapist.user.full_name},
        )
        return redirect(done)
    # Started, or (for its patient) inside the late-cancellation window: said, no times offered.
    refusal = attendance.change_refusal(
        appointment, by_patient=request.user.is_patient, now=timezone.now()
    )
    changeable = appointment.status in CHANGEABLE and refusal is None
    context = {
        "appointment": appointment,
        "clinic": clinic,
        "form": form,
        "any_therapist": any_therapist,
        "changeable": changeable,
        "refusal": attendance.refusal_words(appointment, refusal) if refusal else "",
        "back": back,
        "staff": not request.user.is_patient,
    }
    if changeable:
        context |= free_times(
            clinic=clinic,
            kind=appointment.type,
            patient=appointment.patient,
            first=_first_day(request, appointment, today),
            therapist_ids=None if any_therapist else [appointment.therapist_id],
            names={pk: t.user.full_name for pk, t in therapists.items()},
            week_link=lambda day: f"?from={day.isoformat()}",
            ignore_appointment=appointment.pk,
        )
    with timezone.override(clinic_zone(clinic)):
        return render(request, "booking/move.html", context, status=outcome.status)


def _reschedule(
    request: AuthedRequest,
    appointment: Appointment,
    form: MoveForm,
    therapists: dict[int, Therapist],
) -> Outcome[Appointment]:
    """The move to the time chosen, if the form holds one; its refusal put on the form."""
    return attempt(
        form,
        worded(
            lambda: appointment_reschedule(
                appointment=appointment,
                starts_at=form.cleaned_data["slot"].start,
                therapist=therapists[form.cleaned_data["slot"].therapist_id],
                by=request.user,
            )
        ),
    )


def _first_day(request: AuthedRequest, appointment: Appointment, today: dt.date) -> dt.date:
    """The day asked for, else the appointment's own day; never a day already past."""
    try:
        first = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        first = timezone.localtime(appointment.starts_at, clinic_zone(appointment.clinic)).date()
    return max(first, today)


@allow(Role.PATIENT)
def move(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id, roles=(Role.PATIENT,))
    back = reverse("my-appointments")
    return move_page(request, appointment, any_therapist=False, back=back, done=back)
