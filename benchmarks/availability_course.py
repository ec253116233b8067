"""Bookings for `availability.py`: single bookings and 12-visit courses of care, taking turns.

- Single bookings through `appointment_book()`: distinct screened patients at free starts in
  the four weeks from next Monday that cannot collide with one another (a full 45 + 15 minutes
  apart at their clinic), each its own transaction with its checks, audit rows and messages.
- Courses through `appointment_series_book()`: 12 weekly visits with the same therapist for
  distinct screened patients, at the hours the practice keeps free for them (weeks 5 to 16, so
  they meet neither the single bookings nor one another).

After the warm-ups (one single booking, WARMUPS courses), each of RUNS rounds books one course
and then BOOKINGS / RUNS single bookings, so a busy machine slows both alike and the ratio of a
course to one booking holds. Every call is timed on its own.
"""

import datetime as dt
import statistics
import time

from availability_practice import BOOKINGS, COURSE_VISITS, Practice

RUNS = 30
WARMUPS = 3


def median_p90(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), statistics.quantiles(times, n=10)[-1]


def measure_bookings(practice: Practice, first_day: dt.date, last_day: dt.date) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from needlecare.clinics.models import Therapist
    from needlecare.scheduling.selectors import slots_for
    from needlecare.scheduling.services import appointment_book, appointment_series_book
    from needlecare.screening.policy import parse_intake
    from needlecare.screening.services import screening_record

    courses = practice.courses
    if len(courses) < WARMUPS + RUNS:
        raise SystemExit(f"only {len(courses)} courses kept free, {WARMUPS + RUNS} needed")
    courses = courses[: WARMUPS + RUNS]
    # Screened untimed, all at once: a course's visits from week 5 on fall beyond the screening's
    # validity (30 days) and are booked all the same, needing re-confirmation nearer the time.
    intake = parse_intake({"planned_regions": ["neck"], "conditions": []})
    for patient in [*practice.bookers, *(c.patient for c in courses)]:
        screening_record(patient=patient, intake=intake, by=practice.desk)
    therapists = {t.pk: t for t in Therapist.objects.select_related("user")}

    plan = []
    for place, kind in zip(practice.clinics, practice.types, strict=True):
        waiting = iter(p for p in practice.bookers if p.preferred_clinic_id == place.pk)
        blocked = dt.timedelta(minutes=kind.duration_minutes + kind.buffer_minutes)
        free_from = None
        for slot in slots_for(clinic=place, type=kind, first_day=first_day, last_day=last_day):
            if free_from is not None and slot.start < free_from:
                continue
            patient = next(waiting, None)
            if patient is None:
                break
            plan.append((patient, place, kind, therapists[slot.therapist_id], slot.start))
            free_from = slot.start + blocked
    plan.sort(key=lambda p: p[4])
    plan = plan[: BOOKINGS + 1]
    if len(plan) < BOOKINGS + 1:
        raise SystemExit(f"only {len(plan)} non-colliding free starts found")
    if min(c.first_start for c in courses) <= plan[-1][4]:
        raise SystemExit("the courses and the single bookings would share weeks")

    def book(patient, place, kind, therapist, starts_at) -> float:
        start = time.perf_counter()
        appointment_book(
            patient=patient,
            clinic=place,
            type=kind,
            therapist=therapist,
            starts_at=starts_at,
            booked_by=practice.desk,
            planned_regions=["neck"],
        )
        return (time.perf_counter() - start) * 1000

    def course(c) -> float:
        start = time.perf_counter()
        visits = appointment_series_book(
            patient=c.patient,
            clinic=c.clinic,
            type=c.type,
            therapist=therapists[c.therapist_id],
            first_start=c.first_start,
            every_days=7,
            count=COURSE_VISITS,
            booked_by=practice.desk,
            planned_regions=["neck"],
        )
        spent = (time.perf_counter() - start) * 1000
        if len(visits) != COURSE_VISITS:
            raise SystemExit(f"a course booked {len(visits)} visits")
        return spent

    with CaptureQueriesContext(connection) as booking_queries:
        book(*plan[0])  # also the single bookings' warm-up
    with CaptureQueriesContext(connection) as course_queries:
        course(courses[0])  # also the first of the courses' warm-ups
    for c in courses[1:WARMUPS]:
        course(c)

    singles: list[float] = []
    course_times: list[float] = []
    per_round = BOOKINGS // RUNS
    for n, c in enumerate(courses[WARMUPS:]):
        course_times.append(course(c))
        for args in plan[1 + n * per_round : 1 + (n + 1) * per_round]:
            singles.append(book(*args))
    for args in plan[1 + RUNS * per_round :]:  # any left over when RUNS does not divide BOOKINGS
        singles.append(book(*args))

    course_median, course_p90 = median_p90(course_times)
    single_median, _ = median_p90(singles)
    return {
        "bookings": len(singles),
        "bookings_s": sum(singles) / 1000,
        "bookings_per_s": len(singles) / (sum(singles) / 1000),
        "booking_queries": len(booking_queries),
        "booking_median_ms": single_median,
        "courses": len(course_times),
        "course_visits": COURSE_VISITS,
        "course_median_ms": course_median,
        "course_p90_ms": course_p90,
        "course_queries": len(course_queries),
        "course_ratio": course_median / single_median,
        "courses_from": min(c.first_start for c in courses).date().isoformat(),
    }
