"""Patient pages for booking: book online, and move an appointment to another time.

Moving goes through `move_page`, which the front desk's move page shares.
"""

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from needlecare.accounts.access import AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.clinics.selectors import clinic_therapists
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.access import access_own_patient
from needlecare.scheduling import selectors
from needlecare.scheduling.access import access_appointment
from needlecare.scheduling.models import Appointment
from needlecare.scheduling.services import appointment_reschedule
from needlecare.web.forms import add_domain_error
from needlecare.web.scheduling_forms import MoveForm
from needlecare.web.views._booking_steps import (
    CHANGEABLE,
    WEEK,
    booking_steps,
    group_slots,
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
    zone = clinic_zone(clinic)
    try:
        first = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        first = timezone.localtime(appointment.starts_at, zone).date()
    first = max(first, today)
    last = first + WEEK - dt.timedelta(days=1)
    form = MoveForm(request.POST if request.method == "POST" else None)
    rows = clinic_therapists(clinic, on=today)
    therapists = {row.therapist.pk: row.therapist for row in rows}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            chosen = form.cleaned_data["slot"]
            therapist = therapists.get(chosen.therapist_id)
            if therapist is None or not (
                any_therapist or chosen.therapist_id == appointment.therapist_id
            ):
                form.add_error("slot", "Choose one of the times offered.")
            else:
                try:
                    moved = appointment_reschedule(
                        appointment=appointment,
                        starts_at=chosen.start,
                        therapist=therapist,
                        by=request.user,
                    )
                except DomainError as exc:
                    add_domain_error(form, exc)
                    status = exc.status
                else:
                    when = timezone.localtime(moved.starts_at, zone)
                    messages.success(
                        request,
                        f"Moved to {when:%A, %B %-d at %-I:%M %p} with "
                        f"{moved.therapist.user.full_name}.",
                    )
                    return redirect(done)
        if form.errors and status == 200:
            status = 400
    slots = (
        selectors.slots_for(
            clinic=clinic,
            type=appointment.type,
            first_day=first,
            last_day=last,
            therapist_ids=None if any_therapist else [appointment.therapist_id],
            patient=appointment.patient,
            not_before=timezone.now(),
            ignore_appointment=appointment.pk,
        )
        if appointment.status in CHANGEABLE
        else []
    )
    names = {pk: t.user.full_name for pk, t in therapists.items()}
    context = {
        "appointment": appointment,
        "clinic": clinic,
        "form": form,
        "days": group_slots(slots, names=names, clinic=clinic),
        "first_day": first,
        "last_day": last,
        "earlier": f"?from={(first - WEEK).isoformat()}" if first > today else "",
        "later": f"?from={(first + WEEK).isoformat()}",
        "any_therapist": any_therapist,
        "changeable": appointment.status in CHANGEABLE,
        "back": back,
        "staff": not request.user.is_patient,
    }
    with timezone.override(zone):
        return render(request, "booking/move.html", context, status=status)


@allow(Role.PATIENT)
def move(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id, roles=(Role.PATIENT,))
    back = reverse("my-appointments")
    return move_page(request, appointment, any_therapist=False, back=back, done=back)
