"""Bookable appointment starts: opening hours and working hours, minus everyone's busy time.

Pure: the standard library only, so the rules can be read and tested without a database.

How local time is read (the clinic's zone, through zoneinfo):

- A wall-clock time t on local date d stands for the first instant at which the clinic's clock
  reads t or later on d. An ordinary time is simply that instant. A time the clock skips (spring
  forward: 02:00-03:00 in New York) moves forward to the instant the clock jumps (03:00 EDT). A
  time the clock shows twice (fall back: 01:00-02:00) is its first occurrence (fold=0).
- A period's end of 00:00 means the midnight that ends the day (24:00).
- A window is the real time between two such instants, so a period that crosses a change lasts
  its real length: 00:00-06:00 is 5 hours on 2026-03-08 and 7 hours on 2026-11-01 in New York.
  Windows that touch in real time are one window (01:00-02:00 and 03:00-05:00 on 2026-03-08).
- Candidate starts are the wall-clock times midnight, midnight + step, ... before 24:00 that the
  clock actually shows on d, each taken once at its first occurrence: times the clock skips are
  not offered, and the repeated hour is offered once (its first pass).
- Durations, buffers and overlaps are real elapsed time. Slots come back in UTC, so
  `slot.end + buffer` is real time too; show them with `astimezone(clinic zone)`.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from math import ceil, floor
from operator import attrgetter, itemgetter, le, lt
from zoneinfo import ZoneInfo

_ZERO = timedelta(0)
_DAY = timedelta(days=1)
_MIDNIGHT = time(0)
_LAST_OF_DAY = _DAY - timedelta(microseconds=1)

_START = attrgetter("start")
_END = attrgetter("end")
_ZONE = attrgetter("tzinfo")
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)

Span = tuple[timedelta, timedelta]  # wall-clock offsets from local midnight, end may be 24:00


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """Half-open [start, end) between timezone-aware instants."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("An Interval needs timezone-aware datetimes.")
        # In UTC: two datetimes sharing a ZoneInfo compare by wall clock, so 01:30 EST would
        # come before 01:45 EDT on the fall-back night.
        if _utc(self.end) < _utc(self.start):
            raise ValueError("An Interval cannot end before it starts.")


@dataclass(frozen=True, slots=True, order=True)
class WeeklyPeriod:
    """Local wall-clock hours on a weekday (0 = Monday); an end of 00:00 means 24:00."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("A weekday is 0 (Monday) to 6 (Sunday).")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("Weekly periods are local wall-clock times, without a tzinfo.")
        if self.end != _MIDNIGHT and self.end <= self.start:
            raise ValueError("A weekly period must end after it starts.")


@dataclass(frozen=True, slots=True, order=True)
class DateRange:
    """Local dates from first to last, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("A DateRange cannot end before it starts.")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


@dataclass(frozen=True)
class TherapistAgenda:
    therapist_id: int
    working: tuple[WeeklyPeriod, ...]  # their hours at this clinic
    time_off: tuple[Interval, ...] = ()
    busy: tuple[Interval, ...] = ()  # appointments anywhere, each already extended by its buffer
    certified: tuple[DateRange, ...] = ()  # days they may dry needle (licence and certification)


@dataclass(frozen=True)
class ClinicCalendar:
    time_zone: str  # e.g. "America/New_York"
    opening: tuple[WeeklyPeriod, ...]
    closures: tuple[DateRange, ...] = ()
    # room id -> busy intervals, each already extended by its buffer
    rooms: dict[int, tuple[Interval, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    start: datetime  # UTC
    end: datetime  # start + duration; the buffer is not included
    therapist_id: int
    room_id: int


def available_slots(
    *,
    clinic: ClinicCalendar,
    therapists: Sequence[TherapistAgenda],
    first_day: date,
    last_day: date,
    duration: timedelta,
    buffer: timedelta = _ZERO,
    needs_certification: bool = False,
    patient_busy: Sequence[Interval] = (),
    not_before: datetime | None = None,
    step: timedelta = timedelta(minutes=15),
) -> list[Slot]:
    """Every bookable (start, therapist) over local days first_day..last_day, earliest first.

    A start is offered when the appointment [start, start + duration) fits in one window of the
    clinic's opening hours intersected with the therapist's working hours that day; the blocked
    time [start, start + duration + buffer) overlaps none of the therapist's time off or busy
    time, the patient's busy time, and the busy time of at least one room (the lowest free room
    id is chosen); the therapist is certified that day if needs_certification; and the start is
    not before not_before. Ties are ordered by therapist id.
    """
    if duration <= _ZERO:
        raise ValueError("An appointment must last some time.")
    if buffer < _ZERO:
        raise ValueError("A buffer cannot be negative.")
    if step <= _ZERO:
        raise ValueError("The step between starts must be positive.")
    if not_before is not None and not_before.tzinfo is None:
        raise ValueError("not_before must be timezone-aware.")
    if last_day < first_day:
        return []

    zone = ZoneInfo(clinic.time_zone)
    blocked = duration + buffer
    earliest = None if not_before is None else _utc(not_before)

    opening = _by_weekday(clinic.opening)
    rooms = [(room_id, *_merged(busy)) for room_id, busy in sorted(clinic.rooms.items())]
    if not rooms or not any(opening):
        return []

    agendas = []
    seen: set[int] = set()
    for agenda in sorted(therapists, key=lambda a: a.therapist_id):
        if agenda.therapist_id in seen:
            raise ValueError(f"Therapist {agenda.therapist_id} is listed twice.")
        seen.add(agenda.therapist_id)
        working = _by_weekday(agenda.working)
        windows = [_intersect(opening[wd], working[wd]) for wd in range(7)]
        if not any(windows):
            continue
        starts, ends = _merged(agenda.time_off, agenda.busy, patient_busy)
        # A start s collides with busy [a, b) exactly when a - blocked < s < b.
        collides_after = [a - blocked for a in starts]
        agendas.append((agenda.therapist_id, windows, collides_after, ends, agenda.certified))

    slots: list[Slot] = []
    day = first_day
    day_start = _first_instant(datetime.combine(day, _MIDNIGHT), zone)
    while day <= last_day:
        next_day = day + _DAY
        next_start = _first_instant(datetime.combine(next_day, _MIDNIGHT), zone)
        weekday = day.weekday()
        if opening[weekday] and not any(day in c for c in clinic.closures):
            local = _LocalDay(day, day_start, next_start, zone)
            grid = local.grid(step, opening[weekday])
            takers: list[list[int] | None] = [None] * len(grid)
            for therapist_id, windows, collides_after, ends, certified in agendas:
                spans = windows[weekday]
                if not spans or (needs_certification and not any(day in r for r in certified)):
                    continue
                for lo, end in local.windows(spans):
                    hi = end - duration  # the latest start that still ends inside the window
                    if earliest is not None and lo < earliest:
                        lo = earliest
                    if hi < lo:
                        continue
                    for a, b in _free_runs(lo, hi, collides_after, ends):
                        for j in range(bisect_left(grid, a), bisect_right(grid, b)):
                            taken = takers[j]
                            if taken is None:
                                takers[j] = [therapist_id]
                            else:
                                taken.append(therapist_id)
            for j, taken in enumerate(takers):
                if taken is None:
                    continue
                start = grid[j]
                room = _free_room(rooms, start, start + blocked)
                if room is None:
                    continue
                end = start + duration
                slots.extend([Slot(start, end, t, room) for t in taken])
        day, day_start = next_day, next_start
    return slots


class _LocalDay:
    """One local date: its wall-clock times as instants (see the module docstring)."""

    __slots__ = ("day", "start", "end", "zone", "simple")

    def __init__(self, day: date, start: datetime, end: datetime, zone: ZoneInfo) -> None:
        self.day = day
        self.start = start
        self.end = end
        self.zone = zone
        # A 24-hour day has no clock change in it (no zone changes twice within a day), so
        # every wall-clock time is midnight plus its offset.
        self.simple = end - start == _DAY

    def instant(self, offset: timedelta) -> datetime:
        if self.simple:
            return self.start + offset
        if offset >= _DAY:
            return self.end
        return _first_instant(datetime.combine(self.day, _MIDNIGHT) + offset, self.zone)

    def windows(self, spans: list[Span]) -> list[tuple[datetime, datetime]]:
        """The spans as instants, dropping empty ones and joining those that now touch."""
        out: list[tuple[datetime, datetime]] = []
        for a, b in spans:
            lo, hi = self.instant(a), self.instant(b)
            if hi <= lo:
                continue
            if out and out[-1][1] >= lo:
                out[-1] = (out[-1][0], hi)
            else:
                out.append((lo, hi))
        return out

    def grid(self, step: timedelta, opening: list[Span]) -> list[datetime]:
        """Candidate starts, ascending: grid times the clock shows, first occurrence only."""
        if self.simple:
            # Only the part of the grid the clinic is open for can ever be offered.
            first = -(-opening[0][0] // step)
            last = min(opening[-1][1] // step, _LAST_OF_DAY // step)
            return [self.start + k * step for k in range(first, last + 1)]
        midnight = datetime.combine(self.day, _MIDNIGHT)
        out = []
        k = 0
        while (offset := k * step) < _DAY:
            wall = midnight + offset
            at = wall.replace(tzinfo=self.zone).astimezone(UTC)
            if at.astimezone(self.zone).replace(tzinfo=None) == wall:
                out.append(at)
            k += 1
        return out


def _first_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) at which the clock in zone reads the naive `wall` or later."""
    at = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the first of a repeated reading
    if at.astimezone(zone).replace(tzinfo=None) == wall:
        return at
    # The clock skips `wall`: find the jump. Before it the clock reads less than `wall`, from it
    # on more; the two readings of `wall` (fold=0 and fold=1) bracket it. Zones change on whole
    # seconds.
    other = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    lo = floor(min(at, other).timestamp())
    hi = ceil(max(at, other).timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def _utc(moment: datetime) -> datetime:
    # Same-tzinfo comparisons skip utcoffset(), which keeps the bisects cheap.
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def _merged(*sources: Sequence[Interval]) -> tuple[list[datetime], list[datetime]]:
    """Sorted, disjoint starts and ends covering the intervals (touching ones joined).

    Works in C-level passes (map, sort) when the input is clean, as the database side hands it
    over (UTC, sorted, apart); only other zones, overlaps and empty intervals cost Python loops.
    """
    starts: list[datetime] = []
    ends: list[datetime] = []
    for source in sources:
        source_starts = list(map(_START, source))
        source_ends = list(map(_END, source))
        if not {*map(_ZONE, source_starts), *map(_ZONE, source_ends)} <= {UTC}:
            source_starts = [_utc(m) for m in source_starts]
            source_ends = [_utc(m) for m in source_ends]
        starts += source_starts
        ends += source_ends
    if not all(map(le, starts, islice(starts, 1, None))):
        pairs = sorted(zip(starts, ends, strict=True))
        starts = list(map(_FIRST, pairs))
        ends = list(map(_SECOND, pairs))
    if all(map(lt, starts, ends)) and all(map(le, ends, islice(starts, 1, None))):
        return starts, ends
    merged_starts: list[datetime] = []
    merged_ends: list[datetime] = []
    for a, b in zip(starts, ends, strict=True):
        if b <= a:
            continue
        if merged_ends and a <= merged_ends[-1]:
            if b > merged_ends[-1]:
                merged_ends[-1] = b
        else:
            merged_starts.append(a)
            merged_ends.append(b)
    return merged_starts, merged_ends


def _free_runs(
    lo: datetime, hi: datetime, collides_after: list[datetime], ends: list[datetime]
) -> list[tuple[datetime, datetime]]:
    """The closed runs of starts in [lo, hi] that collide with no busy interval."""
    runs = []
    i = bisect_right(ends, lo)  # busy time over by lo cannot collide with a start from lo on
    while lo <= hi:
        if i == len(ends) or collides_after[i] >= hi:
            runs.append((lo, hi))
            break
        if collides_after[i] >= lo:
            runs.append((lo, collides_after[i]))
        lo = max(lo, ends[i])
        i += 1
    return runs


def _free_room(
    rooms: list[tuple[int, list[datetime], list[datetime]]], start: datetime, end: datetime
) -> int | None:
    for room_id, starts, ends in rooms:
        i = bisect_right(ends, start)  # the first busy interval still going at `start`
        if i == len(ends) or starts[i] >= end:
            return room_id
    return None


def _offset(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _by_weekday(periods: Iterable[WeeklyPeriod]) -> list[list[Span]]:
    """Per weekday, the periods as sorted, disjoint wall-clock spans (touching ones joined)."""
    raw: list[list[Span]] = [[] for _ in range(7)]
    for p in periods:
        end = _DAY if p.end == _MIDNIGHT else _offset(p.end)
        raw[p.weekday].append((_offset(p.start), end))
    out: list[list[Span]] = []
    for spans in raw:
        merged: list[Span] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                if b > merged[-1][1]:
                    merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        out.append(merged)
    return out


def _intersect(xs: list[Span], ys: list[Span]) -> list[Span]:
    out: list[Span] = []
    i = j = 0
    while i < len(xs) and j < len(ys):
        lo = max(xs[i][0], ys[j][0])
        hi = min(xs[i][1], ys[j][1])
        if lo < hi:
            out.append((lo, hi))
        if xs[i][1] < ys[j][1]:
            i += 1
        else:
            j += 1
    return out
