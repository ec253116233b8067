"""Cancelling the rest of a course, and the visits of a course changed one at a time: each stays
an ordinary appointment."""

import datetime as dt

import pytest

from needlecare.common.errors import Conflict, DomainError, NotAllowed
from needlecare.common.testing.clock import on_the_day
from needlecare.scheduling.models import Appointment, CancelledBy, Status
from needlecare.scheduling.series_reads import course_of
from needlecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_series_cancel_rest,
)
from needlecare.scheduling.tests.series_helpers import book_course

pytestmark = pytest.mark.django_db


def statuses(visits) -> list[str]:
    return [Appointment.objects.get(pk=v.pk).status for v in visits]


def test_the_rest_of_a_course_is_cancelled_from_a_visit_on_as_the_clinic(schedule):
    schedule.screen()
    visits = book_course(schedule)
    cancelled = appointment_series_cancel_rest(
        appointment=visits[2], reason="Discharged: goals met", by=schedule.practice.front_desk
    )
    assert [v.pk for v in cancelled] == [v.pk for v in visits[2:]]
    assert statuses(visits) == [Status.CONFIRMED] * 2 + [Status.CANCELLED] * 4
    for visit in visits[2:]:
        stored = Appointment.objects.get(pk=visit.pk)
        assert stored.cancelled_by == CancelledBy.CLINIC
        assert stored.cancel_reason == "Discharged: goals met"


def test_inside_the_late_cancellation_window_the_clinic_cancels_plainly_and_the_patient_late(
    schedule,
):
    schedule.screen()
    visits = book_course(schedule, count=3)
    desk = schedule.practice.front_desk
    with on_the_day(schedule, hour=7):  # two hours before visit 1: inside the 24-hour window
        appointment_series_cancel_rest(appointment=visits[0], reason="Moving away", by=desk)
    assert statuses(visits) == [Status.CANCELLED] * 3

    again = book_course(schedule, count=3)
    with on_the_day(schedule, hour=7):
        appointment_series_cancel_rest(
            appointment=again[0], reason="Patient stopped", by=desk, kind=CancelledBy.PATIENT
        )
    # Only the visit inside the window is the patient's late cancellation.
    assert statuses(again) == [Status.LATE_CANCELLED, Status.CANCELLED, Status.CANCELLED]
    assert {Appointment.objects.get(pk=v.pk).cancelled_by for v in again} == {"patient"}


def test_a_visit_already_started_is_left_for_its_attendance(schedule):
    schedule.screen()
    visits = book_course(schedule, count=3)
    with on_the_day(schedule, hour=9, minute=5):
        cancelled = appointment_series_cancel_rest(
            appointment=visits[0], reason="Stopping", by=schedule.practice.front_desk
        )
    assert [v.pk for v in cancelled] == [v.pk for v in visits[1:]]
    assert statuses(visits) == [Status.CONFIRMED, Status.CANCELLED, Status.CANCELLED]


def test_only_the_front_desk_or_an_admin_cancels_the_rest_and_only_of_a_course(schedule):
    p = schedule.practice
    schedule.screen()
    visits = book_course(schedule, count=3)
    for who in (p.patient.user, p.therapist.user):
        with pytest.raises(NotAllowed) as refused:
            appointment_series_cancel_rest(appointment=visits[0], reason="Stop", by=who)
        assert refused.value.code == "series.cancel_not_allowed"
    with pytest.raises(DomainError) as no_reason:
        appointment_series_cancel_rest(appointment=visits[0], reason="  ", by=p.admin)
    assert no_reason.value.code == "appointment.no_reason"
    single = appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.evaluation,
        therapist=p.therapist,
        starts_at=schedule.at(13),
        booked_by=p.front_desk,
    )
    with pytest.raises(DomainError) as alone:
        appointment_series_cancel_rest(appointment=single, reason="Stop", by=p.admin)
    assert alone.value.code == "series.not_a_course"
    assert statuses(visits) == [Status.CONFIRMED] * 3

    appointment_series_cancel_rest(appointment=visits[0], reason="Stop", by=p.admin)
    with pytest.raises(DomainError) as nothing:
        appointment_series_cancel_rest(appointment=visits[1], reason="Stop", by=p.admin)
    assert nothing.value.code == "series.nothing_left"


def test_a_visit_of_a_course_moves_and_cancels_on_its_own(schedule):
    p = schedule.practice
    schedule.screen()
    visits = book_course(schedule, count=4)
    moved = appointment_reschedule(
        appointment=visits[1], starts_at=schedule.at(11, days=8), by=p.front_desk
    )
    assert moved.series == visits[0].series
    assert moved.starts_at == schedule.at(11, days=8)
    appointment_cancel(appointment=visits[2], reason="Away that week", by=p.front_desk)

    course = course_of(Appointment.objects.get(pk=visits[0].pk))
    assert course is not None and course.count == 4 and course.number == 1
    assert [v.pk for v in course.visits] == [v.pk for v in visits]
    assert [v.status for v in course.visits] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.CANCELLED,
        Status.CONFIRMED,
    ]
    # The rest from visit 2 on: the moved one and the last; the cancelled one stays as it is.
    rest = appointment_series_cancel_rest(appointment=moved, reason="Stopping", by=p.front_desk)
    assert [v.pk for v in rest] == [visits[1].pk, visits[3].pk]


def test_a_course_visit_cannot_be_moved_onto_another_of_its_visits(schedule):
    p = schedule.practice
    schedule.screen()
    visits = book_course(schedule, count=2)
    with pytest.raises(Conflict) as taken:
        appointment_reschedule(
            appointment=visits[1],
            starts_at=schedule.at(9) + dt.timedelta(minutes=15),
            by=p.front_desk,
        )
    assert taken.value.code == "booking.not_free"
    assert Appointment.objects.get(pk=visits[1].pk).starts_at == visits[1].starts_at
