"""Reads for scheduling: bookable starts, and the appointments the pages show."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from needlecare.clinics.models import Clinic, Closure, OpeningHours, Therapist
from needlecare.common.time import clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling.availability import (
    ClinicCalendar,
    Slot,
    TherapistAgenda,
    available_slots,
)
from needlecare.scheduling.inputs import Inputs, availability_inputs, local_bounds
from needlecare.scheduling.models import (
    ACTIVE,
    CALLED_OFF,
    Appointment,
    AppointmentType,
    Status,
    WaitlistEntry,
    WaitlistOffer,
    WorkingHours,
)
from needlecare.screening.models import Screening
from needlecare.screening.selectors import screening_is_current


def slots_for(
    *,
    clinic: Clinic,
    type: AppointmentType,
    first_day: dt.date,
    last_day: dt.date,
    therapist_ids: Iterable[int] | None = None,
    patient: Patient | None = None,
    not_before: dt.datetime | None = None,
    ignore_appointment: int | None = None,
) -> list[Slot]:
    """Bookable starts for a type at a clinic over local days, optionally for some therapists."""
    inputs = availability_inputs(
        clinic=clinic,
        first_day=first_day,
        last_day=last_day,
        therapist_ids=therapist_ids,
        patient=patient,
        ignore_appointment=ignore_appointment,
    )
    return free_slots(inputs, type=type, days=(first_day, last_day), not_before=not_before)


def free_slots(
    inputs: Inputs,
    *,
    type: AppointmentType,
    days: tuple[dt.date, dt.date],
    not_before: dt.datetime | None,
) -> list[Slot]:
    """The pure availability rules applied to what availability_inputs read, for one type."""
    calendar, agendas, patient_busy = inputs
    return available_slots(
        clinic=calendar,
        therapists=agendas,
        first_day=days[0],
        last_day=days[1],
        duration=dt.timedelta(minutes=type.duration_minutes),
        buffer=dt.timedelta(minutes=type.buffer_minutes),
        needs_certification=type.needs_certification,
        patient_busy=patient_busy,
        not_before=not_before,
    )


def appointments_for_day(clinic: Clinic, day: dt.date, *, days: int = 1) -> list[Appointment]:
    """A clinic's appointments over local days, with everything the schedule shows."""
    start, _ = local_bounds(clinic, day, day)
    _, end = local_bounds(
        clinic, day + dt.timedelta(days=days - 1), day + dt.timedelta(days=days - 1)
    )
    return list(
        Appointment.objects.filter(clinic=clinic, starts_at__gte=start, starts_at__lt=end)
        .select_related("patient", "therapist__user", "room", "type")
        .order_by("starts_at", "therapist_id")
    )


def appointments_of(patient: Patient) -> list[Appointment]:
    """A patient's appointments, soonest first."""
    return list(
        Appointment.objects.filter(patient=patient)
        .select_related("clinic", "therapist__user", "room", "type")
        .order_by("starts_at")
    )


def appointment_types_offered(
    clinic: Clinic | None = None, *, online_only: bool
) -> QuerySet[AppointmentType]:
    """Active appointment types, at one clinic or all, optionally only those patients may book."""
    types = AppointmentType.objects.filter(is_active=True)
    if clinic is not None:
        types = types.filter(clinic=clinic)
    if online_only:
        types = types.filter(bookable_online=True)
    return types.select_related("clinic").order_by("clinic__name", "name")


def waitlist_offers_open(patient: Patient) -> list[WaitlistOffer]:
    """The patient's offers that can still be accepted, soonest first."""
    return list(
        WaitlistOffer.objects.filter(
            entry__patient=patient,
            state=WaitlistOffer.State.OPEN,
            expires_at__gt=timezone.now(),
        )
        .select_related("entry__clinic", "entry__type", "therapist__user")
        .order_by("starts_at")
    )


def waitlist_entries_waiting(patient: Patient) -> list[WaitlistEntry]:
    """The patient's places on waitlists that are still waiting or have an offer out."""
    return list(
        WaitlistEntry.objects.filter(
            patient=patient,
            state__in=(WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED),
        )
        .select_related("clinic", "type")
        .order_by("first_day")
    )


def working_hours_on(clinic: Clinic, weekdays: list[int]) -> list[WorkingHours]:
    """Active therapists' hours at the clinic on these weekdays, for the schedule's columns."""
    return list(
        WorkingHours.objects.filter(
            clinic=clinic, weekday__in=weekdays, therapist__user__is_active=True
        )
        .select_related("therapist__user")
        .order_by("therapist__user__full_name", "weekday", "starts")
    )


def appointments_screening_changed(appointments: Iterable[Appointment]) -> set[int]:
    """The coming dry needling visits whose planned areas the patient's current screening no
    longer clears (the patient answered again since booking): one query for them all."""
    coming = [
        a
        for a in appointments
        if a.status in (Status.REQUESTED, Status.CONFIRMED)
        and a.type.needs_certification
        and a.planned_regions
    ]
    if not coming:
        return set()
    latest: dict[int, Screening] = {}
    for screening in (
        Screening.objects.filter(patient_id__in={a.patient_id for a in coming})
        .select_related("clinic")
        .order_by("patient_id", "-entered_at", "-id")
    ):
        latest.setdefault(screening.patient_id, screening)
    flagged = set()
    for a in coming:
        now = latest.get(a.patient_id)
        if now is None or now.pk == a.screening_id:
            continue
        if screening_is_current(now) and not all(now.decision.clears(r) for r in a.planned_regions):
            flagged.add(a.pk)
    return flagged


# --- The working day: arrivals, gaps and the week's use of the therapists' time --------------


def working_day(
    *, clinics: Iterable[Clinic], on: dt.date, therapist: Therapist | None = None, within: int = 14
) -> dt.date | None:
    """The first day from `on` that one of the clinics opens (weekly hours, less closures) and,
    given a therapist, that they work there; None if none within so many days."""
    clinic_ids = [c.pk for c in clinics]
    last = on + dt.timedelta(days=within - 1)
    open_on = set(
        OpeningHours.objects.filter(clinic_id__in=clinic_ids).values_list("clinic_id", "weekday")
    )
    closed = list(
        Closure.objects.filter(
            clinic_id__in=clinic_ids, starts_on__lte=last, ends_on__gte=on
        ).values_list("clinic_id", "starts_on", "ends_on")
    )
    if therapist is not None:
        open_on &= set(
            WorkingHours.objects.filter(therapist=therapist, clinic_id__in=clinic_ids).values_list(
                "clinic_id", "weekday"
            )
        )
    for n in range(within):
        day = on + dt.timedelta(days=n)
        for clinic_id, weekday in open_on:
            shut = any(c == clinic_id and a <= day <= b for c, a, b in closed)
            if weekday == day.weekday() and not shut:
                return day
    return None


def arrivals(clinic: Clinic, day: dt.date) -> list[Appointment]:
    """Who is expected at a clinic on a local day (cancelled visits left out), in time order."""
    return [a for a in appointments_for_day(clinic, day) if a.status not in CALLED_OFF]


def appointments_of_therapist(
    therapist: Therapist, day: dt.date, clinics: Iterable[Clinic]
) -> list[Appointment]:
    """A therapist's visits on a local day at these clinics (cancelled ones left out)."""
    when = Q(pk__in=[])
    for clinic in clinics:
        start, end = local_bounds(clinic, day, day)
        when |= Q(clinic=clinic, starts_at__gte=start, starts_at__lt=end)
    return list(
        Appointment.objects.filter(when, therapist=therapist)
        .exclude(status__in=CALLED_OFF)
        .select_related("patient", "clinic", "therapist__user", "room", "type")
        .order_by("starts_at", "id")
    )


STEP = dt.timedelta(minutes=15)  # the availability rules' step between starts


@dataclass(frozen=True)
class Gap:
    """Free time with one therapist: bookable from start, for the types that fit until end."""

    start: dt.datetime  # UTC
    end: dt.datetime
    types: tuple[AppointmentType, ...]


@dataclass(frozen=True)
class TherapistGaps:
    therapist: Therapist
    gaps: list[Gap]


def day_gaps(
    clinic: Clinic,
    day: dt.date,
    *,
    types: Iterable[AppointmentType],
    not_before: dt.datetime | None = None,
) -> list[TherapistGaps]:
    """Each therapist's free time on a day: the runs of bookable starts of each type (the same
    rules as booking, one read for them all), joined where they meet."""
    inputs = availability_inputs(clinic=clinic, first_day=day, last_day=day)
    runs: dict[int, list[tuple[dt.datetime, dt.datetime, AppointmentType]]] = defaultdict(list)
    for kind in types:
        last: dict[int, Slot] = {}
        for slot in free_slots(inputs, type=kind, days=(day, day), not_before=not_before):
            before = last.get(slot.therapist_id)
            mine = runs[slot.therapist_id]
            if before is not None and slot.start - before.start == STEP:
                mine[-1] = (mine[-1][0], slot.end, kind)
            else:
                mine.append((slot.start, slot.end, kind))
            last[slot.therapist_id] = slot
    therapists = Therapist.objects.filter(pk__in=runs).select_related("user")
    return sorted(
        (TherapistGaps(t, _joined(runs[t.pk])) for t in therapists),
        key=lambda row: row.therapist.user.full_name,
    )


def _joined(runs: list[tuple[dt.datetime, dt.datetime, AppointmentType]]) -> list[Gap]:
    gaps: list[Gap] = []
    for start, end, kind in sorted(runs, key=lambda run: (run[0], run[1])):
        if gaps and start <= gaps[-1].end:
            last = gaps[-1]
            types = last.types if kind in last.types else (*last.types, kind)
            gaps[-1] = Gap(last.start, max(last.end, end), types)
        else:
            gaps.append(Gap(start, end, (kind,)))
    return gaps


@dataclass(frozen=True)
class Utilisation:
    """A therapist's week at a clinic: minutes booked against minutes working."""

    therapist: Therapist
    booked_minutes: int
    working_minutes: int

    @property
    def booked_hours(self) -> float:
        return round(self.booked_minutes / 60, 1)

    @property
    def working_hours(self) -> float:
        return round(self.working_minutes / 60, 1)

    @property
    def percent(self) -> int | None:
        if not self.working_minutes:
            return None
        return round(100 * self.booked_minutes / self.working_minutes)


def utilisation_for_week(clinic: Clinic, monday: dt.date) -> list[Utilisation]:
    """Per therapist, the week's booked minutes at the clinic against their working minutes
    there (their hours within opening hours, less closures and time off), in three queries."""
    sunday = monday + dt.timedelta(days=6)
    calendar, agendas, _ = availability_inputs(clinic=clinic, first_day=monday, last_day=sunday)
    zone = clinic_zone(clinic)
    working = {a.therapist_id: _working_minutes(calendar, a, monday, zone) for a in agendas}
    start, end = local_bounds(clinic, monday, sunday)
    booked: dict[int, int] = defaultdict(int)
    for therapist_id, starts_at, ends_at in Appointment.objects.filter(
        clinic=clinic, status__in=ACTIVE, starts_at__gte=start, starts_at__lt=end
    ).values_list("therapist_id", "starts_at", "ends_at"):
        booked[therapist_id] += int((ends_at - starts_at).total_seconds() // 60)
    therapists = Therapist.objects.filter(pk__in={*working, *booked}).select_related("user")
    return sorted(
        (Utilisation(t, booked.get(t.pk, 0), working.get(t.pk, 0)) for t in therapists),
        key=lambda row: row.therapist.user.full_name,
    )


def _working_minutes(
    calendar: ClinicCalendar, agenda: TherapistAgenda, monday: dt.date, zone: dt.tzinfo
) -> int:
    """Minutes of the week the therapist works while the clinic is open, less time off."""
    windows: list[tuple[dt.datetime, dt.datetime]] = []
    for day in (monday + dt.timedelta(days=n) for n in range(7)):
        if any(day in closure for closure in calendar.closures):
            continue
        for o in (p for p in calendar.opening if p.weekday == day.weekday()):
            for w in (p for p in agenda.working if p.weekday == day.weekday()):
                lo = _at(day, max(o.start, w.start), zone)
                hi = min(_at(day, o.end, zone, end=True), _at(day, w.end, zone, end=True))
                if lo < hi:
                    windows.append((lo, hi))
    total = dt.timedelta()
    for lo, hi in windows:
        free = lo
        for off in agenda.time_off:  # sorted by start: what is left after each
            if off.end > free and off.start < hi:
                total += max(dt.timedelta(), min(off.start, hi) - free)
                free = max(free, off.end)
        total += max(dt.timedelta(), hi - free)
    return int(total.total_seconds() // 60)


def _at(day: dt.date, wall: dt.time, zone: dt.tzinfo, *, end: bool = False) -> dt.datetime:
    """A wall-clock time on a day as an instant (UTC); an end of 00:00 is the next midnight."""
    if end and wall == dt.time(0):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, wall, tzinfo=zone).astimezone(dt.UTC)


def visit_today(patient: Patient) -> bool:
    """Whether the patient has a visit (not cancelled) today, in its clinic's time."""
    now = timezone.now()
    soon = Appointment.objects.filter(
        patient=patient,
        status__in=ACTIVE,
        starts_at__gte=now - dt.timedelta(days=1),
        starts_at__lt=now + dt.timedelta(days=1),
    ).select_related("clinic")
    return any(
        timezone.localtime(a.starts_at, clinic_zone(a.clinic)).date()
        == timezone.localtime(now, clinic_zone(a.clinic)).date()
        for a in soon
    )
