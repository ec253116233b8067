"""The practice `availability.py` measures: 20 clinics, 200 therapists, a year of appointments.

Built with bulk_create on a grid (appointments on the hour, 45 minutes + 15 buffer), so nothing
overlaps and no booking rule is consulted; `availability.py` then measures reads and bookings on it.

Courses of care need a therapist free at the same hour every week for 12 weeks, which the grid
almost never leaves (each hour is taken about 60% of the time), so the builder keeps some such
hours free: two therapists a clinic, each on one weekday at one hour, for the 12 weeks from the
Monday after the four weeks `availability.py` reads (so the existing figures see no change).
Each of these gets a patient of its own, without appointments.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import Any

CLINICS = 20
THERAPISTS = 10  # per clinic
# Three rooms cannot hold the default year: ten therapists seeing about five patients a day
# need about 48 room-hours a clinic-day, three rooms give 24 inside the working hours.
ROOMS = 10  # per clinic
PATIENTS = 2_000  # spread over the clinics, with appointments
APPOINTMENTS = 250_000
HOURS = range(8, 16)  # working hours 8-16, appointments on the hour: 45 minutes + 15 buffer
BOOKINGS = 300  # patients kept free of appointments, to be booked by the benchmark
SEED = 20261127
COURSE_VISITS = 12  # weekly
COURSE_CELLS = 2  # per clinic: a therapist's weekday hour kept free for COURSE_VISITS weeks
COURSE_WEEKS_AHEAD = 5  # the courses start on the fifth Monday from today, after the 4 weeks read


@dataclass
class Practice:
    today: dt.date
    clinics: list[Any]
    types: list[Any]  # the dry needling type of each clinic, in clinic order
    desk: Any  # the front desk user who books and screens
    bookers: list[Any]  # patients without appointments, to be screened and booked
    appointments: int
    courses: list["Course"]  # free weekly hours with a patient each, for courses of care


@dataclass(frozen=True)
class Course:
    """A weekly hour kept free for COURSE_VISITS weeks, with the patient to book it."""

    patient: Any
    clinic: Any
    type: Any
    therapist_id: int
    first_start: dt.datetime  # aware, UTC


def courses_monday(today: dt.date) -> dt.date:
    """The first Monday of the courses: after the four weeks from next Monday."""
    return today + dt.timedelta(days=7 - today.weekday() + 7 * (COURSE_WEEKS_AHEAD - 1))


def year_weekdays(today: dt.date) -> list[dt.date]:
    first = today - dt.timedelta(days=182)
    return [day for day in (first + dt.timedelta(days=n) for n in range(365)) if day.weekday() < 5]


def build(appointments: int) -> Practice:
    """The practice and its year of appointments, on a grid so nothing can overlap."""
    from zoneinfo import ZoneInfo

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from needlecare.accounts.models import Role, User
    from needlecare.clinics.models import (
        Clinic,
        Credential,
        OpeningHours,
        Room,
        StaffMembership,
        Therapist,
    )
    from needlecare.common.time import clinic_today
    from needlecare.patients.models import Patient
    from needlecare.scheduling.models import Appointment, AppointmentType, Status, WorkingHours

    rnd = random.Random(SEED)
    today = clinic_today()
    weekdays = year_weekdays(today)
    per_day = appointments / (CLINICS * THERAPISTS * len(weekdays))
    if per_day > len(HOURS):
        raise SystemExit(f"{appointments:,} appointments do not fit in a year of working hours")
    password = make_password(None)
    bookers_per_clinic = math.ceil((BOOKINGS + 1) / CLINICS)

    with transaction.atomic():
        clinics = Clinic.objects.bulk_create(
            Clinic(
                name=f"Clinic {c + 1:02d}",
                slug=f"clinic-{c + 1:02d}",
                city="Stoughton",
                phone=f"781-555-{c:04d}",
            )
            for c in range(CLINICS)
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(clinic=c, weekday=wd, opens=dt.time(7), closes=dt.time(19))
            for c in clinics
            for wd in range(5)
        )
        rooms = Room.objects.bulk_create(
            Room(clinic=c, name=f"Room {r + 1}") for c in clinics for r in range(ROOMS)
        )
        desk = User.objects.create(
            email="desk@example.org",
            full_name="Front Desk",
            role=Role.FRONT_DESK,
            password=password,
        )
        users = User.objects.bulk_create(
            User(
                email=f"therapist{n}@example.org",
                full_name=f"Therapist {n}",
                role=Role.THERAPIST,
                password=password,
            )
            for n in range(CLINICS * THERAPISTS)
        )
        StaffMembership.objects.bulk_create(
            [StaffMembership(clinic=c, user=desk) for c in clinics]
            + [
                StaffMembership(clinic=clinics[n // THERAPISTS], user=u)
                for n, u in enumerate(users)
            ]
        )
        therapists = Therapist.objects.bulk_create(
            Therapist(user=u, title="PT, DPT") for u in users
        )
        Credential.objects.bulk_create(
            Credential(
                therapist=t,
                kind=kind,
                issuer="Board",
                number=f"{kind}-{t.pk}",
                valid_from=weekdays[0] - dt.timedelta(days=30),
                expires_on=weekdays[-1] + dt.timedelta(days=30),
            )
            for t in therapists
            for kind in (Credential.Kind.DRY_NEEDLING, Credential.Kind.PT_LICENSE)
        )
        WorkingHours.objects.bulk_create(
            WorkingHours(
                therapist=t,
                clinic=clinics[n // THERAPISTS],
                weekday=wd,
                starts=dt.time(HOURS.start),
                ends=dt.time(HOURS.stop),
            )
            for n, t in enumerate(therapists)
            for wd in range(5)
        )
        types = AppointmentType.objects.bulk_create(
            AppointmentType(
                clinic=c,
                code="dry-needling",
                name="Dry needling treatment",
                duration_minutes=45,
                buffer_minutes=15,
                needs_certification=True,
            )
            for c in clinics
        )
        per_clinic = PATIENTS // CLINICS
        patients = Patient.objects.bulk_create(
            Patient(
                first_name=f"Patient{n}",
                last_name=f"Clinic{c}",
                date_of_birth=dt.date(1980, 5, 17),
                phone="781-555-0100",
                preferred_clinic=clinics[c],
            )
            for c in range(CLINICS)
            for n in range(per_clinic + bookers_per_clinic)
        )
        coursers = Patient.objects.bulk_create(
            Patient(
                first_name=f"Course{n}",
                last_name=f"Clinic{c}",
                date_of_birth=dt.date(1975, 3, 9),
                phone="781-555-0101",
                preferred_clinic=clinics[c],
            )
            for c in range(CLINICS)
            for n in range(COURSE_CELLS)
        )

    zone = ZoneInfo(clinics[0].time_zone)
    now = timezone.now()
    total = 0
    bookers = []
    stride = per_clinic + bookers_per_clinic
    first_week = courses_monday(today)
    course_days = [first_week + dt.timedelta(days=n) for n in range(7 * COURSE_VISITS)]
    courses, kept_free = [], set()  # (therapist, day, hour index) left out of the grid
    for c, clinic in enumerate(clinics):
        for k in range(COURSE_CELLS):
            therapist = therapists[c * THERAPISTS + k]
            weekday, h = (c + 2 * k) % 5, (c * COURSE_CELLS + k) % len(HOURS)
            days = [day for day in course_days if day.weekday() == weekday]
            kept_free |= {(therapist.pk, day, h) for day in days}
            first = dt.datetime.combine(days[0], dt.time(HOURS[h]), tzinfo=zone)
            courses.append(
                Course(
                    patient=coursers[c * COURSE_CELLS + k],
                    clinic=clinic,
                    type=types[c],
                    therapist_id=therapist.pk,
                    first_start=first.astimezone(dt.UTC),
                )
            )
    for c, clinic in enumerate(clinics):
        staff = [t.pk for t in therapists[c * THERAPISTS : (c + 1) * THERAPISTS]]
        room_ids = [r.pk for r in rooms[c * ROOMS : (c + 1) * ROOMS]]
        pool = [p.pk for p in patients[c * stride : c * stride + per_clinic]]
        bookers += patients[c * stride + per_clinic : (c + 1) * stride]
        rows = []
        for d, day in enumerate(weekdays):
            first = dt.datetime.combine(day, dt.time(HOURS.start), tzinfo=zone).astimezone(dt.UTC)
            by_hour: list[list[int]] = [[] for _ in HOURS]
            for t in staff:
                count = int(per_day) + (rnd.random() < per_day % 1)
                for h in rnd.sample(range(len(HOURS)), count):
                    by_hour[h].append(t)
            for h, busy in enumerate(by_hour):
                starts = first + dt.timedelta(hours=h)
                status = Status.COMPLETED if starts < now else Status.CONFIRMED
                shift = rnd.randrange(ROOMS)
                for k, t in enumerate(busy):
                    if (t, day, h) in kept_free:
                        continue  # left free for a course (the draws stay as they were)
                    # Within an hour each therapist, room and patient appears once; hours
                    # apart never overlap (45 minutes + 15 buffer).
                    rows.append(
                        Appointment(
                            clinic_id=clinic.pk,
                            type_id=types[c].pk,
                            therapist_id=t,
                            room_id=room_ids[(k + shift) % ROOMS],
                            patient_id=pool[((d * len(HOURS) + h) * THERAPISTS + k) % len(pool)],
                            starts_at=starts,
                            ends_at=starts + dt.timedelta(minutes=45),
                            blocked_until=starts + dt.timedelta(minutes=60),
                            status=status,
                            planned_regions=["neck"],
                            booked_by_id=desk.pk,
                        )
                    )
        with transaction.atomic():
            Appointment.objects.bulk_create(rows, batch_size=5000)
        total += len(rows)

    return Practice(
        today=today,
        clinics=clinics,
        types=types,
        desk=desk,
        bookers=bookers,
        appointments=total,
        courses=courses,
    )
