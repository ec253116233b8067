"""Booking a course asks the database a fixed number of questions however many visits it has:
one availability read for them all, one INSERT for the visits, two for their audit events and
one for their messages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from needlecare.common.testing.factories import PatientFactory
from needlecare.patients.models import Patient
from needlecare.scheduling.tests.series_helpers import book_course, second_therapist

pytestmark = pytest.mark.django_db

# The savepoint (BEGIN outside a test's transaction), the therapist's membership, the patient's
# account, the screening gate (the current screening), the availability read, the visits, their
# audit events and the events' clinics, their messages, and the release (COMMIT).
COURSE_QUERIES = 10


def queries_for(schedule, count: int, hour: int, therapist="same") -> list[str]:
    patient = PatientFactory(preferred_clinic=schedule.practice.stoughton)
    schedule.screen(patient)
    fresh = Patient.objects.get(pk=patient.pk)  # nothing read beforehand
    with CaptureQueriesContext(connection) as queries:
        visits = book_course(
            schedule, patient=fresh, count=count, at=schedule.at(hour), therapist=therapist
        )
    assert len(visits) == count
    return [q["sql"] for q in queries.captured_queries]


def test_a_twelve_visit_course_takes_the_same_queries_as_a_three_visit_one(schedule):
    three = queries_for(schedule, 3, 8)
    twelve = queries_for(schedule, 12, 10)
    assert len(three) == len(twelve) == COURSE_QUERIES, twelve
    # All the visits are checked in one availability read.
    assert sum("UNION ALL" in sql for sql in twelve) == 1


def test_anyone_certified_adds_one_query_for_the_therapists_chosen(schedule):
    second_therapist(schedule)
    three = queries_for(schedule, 3, 8, therapist=None)
    twelve = queries_for(schedule, 12, 10, therapist=None)
    assert len(three) == len(twelve) == COURSE_QUERIES + 1
    assert sum("UNION ALL" in sql for sql in twelve) == 1
