"""The booking steps and the helpers around them, shared by the patient's and the staff's pages.

The booking steps (`booking_steps`) are shared with the front desk's "book for a patient"
page: each choice is a GET parameter, so every step is a plain link or form; the confirm step
POSTs to the same address, and the service re-checks everything.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from needlecare.accounts.access import AuthedRequest
from needlecare.clinics.models import Clinic
from needlecare.clinics.selectors import clinic_therapists
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling import selectors
from needlecare.scheduling.availability import Slot
from needlecare.scheduling.models import AppointmentType, Status
from needlecare.scheduling.services import appointment_book
from needlecare.screening.models import Screening
from needlecare.screening.policy import REGION_LABELS
from needlecare.screening.selectors import screening_current
from needlecare.web.forms import add_domain_error
from needlecare.web.scheduling_forms import (
    ClinicStepForm,
    ConfirmForm,
    SlotStepForm,
    TimesStepForm,
    TypeStepForm,
    slot_value,
)

# An appointment the patient may still move or cancel.
CHANGEABLE = (Status.REQUESTED, Status.CONFIRMED)
WEEK = dt.timedelta(days=7)
DECISION_WORDS = {
    "contraindicated": "cannot be needled",
    "physician_clearance_required": "needs a physician's clearance first",
}


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
            slot.therapist_id, TherapistTimes(names.get(slot.therapist_id, "A therapist"))
        )
        value = slot_value(slot)
        row.times.append(TimeChoice(local, value, href(value) if href else ""))
    return [
        DayTimes(day, sorted(rows.values(), key=lambda r: r.name))
        for day, rows in sorted(days.items())
    ]


def _query(params: dict[str, Any], **more: Any) -> str:
    merged = {k: v for k, v in {**params, **more}.items() if v not in (None, "", [])}
    return "?" + urlencode(merged, doseq=True)


def _htmx_target(request: AuthedRequest) -> str | None:
    htmx = getattr(request, "htmx", None)
    if not htmx or htmx.history_restore_request:
        return None
    target: str | None = htmx.target
    return target


def cleared_regions(screening: Screening | None) -> list[str]:
    """The areas a screening clears for dry needling, in the order they were planned."""
    return list(screening.decision.cleared_regions()) if screening else []


def not_cleared_regions(screening: Screening | None) -> list[tuple[str, str]]:
    """The planned areas a screening does not clear, each with the reason in a few words."""
    if screening is None:
        return []
    return [
        (REGION_LABELS[r], DECISION_WORDS.get(d, "is not cleared"))
        for r, d in screening.decision.not_cleared().items()
    ]


# --- The booking steps --------------------------------------------------------------------------


def booking_steps(
    request: AuthedRequest, *, patient: Patient, clinic: Clinic | None, staff: bool
) -> HttpResponse:
    """Clinic (patients only), appointment type, free times, confirm; then the booking service.

    Staff pass their clinic and may book any active type; patients choose a clinic and see
    only the types bookable online.
    """
    data = request.GET
    keep: dict[str, Any] = {"patient": patient.pk} if staff else {}
    ctx: dict[str, Any] = {
        "patient": patient,
        "staff": staff,
        "clinic": clinic,
        "summary": [],
        "steps": ("Patient" if staff else "Clinic", "Appointment", "Time", "Confirm"),
    }
    invalid = False

    def show(stage: str, *, status: int | None = None) -> HttpResponse:
        ctx["stage"] = stage
        ctx["hidden"] = [(k, keep[k]) for k in ("patient", "clinic", "type") if k in keep]
        ctx["step_index"] = {"clinic": 0, "type": 1, "blocked": 1, "times": 2, "confirm": 3}[stage]
        if status is None:
            status = 400 if invalid or (request.method == "POST" and stage != "confirm") else 200
        template = "booking/book.html"
        target = _htmx_target(request)
        if target == "slot-search":
            if stage != "times":
                return HttpResponseClientRedirect(request.get_full_path())
            template = "booking/book.html#slot-search"
        if ctx["clinic"] is None:
            return render(request, template, ctx, status=status)
        with timezone.override(clinic_zone(ctx["clinic"])):
            return render(request, template, ctx, status=status)

    # 1. The clinic (the front desk books at their own).
    if clinic is None:
        clinic_form = ClinicStepForm(
            data if "clinic" in data else None, initial={"clinic": patient.preferred_clinic}
        )
        ctx["clinic_form"] = clinic_form
        if not clinic_form.is_bound or not clinic_form.is_valid():
            invalid = clinic_form.is_bound
            return show("clinic")
        clinic = clinic_form.cleaned_data["clinic"]
        assert isinstance(clinic, Clinic)
        ctx["clinic"] = clinic
        keep["clinic"] = clinic.slug
        ctx["summary"].append(("Clinic", clinic.name, "?"))
    else:
        change = reverse("staff-schedule-book", args=[clinic.slug])
        ctx["summary"].append(("Patient", patient.full_name, change))
    today = clinic_today(clinic)

    # 2. What to book.
    types = selectors.appointment_types_offered(clinic, online_only=not staff)
    type_form = TypeStepForm(data if "type" in data else None, types=types)
    ctx["type_form"] = type_form
    if not type_form.is_bound or not type_form.is_valid():
        invalid = type_form.is_bound
        ctx["types_available"] = types.exists()
        return show("type")
    kind = type_form.cleaned_data["type"]
    assert isinstance(kind, AppointmentType)
    ctx["type"] = kind
    ctx["summary"].append(("Appointment", str(kind), _query(keep)))
    keep["type"] = kind.code

    # 3. Dry needling needs a current screening that clears somewhere.
    regions: list[str] | None = None
    if kind.needs_certification:
        screening = screening_current(patient)
        regions = cleared_regions(screening)
        ctx["screening"] = screening
        ctx["not_cleared"] = not_cleared_regions(screening)
        if not regions:
            return show("blocked")

    # 4. Whose times, which week, which areas; then the free times themselves.
    rows = clinic_therapists(clinic, on=today)
    names = {row.therapist.pk: row.therapist.user.full_name for row in rows}
    offered = [
        (row.therapist.pk, row.therapist.user.full_name)
        for row in rows
        if row.can_dry_needle or not kind.needs_certification
    ]
    times_form = TimesStepForm(
        data if "week" in data else None, therapists=offered, regions=regions, today=today
    )
    ctx["times_form"] = times_form
    if not times_form.is_bound or not times_form.is_valid():
        invalid = times_form.is_bound
        return show("times")
    therapist_id = times_form.cleaned_data["therapist"]
    week = times_form.cleaned_data["week"]
    chosen_regions = times_form.cleaned_data.get("regions", [])
    keep.update(therapist=therapist_id or "any", week=week.isoformat(), regions=chosen_regions)

    slot_form = SlotStepForm(data if data.get("slot") else None)
    if slot_form.is_bound and slot_form.is_valid():
        chosen = slot_form.cleaned_data["slot"]
        if chosen.therapist_id not in names:
            slot_form.add_error("slot", "Choose one of the times offered.")
    if not slot_form.is_bound or not slot_form.is_valid():
        invalid = slot_form.is_bound
        last = week + WEEK - dt.timedelta(days=1)
        slots = selectors.slots_for(
            clinic=clinic,
            type=kind,
            first_day=week,
            last_day=last,
            therapist_ids=[therapist_id] if therapist_id else None,
            patient=patient,
            not_before=timezone.now(),
        )
        ctx.update(
            searched=True,
            slot_form=slot_form,
            days=group_slots(
                slots, names=names, clinic=clinic, href=lambda v: _query(keep, slot=v)
            ),
            first_day=week,
            last_day=last,
            earlier=_query(keep, week=(week - WEEK).isoformat()) if week > today else "",
            later=_query(keep, week=(week + WEEK).isoformat()),
        )
        return show("times")

    # 5. Confirm, and book.
    therapist = next(row.therapist for row in rows if row.therapist.pk == chosen.therapist_id)
    ctx.update(
        therapist=therapist,
        starts_at=chosen.start.astimezone(clinic_zone(clinic)),
        regions=[REGION_LABELS.get(r, r) for r in chosen_regions],
        change_time=_query(keep),
    )
    ctx["summary"].append(("Therapist", therapist.user.full_name, _query(keep)))
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    ctx["form"] = form
    status = 200
    if request.method == "POST":
        try:
            appointment = appointment_book(
                patient=patient,
                clinic=clinic,
                type=kind,
                therapist=therapist,
                starts_at=chosen.start,
                planned_regions=chosen_regions,
                booked_by=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            when = timezone.localtime(appointment.starts_at, clinic_zone(clinic))
            who = patient.full_name if staff else "You are"
            verb = "is booked" if staff else "booked"
            messages.success(
                request,
                f"{who} {verb} for {kind.name.lower()} with {therapist.user.full_name} at "
                f"{clinic.name} on {when:%A, %B %-d at %-I:%M %p}.",
            )
            if staff:
                day = reverse("staff-schedule", args=[clinic.slug])
                return redirect(f"{day}?day={when.date().isoformat()}")
            return redirect("my-appointments")
    return show("confirm", status=status)
