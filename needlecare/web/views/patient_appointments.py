"""Patient pages for their appointments: list and cancel them, and the waitlist and its offers.

Inside the clinic's late-cancellation window (or once a visit has started) the page offers no
cancel or move, and says why and whom to call; a request says why it waits for the clinic.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from needlecare.accounts.access import AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.access import access_own_patient
from needlecare.patients.models import Patient
from needlecare.scheduling import attendance, selectors
from needlecare.scheduling.access import access_appointment, access_own_waitlist_offer
from needlecare.scheduling.models import Appointment, Status
from needlecare.scheduling.services import (
    appointment_cancel,
    waitlist_join,
    waitlist_offer_accept,
    waitlist_offer_decline,
)
from needlecare.screening.selectors import screening_current
from needlecare.web.forms import add_domain_error, attempt
from needlecare.web.patient_words import patient_words, worded
from needlecare.web.scheduling_forms import CancelForm, ConfirmForm, WaitlistForm
from needlecare.web.views._booking_steps import CHANGEABLE, when_text

UPCOMING = (Status.REQUESTED, Status.CONFIRMED, Status.CHECKED_IN)


# --- The patient's appointments and waitlist ----------------------------------------------------


def _waitlist_form(patient: Patient, data: Any = None) -> WaitlistForm:
    screening = screening_current(patient)
    return WaitlistForm(
        data,
        types=selectors.appointment_types_offered(online_only=True),
        regions=list(screening.decision.cleared_regions()) if screening else [],
        today=clinic_today(patient.preferred_clinic),
        clinic=patient.preferred_clinic,
    )


def cancel_form(appointment: Appointment, data: Any = None) -> CancelForm:
    # One form per appointment on a page, so each needs ids of its own.
    return CancelForm(data, auto_id=f"cancel-{appointment.pk}-%s")


@dataclass
class AppointmentRow:
    appointment: Appointment
    cancel_form: CancelForm | None
    # Why the patient cannot cancel or move it online now (the window, or it has started).
    refusal: str = ""
    # Why a request waits for the clinic to confirm it, when its no-show setting says so.
    request_reason: str = ""


def _rows(
    patient: Patient,
    upcoming: list[Appointment],
    *,
    bound: Form | None,
    form_for: int | None,
    now: dt.datetime,
) -> list[AppointmentRow]:
    """Each coming visit with its cancel form, or why it cannot be changed online; a request
    with why it waits for the clinic."""
    reasons = {
        a.clinic_id: attendance.online_bookings_are_requests(patient, a.clinic, now=now)
        for a in upcoming
        if a.status == Status.REQUESTED
    }

    def row(a: Appointment) -> AppointmentRow:
        rule = reasons.get(a.clinic_id)
        why = rule.reason if rule is not None and a.status == Status.REQUESTED else ""
        if a.status not in CHANGEABLE:
            return AppointmentRow(a, None, request_reason=why)
        refusal = attendance.change_refusal(a, by_patient=True, now=now)
        if refusal is not None:
            words = attendance.refusal_words(a, refusal, now=now)
            return AppointmentRow(a, None, refusal=words, request_reason=why)
        if a.pk == form_for and isinstance(bound, CancelForm):
            return AppointmentRow(a, bound, request_reason=why)
        return AppointmentRow(a, cancel_form(a), request_reason=why)

    return [row(a) for a in upcoming]


def _appointments_page(
    request: AuthedRequest,
    patient: Patient,
    *,
    forms: dict[str, Form] | None = None,
    form_for: int | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = forms or {}
    now = timezone.now()
    rows = selectors.appointments_of(patient)
    upcoming = [a for a in rows if a.ends_at > now and a.status in UPCOMING]
    shown = {a.pk for a in upcoming}
    bound = forms.get("cancel")

    upcoming_rows = _rows(patient, upcoming, bound=bound, form_for=form_for, now=now)
    offers = selectors.waitlist_offers_open(patient)
    # A refusal about something the page no longer offers (an appointment already cancelled,
    # an offer already taken) is shown at the top instead of next to its form.
    shown_forms = [r.cancel_form for r in upcoming_rows] + (
        [forms["offer"]] if any(o.pk == form_for for o in offers) and "offer" in forms else []
    )
    stray = [
        str(error)
        for key in ("cancel", "offer")
        if key in forms and forms[key] not in shown_forms
        for errors in forms[key].errors.values()
        for error in errors
    ]
    # A visit that cannot be changed online now: why, rather than what the form lacked (a
    # reason asked for where there is no form to give it).
    refused = [r.refusal for r in upcoming_rows if r.refusal and r.appointment.pk == form_for]
    if refused and "cancel" in forms:
        stray = refused
    context = {
        "patient": patient,
        "upcoming": upcoming_rows,
        "stray_errors": stray,
        "past": [a for a in reversed(rows) if a.pk not in shown],
        "offers": offers,
        "waiting": selectors.waitlist_entries_waiting(patient),
        "offer_form": forms.get("offer"),
        "form_for": form_for,
        "waitlist_form": forms.get("waitlist") or _waitlist_form(patient),
    }
    audit_read(
        actor=request.user,
        request=request,
        what="appointments",
        targets=[Appointment],
        patient_id=patient.pk,
    )
    return render(request, "booking/appointments.html", context, status=status)


@allow(Role.PATIENT)
def my_appointments(request: AuthedRequest) -> HttpResponse:
    return _appointments_page(request, access_own_patient(request.user))


@allow(Role.PATIENT)
@require_POST
def cancel(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id, roles=(Role.PATIENT,))
    form = cancel_form(appointment, request.POST)
    outcome = attempt(
        form,
        worded(
            lambda: appointment_cancel(
                appointment=appointment, reason=form.cleaned_data["reason"], by=request.user
            )
        ),
    )
    if outcome.done:
        messages.success(request, gettext("Your appointment is cancelled."))
        return redirect("my-appointments")
    return _appointments_page(
        request,
        appointment.patient,
        forms={"cancel": form},
        form_for=appointment.pk,
        status=outcome.status,
    )


@allow(Role.PATIENT)
@require_POST
def offer_accept(request: AuthedRequest, offer_id: int) -> HttpResponse:
    patient = access_own_patient(request.user)
    offer = access_own_waitlist_offer(request.user, offer_id)
    try:
        appointment = waitlist_offer_accept(offer=offer, by=request.user)
    except DomainError as exc:
        exc.message = patient_words(exc.message)
        form = ConfirmForm({})
        add_domain_error(form, exc)
        return _appointments_page(
            request, patient, forms={"offer": form}, form_for=offer.pk, status=exc.status
        )
    when = timezone.localtime(appointment.starts_at, clinic_zone(appointment.clinic))
    messages.success(request, gettext("Booked: %(when)s.") % {"when": when_text(when)})
    return redirect("my-appointments")


@allow(Role.PATIENT)
@require_POST
def offer_decline(request: AuthedRequest, offer_id: int) -> HttpResponse:
    patient = access_own_patient(request.user)
    offer = access_own_waitlist_offer(request.user, offer_id)
    try:
        waitlist_offer_decline(offer=offer, by=request.user)
    except DomainError as exc:
        exc.message = patient_words(exc.message)
        form = ConfirmForm({})
        add_domain_error(form, exc)
        return _appointments_page(
            request, patient, forms={"offer": form}, form_for=offer.pk, status=exc.status
        )
    messages.success(request, gettext("Offer declined; you are still on the waitlist."))
    return redirect("my-appointments")


@allow(Role.PATIENT)
@require_POST
def waitlist(request: AuthedRequest) -> HttpResponse:
    patient = access_own_patient(request.user)
    form = _waitlist_form(patient, request.POST)

    def join() -> object:
        kind = form.cleaned_data["type"]
        return waitlist_join(
            patient=patient,
            clinic=kind.clinic,
            type=kind,
            first_day=form.cleaned_data["first_day"],
            last_day=form.cleaned_data["last_day"],
            planned_regions=form.cleaned_data.get("regions", [])
            if kind.needs_certification
            else [],
            by=request.user,
        )

    outcome = attempt(form, worded(join))
    if outcome.done:
        messages.success(
            request, gettext("You are on the waitlist. We will offer you a time if one comes free.")
        )
        return redirect("my-appointments")
    return _appointments_page(request, patient, forms={"waitlist": form}, status=outcome.status)
