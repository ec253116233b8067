"""The small practice `messages.py` measures: two clinics, screened patients, free starts.

Clinics open Mon-Fri 7-19 with as many rooms as therapists, therapists certified and working
Mon-Fri 8-16, a dry needling type (45 minutes + 15 buffer). Every patient has an email address
and a current screening (through `screening_record`, so the booking rules pass). Each patient
gets a start of their own on the hour, in start order, from the first Monday at least three days
ahead (so no reminder falls due while the benchmark runs): a therapist sees one patient an hour,
and with a room per therapist no two planned bookings collide, in whatever order they are made.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

CLINICS = 2
THERAPISTS = 8  # per clinic, and as many rooms
HOURS = range(8, 16)  # working hours 8-16: a 45 + 15 minute visit starts on each hour


@dataclass(frozen=True)
class Booking:
    """The arguments of one booking, the same for appointment_book and the bare booking."""

    patient: Any
    clinic: Any
    type: Any
    therapist: Any
    starts_at: dt.datetime


@dataclass
class Practice:
    desk: Any  # the front desk user who books and screens
    bookings: list[Booking]  # one per patient, in start order
    first_day: dt.date
    last_day: dt.date


def build(count: int) -> Practice:
    """The practice, with `count` screened patients and a free start for each."""
    from zoneinfo import ZoneInfo

    from django.contrib.auth.hashers import make_password
    from django.db import transaction

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
    from needlecare.scheduling.models import AppointmentType, WorkingHours
    from needlecare.scheduling.selectors import slots_for
    from needlecare.screening.policy import parse_intake
    from needlecare.screening.services import screening_record

    today = clinic_today()
    first = today + dt.timedelta(days=3)
    first += dt.timedelta(days=-first.weekday() % 7)  # the Monday on or after
    per_day = CLINICS * THERAPISTS * len(HOURS)
    weekdays: list[dt.date] = []
    day = first
    while len(weekdays) * per_day < count:
        if day.weekday() < 5:
            weekdays.append(day)
        day += dt.timedelta(days=1)
    password = make_password(None)

    with transaction.atomic():
        clinics = Clinic.objects.bulk_create(
            Clinic(name=f"Clinic {c + 1}", slug=f"clinic-{c + 1}", city="Stoughton", phone="781")
            for c in range(CLINICS)
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(clinic=c, weekday=wd, opens=dt.time(7), closes=dt.time(19))
            for c in clinics
            for wd in range(5)
        )
        Room.objects.bulk_create(
            Room(clinic=c, name=f"Room {r + 1}") for c in clinics for r in range(THERAPISTS)
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
        therapists = Therapist.objects.bulk_create(Therapist(user=u, title="PT") for u in users)
        Credential.objects.bulk_create(
            Credential(
                therapist=t,
                kind=kind,
                issuer="Board",
                number=f"{kind}-{t.pk}",
                valid_from=today - dt.timedelta(days=30),
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
        patients = Patient.objects.bulk_create(
            Patient(
                first_name=f"Patient{n}",
                last_name="Benchmark",
                date_of_birth=dt.date(1980, 5, 17),
                phone="781-555-0100",
                email=f"patient{n}@example.org",
                preferred_clinic=clinics[n % CLINICS],
            )
            for n in range(count)
        )
        intake = parse_intake({"planned_regions": ["neck"], "conditions": []})
        for patient in patients:
            screening_record(patient=patient, intake=intake, by=desk)

    # Every (day, hour, clinic, therapist) once, in start order.
    zone = ZoneInfo(clinics[0].time_zone)
    starts = [
        (dt.datetime.combine(day, dt.time(hour), tzinfo=zone), c, t)
        for day in weekdays
        for hour in HOURS
        for c in range(CLINICS)
        for t in range(THERAPISTS)
    ][:count]
    bookings = [
        Booking(patient, clinics[c], types[c], therapists[c * THERAPISTS + t], at)
        for patient, (at, c, t) in zip(patients, starts, strict=True)
    ]
    for clinic, kind in zip(clinics, types, strict=True):
        offered = {
            (s.therapist_id, s.start)
            for s in slots_for(
                clinic=clinic, type=kind, first_day=weekdays[0], last_day=weekdays[-1]
            )
        }
        missing = [
            b
            for b in bookings
            if b.clinic == clinic and (b.therapist.pk, b.starts_at) not in offered
        ]
        if missing:
            raise SystemExit(f"{len(missing)} planned starts are not offered, e.g. {missing[0]}")
    return Practice(desk=desk, bookings=bookings, first_day=weekdays[0], last_day=weekdays[-1])
