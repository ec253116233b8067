"""The attendance rules in the services: the late-cancellation window (to the second, across
the clock changes and at the clinic's midnight), no change once a visit has started, a no-show
only after the grace, completion only after check-in, and the words that say when each opens."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from needlecare.audit.selectors import audit_events_for_target
from needlecare.common.errors import Conflict, DomainError, NotAllowed
from needlecare.scheduling.attendance import number_words
from needlecare.scheduling.models import Appointment, CancelledBy, Status
from needlecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_transition,
)

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")
SECOND = dt.timedelta(seconds=1)
CALL = "Call Stoughton at 781-436-0391 to change this visit"


def visit(schedule, at: dt.datetime) -> Appointment:
    """An initial evaluation (no screening needed) booked by the front desk."""
    p = schedule.practice
    return appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.evaluation,
        therapist=p.therapist,
        starts_at=at,
        booked_by=p.front_desk,
    )


def at_instant(moment: dt.datetime):  # type: ignore[no-untyped-def]
    return time_machine.travel(moment, tick=False)


def status_of(appointment: Appointment) -> str:
    return Appointment.objects.get(pk=appointment.pk).status


# --- The late-cancellation window, to the second ------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "allowed"), [(-SECOND, True), (0 * SECOND, False), (SECOND, False)]
)
def test_a_patient_cancels_online_until_the_window_opens_24_hours_before(schedule, offset, allowed):
    appointment = visit(schedule, schedule.at(9))
    patient = schedule.practice.patient.user
    opens = schedule.at(9) - dt.timedelta(hours=24)
    with at_instant(opens + offset):
        if allowed:
            appointment_cancel(appointment=appointment, reason="Better", by=patient)
        else:
            with pytest.raises(Conflict) as refused:
                appointment_cancel(appointment=appointment, reason="Better", by=patient)
            assert refused.value.code == "appointment.late_cancel_window"
            assert refused.value.message == CALL
            assert refused.value.details["window_opened_at"] == opens.isoformat()
    stored = Appointment.objects.get(pk=appointment.pk)
    assert stored.status == (Status.CANCELLED if allowed else Status.CONFIRMED)
    assert stored.cancelled_by == (CancelledBy.PATIENT if allowed else "")


@pytest.mark.parametrize(
    ("offset", "allowed"), [(-SECOND, True), (0 * SECOND, False), (SECOND, False)]
)
def test_a_patient_moves_online_until_the_window_opens(schedule, offset, allowed):
    appointment = visit(schedule, schedule.at(9))
    patient = schedule.practice.patient.user
    with at_instant(schedule.at(9) - dt.timedelta(hours=24) + offset):
        if allowed:
            appointment_reschedule(appointment=appointment, starts_at=schedule.at(11), by=patient)
        else:
            with pytest.raises(Conflict, match=CALL):
                appointment_reschedule(
                    appointment=appointment, starts_at=schedule.at(11), by=patient
                )
    moved = Appointment.objects.get(pk=appointment.pk).starts_at
    assert moved == (schedule.at(11) if allowed else schedule.at(9))


def test_staff_still_move_a_visit_inside_the_window(schedule):
    appointment = visit(schedule, schedule.at(9))
    with at_instant(schedule.at(9) - dt.timedelta(hours=2)):
        appointment_reschedule(
            appointment=appointment, starts_at=schedule.at(11), by=schedule.practice.front_desk
        )
    assert Appointment.objects.get(pk=appointment.pk).starts_at == schedule.at(11)


def test_staff_cancelling_inside_the_window_say_whose_cancellation_it_is(schedule):
    desk = schedule.practice.front_desk
    late, clinic, unsaid = (visit(schedule, schedule.at(h)) for h in (9, 11, 13))
    with at_instant(schedule.at(9) - dt.timedelta(hours=3)):
        with pytest.raises(DomainError) as refused:
            appointment_cancel(appointment=unsaid, reason="Called", by=desk)
        assert refused.value.code == "appointment.late_cancel_kind"
        assert refused.value.field == "kind" and refused.value.status == 400
        assert refused.value.message == (
            "This visit starts at 1:00 PM, inside Stoughton's late-cancellation window of 24 "
            "hours: record it as a late cancellation or as cancelled by the clinic."
        )
        appointment_cancel(appointment=late, reason="Overslept", by=desk, kind="patient")
        appointment_cancel(appointment=clinic, reason="Therapist ill", by=desk, kind="clinic")
    assert status_of(unsaid) == Status.CONFIRMED
    late.refresh_from_db()
    clinic.refresh_from_db()
    assert (late.status, late.cancelled_by) == (Status.LATE_CANCELLED, CancelledBy.PATIENT)
    assert (clinic.status, clinic.cancelled_by) == (Status.CANCELLED, CancelledBy.CLINIC)
    [event] = audit_events_for_target("scheduling.appointment", late.pk).filter(
        action="appointment.cancelled"
    )
    assert event.data["status"] == Status.LATE_CANCELLED
    assert event.data["cancelled_by"] == CancelledBy.PATIENT


@pytest.mark.parametrize(
    ("offset", "status"), [(-SECOND, Status.CANCELLED), (0 * SECOND, Status.LATE_CANCELLED)]
)
def test_the_patients_cancellation_is_late_from_the_second_the_window_opens(
    schedule, offset, status
):
    appointment = visit(schedule, schedule.at(9))
    with at_instant(schedule.at(9) - dt.timedelta(hours=24) + offset):
        appointment_cancel(
            appointment=appointment, reason="Away", by=schedule.practice.front_desk, kind="patient"
        )
    assert status_of(appointment) == status


def test_outside_the_window_staff_cancellations_are_the_clinics_unless_they_say(schedule):
    desk = schedule.practice.front_desk
    first, second = visit(schedule, schedule.at(9)), visit(schedule, schedule.at(11))
    appointment_cancel(appointment=first, reason="Room flooded", by=desk)
    appointment_cancel(appointment=second, reason="Patient called", by=desk, kind="patient")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.cancelled_by) == (Status.CANCELLED, CancelledBy.CLINIC)
    assert (second.status, second.cancelled_by) == (Status.CANCELLED, CancelledBy.PATIENT)


def test_a_patient_cannot_record_the_clinics_cancellation_or_an_unknown_one(schedule):
    appointment = visit(schedule, schedule.at(9))
    with pytest.raises(NotAllowed) as refused:
        appointment_cancel(
            appointment=appointment, reason="x", by=schedule.practice.patient.user, kind="clinic"
        )
    assert refused.value.code == "appointment.cancel_kind_not_allowed"
    with pytest.raises(DomainError) as unknown:
        appointment_cancel(
            appointment=appointment, reason="x", by=schedule.practice.front_desk, kind="weather"
        )
    assert unknown.value.code == "appointment.cancel_kind"
    assert status_of(appointment) == Status.CONFIRMED


def test_a_window_of_zero_turns_it_all_off(schedule):
    clinic = schedule.practice.stoughton
    clinic.late_cancel_hours = 0
    clinic.save()
    appointment = visit(schedule, schedule.at(9))
    patient = schedule.practice.patient.user
    with at_instant(schedule.at(9) - SECOND):
        appointment_reschedule(appointment=appointment, starts_at=schedule.at(11), by=patient)
        appointment_cancel(appointment=appointment, reason="Better", by=patient)
    assert status_of(appointment) == Status.CANCELLED


@pytest.mark.parametrize(
    ("visit_at", "opens_at"),
    [
        # Spring forward on Sunday, March 14, 2027: 48 hours before 9:00 AM EDT on Monday is
        # 8:00 AM EST on Saturday.
        (dt.datetime(2027, 3, 15, 9, 0), dt.datetime(2027, 3, 13, 8, 0)),
        # Fall back on Sunday, November 7, 2027: 48 hours before 9:00 AM EST on Monday is
        # 10:00 AM EDT on Saturday.
        (dt.datetime(2027, 11, 8, 9, 0), dt.datetime(2027, 11, 6, 10, 0)),
    ],
)
def test_the_window_is_counted_in_hours_that_pass_across_a_clock_change(
    schedule, visit_at, opens_at
):
    clinic = schedule.practice.stoughton
    clinic.late_cancel_hours = 48
    clinic.save()
    start, opens = visit_at.replace(tzinfo=BOSTON), opens_at.replace(tzinfo=BOSTON)
    # 48 hours pass between them, though the wall clock says 47 or 49.
    assert start.astimezone(dt.UTC) - opens.astimezone(dt.UTC) == dt.timedelta(hours=48)
    patient = schedule.practice.patient.user
    with at_instant(start - dt.timedelta(days=7)):
        early, edge = visit(schedule, start), visit(schedule, start + dt.timedelta(hours=2))
    with at_instant(opens - SECOND):
        appointment_cancel(appointment=early, reason="Better", by=patient)
    with at_instant(opens + dt.timedelta(hours=2)), pytest.raises(Conflict, match=CALL):
        appointment_cancel(appointment=edge, reason="Better", by=patient)
    assert (status_of(early), status_of(edge)) == (Status.CANCELLED, Status.CONFIRMED)


@pytest.mark.parametrize(
    ("days_before", "time", "allowed"),
    [(1, dt.time(23, 59, 59), True), (0, dt.time(0, 0, 0), False), (0, dt.time(0, 0, 1), False)],
)
def test_a_window_that_opens_at_the_clinics_midnight(schedule, days_before, time, allowed):
    # Nine hours before a 9:00 AM visit is midnight in Stoughton (05:00 UTC in December).
    clinic = schedule.practice.stoughton
    clinic.late_cancel_hours = 9
    clinic.save()
    appointment = visit(schedule, schedule.at(9))
    patient = schedule.practice.patient.user
    day = schedule.day - dt.timedelta(days=days_before)
    with at_instant(dt.datetime.combine(day, time, tzinfo=BOSTON)):
        if allowed:
            appointment_cancel(appointment=appointment, reason="Better", by=patient)
        else:
            with pytest.raises(Conflict, match=CALL):
                appointment_cancel(appointment=appointment, reason="Better", by=patient)
    assert status_of(appointment) == (Status.CANCELLED if allowed else Status.CONFIRMED)


# --- Nobody changes a visit once it has started ---------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "allowed"), [(-SECOND, True), (0 * SECOND, False), (SECOND, False)]
)
def test_nobody_cancels_a_visit_once_it_has_started(schedule, offset, allowed):
    appointment = visit(schedule, schedule.at(9))
    desk = schedule.practice.front_desk
    with at_instant(schedule.at(9) + offset):
        if allowed:
            appointment_cancel(appointment=appointment, reason="Ill", by=desk, kind="clinic")
        else:
            with pytest.raises(Conflict) as refused:
                appointment_cancel(appointment=appointment, reason="Ill", by=desk, kind="clinic")
            assert refused.value.code == "appointment.started"
            assert refused.value.message == (
                "This visit started at 9:00 AM: a visit cannot be cancelled or moved once it "
                "has started."
            )
    assert status_of(appointment) == (Status.CANCELLED if allowed else Status.CONFIRMED)


def test_nobody_moves_a_visit_once_it_has_started_and_the_patient_is_told_so_too(schedule):
    appointment = visit(schedule, schedule.at(9))
    with at_instant(schedule.at(9, 30)):
        for by in (schedule.practice.front_desk, schedule.practice.patient.user):
            with pytest.raises(Conflict) as refused:
                appointment_reschedule(appointment=appointment, starts_at=schedule.at(11), by=by)
            assert refused.value.code == "appointment.started"
    assert Appointment.objects.get(pk=appointment.pk).starts_at == schedule.at(9)


def test_a_visit_missed_yesterday_cannot_become_a_cancellation(schedule):
    appointment = visit(schedule, schedule.at(9))
    with at_instant(schedule.at(9, days=1)), pytest.raises(Conflict) as refused:
        appointment_cancel(appointment=appointment, reason="x", by=schedule.practice.patient.user)
    day = f"{schedule.day:%A, %B} {schedule.day.day}"
    assert refused.value.message.startswith(f"This visit started at 9:00 AM on {day}:")


# --- No-show after the grace; completion after check-in -------------------------------------------


@pytest.mark.parametrize(
    ("offset", "allowed"), [(-SECOND, False), (0 * SECOND, True), (SECOND, True)]
)
def test_a_no_show_is_marked_from_fifteen_minutes_after_the_start(schedule, offset, allowed):
    appointment = visit(schedule, schedule.at(9))
    desk = schedule.practice.front_desk
    with at_instant(schedule.at(9, 15) + offset):
        if allowed:
            appointment_transition(appointment=appointment, action="no_show", by=desk)
        else:
            with pytest.raises(Conflict) as refused:
                appointment_transition(appointment=appointment, action="no_show", by=desk)
            assert refused.value.code == "appointment.no_show_too_early"
            assert refused.value.message == (
                "A no-show can be marked from 9:15 AM, fifteen minutes after the visit starts."
            )
    assert status_of(appointment) == (Status.NO_SHOW if allowed else Status.CONFIRMED)


def test_a_no_show_days_ahead_names_the_day_and_the_clinics_own_grace(schedule):
    clinic = schedule.practice.stoughton
    clinic.no_show_grace_minutes = 0
    clinic.save()
    appointment = visit(schedule, schedule.at(9))
    desk = schedule.practice.front_desk
    with pytest.raises(Conflict) as refused:
        appointment_transition(appointment=appointment, action="no_show", by=desk)
    day = f"{schedule.day:%A, %B} {schedule.day.day}"
    assert refused.value.message == (
        f"A no-show can be marked from 9:00 AM on {day}, when the visit starts."
    )
    with at_instant(schedule.at(9)):
        appointment_transition(appointment=appointment, action="no_show", by=desk)
    assert status_of(appointment) == Status.NO_SHOW


def test_a_visit_is_completed_only_after_check_in(schedule):
    appointment = visit(schedule, schedule.at(9))
    desk, therapist = schedule.practice.front_desk, schedule.practice.therapist.user
    day = f"{schedule.day:%A, %B} {schedule.day.day}"
    with pytest.raises(Conflict) as early:
        appointment_transition(appointment=appointment, action="complete", by=therapist)
    assert early.value.code == "appointment.not_checked_in"
    assert early.value.message == (
        "A visit is completed after the patient is checked in: check-in opens on the day of the "
        f"visit, {day}."
    )
    with at_instant(schedule.at(9, 5)):
        with pytest.raises(Conflict, match="check the patient in first"):
            appointment_transition(appointment=appointment, action="complete", by=therapist)
        appointment_transition(appointment=appointment, action="check_in", by=desk)
        appointment_transition(appointment=appointment, action="complete", by=therapist)
        with pytest.raises(Conflict) as again:
            appointment_transition(appointment=appointment, action="no_show", by=desk)
    assert again.value.code == "appointment.wrong_status"
    assert status_of(appointment) == Status.COMPLETED


def test_minutes_are_said_in_words():
    assert [number_words(n) for n in (0, 1, 15, 20, 45, 99, 120)] == [
        "zero",
        "one",
        "fifteen",
        "twenty",
        "forty-five",
        "ninety-nine",
        "120",
    ]
