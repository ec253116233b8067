"""Staff pages for the schedule: a clinic's day and week, and booking for a patient.

Every member of staff sees the schedule; booking for a patient is for the front desk and clinic
admins. The actions on one appointment are in `staff_appointments`.
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from needlecare.accounts.access import DESK, STAFF, AuthedRequest, allow
from needlecare.audit.services import audit_read
from needlecare.clinics.access import access_clinic
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.access import access_patient
from needlecare.patients.selectors import SEARCH_TERM_MAX, SEARCH_TERM_TOO_LONG, patients_search
from needlecare.scheduling import selectors
from needlecare.scheduling.models import Appointment
from needlecare.web.views._booking_steps import booking_steps
from needlecare.web.views._visits import Visit, visit_of
from needlecare.web.views.errors import bad_request

ROW = 15  # minutes per row of the day grid
DAY_MINUTES = 24 * 60


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
    first, days = (day - dt.timedelta(days=day.weekday()), 7) if week_view else (day, 1)
    appointments = selectors.appointments_for_day(clinic, first, days=days)
    if week_view:
        context.update(_week_page(clinic, appointments, day, today=today, here=here))
    else:
        context.update(_day_page(clinic, appointments, day, today=today, here=here))
        context.update(check_in_day=day == today, role=request.user.role)
    audit_read(
        actor=request.user,
        request=request,
        what="week schedule" if week_view else "day schedule",
        targets=appointments,
    )
    with timezone.override(clinic_zone(clinic)):
        return render(request, "schedule/schedule.html", context)


def _week_page(
    clinic: Clinic, appointments: list[Appointment], day: dt.date, *, today: dt.date, here: str
) -> dict[str, object]:
    """The week around a day: a row per therapist, a cell per day."""
    zone = clinic_zone(clinic)
    monday = day - dt.timedelta(days=day.weekday())
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    flagged = selectors.appointments_screening_changed(appointments)
    hours = selectors.working_hours_on(clinic, list(range(7)))
    therapists = {h.therapist_id: h.therapist for h in hours}
    works = {(h.therapist_id, h.weekday) for h in hours}
    for a in appointments:
        therapists.setdefault(a.therapist_id, a.therapist)
    by_cell: dict[tuple[int, dt.date], list[Visit]] = defaultdict(list)
    for a in appointments:
        visit = visit_of(a, zone, flagged=flagged)
        by_cell[a.therapist_id, visit.starts.date()].append(visit)
    return {
        "days": days,
        "rows": [
            WeekRow(t, [WeekCell(by_cell[t.pk, d], (t.pk, d.weekday()) in works) for d in days])
            for t in sorted(therapists.values(), key=lambda t: t.user.full_name)
        ],
        "count": sum(1 for a in appointments if a.is_active),
        "cancelled": sum(1 for a in appointments if not a.is_active),
        "previous": f"{here}?day={(monday - dt.timedelta(days=7)).isoformat()}&view=week",
        "next": f"{here}?day={(monday + dt.timedelta(days=7)).isoformat()}&view=week",
        "this_period": f"{here}?day={today.isoformat()}&view=week",
        "first": monday,
        "last": days[-1],
    }


def _day_page(
    clinic: Clinic, appointments: list[Appointment], day: dt.date, *, today: dt.date, here: str
) -> dict[str, object]:
    """One day: a column per therapist working or booked, a row per ROW minutes."""
    zone = clinic_zone(clinic)
    flagged = selectors.appointments_screening_changed(appointments)
    hours = selectors.working_hours_on(clinic, [day.weekday()])
    working: dict[int, Therapist] = {}
    windows: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for h in hours:
        working[h.therapist_id] = h.therapist
        windows[h.therapist_id].append((_clock(h.starts), _clock(h.ends) or DAY_MINUTES))
    visits: dict[int, list[Visit]] = defaultdict(list)
    for a in appointments:
        working.setdefault(a.therapist_id, a.therapist)
        visits[a.therapist_id].append(visit_of(a, zone, flagged=flagged))
    columns = sorted(working.values(), key=lambda t: t.user.full_name)
    return {
        "therapists": columns,
        "grid": day_grid(day, columns, windows, visits),
        "count": sum(1 for a in appointments if a.is_active),
        "cancelled": sum(1 for a in appointments if not a.is_active),
        "previous": f"{here}?day={(day - dt.timedelta(days=1)).isoformat()}",
        "next": f"{here}?day={(day + dt.timedelta(days=1)).isoformat()}",
        "this_period": f"{here}?day={today.isoformat()}",
    }


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
    if len(query) > SEARCH_TERM_MAX:
        return bad_request(request, SEARCH_TERM_TOO_LONG)
    page = Paginator(patients_search(clinic, query), 25).get_page(request.GET.get("page"))
    return render(
        request, "schedule/choose_patient.html", {"clinic": clinic, "page": page, "q": query}
    )
