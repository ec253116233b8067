"""The booking steps and the helpers around them, shared by the patient's and the staff's pages.

The booking steps (`booking_steps`) are shared with the front desk's "book for a patient"
page: each choice is a GET parameter, so every step is a plain link or form; the confirm step
POSTs to the same address, and the service re-checks everything. The free times and the words
for a booked time are shared with the move pages.
"""

import datetime as dt
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext, gettext_lazy

from needlecare.accounts.access import AuthedRequest
from needlecare.clinics.models import Clinic
from needlecare.clinics.selectors import clinic_therapists
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling import selectors
from needlecare.scheduling.availability import Slot
from needlecare.scheduling.models import Appointment, AppointmentType, Status
from needlecare.scheduling.services import appointment_book
from needlecare.screening.models import Screening
from needlecare.screening.policy import REGION_LABELS
from needlecare.screening.selectors import screening_current
from needlecare.web.forms import attempt
from needlecare.web.patient_words import worded
from needlecare.web.scheduling_forms import (
    ClinicStepForm,
    ConfirmForm,
    SlotStepForm,
    TimesStepForm,
    TypeStepForm,
    slot_value,
)
from needlecare.web.views._attendance import booked_words
from needlecare.web.views._booking_wizard import Wizard, show
from needlecare.web.views._course_step import course_step, slot_value_of

# An appointment the patient may still move or cancel.
CHANGEABLE = (Status.REQUESTED, Status.CONFIRMED)
WEEK = dt.timedelta(days=7)
DECISION_WORDS = {
    "contraindicated": gettext_lazy("cannot be needled"),
    "physician_clearance_required": gettext_lazy("needs a physician's clearance first"),
}
NOT_OFFERED = gettext_lazy("Choose one of the times offered.")
CLEARANCE = "physician_clearance_required"


# --- Free times, grouped for the page ---------------------------------------------------------


@dataclass(frozen=True)
class TimeChoice:
    start: dt.datetime  # in the clinic's zone
    value: str  # what the page sends back: "<therapist id>@<UTC start>"
    href: str = ""


@dataclass
class TherapistTimes:
    name: str
    times: list[TimeChoice] = field(default_factory=list)


@dataclass
class DayTimes:
    day: dt.date
    therapists: list[TherapistTimes] = field(default_factory=list)


def group_slots(
    slots: Iterable[Slot],
    *,
    names: dict[int, str],
    clinic: Clinic,
    href: Callable[[str], str] | None = None,
) -> list[DayTimes]:
    """Free times by local day, then by therapist (in name order), each in time order."""
    zone = clinic_zone(clinic)
    days: dict[dt.date, dict[int, TherapistTimes]] = {}
    for slot in slots:
        local = slot.start.astimezone(zone)
        by_therapist = days.setdefault(local.date(), {})
        row = by_therapist.setdefault(
            slot.therapist_id, TherapistTimes(names.get(slot.therapist_id, gettext("A therapist")))
        )
        value = slot_value(slot)
        row.times.append(TimeChoice(local, value, href(value) if href else ""))
    return [
        DayTimes(day, sorted(rows.values(), key=lambda r: r.name))
        for day, rows in sorted(days.items())
    ]


def free_times(
    *,
    clinic: Clinic,
    kind: AppointmentType,
    patient: Patient,
    first: dt.date,
    therapist_ids: list[int] | None,
    names: dict[int, str],
    week_link: Callable[[dt.date], str],
    time_link: Callable[[str], str] | None = None,
    ignore_appointment: int | None = None,
) -> dict[str, Any]:
    """A week of free times from `first`, grouped for the page, with links to the weeks either
    side (none back into the past)."""
    last = first + WEEK - dt.timedelta(days=1)
    slots = selectors.slots_for(
        clinic=clinic,
        type=kind,
        first_day=first,
        last_day=last,
        therapist_ids=therapist_ids,
        patient=patient,
        not_before=timezone.now(),
        ignore_appointment=ignore_appointment,
    )
    return {
        "days": group_slots(slots, names=names, clinic=clinic, href=time_link),
        "first_day": first,
        "last_day": last,
        "earlier": week_link(first - WEEK) if first > clinic_today(clinic) else "",
        "later": week_link(first + WEEK),
    }


def check_offered(form: forms.Form, therapist_ids: Container[int]) -> None:
    """A time sent back must be with a therapist it was offered with; else the form says so."""
    if form.is_valid() and form.cleaned_data["slot"].therapist_id not in therapist_ids:
        form.add_error("slot", NOT_OFFERED)


def when_words(appointment: Appointment) -> str:
    """When an appointment starts, in its clinic's time: "Monday, May 4 at 9:30 AM"."""
    when = timezone.localtime(appointment.starts_at, clinic_zone(appointment.clinic))
    return when_text(when)


def when_text(when: dt.datetime) -> str:
    """A local time in the page's language: "Monday, May 4 at 9:30 AM"."""
    return gettext("%(day)s at %(time)s") % {
        "day": dateformat.format(when, gettext("l, F j")),
        "time": dateformat.format(when, gettext("g:i A")),
    }


def cleared_regions(screening: Screening | None) -> list[str]:
    """The areas a screening clears for dry needling, in the order they were planned."""
    return list(screening.decision.cleared_regions()) if screening else []


def not_cleared_regions(screening: Screening | None) -> list[tuple[str, str]]:
    """The planned areas a screening does not clear, each with the reason in a few words."""
    if screening is None:
        return []
    return [
        (REGION_LABELS[r], str(DECISION_WORDS.get(d, gettext("is not cleared"))))
        for r, d in screening.decision.not_cleared().items()
    ]


# --- The booking steps --------------------------------------------------------------------------


def booking_steps(
    request: AuthedRequest, *, patient: Patient, clinic: Clinic | None, staff: bool
) -> HttpResponse:
    """Clinic (patients only), appointment type, screening, free times, confirm; then the
    booking service. Each step answers with its page until its choice is made.

    Staff pass their clinic and may book any active type; patients choose a clinic and see
    only the types bookable online.
    """
    wizard = Wizard(patient=patient, staff=staff, clinic=clinic)
    for step in (_choose_clinic, _choose_type, _check_screening, _choose_time):
        state = step(request, wizard)
        if isinstance(state, HttpResponse):
            return state  # the step's own page: its choice is missing or does not hold
        wizard = state
    if staff and "course" in request.GET:
        return course_step(request, wizard)  # staff: a course of visits from the time chosen
    return _confirm(request, wizard)


def _choose_clinic(request: AuthedRequest, wizard: Wizard) -> Wizard | HttpResponse:
    """Patients choose a clinic; the front desk books at their own, for the patient chosen."""
    if wizard.clinic is not None:
        change = reverse("staff-schedule-book", args=[wizard.clinic.slug])
        return replace(wizard, summary=wizard.noted("Patient", wizard.patient.full_name, change))
    data = request.GET
    form = ClinicStepForm(
        data if "clinic" in data else None, initial={"clinic": wizard.patient.preferred_clinic}
    )
    if not form.is_valid():
        return show(request, wizard, "clinic", {"clinic_form": form}, invalid=form.is_bound)
    clinic = form.cleaned_data["clinic"]
    return replace(wizard, clinic=clinic, summary=wizard.noted(gettext("Clinic"), clinic.name, "?"))


def _choose_type(request: AuthedRequest, wizard: Wizard) -> Wizard | HttpResponse:
    """What to book: staff may book any active type, patients those bookable online."""
    assert wizard.clinic is not None
    types = selectors.appointment_types_offered(wizard.clinic, online_only=not wizard.staff)
    form = TypeStepForm(request.GET if "type" in request.GET else None, types=types)
    if not form.is_valid():
        page = {"type_form": form, "types_available": types.exists()}
        return show(request, wizard, "type", page, invalid=form.is_bound)
    kind = form.cleaned_data["type"]
    summary = wizard.noted(gettext("Appointment"), str(kind), wizard.query())
    return replace(wizard, kind=kind, summary=summary)


def _check_screening(request: AuthedRequest, wizard: Wizard) -> Wizard | HttpResponse:
    """Dry needling needs a current screening that clears at least one area."""
    assert wizard.kind is not None
    if not wizard.kind.needs_certification:
        return wizard
    screening = screening_current(wizard.patient)
    cleared = cleared_regions(screening)
    if not cleared:
        not_cleared = not_cleared_regions(screening)
        # Does some area wait for a physician's clearance (rather than being ruled out)?
        waits = screening is not None and CLEARANCE in screening.decision.not_cleared().values()
        page: dict[str, object] = {"type": wizard.kind, "screening": screening}
        page |= {"not_cleared": not_cleared, "needs_clearance": waits}
        return show(request, wizard, "blocked", page)
    return replace(wizard, screening=screening, cleared=cleared)


def _choose_time(request: AuthedRequest, wizard: Wizard) -> Wizard | HttpResponse:
    """Whose times, which week and which areas; then one of that week's free times."""
    clinic, kind = wizard.clinic, wizard.kind
    assert clinic is not None and kind is not None
    today = clinic_today(clinic)
    rows = clinic_therapists(clinic, on=today)
    offered = [
        (row.therapist.pk, row.therapist.user.full_name)
        for row in rows
        if row.can_dry_needle or not kind.needs_certification
    ]
    data = request.GET
    times_form = TimesStepForm(
        data if "week" in data else None, therapists=offered, regions=wizard.cleared, today=today
    )
    page = {"times_form": times_form, "not_cleared": not_cleared_regions(wizard.screening)}
    if not times_form.is_valid():
        return show(request, wizard, "times", page, invalid=times_form.is_bound)
    choice = times_form.cleaned_data
    wizard = replace(
        wizard,
        therapists={row.therapist.pk: row.therapist for row in rows},
        therapist_id=choice["therapist"],
        week=choice["week"],
        regions=choice.get("regions", []),
    )

    slot_form = SlotStepForm(data if data.get("slot") else None)
    check_offered(slot_form, wizard.therapists)
    if slot_form.is_valid():
        return replace(wizard, slot=slot_form.cleaned_data["slot"])
    times = free_times(
        clinic=clinic,
        kind=kind,
        patient=wizard.patient,
        first=choice["week"],
        therapist_ids=[choice["therapist"]] if choice["therapist"] else None,
        names={pk: t.user.full_name for pk, t in wizard.therapists.items()},
        week_link=lambda week: wizard.query(week=week.isoformat()),
        time_link=lambda value: wizard.query(slot=value),
    )
    page |= times | {"searched": True, "slot_form": slot_form}
    return show(request, wizard, "times", page, invalid=slot_form.is_bound)


def _confirm(request: AuthedRequest, wizard: Wizard) -> HttpResponse:
    """The choices to check; a POST books (and the service checks them all again)."""
    clinic, kind, chosen = wizard.clinic, wizard.kind, wizard.slot
    assert clinic is not None and kind is not None and chosen is not None
    therapist = wizard.therapists[chosen.therapist_id]
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    outcome = attempt(
        form,
        worded(
            lambda: appointment_book(
                patient=wizard.patient,
                clinic=clinic,
                type=kind,
                therapist=therapist,
                starts_at=chosen.start,
                planned_regions=wizard.regions,
                booked_by=request.user,
            )
        ),
    )
    if outcome.value is not None:
        return _booked(request, outcome.value, staff=wizard.staff)
    summary = wizard.noted(gettext("Therapist"), therapist.user.full_name, wizard.query())
    page = {
        "type": kind,
        "therapist": therapist,
        "starts_at": chosen.start.astimezone(clinic_zone(clinic)),
        "regions": [REGION_LABELS.get(r, r) for r in wizard.regions],
        "change_time": wizard.query(),
        "form": form,
        "course": wizard.query(slot=slot_value_of(chosen), course="1") if wizard.staff else "",
    }
    return show(request, replace(wizard, summary=summary), "confirm", page, status=outcome.status)


def _booked(request: AuthedRequest, appointment: Appointment, *, staff: bool) -> HttpResponse:
    """Say what was booked; staff go to that day's schedule, patients to their appointments."""
    messages.success(request, booked_words(appointment, staff=staff))
    if not staff:
        return redirect("my-appointments")
    day = timezone.localtime(appointment.starts_at, clinic_zone(appointment.clinic)).date()
    schedule = reverse("staff-schedule", args=[appointment.clinic.slug])
    return redirect(f"{schedule}?day={day.isoformat()}")
