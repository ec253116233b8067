"""No two active appointments overlap for a therapist, a room or a patient: ever.

A hypothesis state machine books, cancels, reschedules and accepts waitlist offers in random
order through the services; after every step the database is checked directly. On PostgreSQL
the exclusion constraints are also shown to refuse an overlap written past the services.
"""

import contextlib
import datetime as dt
import itertools

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from needlecare.common.errors import DomainError
from needlecare.common.testing.factories import PatientFactory, TherapistFactory
from needlecare.scheduling.models import (
    ACTIVE,
    Appointment,
    WaitlistEntry,
    WaitlistOffer,
    WorkingHours,
)
from needlecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    waitlist_join,
    waitlist_offer_accept,
)

pytestmark = pytest.mark.django_db

TIMES = [(h, m) for h in range(8, 16) for m in (0, 15, 30, 45)]


def overlapping_pairs(key: str, end: str) -> list[tuple[int, int]]:
    rows = list(
        Appointment.objects.filter(status__in=ACTIVE).values_list("pk", key, "starts_at", end)
    )
    clashes = []
    for (a, ka, sa, ea), (b, kb, sb, eb) in itertools.combinations(rows, 2):
        if ka == kb and sa < eb and sb < ea:
            clashes.append((a, b))
    return clashes


def assert_no_overlaps() -> None:
    assert overlapping_pairs("therapist_id", "blocked_until") == []
    assert overlapping_pairs("room_id", "blocked_until") == []
    assert overlapping_pairs("patient_id", "ends_at") == []


@pytest.fixture
def world(schedule):
    """Two certified therapists, one room, three screened patients, one Monday."""
    p = schedule.practice
    schedule.rooms[1].delete()
    second = TherapistFactory(user__clinics=[p.stoughton])
    for credential in p.therapist.credentials.all():
        credential.pk = None
        credential.therapist = second
        credential.number += "-2"
        credential.save()
    WorkingHours.objects.create(
        therapist=second, clinic=p.stoughton, weekday=0, starts=dt.time(8), ends=dt.time(16)
    )
    patients = [p.patient, *(PatientFactory(preferred_clinic=p.stoughton) for _ in range(2))]
    for patient in patients:
        schedule.screen(patient)
    return schedule, [p.therapist, second], patients


def test_the_booking_state_machine_never_double_books(world):
    schedule, therapists, patients = world
    types = [schedule.dry_needling, schedule.evaluation]
    desk = schedule.practice.front_desk

    class Bookings(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            WaitlistOffer.objects.all().delete()
            WaitlistEntry.objects.all().delete()
            Appointment.objects.all().delete()

        @rule(
            patient=st.sampled_from(patients),
            therapist=st.sampled_from(therapists),
            kind=st.sampled_from(types),
            time=st.sampled_from(TIMES),
        )
        def book(self, patient, therapist, kind, time):
            with contextlib.suppress(DomainError):
                appointment_book(
                    patient=patient,
                    clinic=schedule.practice.stoughton,
                    type=kind,
                    therapist=therapist,
                    starts_at=schedule.at(*time),
                    planned_regions=["neck"] if kind.needs_certification else [],
                    booked_by=desk,
                )

        @rule(pick=st.integers(min_value=0, max_value=50))
        def cancel(self, pick):
            active = list(Appointment.objects.filter(status__in=ACTIVE).order_by("pk"))
            if active:
                appointment_cancel(appointment=active[pick % len(active)], reason="test", by=desk)

        @rule(
            pick=st.integers(min_value=0, max_value=50),
            time=st.sampled_from(TIMES),
            therapist=st.sampled_from(therapists),
        )
        def reschedule(self, pick, time, therapist):
            active = list(Appointment.objects.filter(status__in=ACTIVE).order_by("pk"))
            if not active:
                return
            with contextlib.suppress(DomainError):
                appointment_reschedule(
                    appointment=active[pick % len(active)],
                    starts_at=schedule.at(*time),
                    therapist=therapist,
                    by=desk,
                )

        @rule(patient=st.sampled_from(patients), kind=st.sampled_from(types))
        def wait(self, patient, kind):
            waitlist_join(
                patient=patient,
                clinic=schedule.practice.stoughton,
                type=kind,
                first_day=schedule.day,
                last_day=schedule.day,
                planned_regions=["neck"],
                by=desk,
            )

        @rule()
        def accept_an_offer(self):
            offer = WaitlistOffer.objects.filter(state=WaitlistOffer.State.OPEN).first()
            if offer is None:
                return
            with contextlib.suppress(DomainError):
                waitlist_offer_accept(offer=offer, by=desk)

        @invariant()
        def nothing_overlaps(self):
            assert_no_overlaps()

    Bookings.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    Bookings.TestCase().runTest()


def test_the_database_itself_refuses_overlaps_on_postgresql(world):
    schedule, therapists, patients = world
    booked = appointment_book(
        patient=patients[0],
        clinic=schedule.practice.stoughton,
        type=schedule.dry_needling,
        therapist=therapists[0],
        starts_at=schedule.at(9),
        planned_regions=["neck"],
        booked_by=schedule.practice.front_desk,
    )
    overlap = {
        "clinic": booked.clinic,
        "type": booked.type,
        "booked_by": booked.booked_by,
        "starts_at": booked.starts_at + dt.timedelta(minutes=30),
        "ends_at": booked.ends_at + dt.timedelta(minutes=30),
        "blocked_until": booked.blocked_until + dt.timedelta(minutes=30),
    }
    same_therapist = {
        **overlap,
        "therapist": therapists[0],
        "room": booked.room,
        "patient": patients[1],
    }
    if connection.vendor != "postgresql":
        # SQLite has no exclusion constraints: the service's IMMEDIATE transaction is the guard.
        assert connection.transaction_mode == "IMMEDIATE"
        return
    for clash in (
        same_therapist,
        {**same_therapist, "therapist": therapists[1]},  # the same room
        {**same_therapist, "therapist": therapists[1], "room": None, "patient": patients[0]},
    ):
        if clash["room"] is None:
            from needlecare.clinics.models import Room

            clash = {**clash, "room": Room.objects.create(clinic=booked.clinic, name="Spare")}
        with pytest.raises(IntegrityError, match="overlap"), transaction.atomic():
            Appointment.objects.create(**clash)
    # A cancelled appointment holds nothing, and touching is not overlapping.
    Appointment.objects.filter(pk=booked.pk).update(status="cancelled", cancel_reason="x")
    created = Appointment.objects.create(**same_therapist)
    after = created.blocked_until
    Appointment.objects.create(
        **{
            **same_therapist,
            "patient": patients[2],
            "starts_at": after,
            "ends_at": after + dt.timedelta(minutes=45),
            "blocked_until": after + dt.timedelta(minutes=60),
        }
    )
