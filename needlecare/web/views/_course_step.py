"""The course step of the staff's booking: from the time chosen, a course of care (every week or
every N days, K visits, the same therapist or anyone certified).

The plan (GET) shows every visit checked together in one availability read; a visit that is not
free is named, with why, and the nearest free times to choose instead. One POST books them all:
the service checks everything again and books all the visits or none.
"""

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from needlecare.accounts.access import AuthedRequest
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_zone
from needlecare.scheduling.models import Appointment
from needlecare.scheduling.series_reads import (
    REASONS,
    VisitChange,
    screening_valid_until,
    series_asked,
    series_check,
    series_radius,
    visits_needing_reconfirmation,
)
from needlecare.scheduling.services import appointment_series_book
from needlecare.web.course_forms import CourseForm, visit_changes
from needlecare.web.forms import add_domain_error, attempt
from needlecare.web.scheduling_forms import ConfirmForm, slot_value
from needlecare.web.views._booking_wizard import Wizard, show


@dataclass(frozen=True)
class Choice:
    value: str  # "<therapist id>@<UTC start>", as the page sends it back
    start: dt.datetime  # in the clinic's zone
    therapist: str
    checked: bool = False


@dataclass(frozen=True)
class PlannedVisit:
    """One visit of the plan as the page shows it."""

    number: int
    start: dt.datetime  # in the clinic's zone: as asked (the planned time, or one chosen)
    planned: dt.datetime  # where the course's rhythm puts it
    therapist: str  # who takes it; empty when it is not free
    why: str = ""  # why it is not free
    alternatives: list[Choice] = field(default_factory=list)
    chosen: str = ""  # the value of a time chosen instead of the planned one
    rescreen: bool = False  # after the screening stops being current

    @property
    def free(self) -> bool:
        return not self.why


def course_step(request: AuthedRequest, wizard: Wizard) -> HttpResponse:
    """The course's choices and its plan; a POST books every visit."""
    clinic, kind, chosen = wizard.clinic, wizard.kind, wizard.slot
    assert clinic is not None and kind is not None and chosen is not None
    therapist = wizard.therapists[chosen.therapist_id]
    first = chosen.start.astimezone(clinic_zone(clinic))
    wizard = replace(
        wizard,
        summary=wizard.noted(
            "First visit",
            f"{first:%A, %B} {first.day} at {first:%-I:%M %p} with {therapist.user.full_name}",
            wizard.query(),
        ),
    )
    form = CourseForm(
        request.GET, therapist=therapist.user.full_name, certified=kind.needs_certification
    )
    page: dict[str, Any] = {
        "course_form": form,
        "course_hidden": [*_hidden(wizard), ("slot", slot_value_of(chosen)), ("course", "1")],
        "type": kind,
        "change_time": wizard.query(),
        "screening_until": (
            screening_valid_until(wizard.screening).astimezone(clinic_zone(clinic))
            if wizard.screening
            else None
        ),
    }
    if not form.is_valid():
        return show(request, wizard, "course", page, invalid=True)
    course = form.cleaned_data
    posted = request.method == "POST"
    changes = visit_changes(request.POST, course["count"]) if posted else {}
    book_form = ConfirmForm(request.POST if posted else None)
    outcome = attempt(
        book_form,
        lambda: appointment_series_book(
            patient=wizard.patient,
            clinic=clinic,
            type=kind,
            therapist=therapist if course["same"] else None,
            first_start=chosen.start,
            every_days=course["every_days"],
            count=course["count"],
            planned_regions=wizard.regions,
            booked_by=request.user,
            changes=changes,
        ),
    )
    if outcome.value is not None:
        return _booked(request, outcome.value)
    page |= _plan_page(wizard, course, changes, book_form)
    return show(request, wizard, "course", page, status=outcome.status)


def _plan_page(
    wizard: Wizard, course: dict[str, Any], changes: dict[int, VisitChange], book_form: Any
) -> dict[str, Any]:
    try:
        plan = _plan(wizard, course, changes)
    except DomainError as exc:  # a time chosen that the course cannot take
        add_domain_error(book_form, exc)
        plan = _plan(wizard, course, {})
    return {
        "book_form": book_form,
        "count": course["count"],
        "every_days": course["every_days"],
        "plan": plan,
        "conflicts": sum(1 for row in plan if not row.free),
        "rescreen": any(row.rescreen for row in plan),
        "radius": series_radius(course["every_days"]),
    }


def slot_value_of(chosen: Any) -> str:
    return f"{chosen.therapist_id}@{chosen.start.isoformat()}"


def _hidden(wizard: Wizard) -> list[tuple[str, Any]]:
    """The choices so far as hidden fields, one per value."""
    pairs: list[tuple[str, Any]] = []
    for name, value in wizard.params().items():
        pairs += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return pairs


def _plan(
    wizard: Wizard, course: dict[str, Any], changes: dict[int, VisitChange]
) -> list[PlannedVisit]:
    """Every visit of the course as it stands now: free, or why not and what instead."""
    clinic, kind, chosen = wizard.clinic, wizard.kind, wizard.slot
    assert clinic is not None and kind is not None and chosen is not None
    zone = clinic_zone(clinic)
    asked = series_asked(
        first_start=chosen.start,
        every_days=course["every_days"],
        count=course["count"],
        therapist_id=chosen.therapist_id if course["same"] else None,
        changes=changes,
        zone=zone,
    )
    check = series_check(
        clinic=clinic,
        type=kind,
        patient=wizard.patient,
        asked=asked,
        radius=series_radius(course["every_days"]),
    )
    names = {pk: t.user.full_name for pk, t in wizard.therapists.items()}
    expires = screening_valid_until(wizard.screening) if wizard.screening else None
    rows = []
    for visit in check.visits:
        a = visit.asked
        change = changes.get(a.number)
        picked = f"{change.therapist_id}@{a.start.isoformat()}" if change else ""
        who = names.get(a.therapist_id or 0, "the therapist")
        rows.append(
            PlannedVisit(
                number=a.number,
                start=a.start.astimezone(zone),
                planned=a.planned.astimezone(zone),
                therapist=names.get(visit.slot.therapist_id, "") if visit.slot else "",
                why=REASONS[visit.reason].format(who=who) if visit.reason else "",
                alternatives=[
                    Choice(
                        value=slot_value(s),
                        start=s.start.astimezone(zone),
                        therapist=names.get(s.therapist_id, "A therapist"),
                        checked=slot_value(s) == picked,
                    )
                    for s in visit.alternatives
                ],
                chosen=picked if visit.slot is not None else "",
                rescreen=expires is not None and a.start > expires,
            )
        )
    return rows


def _booked(request: AuthedRequest, visits: list[Appointment]) -> HttpResponse:
    """Say what was booked (and which visits need the screening answered again); on to the
    first visit, whose page shows the course."""
    first = visits[0]
    zone = clinic_zone(first.clinic)
    start = first.starts_at.astimezone(zone)
    therapists = sorted({v.therapist.user.full_name for v in visits})
    messages.success(
        request,
        f"{first.patient.full_name} is booked for a course of {len(visits)} visits of "
        f"{first.type.name.lower()} from {start:%A, %B} {start.day} at {start:%-I:%M %p}, with "
        f"{' and '.join(therapists)}.",
    )
    later = visits_needing_reconfirmation(visits)
    if later:
        numbers = [str(n) for n, v in enumerate(visits, 1) if v.pk in later]
        messages.info(
            request,
            f"Visit{'s' if len(numbers) > 1 else ''} {', '.join(numbers)} "
            f"{'fall' if len(numbers) > 1 else 'falls'} after the safety screening stops being "
            "current: the patient answers the questions again before "
            f"{'them' if len(numbers) > 1 else 'it'}, and the reminders ask for it.",
        )
    return redirect(reverse("staff-appointment", args=[first.pk]))
