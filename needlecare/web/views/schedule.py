"""Staff pages for the schedule: a clinic's day and week, booking for a patient, and the actions
on one appointment (check in, complete, no-show, cancel, move).

Who may do what: every member of staff sees the schedule and may check a patient in or complete
a visit; booking for a patient, confirming a request, marking a no-show, cancelling and moving
are for the front desk and clinic admins (a therapist asks the front desk).
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from needlecare.accounts.access import (
    STAFF,
    AuthedRequest,
    access_appointment,
    access_clinic,
    access_patient,
    allow,
)
from needlecare.accounts.models import Role
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.errors import DomainError, NotAllowed
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling import selectors
from needlecare.scheduling.models import Appointment, Status, WorkingHours
from needlecare.scheduling.services import TRANSITIONS, appointment_cancel, appointment_transition
from needlecare.screening.policy import CONDITION_INFO, REGION_LABELS
from needlecare.web.scheduling_forms import CancelForm, TransitionForm, add_domain_error
from needlecare.web.views.booking import CHANGEABLE, booking_steps, move_page

DESK = (Role.FRONT_DESK, Role.CLINIC_ADMIN)
# Who may take each step of an appointment's life, and how the button reads.
TRANSITION_ROLES: dict[str, tuple[str, ...]] = {
    "confirm": DESK,
    "check_in": STAFF,
    "complete": STAFF,
    "no_show": DESK,
}
TRANSITION_LABELS = {
    "confirm": "Confirm",
    "check_in": "Check in",
    "complete": "Complete",
    "no_show": "Mark no-show",
}
STATUS_BADGES = {
    Status.REQUESTED: "badge-warn",
    Status.CONFIRMED: "badge-info",
    Status.CHECKED_IN: "badge-ok",
    Status.COMPLETED: "",
    Status.CANCELLED: "badge-danger",
    Status.NO_SHOW: "badge-danger",
}
ROW = 15  # minutes per row of the day grid
DAY_MINUTES = 24 * 60


# --- What the schedule shows of an appointment -----------------------------------------------


@dataclass
class Visit:
    """An appointment as the schedule shows it: local times and plain labels."""

    appointment: Appointment
    starts: dt.datetime
    ends: dt.datetime
    badge: str
    precautions: list[str]  # the conditions to take care over, as short labels
    regions: list[str]
    notes: list[tuple[str, str]]  # each precaution with the planned areas it reaches

    @property
    def span(self) -> str:
        """9:00–9:45 AM, or 11:30 AM–12:15 PM across noon."""
        start, end = f"{self.starts:%-I:%M}", f"{self.ends:%-I:%M %p}"
        if self.starts.strftime("%p") != self.ends.strftime("%p"):
            start += f" {self.starts:%p}"
        return f"{start}–{end}"


def _label(code: object) -> str:
    info = CONDITION_INFO.get(str(code))
    return info.label if info else str(code)


def _visit(appointment: Appointment, zone: dt.tzinfo) -> Visit:
    precautions = [_label(p.get("code")) for p in appointment.precautions]
    notes = [
        (_label(p.get("code")), ", ".join(REGION_LABELS.get(r, r) for r in p.get("regions", [])))
        for p in appointment.precautions
    ]
    return Visit(
        appointment=appointment,
        starts=timezone.localtime(appointment.starts_at, zone),
        ends=timezone.localtime(appointment.ends_at, zone),
        badge=STATUS_BADGES.get(Status(appointment.status), ""),
        precautions=list(dict.fromkeys(precautions)),
        regions=[REGION_LABELS.get(r, r) for r in appointment.planned_regions],
        notes=notes,
    )


def _actions(user_role: str, appointment: Appointment) -> list[tuple[str, str]]:
    return [
        (action, TRANSITION_LABELS[action])
        for action, (before, _) in TRANSITIONS.items()
        if appointment.status == before and user_role in TRANSITION_ROLES[action]
    ]


def _working_hours(clinic: Clinic, weekdays: list[int]) -> list[WorkingHours]:
    # A read the schedule needs besides the appointments; one query whatever the day holds.
    return list(
        WorkingHours.objects.filter(
            clinic=clinic, weekday__in=weekdays, therapist__user__is_active=True
        )
        .select_related("therapist__user")
        .order_by("therapist__user__full_name", "weekday", "starts")
    )


# --- The day grid ---------------------------------------------------------------------------


@dataclass
class Cell:
    visits: list[Visit] = field(default_factory=list)
    rowspan: int = 1
    working: bool = False


@dataclass
class GridRow:
    time: dt.time
    labelled: bool  # on the hour or half hour: the time is shown
    cells: list[Cell | None]  # None: covered by a cell above


def _minutes(day: dt.date, moment: dt.datetime) -> int:
    """Wall-clock minutes from the day's local midnight (clamped to the day)."""
    delta = moment.replace(tzinfo=None) - dt.datetime.combine(day, dt.time(0))
    return max(0, min(DAY_MINUTES, int(delta.total_seconds() // 60)))


def _clock(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def day_grid(
    day: dt.date,
    therapists: list[Therapist],
    hours: dict[int, list[tuple[int, int]]],
    visits: dict[int, list[Visit]],
) -> list[GridRow]:
    """Rows of ROW minutes over the working day, a column per therapist; a visit (or visits
    that share rows, such as a cancelled one and its replacement) fills one tall cell."""
    spans = [span for t in therapists for span in hours.get(t.pk, [])]
    spans += [
        (_minutes(day, v.starts), _minutes(day, v.ends)) for vs in visits.values() for v in vs
    ]
    first = min((s for s, _ in spans), default=8 * 60) // 60 * 60
    last = min(DAY_MINUTES, math.ceil(max((e for _, e in spans), default=17 * 60) / 60) * 60)
    count = max(1, (last - first) // ROW)
    columns: list[list[Cell | None]] = []
    for therapist in therapists:
        windows = hours.get(therapist.pk, [])
        cells: list[Cell | None] = [
            Cell(working=any(s <= first + i * ROW < e for s, e in windows)) for i in range(count)
        ]
        clusters: list[tuple[int, int, list[Visit]]] = []
        for visit in sorted(visits.get(therapist.pk, []), key=lambda v: v.starts):
            top = min(count - 1, max(0, (_minutes(day, visit.starts) - first) // ROW))
            bottom = min(count, max(top + 1, math.ceil((_minutes(day, visit.ends) - first) / ROW)))
            if clusters and top < clusters[-1][1]:
                start, end, members = clusters[-1]
                clusters[-1] = (start, max(end, bottom), [*members, visit])
            else:
                clusters.append((top, bottom, [visit]))
        for top, bottom, members in clusters:
            cells[top] = Cell(visits=members, rowspan=bottom - top, working=True)
            for i in range(top + 1, bottom):
                cells[i] = None
        columns.append(cells)
    rows = []
    for i in range(count):
        minute = first + i * ROW
        rows.append(
            GridRow(
                time=dt.time(minute // 60 % 24, minute % 60),
                labelled=minute % 30 == 0,
                cells=[column[i] for column in columns],
            )
        )
    return rows


@dataclass
class WeekCell:
    visits: list[Visit]
    working: bool


@dataclass
class WeekRow:
    therapist: Therapist
    days: list[WeekCell]


def _schedule_day(request: AuthedRequest) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return None


@allow(*STAFF)
def schedule(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug)
    zone = clinic_zone(clinic)
    today = clinic_today(clinic)
    day = _schedule_day(request) or today
    week_view = request.GET.get("view") == "week"
    here = reverse("staff-schedule", args=[clinic.slug])
    context: dict[str, object] = {
        "clinic": clinic,
        "day": day,
        "today": today,
        "week_view": week_view,
        "can_book": request.user.role in DESK,
        "here": request.get_full_path(),
        "day_link": f"{here}?day={day.isoformat()}",
        "week_link": f"{here}?day={day.isoformat()}&view=week",
    }
    if week_view:
        monday = day - dt.timedelta(days=day.weekday())
        days = [monday + dt.timedelta(days=n) for n in range(7)]
        appointments = selectors.appointments_for_day(clinic, monday, days=7)
        hours = _working_hours(clinic, list(range(7)))
        therapists = {h.therapist_id: h.therapist for h in hours}
        works = {(h.therapist_id, h.weekday) for h in hours}
        for a in appointments:
            therapists.setdefault(a.therapist_id, a.therapist)
        by_cell: dict[tuple[int, dt.date], list[Visit]] = defaultdict(list)
        for a in appointments:
            visit = _visit(a, zone)
            by_cell[a.therapist_id, visit.starts.date()].append(visit)
        context.update(
            days=days,
            rows=[
                WeekRow(t, [WeekCell(by_cell[t.pk, d], (t.pk, d.weekday()) in works) for d in days])
                for t in sorted(therapists.values(), key=lambda t: t.user.full_name)
            ],
            count=sum(1 for a in appointments if a.is_active),
            cancelled=sum(1 for a in appointments if not a.is_active),
            previous=f"{here}?day={(monday - dt.timedelta(days=7)).isoformat()}&view=week",
            next=f"{here}?day={(monday + dt.timedelta(days=7)).isoformat()}&view=week",
            this_period=f"{here}?day={today.isoformat()}&view=week",
            first=monday,
            last=days[-1],
        )
    else:
        appointments = selectors.appointments_for_day(clinic, day)
        hours = _working_hours(clinic, [day.weekday()])
        working: dict[int, Therapist] = {}
        windows: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for h in hours:
            working[h.therapist_id] = h.therapist
            windows[h.therapist_id].append((_clock(h.starts), _clock(h.ends) or DAY_MINUTES))
        visits: dict[int, list[Visit]] = defaultdict(list)
        for a in appointments:
            working.setdefault(a.therapist_id, a.therapist)
            visits[a.therapist_id].append(_visit(a, zone))
        columns = sorted(working.values(), key=lambda t: t.user.full_name)
        context.update(
            therapists=columns,
            grid=day_grid(day, columns, windows, visits),
            count=sum(1 for a in appointments if a.is_active),
            cancelled=sum(1 for a in appointments if not a.is_active),
            previous=f"{here}?day={(day - dt.timedelta(days=1)).isoformat()}",
            next=f"{here}?day={(day + dt.timedelta(days=1)).isoformat()}",
            this_period=f"{here}?day={today.isoformat()}",
            check_in_day=day == today,
            role=request.user.role,
        )
    with timezone.override(zone):
        return render(request, "schedule/schedule.html", context)


# --- Booking for a patient ----------------------------------------------------------------------


@allow(*DESK)
def book(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=DESK)
    if "patient" not in request.GET:
        return _choose_patient(request, clinic)
    try:
        patient_id = int(request.GET["patient"])
    except ValueError:
        raise Http404("No such patient.") from None
    patient = access_patient(request.user, patient_id, roles=DESK)
    if clinic.pk not in patient.clinic_ids():
        raise Http404("No such patient.")
    return booking_steps(request, patient=patient, clinic=clinic, staff=True)


def _choose_patient(request: AuthedRequest, clinic: Clinic) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    found = Patient.objects.filter(preferred_clinic=clinic).order_by("last_name", "first_name")
    if query:
        found = found.filter(
            Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(phone__icontains=query)
        )
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    return render(
        request, "schedule/choose_patient.html", {"clinic": clinic, "page": page, "q": query}
    )


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
        "visit": _visit(appointment, zone),
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
    status = 400
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if request.user.role not in TRANSITION_ROLES[action]:
                raise NotAllowed(
                    f"Only the front desk or a clinic admin can "
                    f"{TRANSITION_LABELS[action].lower()} an appointment."
                )
            appointment_transition(appointment=appointment, action=action, by=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            label = Status(appointment.status).label.lower()
            messages.success(request, f"{appointment.patient.full_name}: {label}.")
            back = _safe_next(request, form.cleaned_data["next"])
            if back:
                return redirect(back)
            return redirect("staff-appointment", appointment_id=appointment.pk)
    return _appointment_page(request, appointment, transition_form=form, status=status)


@allow(*DESK)
@require_POST
def cancel(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id, roles=DESK)
    form = CancelForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            appointment_cancel(
                appointment=appointment, reason=form.cleaned_data["reason"], by=request.user
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(
                request, f"{appointment.patient.full_name}'s appointment is cancelled."
            )
            return redirect("staff-appointment", appointment_id=appointment.pk)
    return _appointment_page(request, appointment, cancel_form=form, status=status)


@allow(*DESK)
def move(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id, roles=DESK)
    back = reverse("staff-appointment", args=[appointment.pk])
    return move_page(request, appointment, any_therapist=True, back=back, done=back)
