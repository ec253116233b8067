"""Availability speed, in-process: `available_slots()` for four weeks at one busy clinic.

    .venv/bin/python benchmarks/availability_pure.py

The case the booking pages ask for: a clinic in New York open 08:00-18:00 on weekdays and
09:00-13:00 on Saturdays, 10 rooms, 10 therapists working 8-hour shifts, about 50 appointments
per therapist-week (each in a room, with a 10-minute buffer), an afternoon off each (written in
New York time and overlapping booked visits, so it takes the converting and merging paths), a
closed day, one certification lapsing, a patient with two appointments, 28 days that include the
spring-forward Sunday, 45-minute dry needling visits on a 15-minute grid. Inputs are built once
(seeded); the figure is the median wall time of the call alone, pinned to one core. The database
side is measured elsewhere.
"""

import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from needlecare.scheduling.availability import (
    ClinicCalendar,
    DateRange,
    Interval,
    TherapistAgenda,
    WeeklyPeriod,
    available_slots,
)

ZONE = "America/New_York"
FIRST = date(2026, 3, 2)  # a Monday; 2026-03-08 is the spring-forward Sunday
DAYS = 28
THERAPISTS = 10
ROOMS = 10
PER_WEEK = 50
BUFFER = timedelta(minutes=10)
RUNS = 300


def pin() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def overlaps(busy: list[tuple[datetime, datetime]], a: datetime, b: datetime) -> bool:
    return any(s < b and a < e for s, e in busy)


def build(seed: int = 20260302) -> tuple[ClinicCalendar, list[TherapistAgenda], list[Interval]]:
    rnd = random.Random(seed)
    zone = ZoneInfo(ZONE)
    opening = tuple(WeeklyPeriod(wd, clock(8), clock(18)) for wd in range(5)) + (
        WeeklyPeriod(5, clock(9), clock(13)),
    )
    rooms: dict[int, list[tuple[datetime, datetime]]] = {100 + r: [] for r in range(ROOMS)}
    agendas = []
    for t in range(1, THERAPISTS + 1):
        begin = 8 if t % 2 else 10
        working = tuple(WeeklyPeriod(wd, clock(begin), clock(begin + 8)) for wd in range(5))
        if t % 3 == 0:
            working += (WeeklyPeriod(5, clock(9), clock(13)),)
        busy: list[tuple[datetime, datetime]] = []
        for offset in range(DAYS):
            day = FIRST + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            # Ten visits a day, back to back with the odd gap, each in the lowest free room.
            at = datetime.combine(day, clock(begin), tzinfo=zone).astimezone(UTC)
            for _ in range(PER_WEEK // 5):
                at += timedelta(minutes=rnd.choice([0, 0, 0, 15, 30]))
                end = at + timedelta(minutes=rnd.choice([30, 30, 30, 45])) + BUFFER
                room = next((r for r, b in rooms.items() if not overlaps(b, at, end)), None)
                if room is not None:
                    rooms[room].append((at, end))
                    busy.append((at, end))
                at = end
        off_day = FIRST + timedelta(days=rnd.randrange(DAYS))
        off_start = datetime.combine(off_day, clock(12), tzinfo=zone)
        agendas.append(
            TherapistAgenda(
                therapist_id=t,
                working=working,
                time_off=(Interval(off_start, off_start + timedelta(hours=6)),),
                busy=tuple(sorted(Interval(s, e) for s, e in busy)),
                certified=(DateRange(FIRST, FIRST + timedelta(days=20 if t == 4 else 400)),),
            )
        )
    calendar = ClinicCalendar(
        time_zone=ZONE,
        opening=opening,
        closures=(DateRange(FIRST + timedelta(days=11), FIRST + timedelta(days=11)),),
        rooms={r: tuple(sorted(Interval(s, e) for s, e in b)) for r, b in rooms.items()},
    )
    # The patient is already booked with two of the therapists this month.
    return calendar, agendas, [agendas[0].busy[3], agendas[1].busy[7]]


def main() -> None:
    where = pin()
    calendar, agendas, patient = build()

    def call() -> int:
        return len(
            available_slots(
                clinic=calendar,
                therapists=agendas,
                first_day=FIRST,
                last_day=FIRST + timedelta(days=DAYS - 1),
                duration=timedelta(minutes=45),
                buffer=BUFFER,
                needs_certification=True,
                patient_busy=patient,
                not_before=datetime.combine(FIRST, clock(10), tzinfo=ZoneInfo(ZONE)),
            )
        )

    slots = call()
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    appointments = sum(len(a.busy) for a in agendas)
    print(
        f"available_slots: {THERAPISTS} therapists, {ROOMS} rooms, {DAYS} days, "
        f"{appointments} appointments, {slots} slots offered ({where})"
    )
    print(
        f"median {statistics.median(times) * 1000:.2f} ms over {RUNS} runs "
        f"(min {min(times) * 1000:.2f}, max {max(times) * 1000:.2f}); goal well under 10 ms"
    )


if __name__ == "__main__":
    main()
