"""Shared by the availability tests: a New York clinic, its therapists, and readable starts."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from needlecare.scheduling.availability import (
    ClinicCalendar,
    DateRange,
    Interval,
    Slot,
    TherapistAgenda,
    WeeklyPeriod,
    available_slots,
)

NY = ZoneInfo("America/New_York")
MONDAY = date(2026, 3, 16)
TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
MINUTES = timedelta(minutes=1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NY)


def weekdays(start: int, end: int, days: range = range(5)) -> tuple[WeeklyPeriod, ...]:
    return tuple(WeeklyPeriod(d, time(start), time(end)) for d in days)


def clinic(
    opening: tuple[WeeklyPeriod, ...] = weekdays(8, 18),
    rooms: dict[int, tuple[Interval, ...]] | None = None,
    closures: tuple[DateRange, ...] = (),
) -> ClinicCalendar:
    return ClinicCalendar(
        time_zone="America/New_York",
        opening=opening,
        closures=closures,
        rooms={1: ()} if rooms is None else rooms,
    )


def therapist(
    therapist_id: int = 1, working: tuple[WeeklyPeriod, ...] = weekdays(9, 12), **kwargs: object
) -> TherapistAgenda:
    return TherapistAgenda(therapist_id=therapist_id, working=working, **kwargs)  # type: ignore[arg-type]


def slots(
    calendar: ClinicCalendar | None = None,
    therapists: list[TherapistAgenda] | None = None,
    first_day: date = MONDAY,
    last_day: date | None = None,
    minutes: int = 60,
    **kwargs: object,
) -> list[Slot]:
    return available_slots(
        clinic=calendar or clinic(),
        therapists=therapists or [therapist()],
        first_day=first_day,
        last_day=first_day if last_day is None else last_day,
        duration=minutes * MINUTES,
        **kwargs,  # type: ignore[arg-type]
    )


def local_starts(offered: list[Slot]) -> list[str]:
    return [s.start.astimezone(NY).strftime("%H:%M") for s in offered]


def who(offered: list[Slot]) -> list[tuple[str, int, int]]:
    return [
        (t, s.therapist_id, s.room_id) for s, t in zip(offered, local_starts(offered), strict=True)
    ]


def every(minutes: int, first: str, last: str) -> list[str]:
    h, m = map(int, first.split(":"))
    out = []
    t = datetime(2000, 1, 1, h, m)
    while t.strftime("%H:%M") <= last:
        out.append(t.strftime("%H:%M"))
        t += timedelta(minutes=minutes)
    return out
