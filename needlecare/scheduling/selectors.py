"""Reads for scheduling: what the pure availability function needs, in a fixed number of queries."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from needlecare.clinics.models import Clinic, Credential, Therapist
from needlecare.common.time import clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling.availability import (
    ClinicCalendar,
    DateRange,
    Interval,
    Slot,
    TherapistAgenda,
    WeeklyPeriod,
    available_slots,
)
from needlecare.scheduling.models import ACTIVE, Appointment, AppointmentType, TimeOff, WorkingHours

MARGIN = dt.timedelta(days=1)
# The longest an appointment can hold its time: the model caps duration and buffer.
LONGEST = dt.timedelta(minutes=480 + 120)


def local_bounds(
    clinic: Clinic, first_day: dt.date, last_day: dt.date
) -> tuple[dt.datetime, dt.datetime]:
    """The instants from the clinic's local midnight on first_day to midnight after last_day."""
    zone = clinic_zone(clinic)
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def _intervals(rows: Iterable[tuple[dt.datetime, dt.datetime]]) -> tuple[Interval, ...]:
    return tuple(sorted(Interval(start, end) for start, end in rows))


def certified_ranges(credentials: Iterable[Credential]) -> tuple[DateRange, ...]:
    """Days on which both a dry needling certification and a PT licence are valid."""
    by_kind: dict[str, list[Credential]] = defaultdict(list)
    for c in credentials:
        by_kind[c.kind].append(c)
    ranges = []
    for cert in by_kind[Credential.Kind.DRY_NEEDLING]:
        for licence in by_kind[Credential.Kind.PT_LICENSE]:
            first = max(cert.valid_from, licence.valid_from)
            last = min(cert.expires_on, licence.expires_on)
            if first <= last:
                ranges.append(DateRange(first, last))
    return tuple(sorted(ranges))


def clinic_therapists_qs(clinic: Clinic) -> QuerySet[Therapist]:
    return Therapist.objects.filter(user__memberships__clinic=clinic, user__is_active=True)


def availability_inputs(
    *,
    clinic: Clinic,
    first_day: dt.date,
    last_day: dt.date,
    therapist_ids: Iterable[int] | None = None,
    patient: Patient | None = None,
    ignore_appointment: int | None = None,
) -> tuple[ClinicCalendar, list[TherapistAgenda], tuple[Interval, ...]]:
    """The clinic calendar, the therapists' agendas and the patient's busy time (8 queries)."""
    start, end = local_bounds(clinic, first_day, last_day)
    opening = tuple(WeeklyPeriod(h.weekday, h.opens, h.closes) for h in clinic.opening_hours.all())
    closures = tuple(
        DateRange(c.starts_on, c.ends_on)
        for c in clinic.closures.filter(starts_on__lte=last_day, ends_on__gte=first_day)
    )
    room_ids = list(clinic.rooms.filter(is_active=True).values_list("pk", flat=True))
    therapists = clinic_therapists_qs(clinic)
    if therapist_ids is not None:
        therapists = therapists.filter(pk__in=list(therapist_ids))
    ids = list(therapists.values_list("pk", flat=True).distinct())

    # One read of every active appointment that can touch the window: this clinic's (its
    # rooms), its therapists' anywhere, and the patient's. The lower bound on starts_at lets
    # the index stop at the window; no appointment is longer than LONGEST.
    who = Q(clinic=clinic) | Q(therapist_id__in=ids)
    if patient is not None:
        who |= Q(patient=patient)
    rows = Appointment.objects.filter(
        who,
        status__in=ACTIVE,
        starts_at__gte=start - MARGIN - LONGEST,
        starts_at__lt=end + MARGIN,
        blocked_until__gt=start - MARGIN,
    )
    if ignore_appointment is not None:
        rows = rows.exclude(pk=ignore_appointment)
    room_busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {pk: [] for pk in room_ids}
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    patient_rows: list[tuple[dt.datetime, dt.datetime]] = []
    wanted = set(ids)
    for therapist_id, room_id, patient_id, s, e, blocked in rows.values_list(
        "therapist_id", "room_id", "patient_id", "starts_at", "ends_at", "blocked_until"
    ):
        if room_id in room_busy:
            room_busy[room_id].append((s, blocked))
        if therapist_id in wanted:
            busy[therapist_id].append((s, blocked))
        if patient is not None and patient_id == patient.pk:
            patient_rows.append((s, e))
    calendar = ClinicCalendar(
        time_zone=clinic.time_zone,
        opening=opening,
        closures=closures,
        rooms={pk: _intervals(r) for pk, r in room_busy.items()},
    )

    working: dict[int, list[WeeklyPeriod]] = defaultdict(list)
    for hours in WorkingHours.objects.filter(clinic=clinic, therapist_id__in=ids).only(
        "therapist_id", "weekday", "starts", "ends"
    ):
        working[hours.therapist_id].append(WeeklyPeriod(hours.weekday, hours.starts, hours.ends))
    off: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for t, s, e in TimeOff.objects.filter(
        therapist_id__in=ids, starts_at__lt=end + MARGIN, ends_at__gt=start - MARGIN
    ).values_list("therapist_id", "starts_at", "ends_at"):
        off[t].append((s, e))
    credentials: dict[int, list[Credential]] = defaultdict(list)
    for credential in Credential.objects.filter(
        therapist_id__in=ids, valid_from__lte=last_day, expires_on__gte=first_day
    ):
        credentials[credential.therapist_id].append(credential)
    agendas = [
        TherapistAgenda(
            therapist_id=t,
            working=tuple(sorted(working[t], key=lambda p: (p.weekday, p.start))),
            time_off=_intervals(off[t]),
            busy=_intervals(busy[t]),
            certified=certified_ranges(credentials[t]),
        )
        for t in sorted(ids)
    ]
    return calendar, agendas, _intervals(patient_rows)


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
    calendar, agendas, patient_busy = availability_inputs(
        clinic=clinic,
        first_day=first_day,
        last_day=last_day,
        therapist_ids=therapist_ids,
        patient=patient,
        ignore_appointment=ignore_appointment,
    )
    return available_slots(
        clinic=calendar,
        therapists=agendas,
        first_day=first_day,
        last_day=last_day,
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
