"""The attendance rules hold whatever happens, in whatever order, as time passes.

A hypothesis state machine books, moves, cancels (patients and staff, with and without saying
whose cancellation it is), confirms, checks in, marks no-shows and completes visits through the
services while the clock moves forward (time-machine). After every step the database is read
directly: no two active visits overlap, every change of status is one the rules allow at the
moment it was made, and each visit's fields agree with its status.
"""

import datetime as dt
import itertools

import pytest
import time_machine
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, rule

from needlecare.common.errors import DomainError
from needlecare.common.testing.factories import PatientFactory
from needlecare.common.time import clinic_zone
from needlecare.scheduling import attendance
from needlecare.scheduling.models import (
    ACTIVE,
    CALLED_OFF,
    Appointment,
    CancelledBy,
    Status,
    WaitlistOffer,
)
from needlecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_transition,
)

pytestmark = pytest.mark.django_db

TIMES = [(h, m) for h in range(8, 16) for m in (0, 30)]
DAYS = [0, 1, 2]  # the schedule's Monday to Wednesday
STEPS = [
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=14),
    dt.timedelta(minutes=45),
    dt.timedelta(hours=3),
    dt.timedelta(hours=13),
]
# Every change of status the rules allow.
ALLOWED = {
    (Status.REQUESTED, Status.CONFIRMED),
    (Status.CONFIRMED, Status.CHECKED_IN),
    (Status.CHECKED_IN, Status.COMPLETED),
    (Status.CONFIRMED, Status.NO_SHOW),
    *((before, after) for before in (Status.REQUESTED, Status.CONFIRMED) for after in CALLED_OFF),
}


def overlapping(key: str, end: str) -> list[tuple[int, int]]:
    rows = list(
        Appointment.objects.filter(status__in=ACTIVE).values_list("pk", key, "starts_at", end)
    )
    return [
        (a, b)
        for (a, ka, sa, ea), (b, kb, sb, eb) in itertools.combinations(rows, 2)
        if ka == kb and sa < eb and sb < ea
    ]


def test_the_attendance_rules_hold_as_time_passes(schedule):
    p = schedule.practice
    clinic = p.stoughton
    clinic.no_shows_before_requests = 1  # one no-show and a patient's bookings are requests
    clinic.save()
    patients = [p.patient, PatientFactory(preferred_clinic=clinic)]
    for patient in patients:
        schedule.screen(patient)
    types = [schedule.evaluation, schedule.dry_needling]
    desk = p.front_desk
    zone = clinic_zone(clinic)
    # Sunday evening: Monday's visits are inside the window, Tuesday's not yet.
    start = schedule.at(20, days=-1)

    class Attendance(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            WaitlistOffer.objects.all().delete()
            Appointment.objects.all().delete()
            self.traveller = time_machine.travel(start, tick=False)
            self.clock = self.traveller.start()
            self.seen: dict[int, str] = {}

        def teardown(self) -> None:
            self.traveller.stop()

        def now(self) -> dt.datetime:
            return dt.datetime.now(dt.UTC)

        visits = Bundle("visits")

        def fresh(self, pk: int) -> Appointment:
            return Appointment.objects.select_related("clinic", "patient__user").get(pk=pk)

        @rule(
            target=visits,
            patient=st.sampled_from(patients),
            kind=st.sampled_from(types),
            day=st.sampled_from(DAYS),
            time=st.sampled_from(TIMES),
            online=st.booleans(),
        )
        def book(self, patient, kind, day, time, online):
            by = patient.user if online else desk
            missed = Appointment.objects.filter(patient=patient, status=Status.NO_SHOW).exists()
            try:
                booked = appointment_book(
                    patient=patient,
                    clinic=clinic,
                    type=kind,
                    therapist=p.therapist,
                    starts_at=schedule.at(*time, days=day),
                    planned_regions=["neck"] if kind.needs_certification else [],
                    booked_by=by,
                )
            except DomainError as refused:
                event(f"refused: {refused.code}")
                return multiple()
            # Free starts are offered "not before now": the very instant counts (and from it
            # the visit has started, for changes and attendance).
            assert booked.starts_at >= self.now()
            assert booked.status == (Status.REQUESTED if online and missed else Status.CONFIRMED)
            self.seen[booked.pk] = booked.status
            event(f"booked {booked.status}")
            return booked.pk

        @rule(
            pk=visits,
            day=st.sampled_from(DAYS),
            time=st.sampled_from(TIMES),
            online=st.booleans(),
        )
        def move(self, pk, day, time, online):
            visit = self.fresh(pk)
            old, now = visit.starts_at, self.now()
            late = attendance.in_late_window(visit, now)
            by = visit.patient.user if online else desk
            try:
                appointment_reschedule(
                    appointment=visit, starts_at=schedule.at(*time, days=day), by=by
                )
            except DomainError as refused:
                self.explained(refused, visit, online=online, now=now)
                return
            event("moved")
            assert now < old, "moved after its start"
            assert not (online and late), "a patient moved a visit inside the window"

        @rule(
            pk=visits,
            online=st.booleans(),
            kind=st.sampled_from([None, CancelledBy.PATIENT, CancelledBy.CLINIC]),
        )
        def cancel(self, pk, online, kind):
            visit = self.fresh(pk)
            now = self.now()
            late = attendance.in_late_window(visit, now)
            by = visit.patient.user if online else desk
            try:
                appointment_cancel(
                    appointment=visit, reason="test", by=by, kind=None if online else kind
                )
            except DomainError as refused:
                self.explained(refused, visit, online=online, now=now)
                if refused.code == "appointment.late_cancel_kind":
                    assert late and not online and kind is None
                return
            event(f"cancelled: {visit.status} by {visit.cancelled_by}")
            assert now < visit.starts_at, "cancelled after its start"
            assert not (online and late), "a patient cancelled inside the window"
            expect_late = late and visit.cancelled_by == CancelledBy.PATIENT
            assert (visit.status == Status.LATE_CANCELLED) == expect_late

        @rule(pk=visits, action=st.sampled_from(["confirm", "check_in", "no_show", "complete"]))
        def attend(self, pk, action):
            visit = self.fresh(pk)
            now = self.now()
            before = visit.status
            try:
                appointment_transition(appointment=visit, action=action, by=desk)
            except DomainError as refused:
                self.explained(refused, visit, online=False, now=now)
                return
            event(f"done: {action}")
            day = visit.starts_at.astimezone(zone).date()
            if action == "check_in":
                assert before == Status.CONFIRMED and now.astimezone(zone).date() == day
            if action == "no_show":
                assert now >= attendance.no_show_opens(visit)
            if action == "complete":
                assert before == Status.CHECKED_IN

        @rule(step=st.sampled_from(STEPS))
        def time_passes(self, step):
            self.clock.shift(step)

        def explained(self, refused, visit, *, online, now):  # type: ignore[no-untyped-def]
            """A refusal by a time rule is one the clock and the visit bear out."""
            event(f"refused: {refused.code}")
            if refused.code == "appointment.started":
                assert now >= visit.starts_at
            if refused.code == "appointment.late_cancel_window":
                assert online and attendance.in_late_window(visit, now) and now < visit.starts_at
            if refused.code == "appointment.no_show_too_early":
                assert now < attendance.no_show_opens(visit)
            if refused.code == "appointment.check_in_day":
                day = visit.starts_at.astimezone(zone).date()
                assert now.astimezone(zone).date() != day

        @invariant()
        def never_double_booked(self):
            assert overlapping("therapist_id", "blocked_until") == []
            assert overlapping("room_id", "blocked_until") == []
            assert overlapping("patient_id", "ends_at") == []

        @invariant()
        def every_change_is_allowed_and_every_visit_consistent(self):
            now = self.now()
            for pk, status, starts_at, cancelled_by, reason in Appointment.objects.values_list(
                "pk", "status", "starts_at", "cancelled_by", "cancel_reason"
            ):
                before = self.seen.get(pk, status)
                if before != status:
                    assert (before, status) in ALLOWED, (before, status)
                    if status in CALLED_OFF:
                        assert now < starts_at
                self.seen[pk] = status
                assert (status in CALLED_OFF) == bool(cancelled_by) == bool(reason)
                if status == Status.LATE_CANCELLED:
                    assert cancelled_by == CancelledBy.PATIENT
                if status in (Status.NO_SHOW, Status.CHECKED_IN, Status.COMPLETED):
                    assert now.astimezone(zone).date() >= starts_at.astimezone(zone).date()

    Attendance.TestCase.settings = settings(
        max_examples=12,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    Attendance.TestCase().runTest()
