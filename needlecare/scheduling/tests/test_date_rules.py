"""Check-in happens on the visit's own day in the clinic's time: not a minute before its
midnight, not a minute after the next, on ordinary days and across the clock changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from needlecare.clinics.models import Clinic
from needlecare.common.errors import Conflict
from needlecare.common.testing.clock import on_the_day
from needlecare.scheduling.models import Appointment, Status
from needlecare.scheduling.services import appointment_book, appointment_transition
from needlecare.scheduling.services._checks import check_visit_day

BOSTON = ZoneInfo("America/New_York")


def visit_at(*args: int) -> Appointment:
    """An appointment as check_visit_day reads it: its clinic and its start."""
    return Appointment(
        clinic=Clinic(name="Stoughton", time_zone="America/New_York"),
        starts_at=dt.datetime(*args, tzinfo=BOSTON),
    )


@pytest.mark.parametrize(
    ("visit", "now", "allowed"),
    [
        # An ordinary Tuesday.
        ((2026, 12, 8, 9, 0), (2026, 12, 7, 23, 59, 59), False),
        ((2026, 12, 8, 9, 0), (2026, 12, 8, 0, 0, 0), True),
        ((2026, 12, 8, 9, 0), (2026, 12, 8, 23, 59, 59), True),
        ((2026, 12, 8, 9, 0), (2026, 12, 9, 0, 0, 0), False),
        # The Monday after the clocks go forward (March 14, 2027).
        ((2027, 3, 15, 9, 0), (2027, 3, 14, 23, 59, 59), False),
        ((2027, 3, 15, 9, 0), (2027, 3, 15, 0, 0, 0), True),
        # The Monday after the clocks go back (November 1, 2026): midnight is 05:00 UTC now.
        ((2026, 11, 2, 9, 0), (2026, 11, 1, 23, 59, 59), False),
        ((2026, 11, 2, 9, 0), (2026, 11, 2, 0, 0, 0), True),
        # A visit early on the day the clocks go back: 00:30 is before the change.
        ((2026, 11, 1, 0, 30), (2026, 11, 1, 23, 30, 0), True),
    ],
)
def test_check_in_opens_at_the_clinics_midnight_and_closes_at_the_next(visit, now, allowed):
    with time_machine.travel(dt.datetime(*now, tzinfo=BOSTON), tick=False):
        if allowed:
            check_visit_day(visit_at(*visit))
        else:
            with pytest.raises(Conflict) as refused:
                check_visit_day(visit_at(*visit))
            assert refused.value.code == "appointment.check_in_day"


@pytest.mark.django_db
def test_the_front_desk_is_told_when_check_in_opens(schedule):
    schedule.screen()
    p = schedule.practice
    appointment = appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.dry_needling,
        therapist=p.therapist,
        starts_at=schedule.at(10, days=1),
        planned_regions=["neck"],
        booked_by=p.front_desk,
    )
    with on_the_day(schedule), pytest.raises(Conflict, match="Check-in opens on the day"):
        appointment_transition(appointment=appointment, action="check_in", by=p.front_desk)
    assert Appointment.objects.get(pk=appointment.pk).status == Status.CONFIRMED
    with on_the_day(schedule, days=2), pytest.raises(Conflict, match="was for the day"):
        appointment_transition(appointment=appointment, action="check_in", by=p.front_desk)
    with on_the_day(schedule, days=1, hour=7):
        appointment_transition(appointment=appointment, action="check_in", by=p.front_desk)
    assert Appointment.objects.get(pk=appointment.pk).status == Status.CHECKED_IN
