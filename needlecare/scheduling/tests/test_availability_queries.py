"""The database side of availability asks a fixed number of questions, however busy the clinic."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from needlecare.clinics.models import Credential
from needlecare.common.testing.factories import PatientFactory, TherapistFactory
from needlecare.scheduling.models import Appointment, WorkingHours
from needlecare.scheduling.selectors import slots_for

pytestmark = pytest.mark.django_db


def count_queries(schedule) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        slots = slots_for(
            clinic=schedule.practice.stoughton,
            type=schedule.dry_needling,
            first_day=schedule.day,
            last_day=schedule.day + dt.timedelta(days=27),
            patient=schedule.practice.patient,
        )
    return len(queries), len(slots)


def test_four_weeks_of_availability_take_the_same_queries_for_one_or_many(schedule):
    quiet, _ = count_queries(schedule)
    p = schedule.practice
    patients = [PatientFactory(preferred_clinic=p.stoughton) for _ in range(5)]
    for n in range(9):
        therapist = TherapistFactory(user__clinics=[p.stoughton])
        for credential in p.therapist.credentials.all():
            Credential.objects.create(
                therapist=therapist,
                kind=credential.kind,
                issuer="x",
                number=f"{n}-{credential.kind}",
                valid_from=credential.valid_from,
                expires_on=credential.expires_on,
            )
        for weekday in range(5):
            WorkingHours.objects.create(
                therapist=therapist,
                clinic=p.stoughton,
                weekday=weekday,
                starts=dt.time(8),
                ends=dt.time(16),
            )
        if n >= 2:
            continue  # two rooms: two therapists can be busy at the same time
        for day in range(0, 28, 2):
            start = schedule.at(9, days=day)
            Appointment.objects.create(
                clinic=p.stoughton,
                type=schedule.dry_needling,
                therapist=therapist,
                room=schedule.rooms[n],
                patient=patients[n],
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=45),
                blocked_until=start + dt.timedelta(hours=1),
                booked_by=p.front_desk,
            )
    busy, slots = count_queries(schedule)
    assert busy == quiet == 1  # everything in one statement
    assert slots > 0
