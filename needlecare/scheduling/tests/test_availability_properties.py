"""Availability over generated schedules, checked against a slow minute-by-minute oracle.

The oracle never turns a local time into an instant with zoneinfo. It walks every minute around
the local day, reads the clinic's clock at each (instant -> local only), and takes a wall-clock
time t to mean the first minute at which the clock reads t or later that day: the rule the module
documents, found by looking rather than computed. Starts are minutes whose reading is on the
step grid and is the first pass of that reading (fold 0). Everything else is tested minute by
minute against sets of busy minutes, so every generated time is a whole minute.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needlecare.scheduling.availability import (
    ClinicCalendar,
    DateRange,
    Interval,
    Slot,
    TherapistAgenda,
    WeeklyPeriod,
    available_slots,
)

MINUTE = timedelta(minutes=1)
ZONES = ("America/New_York", "America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC")


def _clock_change_days(zone_name: str, year: int = 2026) -> list[date]:
    zone = ZoneInfo(zone_name)

    def offset(day: date) -> timedelta | None:
        return datetime.combine(day, time(0), tzinfo=zone).utcoffset()

    days = (date(year, 1, 1) + timedelta(days=n) for n in range(365))
    return [d for d in days if offset(d) != offset(d + timedelta(days=1))]


CHANGE_DAYS = {name: _clock_change_days(name) for name in set(ZONES)}


def minute_of(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


def instant(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


# Strategies


# Wall-clock minutes where the zones drawn from change their clocks (01:00-03:00), often used
# as the edges of periods: inside a skipped or a repeated stretch, or just either side of one.
NEAR_CHANGES = (55, 60, 65, 90, 115, 120, 125, 130, 150, 155, 175, 180, 185)


def minutes_of_day(draw: st.DrawFn) -> tuple[int, int]:
    start = draw(
        st.one_of(
            st.sampled_from(NEAR_CHANGES),
            st.integers(0, 8 * 12).map(lambda n: n * 5),  # night and early morning
            st.integers(0, 287).map(lambda n: n * 5),
        )
    )
    later = [m for m in NEAR_CHANGES if m > start] or [1440]
    end = draw(
        st.one_of(
            st.integers(6, 14 * 12).map(lambda n: min(start + n * 5, 1440)),
            st.sampled_from(later),
        )
    )
    return start, end


def as_time(minute: int) -> time:
    return time(0) if minute == 1440 else time(minute // 60, minute % 60)


@st.composite
def weekly(draw: st.DrawFn, weekdays: set[int], least: int = 0) -> tuple[WeeklyPeriod, ...]:
    """Up to two periods on each weekday asked about, and now and then one on another day."""
    periods = []
    for weekday in sorted(weekdays):
        for _ in range(draw(st.integers(least, 2))):
            a, b = minutes_of_day(draw)
            periods.append(WeeklyPeriod(weekday, as_time(a), as_time(b)))
    if draw(st.booleans()):
        a, b = minutes_of_day(draw)
        periods.append(WeeklyPeriod(draw(st.integers(0, 6)), as_time(a), as_time(b)))
    return tuple(periods)


@st.composite
def intervals(draw: st.DrawFn, zone: ZoneInfo, base: int, span: int, most: int, longest: int):
    out = []
    for _ in range(draw(st.integers(0, most))):
        start = base + draw(st.integers(0, span))
        end = start + draw(st.integers(0, longest))  # zero-length ones block nothing
        tz = draw(st.sampled_from([UTC, zone]))
        out.append(Interval(instant(start).astimezone(tz), instant(end).astimezone(tz)))
    return tuple(out)


@st.composite
def date_ranges(draw: st.DrawFn, first: date, days: int, most: int) -> tuple[DateRange, ...]:
    out = []
    for _ in range(draw(st.sampled_from(range(most + 1)))):
        a = first + timedelta(days=draw(st.integers(-2, days)))
        out.append(DateRange(a, a + timedelta(days=draw(st.integers(0, 2)))))
    return tuple(out)


@st.composite
def requests(draw: st.DrawFn, change_days_only: bool = False) -> dict:
    if change_days_only:
        zone_name = draw(st.sampled_from([z for z in ZONES if CHANGE_DAYS[z]]))
        first_day = draw(st.sampled_from(CHANGE_DAYS[zone_name]))
        days = 1
    else:
        zone_name = draw(st.sampled_from(ZONES))
        anchors = st.sampled_from(CHANGE_DAYS[zone_name] or [date(2026, 6, 1)])
        anchor = draw(st.one_of(anchors, st.dates(date(2026, 1, 1), date(2026, 12, 31))))
        first_day = anchor - timedelta(days=draw(st.integers(0, 1)))
        days = draw(st.integers(1, 3))
    zone = ZoneInfo(zone_name)
    last_day = first_day + timedelta(days=days - 1)
    # Busy time starts anywhere from 18 hours before the first day's UTC midnight to 12 hours
    # after the last day's: every zone's local days, and a little either side.
    base = minute_of(datetime.combine(first_day, time(0), tzinfo=UTC)) - 18 * 60
    span = days * 1440 + 30 * 60

    def busy(most: int, longest: int) -> st.SearchStrategy:
        return intervals(zone, base, span, most, longest)

    room_ids = draw(st.lists(st.integers(1, 9), min_size=1, max_size=3, unique=True))
    weekdays = {(first_day + timedelta(days=n)).weekday() for n in range(days)}
    opening = draw(weekly(weekdays, least=1))
    # Therapists' hours: their own, the clinic's, or around the clock, so that most generated
    # schedules offer something.
    around_the_clock = tuple(WeeklyPeriod(d, time(0), time(0)) for d in range(7))
    hours = st.one_of(weekly(weekdays, least=1), st.just(opening), st.just(around_the_clock))
    clinic = ClinicCalendar(
        time_zone=zone_name,
        opening=opening,
        closures=draw(st.one_of(st.just(()), date_ranges(first_day, days, 1))),
        rooms={r: draw(busy(5, 180)) for r in room_ids},
    )
    therapist_ids = draw(st.lists(st.integers(1, 50), min_size=1, max_size=3, unique=True))
    therapists = [
        TherapistAgenda(
            therapist_id=t,
            working=draw(hours),
            time_off=draw(busy(1, 600)),
            busy=draw(busy(8, 120)),
            certified=draw(date_ranges(first_day, days, 2)),
        )
        for t in therapist_ids
    ]
    # Mostly early in the range, so that it cuts some starts without emptying it.
    now = st.integers(base + 12 * 60, base + (18 + 12 * days) * 60).map(instant)
    not_before = draw(st.one_of(st.none(), now))
    return {
        "clinic": clinic,
        "therapists": therapists,
        "first_day": first_day,
        "last_day": last_day,
        "duration": draw(st.integers(1, 24)) * 5 * MINUTE,
        "buffer": draw(st.integers(0, 6)) * 5 * MINUTE,
        "needs_certification": draw(st.sampled_from([False, False, True])),
        "patient_busy": draw(busy(3, 120)),
        "not_before": not_before,
        "step": draw(st.sampled_from([10, 15, 15, 20, 30, 45, 60])) * MINUTE,
    }


# The oracle


class LocalDay:
    """One local date, read off the clock minute by minute."""

    def __init__(self, day: date, zone: ZoneInfo) -> None:
        self.day = day
        start = minute_of(datetime.combine(day, time(0), tzinfo=UTC)) - 16 * 60
        self.readings = [
            (m, datetime.fromtimestamp(m * 60, zone)) for m in range(start, start + 56 * 60)
        ]
        self.clock = [(m, local.replace(tzinfo=None)) for m, local in self.readings]

    def first_reading(self, minute_of_day: int) -> int:
        """The first minute at which the clock reads this wall time (or later) on the day."""
        target = datetime.combine(self.day, time(0)) + minute_of_day * MINUTE
        return next(m for m, reading in self.clock if reading >= target)

    def minutes_in(self, periods: Iterable[WeeklyPeriod]) -> set[int]:
        out: set[int] = set()
        for p in periods:
            if p.weekday != self.day.weekday():
                continue
            a = p.start.hour * 60 + p.start.minute
            b = 1440 if p.end == time(0) else p.end.hour * 60 + p.end.minute
            out.update(range(self.first_reading(a), self.first_reading(b)))
        return out

    def grid(self, step: int) -> list[int]:
        return [
            m
            for m, local in self.readings
            if local.date() == self.day
            and local.fold == 0
            and (local.hour * 60 + local.minute) % step == 0
        ]


@cache
def local_day(day: date, zone_name: str) -> LocalDay:
    return LocalDay(day, ZoneInfo(zone_name))


def busy_minutes(intervals: Iterable[Interval]) -> set[int]:
    out: set[int] = set()
    for i in intervals:
        out.update(range(minute_of(i.start), minute_of(i.end)))
    return out


def oracle(
    *,
    clinic: ClinicCalendar,
    therapists: Sequence[TherapistAgenda],
    first_day: date,
    last_day: date,
    duration: timedelta,
    buffer: timedelta,
    needs_certification: bool,
    patient_busy: Sequence[Interval],
    not_before: datetime | None,
    step: timedelta,
) -> list[Slot]:
    length = duration // MINUTE
    blocked = (duration + buffer) // MINUTE
    patient = busy_minutes(patient_busy)
    rooms = [(r, busy_minutes(busy)) for r, busy in sorted(clinic.rooms.items())]
    agendas = [
        (t, busy_minutes(t.time_off) | busy_minutes(t.busy) | patient)
        for t in sorted(therapists, key=lambda t: t.therapist_id)
    ]
    out = []
    day = first_day
    while day <= last_day:
        local = local_day(day, clinic.time_zone)
        if any(c.first <= day <= c.last for c in clinic.closures):
            day += timedelta(days=1)
            continue
        opening = local.minutes_in(clinic.opening)
        hours = {t.therapist_id: opening & local.minutes_in(t.working) for t, _ in agendas}
        for start in local.grid(step // MINUTE):
            if not_before is not None and instant(start) < not_before:
                continue
            appointment = range(start, start + length)
            kept = range(start, start + blocked)
            for t, busy in agendas:
                if needs_certification and not any(c.first <= day <= c.last for c in t.certified):
                    continue
                if not all(m in hours[t.therapist_id] for m in appointment):
                    continue
                if any(m in busy for m in kept):
                    continue
                room = next((r for r, busy in rooms if not any(m in busy for m in kept)), None)
                if room is not None:
                    out.append(Slot(instant(start), instant(start + length), t.therapist_id, room))
        day += timedelta(days=1)
    return out


ORACLE = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
QUICK = settings(ORACLE, max_examples=50)


@ORACLE
@given(requests())
def test_availability_agrees_with_the_minute_by_minute_oracle(request):
    assert available_slots(**request) == oracle(**request)


@ORACLE
@given(requests(change_days_only=True))
def test_on_clock_change_days_availability_agrees_with_the_oracle(request):
    assert available_slots(**request) == oracle(**request)


def overlaps(a: datetime, b: datetime, intervals: Iterable[Interval]) -> bool:
    return any(i.start < b and a < i.end and i.start < i.end for i in intervals)


@QUICK
@given(requests())
def test_no_offered_slot_collides_with_anyones_busy_time(request):
    buffer = request["buffer"]
    rooms = request["clinic"].rooms
    agendas = {t.therapist_id: t for t in request["therapists"]}
    for slot in available_slots(**request):
        kept = (slot.start, slot.end + buffer)
        agenda = agendas[slot.therapist_id]
        assert not overlaps(*kept, agenda.busy)
        assert not overlaps(*kept, agenda.time_off)
        assert not overlaps(*kept, request["patient_busy"])
        assert not overlaps(*kept, rooms[slot.room_id])
        assert all(overlaps(*kept, rooms[r]) for r in rooms if r < slot.room_id)


@QUICK
@given(requests())
def test_every_offered_slot_lies_inside_working_and_opening_hours_that_day(request):
    clinic = request["clinic"]
    zone = ZoneInfo(clinic.time_zone)
    agendas = {t.therapist_id: t for t in request["therapists"]}
    offered = available_slots(**request)
    hours: dict[tuple[date, int], set[int]] = {}
    for slot in offered:
        day = slot.start.astimezone(zone).date()
        assert request["first_day"] <= day <= request["last_day"]
        key = (day, slot.therapist_id)
        if key not in hours:
            local = local_day(day, clinic.time_zone)
            working = local.minutes_in(agendas[slot.therapist_id].working)
            hours[key] = local.minutes_in(clinic.opening) & working
        assert set(range(minute_of(slot.start), minute_of(slot.end))) <= hours[key]
        assert slot.end - slot.start == request["duration"]
        assert request["not_before"] is None or slot.start >= request["not_before"]
    keys = [(s.start, s.therapist_id) for s in offered]
    assert keys == sorted(set(keys))
