"""A patient's attendance over the last twelve months, and the clinic setting that turns the
online bookings of a patient who keeps missing visits into requests for staff to confirm."""

import datetime as dt

import pytest
import time_machine

from needlecare.scheduling.attendance import attendance_of, online_bookings_are_requests
from needlecare.scheduling.models import Status
from needlecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_transition,
)

pytestmark = pytest.mark.django_db


def visit(schedule, at, *, by=None):  # type: ignore[no-untyped-def]
    p = schedule.practice
    return appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.evaluation,
        therapist=p.therapist,
        starts_at=at,
        booked_by=by or p.front_desk,
    )


def two_no_shows(schedule) -> None:  # type: ignore[no-untyped-def]
    """Missed visits at 9:00 and 11:00 on the schedule's Monday, marked at noon."""
    missed = [visit(schedule, schedule.at(9)), visit(schedule, schedule.at(11))]
    with time_machine.travel(schedule.at(12), tick=False):
        for appointment in missed:
            appointment_transition(
                appointment=appointment, action="no_show", by=schedule.practice.front_desk
            )


def test_the_record_counts_attended_cancelled_late_cancelled_and_missed(schedule):
    desk, patient = schedule.practice.front_desk, schedule.practice.patient
    attended, checked_in, cancelled, late, missed = (
        visit(schedule, schedule.at(h)) for h in (8, 10, 12, 14, 15)
    )
    appointment_cancel(appointment=cancelled, reason="Away", by=patient.user)
    with time_machine.travel(schedule.at(7), tick=False):
        appointment_cancel(appointment=late, reason="Overslept", by=desk, kind="patient")
        appointment_transition(appointment=attended, action="check_in", by=desk)
        appointment_transition(appointment=checked_in, action="check_in", by=desk)
    with time_machine.travel(schedule.at(15, 15), tick=False):
        appointment_transition(appointment=attended, action="complete", by=desk)
        appointment_transition(appointment=missed, action="no_show", by=desk)
    counts = attendance_of(patient, now=schedule.at(18))
    assert (counts.attended, counts.cancelled, counts.late_cancelled, counts.no_show) == (
        2,
        1,
        1,
        1,
    )
    # Twelve months on, the same visits still count; a day later, none do.
    a_year_on = schedule.at(8).replace(year=schedule.day.year + 1)
    assert attendance_of(patient, now=a_year_on).attended == 2
    later = attendance_of(patient, now=a_year_on + dt.timedelta(days=1))
    assert (later.attended, later.cancelled, later.late_cancelled, later.no_show) == (0, 0, 0, 0)


def test_after_two_no_shows_a_patients_online_bookings_are_requests(schedule):
    clinic = schedule.practice.stoughton
    clinic.no_shows_before_requests = 2
    clinic.save()
    two_no_shows(schedule)
    patient = schedule.practice.patient
    with time_machine.travel(schedule.at(13), tick=False):
        rule = online_bookings_are_requests(patient, clinic)
        assert rule is not None and rule.no_shows == 2
        assert rule.reason == (
            "After two missed visits in the last 12 months, Stoughton confirms your online "
            "bookings itself: this booking is a request, and Stoughton will confirm it or call "
            "you."
        )
        online = visit(schedule, schedule.at(9, days=1), by=patient.user)
        by_the_desk = visit(schedule, schedule.at(11, days=1))
    assert online.status == Status.REQUESTED
    assert by_the_desk.status == Status.CONFIRMED


@pytest.mark.parametrize(("setting", "status"), [(0, Status.CONFIRMED), (3, Status.CONFIRMED)])
def test_below_the_clinics_number_or_with_the_setting_off_bookings_stay_confirmed(
    schedule, setting, status
):
    clinic = schedule.practice.stoughton
    clinic.no_shows_before_requests = setting
    clinic.save()
    two_no_shows(schedule)
    with time_machine.travel(schedule.at(13), tick=False):
        booked = visit(schedule, schedule.at(9, days=1), by=schedule.practice.patient.user)
    assert booked.status == status


def test_no_shows_older_than_twelve_months_are_forgiven(schedule):
    clinic = schedule.practice.stoughton
    clinic.no_shows_before_requests = 2
    clinic.save()
    two_no_shows(schedule)
    patient = schedule.practice.patient
    # Both count until 9:00 on the same day a year on; a second later the first is forgiven.
    a_year_on = schedule.at(9).replace(year=schedule.day.year + 1)
    assert online_bookings_are_requests(patient, clinic, now=a_year_on) is not None
    later = a_year_on + dt.timedelta(seconds=1)
    assert online_bookings_are_requests(patient, clinic, now=later) is None
