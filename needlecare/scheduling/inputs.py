"""What the pure availability function needs, read from the database in one statement.

Every booking, every availability page and the waitlist go through here, so it is written for
speed: one UNION ALL over the clinic's opening hours, closures and rooms, its therapists'
working hours, time off and credentials, and every active appointment that can touch the window.
Each branch tags its rows with a kind; values travel as text and are parsed in Python, instants
through `common.instants` (Django's per-value datetime converters and the extra round trips of
seven separate queries were most of the cost). Tables and columns come from the models' meta,
parameters are bound by the driver, and the rules themselves stay in `availability.py`.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from operator import attrgetter
from typing import Any

from django.db import connection
from django.db.models import Model

from needlecare.accounts.models import User
from needlecare.clinics.models import (
    Clinic,
    Closure,
    Credential,
    OpeningHours,
    Room,
    StaffMembership,
    Therapist,
)
from needlecare.common.instants import instant_text_sql, parse_instant
from needlecare.common.time import clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling.availability import (
    ClinicCalendar,
    DateRange,
    Interval,
    TherapistAgenda,
    WeeklyPeriod,
)
from needlecare.scheduling.models import ACTIVE, Appointment, TimeOff, WorkingHours

MARGIN = dt.timedelta(days=1)
# The longest an appointment can hold its time: the model caps duration and buffer.
LONGEST = dt.timedelta(minutes=480 + 120)

# Sorting by a C-level key is several times faster than the dataclass's own comparison.
_BY_TIME = attrgetter("start", "end")
_time = dt.time.fromisoformat
_date = dt.date.fromisoformat


def local_bounds(
    clinic: Clinic, first_day: dt.date, last_day: dt.date
) -> tuple[dt.datetime, dt.datetime]:
    """The instants from the clinic's local midnight on first_day to midnight after last_day."""
    zone = clinic_zone(clinic)
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def certified_ranges(credentials: Iterable[tuple[str, dt.date, dt.date]]) -> tuple[DateRange, ...]:
    """Days on which both a dry needling certification and a PT licence are valid.

    Each credential is (kind, valid_from, expires_on).
    """
    by_kind: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for kind, valid_from, expires_on in credentials:
        by_kind[kind].append((valid_from, expires_on))
    ranges = []
    for cert_from, cert_until in by_kind[Credential.Kind.DRY_NEEDLING]:
        for licence_from, licence_until in by_kind[Credential.Kind.PT_LICENSE]:
            first = max(cert_from, licence_from)
            last = min(cert_until, licence_until)
            if first <= last:
                ranges.append(DateRange(first, last))
    return tuple(sorted(ranges))


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in(values: list[Any], params: list[Any]) -> str:
    """Placeholders for an IN list (never empty: an empty list matches nothing)."""
    if not values:
        return "(NULL)"
    params.extend(values)
    return "(" + ", ".join(["%s"] * len(values)) + ")"


def _spans(clinic: Clinic, days: list[dt.date]) -> list[tuple[dt.datetime, dt.datetime]]:
    """What checking starts on these days needs: from each day's local midnight to LONGEST
    after the next (a late start's hold can cross midnight), days close enough merged into one
    span, so that the spans' ranges of starts read (from LONGEST before each) never overlap."""
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    for day in sorted(set(days)):
        lo, hi = local_bounds(clinic, day, day)
        if spans and lo - LONGEST < spans[-1][1]:
            spans[-1] = (spans[-1][0], hi + LONGEST)
        else:
            spans.append((lo, hi + LONGEST))
    return spans


def _statement(
    *,
    clinic: Clinic,
    first_day: dt.date,
    last_day: dt.date,
    therapist_ids: list[int] | None,
    patient: Patient | None,
    ignore_appointment: int | None,
    days: list[dt.date] | None = None,
) -> tuple[str, list[Any]]:
    """The SQL and its parameters.

    Only table names from the models' meta and fixed fragments are formatted into it; every
    value is a bound parameter, kept next to its branch.
    """
    ops, vendor = connection.ops, connection.vendor
    start, end = local_bounds(clinic, first_day, last_day)
    first, last = ops.adapt_datefield_value(first_day), ops.adapt_datefield_value(last_day)
    # Time off and appointments are read for the whole window, or only around the days asked
    # (a course's visits: a dozen days spread over months).
    spans = _spans(clinic, days) if days else [(start - MARGIN, end + MARGIN)]

    def instant(column: str) -> str:
        return instant_text_sql(column, vendor)

    # Therapists who may be booked here: working hours here, an active account, a membership.
    staff_params: list[Any] = [clinic.pk, True]
    only = (
        ""
        if therapist_ids is None
        else "AND wh.therapist_id IN " + _in(therapist_ids, staff_params)
    )
    staff = f"""
        SELECT DISTINCT wh.therapist_id FROM {_table(WorkingHours)} wh
        JOIN {_table(Therapist)} t ON t.id = wh.therapist_id
        JOIN {_table(User)} u ON u.id = t.user_id
        JOIN {_table(StaffMembership)} m ON m.user_id = u.id AND m.clinic_id = wh.clinic_id
        WHERE wh.clinic_id = %s AND u.is_active = %s {only}"""
    in_staff = "therapist_id IN (SELECT therapist_id FROM staff)"

    # Appointments of this clinic (its rooms), of its therapists anywhere, and of the patient.
    # PostgreSQL plans an OR with "IN (subquery)" as a filter over every clinic's appointments
    # in the window; "= ANY(ARRAY(subquery))" runs the subquery first and keeps both indexes.
    who_params: list[Any] = [clinic.pk]
    if vendor == "postgresql":
        who = "clinic_id = %s OR therapist_id = ANY(ARRAY(SELECT therapist_id FROM staff))"
    else:
        who = f"clinic_id = %s OR {in_staff}"
    if patient is not None:
        who += " OR patient_id = %s"
        who_params.append(patient.pk)
    active = _in(list(ACTIVE), who_params)
    skip = ""
    if ignore_appointment is not None:
        skip = "AND id <> %s"
    off_params: list[Any] = []
    off_around = []
    for lo, hi in spans:
        off_around.append("(starts_at < %s AND ends_at > %s)")
        off_params += [ops.adapt_datetimefield_value(hi), ops.adapt_datetimefield_value(lo)]
    # Only the patient's own appointments need their end (the patient is not held by buffers).
    ends = instant("ends_at") if patient is not None else "NULL"

    # Every branch gives (kind, who, room, patient, a, b, c); the first one fixes the types.
    branches: list[tuple[str, list[Any]]] = [
        (
            f"""SELECT 'open', CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
                CAST(weekday AS TEXT), CAST(opens AS TEXT), CAST(closes AS TEXT)
              FROM {_table(OpeningHours)} WHERE clinic_id = %s""",
            [clinic.pk],
        ),
        (
            f"""SELECT 'closed', NULL, NULL, NULL,
                CAST(starts_on AS TEXT), CAST(ends_on AS TEXT), CAST(NULL AS TEXT)
              FROM {_table(Closure)} WHERE clinic_id = %s AND starts_on <= %s AND ends_on >= %s""",
            [clinic.pk, last, first],
        ),
        (
            f"""SELECT 'room', id, NULL, NULL, NULL, NULL, NULL
              FROM {_table(Room)} WHERE clinic_id = %s AND is_active = %s""",
            [clinic.pk, True],
        ),
        (
            f"""SELECT 'hours', therapist_id, NULL, NULL,
                CAST(weekday AS TEXT), CAST(starts AS TEXT), CAST(ends AS TEXT)
              FROM {_table(WorkingHours)} WHERE clinic_id = %s AND {in_staff}""",
            [clinic.pk],
        ),
        (
            f"""SELECT 'off', therapist_id, NULL, NULL,
                {instant("starts_at")}, {instant("ends_at")}, NULL
              FROM {_table(TimeOff)} WHERE {in_staff} AND ({" OR ".join(off_around)})""",
            off_params,
        ),
        (
            f"""SELECT 'credential', therapist_id, NULL, NULL,
                kind, CAST(valid_from AS TEXT), CAST(expires_on AS TEXT)
              FROM {_table(Credential)}
             WHERE {in_staff} AND valid_from <= %s AND expires_on >= %s""",
            [last, first],
        ),
    ]
    # One branch per span: the spans' starts_at ranges do not overlap, so no row comes twice,
    # and each branch keeps its index range (an OR of ranges would not, on SQLite).
    for lo, hi in spans:
        params = [
            *who_params,
            ops.adapt_datetimefield_value(lo - LONGEST),  # lets the index stop early
            ops.adapt_datetimefield_value(hi),
            ops.adapt_datetimefield_value(lo),
        ]
        if ignore_appointment is not None:
            params.append(ignore_appointment)
        branches.append(
            (
                f"""SELECT 'appointment', therapist_id, room_id, patient_id,
                    {instant("starts_at")}, {instant("blocked_until")}, {ends}
                  FROM {_table(Appointment)}
                 WHERE ({who}) AND status IN {active}
                   AND starts_at >= %s AND starts_at < %s AND blocked_until > %s {skip}""",
                params,
            )
        )
    sql = f"WITH staff AS ({staff})\n" + "\nUNION ALL\n".join(branch for branch, _ in branches)
    return sql, staff_params + [value for _, values in branches for value in values]


# What availability_inputs reads: the calendar, the agendas and the patient's busy time.
Inputs = tuple[ClinicCalendar, list[TherapistAgenda], tuple[Interval, ...]]


def availability_inputs(
    *,
    clinic: Clinic,
    first_day: dt.date,
    last_day: dt.date,
    therapist_ids: Iterable[int] | None = None,
    patient: Patient | None = None,
    ignore_appointment: int | None = None,
    days: Iterable[dt.date] | None = None,
) -> Inputs:
    """The clinic calendar, the therapists' agendas and the patient's busy time (one query).

    With `days`, time off and appointments are read only around those days (within
    first_day..last_day): what checking a course's visits needs, without the weeks between.

    Appointments come from this clinic (its rooms), its therapists anywhere, and the patient;
    the lower bound on starts_at lets the index stop at the window, as no appointment is longer
    than LONGEST. Only therapists with working hours at the clinic get an agenda: nobody else
    can be booked there.
    """
    sql, params = _statement(
        clinic=clinic,
        first_day=first_day,
        last_day=last_day,
        therapist_ids=None if therapist_ids is None else list(therapist_ids),
        patient=patient,
        ignore_appointment=ignore_appointment,
        days=None if days is None else list(days),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    opening: list[WeeklyPeriod] = []
    closures: list[DateRange] = []
    rooms: dict[int, list[Interval]] = {}
    working: dict[int, list[WeeklyPeriod]] = defaultdict(list)
    off: dict[int, list[Interval]] = defaultdict(list)
    credentials: dict[int, list[tuple[str, dt.date, dt.date]]] = defaultdict(list)
    booked: list[tuple[int, int, int, Interval, str | None]] = []
    for kind, who, room, patient_id, a, b, c in rows:
        if kind == "appointment":
            booked.append((who, room, patient_id, Interval(parse_instant(a), parse_instant(b)), c))
        elif kind == "open":
            opening.append(WeeklyPeriod(int(a), _time(b), _time(c)))
        elif kind == "closed":
            closures.append(DateRange(_date(a), _date(b)))
        elif kind == "room":
            rooms[who] = []
        elif kind == "hours":
            working[who].append(WeeklyPeriod(int(a), _time(b), _time(c)))
        elif kind == "off":
            off[who].append(Interval(parse_instant(a), parse_instant(b)))
        elif kind == "credential":
            credentials[who].append((a, _date(b), _date(c)))

    busy: dict[int, list[Interval]] = defaultdict(list)
    patient_busy: list[Interval] = []
    for therapist_id, room_id, patient_id, held, ends in booked:
        if room_id in rooms:
            rooms[room_id].append(held)
        if therapist_id in working:
            busy[therapist_id].append(held)
        if patient is not None and patient_id == patient.pk and ends is not None:
            patient_busy.append(Interval(held.start, parse_instant(ends)))

    calendar = ClinicCalendar(
        time_zone=clinic.time_zone,
        opening=tuple(sorted(opening)),
        closures=tuple(sorted(closures)),
        rooms={pk: _sorted(held) for pk, held in sorted(rooms.items())},
    )
    agendas = [
        TherapistAgenda(
            therapist_id=t,
            working=tuple(sorted(working[t])),
            time_off=_sorted(off[t]),
            busy=_sorted(busy[t]),
            certified=certified_ranges(credentials[t]),
        )
        for t in sorted(working)
    ]
    return calendar, agendas, _sorted(patient_busy)


def _sorted(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    return tuple(sorted(intervals, key=_BY_TIME))
