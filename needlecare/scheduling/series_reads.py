"""Reads for courses of care: a course's visits checked together in one availability read (with
the nearest free alternatives for any that are not free), the course a visit belongs to, and the
coming visits that fall beyond the patient's safety screening's validity.

A course is a series of ordinary appointments sharing `Appointment.series`; nothing about it is
stored beyond that.
"""

import datetime as dt
import uuid
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.utils import timezone

from needlecare.clinics.models import Clinic
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling.availability import Interval, Slot
from needlecare.scheduling.inputs import LONGEST, MARGIN, Inputs, availability_inputs
from needlecare.scheduling.models import Appointment, AppointmentType, Status
from needlecare.scheduling.selectors import free_slots
from needlecare.screening.models import Screening
from needlecare.screening.selectors import screening_is_current, screenings_latest

UPCOMING = (Status.REQUESTED, Status.CONFIRMED)
ALTERNATIVES = 3  # free starts offered for each visit that is not free, nearest first
RADIUS_MAX = 3  # at most so many days either side of its planned day an alternative may fall

# Why a visit of a course is not free, in words for people (a therapist's name fills {who}).
REASONS = {
    "past": "that time has passed",
    "closed": "the clinic is closed that day",
    "not_certified": "{who} is not certified for dry needling that day",
    "patient_busy": "the patient has another appointment then",
    "not_free": "that time is not free",
}


def series_starts(
    first_start: dt.datetime, *, every_days: int, count: int, zone: ZoneInfo
) -> list[dt.datetime]:
    """The course's planned starts (UTC): the first start's local clock time every N days, so a
    weekly 9:00 stays 9:00 across a change of the clocks."""
    wall = first_start.astimezone(zone).replace(tzinfo=None)
    return [
        (wall + dt.timedelta(days=every_days * n)).replace(tzinfo=zone).astimezone(dt.UTC)
        for n in range(count)
    ]


def series_radius(every_days: int) -> int:
    """How many days either side of its planned day a visit's alternative may fall: never as
    far as halfway to the next visit, so two visits of a course never share a day."""
    return max(0, min(RADIUS_MAX, (every_days - 1) // 2))


@dataclass(frozen=True)
class VisitChange:
    """A start chosen for one visit of a course instead of the planned one (one of the
    alternatives offered), with its therapist (None: the course's own)."""

    starts_at: dt.datetime
    therapist_id: int | None = None


@dataclass(frozen=True)
class Asked:
    """One visit of a course as asked for."""

    number: int  # its place in the course, from 1
    planned: dt.datetime  # where the course's rhythm puts it (UTC)
    start: dt.datetime  # the planned start, or the alternative chosen for it (UTC)
    therapist_id: int | None  # None: anyone certified


def series_asked(
    *,
    first_start: dt.datetime,
    every_days: int,
    count: int,
    therapist_id: int | None,
    changes: Mapping[int, VisitChange],
    zone: ZoneInfo,
) -> list[Asked]:
    """Each visit as asked: the course's rhythm, with the alternatives chosen for some (each
    within its visit's radius, or DomainError)."""
    radius = series_radius(every_days)
    asked = []
    for n, start in enumerate(
        series_starts(first_start, every_days=every_days, count=count, zone=zone), 1
    ):
        change = changes.get(n)
        if change is None:
            asked.append(Asked(n, start, start, therapist_id))
            continue
        moved = abs(change.starts_at.astimezone(zone).date() - start.astimezone(zone).date())
        if moved.days > radius:
            raise DomainError(
                "series.change_too_far",
                f"Visit {n} can move at most {radius} days from "
                f"{start.astimezone(zone):%A, %B %-d}, or it would come too close to the "
                "visits either side.",
                field="changes",
            )
        who = change.therapist_id or therapist_id
        asked.append(Asked(n, start, change.starts_at.astimezone(dt.UTC), who))
    return asked


@dataclass(frozen=True)
class CheckedVisit:
    asked: Asked
    slot: Slot | None  # the free slot the visit takes; None when it is not free
    reason: str = ""  # why it is not free: a key of REASONS
    alternatives: tuple[Slot, ...] = ()  # the nearest free starts instead, nearest first


@dataclass(frozen=True)
class SeriesCheck:
    visits: tuple[CheckedVisit, ...]

    @property
    def conflicts(self) -> tuple[CheckedVisit, ...]:
        return tuple(v for v in self.visits if v.slot is None)


class _Window:
    """What one availability read gave, cut down to the days a check looks at, so the pure
    rules walk a day's busy time rather than the whole course's."""

    def __init__(self, inputs: Inputs, zone: ZoneInfo) -> None:
        self.calendar, agendas, self.patient_busy = inputs
        self.zone = zone
        self.rooms = {
            pk: (held, [i.start for i in held]) for pk, held in self.calendar.rooms.items()
        }
        self.agendas = {a.therapist_id: (a, [i.start for i in a.busy]) for a in agendas}

    def part(self, first: dt.date, last: dt.date, only: int | None = None) -> Inputs:
        """The read's rows that can touch starts on local days first..last (one therapist's,
        given `only`)."""
        lo = dt.datetime.combine(first, dt.time(0), tzinfo=self.zone).astimezone(dt.UTC) - MARGIN
        hi = dt.datetime.combine(last, dt.time(0), tzinfo=self.zone).astimezone(dt.UTC)
        hi += dt.timedelta(days=1) + MARGIN
        rooms = {pk: _cut(held, starts, lo, hi) for pk, (held, starts) in self.rooms.items()}
        agendas = [
            replace(
                agenda,
                busy=_cut(agenda.busy, starts, lo, hi),
                time_off=tuple(i for i in agenda.time_off if i.start < hi and i.end > lo),
            )
            for therapist_id, (agenda, starts) in sorted(self.agendas.items())
            if only is None or therapist_id == only
        ]
        patient = tuple(i for i in self.patient_busy if i.start < hi and i.end > lo)
        return replace(self.calendar, rooms=rooms), agendas, patient


def _cut(
    held: tuple[Interval, ...], starts: list[dt.datetime], lo: dt.datetime, hi: dt.datetime
) -> tuple[Interval, ...]:
    # Appointments hold at most LONGEST, so none starting earlier reaches lo.
    first, last = bisect_left(starts, lo - LONGEST), bisect_left(starts, hi)
    return tuple(i for i in held[first:last] if i.end > lo)


def series_check(
    *,
    clinic: Clinic,
    type: AppointmentType,
    patient: Patient,
    asked: Sequence[Asked],
    radius: int,
    now: dt.datetime | None = None,
) -> SeriesCheck:
    """Every visit of a course against one availability read: the free slot each takes, or why
    it is not free and the nearest free starts instead (with the visit's therapist first, else
    anyone certified; within `radius` days of its planned day)."""
    now = now or timezone.now()
    zone = clinic_zone(clinic)

    def day(at: dt.datetime) -> dt.date:
        return at.astimezone(zone).date()

    spread = dt.timedelta(days=radius)
    today = now.astimezone(zone).date()
    last = max(max(day(a.planned) + spread, day(a.start)) for a in asked)
    first = min(max(min(min(day(a.planned) - spread, day(a.start)) for a in asked), today), last)
    # One read around the visits' own days (of their one therapist, when the course names
    # one): all a course that is free needs. Only when a visit is not free does a second read
    # take in the days around it, for the reason and the nearest free times.
    therapists = {a.therapist_id for a in asked}
    only = None if None in therapists else sorted(t for t in therapists if t is not None)
    visits_days = [day(a.start) for a in asked]
    window = _Window(
        availability_inputs(
            clinic=clinic,
            first_day=first,
            last_day=last,
            patient=patient,
            therapist_ids=only,
            days=visits_days,
        ),
        zone,
    )

    free: dict[int, dict[int, Slot]] = {}  # visit number -> therapist id -> the slot
    for a in asked:
        on = day(a.start)
        part = window.part(on, on, only=a.therapist_id)
        slots = free_slots(part, type=type, days=(on, on), not_before=now)
        free[a.number] = {s.therapist_id: s for s in slots if s.start == a.start}
    # Anyone certified: the therapist free for the most visits takes all they can (the first
    # visit's breaks a tie), so the patient sees as few faces as the schedule allows.
    ranking = [t for t, _ in Counter(t for slots in free.values() for t in slots).most_common()]

    def is_free(a: Asked) -> bool:
        mine = free[a.number]
        return bool(mine) if a.therapist_id is None else a.therapist_id in mine

    if not all(is_free(a) for a in asked):
        whole = availability_inputs(clinic=clinic, first_day=first, last_day=last, patient=patient)
        window = _Window(whole, zone)

    visits = []
    for a in asked:
        mine = free[a.number]
        chosen = (
            a.therapist_id
            if a.therapist_id is not None
            else next((t for t in ranking if t in mine), None)
        )
        if chosen is not None and chosen in mine:
            visits.append(CheckedVisit(a, mine[chosen]))
            continue
        preferred = a.therapist_id if a.therapist_id is not None else next(iter(ranking), None)
        visits.append(
            CheckedVisit(
                a,
                None,
                _reason(a, window, type, day(a.start), now),
                _alternatives(a, window, type, day(a.planned), radius, preferred, now, today),
            )
        )
    return SeriesCheck(tuple(visits))


def _reason(
    asked: Asked, window: _Window, type: AppointmentType, on: dt.date, now: dt.datetime
) -> str:
    if asked.start < now:
        return "past"
    calendar = window.calendar
    if any(on in c for c in calendar.closures) or all(
        p.weekday != on.weekday() for p in calendar.opening
    ):
        return "closed"
    mine = window.agendas.get(asked.therapist_id) if asked.therapist_id else None
    if type.needs_certification and mine and not any(on in r for r in mine[0].certified):
        return "not_certified"
    end = asked.start + dt.timedelta(minutes=type.duration_minutes)
    if any(i.start < end and asked.start < i.end for i in window.patient_busy):
        return "patient_busy"
    return "not_free"


def _alternatives(
    asked: Asked,
    window: _Window,
    type: AppointmentType,
    planned_day: dt.date,
    radius: int,
    preferred: int | None,
    now: dt.datetime,
    today: dt.date,
) -> tuple[Slot, ...]:
    """The nearest free starts to the one asked, on days within radius of the planned day:
    with the preferred therapist if they have any there, else with anyone certified.

    Nearest is by day first, then by clock time: the same day at another time, else the
    same time (or the nearest to it) a day away, which keeps the course's rhythm best."""
    first = max(planned_day - dt.timedelta(days=radius), today)
    last = planned_day + dt.timedelta(days=radius)
    if last < first:
        return ()
    slots = free_slots(window.part(first, last), type=type, days=(first, last), not_before=now)
    theirs = [s for s in slots if s.therapist_id == preferred]
    zone = window.zone
    wanted = asked.start.astimezone(zone)

    def distance(slot: Slot) -> tuple[int, float, dt.datetime]:
        at = slot.start.astimezone(zone)
        clock = (at - at.replace(hour=wanted.hour, minute=wanted.minute)).total_seconds()
        return abs((at.date() - wanted.date()).days), abs(clock), slot.start

    candidates = sorted(theirs or slots, key=distance)
    picked: list[Slot] = []
    for slot in candidates:
        if all(slot.start != p.start for p in picked):
            picked.append(slot)
        if len(picked) == ALTERNATIVES:
            break
    return tuple(picked)


# --- The course a visit belongs to --------------------------------------------------------------


@dataclass(frozen=True)
class Course:
    series: uuid.UUID
    visits: tuple[Appointment, ...]  # every visit booked in the course, in time order
    number: int  # the place of the visit asked about, from 1

    @property
    def count(self) -> int:
        return len(self.visits)

    def rest(self, *, now: dt.datetime | None = None) -> list[Appointment]:
        """This visit, if it is still to come, and every later one still to come: what
        "cancel the rest of the course" cancels."""
        now = now or timezone.now()
        this = self.visits[self.number - 1]
        return [
            v
            for v in self.visits[self.number - 1 :]
            if v.status in UPCOMING and v.starts_at > now and v.starts_at >= this.starts_at
        ]


def course_of(appointment: Appointment) -> Course | None:
    """The course of care the visit is part of, with all its visits (one query); None if the
    visit was booked on its own."""
    if appointment.series is None:
        return None
    visits = tuple(
        Appointment.objects.filter(series=appointment.series)
        .select_related("clinic", "type", "therapist__user", "patient", "room")
        .order_by("starts_at", "id")
    )
    number = next(n for n, v in enumerate(visits, 1) if v.pk == appointment.pk)
    return Course(series=appointment.series, visits=visits, number=number)


# --- Visits beyond the screening's validity -----------------------------------------------------


def screening_valid_until(screening: Screening) -> dt.datetime:
    """The instant a screening stops being current (the rule of `screening_is_current`)."""
    return screening.entered_at + dt.timedelta(days=screening.clinic.screening_valid_days)


def visits_needing_reconfirmation(
    appointments: Iterable[Appointment],
) -> dict[int, Screening | None]:
    """The coming dry needling visits that start after the patient's latest screening stops
    being current, by appointment id, with that screening (one query for them all).

    Such a visit was booked while the screening was current, but by its day the screening
    will not be: before it, the patient answers the questions again (an expired screening
    cannot be confirmed, and the treatment record opens only behind a current one). Answering
    again clears the flag for every visit the new screening covers.
    """
    coming = [a for a in appointments if a.status in UPCOMING and a.type.needs_certification]
    if not coming:
        return {}
    latest = screenings_latest({a.patient_id for a in coming})
    flagged: dict[int, Screening | None] = {}
    for a in coming:
        screening = latest.get(a.patient_id)
        if screening is None or not screening_is_current(screening, at=a.starts_at):
            flagged[a.pk] = screening
    return flagged


def appointment_needs_reconfirmation(appointment: Appointment) -> bool:
    """Whether this visit falls beyond the patient's latest screening's validity."""
    return appointment.pk in visits_needing_reconfirmation([appointment])
