"""The waitlist: a cancelled time goes to the first waiting patient who fits."""

import datetime as dt

import pytest
from django.utils import timezone

from needlecare.common.errors import DomainError
from needlecare.common.testing.factories import PatientFactory
from needlecare.scheduling.models import Status, WaitlistEntry, WaitlistOffer
from needlecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    waitlist_join,
    waitlist_offer_accept,
    waitlist_offer_decline,
)
from needlecare.screening.services import NotCleared

pytestmark = pytest.mark.django_db


def book(schedule, patient, at):
    return appointment_book(
        patient=patient,
        clinic=schedule.practice.stoughton,
        type=schedule.dry_needling,
        therapist=schedule.practice.therapist,
        starts_at=at,
        planned_regions=["neck"],
        booked_by=schedule.practice.front_desk,
    )


def join(schedule, patient, *, first=None, last=None):
    return waitlist_join(
        patient=patient,
        clinic=schedule.practice.stoughton,
        type=schedule.dry_needling,
        first_day=first or schedule.day,
        last_day=last or schedule.day,
        planned_regions=["neck"],
        by=schedule.practice.front_desk,
    )


@pytest.fixture
def full_day(schedule):
    """The Monday is booked from 8:00 to 16:00 by the practice's patient."""
    schedule.screen()
    holder = schedule.practice.patient
    appointments = [book(schedule, holder, schedule.at(8 + h)) for h in range(8)]
    return schedule, appointments


def test_a_cancellation_is_offered_to_the_first_waiting_patient_who_fits(full_day):
    schedule, appointments = full_day
    unscreened = PatientFactory(preferred_clinic=schedule.practice.stoughton)
    first, second = (PatientFactory(preferred_clinic=schedule.practice.stoughton) for _ in "ab")
    for patient in (first, second):
        schedule.screen(patient)
    wrong_days = join(
        schedule,
        first,
        first=schedule.day + dt.timedelta(days=1),
        last=schedule.day + dt.timedelta(days=2),
    )
    waiting = join(schedule, second)
    with pytest.raises(NotCleared):
        join(schedule, unscreened)
    appointment_cancel(
        appointment=appointments[2], reason="Unwell", by=schedule.practice.front_desk
    )
    offer = WaitlistOffer.objects.get()
    assert offer.entry == waiting
    assert offer.starts_at == schedule.at(10)
    assert offer.expires_at <= offer.starts_at
    assert WaitlistEntry.objects.get(pk=wrong_days.pk).state == WaitlistEntry.State.WAITING
    appointment = waitlist_offer_accept(offer=offer, by=second.user)
    assert appointment.patient == second
    assert appointment.status == Status.CONFIRMED
    assert WaitlistEntry.objects.get(pk=waiting.pk).state == WaitlistEntry.State.BOOKED


def test_a_patient_whose_screening_lapsed_is_passed_over(full_day):
    schedule, appointments = full_day
    lapsed, ready = (PatientFactory(preferred_clinic=schedule.practice.stoughton) for _ in "ab")
    old = schedule.screen(lapsed)
    schedule.screen(ready)
    join(schedule, lapsed)
    join(schedule, ready)
    old.__class__.objects.filter(pk=old.pk).update(
        entered_at=timezone.now() - dt.timedelta(days=45)
    )
    appointment_cancel(
        appointment=appointments[0], reason="Moved away", by=schedule.practice.front_desk
    )
    assert WaitlistOffer.objects.get().entry.patient == ready


def test_an_expired_offer_cannot_be_accepted_and_the_patient_keeps_waiting(full_day):
    schedule, appointments = full_day
    patient = PatientFactory(preferred_clinic=schedule.practice.stoughton)
    schedule.screen(patient)
    entry = join(schedule, patient)
    appointment_cancel(appointment=appointments[0], reason="x", by=schedule.practice.front_desk)
    offer = WaitlistOffer.objects.get()
    WaitlistOffer.objects.filter(pk=offer.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    offer.refresh_from_db()
    with pytest.raises(DomainError, match="expired"):
        waitlist_offer_accept(offer=offer, by=patient.user)
    entry.refresh_from_db()
    offer.refresh_from_db()
    assert entry.state == WaitlistEntry.State.WAITING
    assert offer.state == WaitlistOffer.State.EXPIRED


def test_declining_keeps_the_patient_on_the_list(full_day):
    schedule, appointments = full_day
    patient = PatientFactory(preferred_clinic=schedule.practice.stoughton)
    schedule.screen(patient)
    entry = join(schedule, patient)
    appointment_cancel(appointment=appointments[0], reason="x", by=schedule.practice.front_desk)
    offer = WaitlistOffer.objects.get()
    waitlist_offer_decline(offer=offer, by=patient.user)
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.WAITING
    with pytest.raises(DomainError, match="no longer open"):
        waitlist_offer_accept(offer=offer, by=patient.user)


def test_nobody_waiting_means_no_offer(full_day):
    schedule, appointments = full_day
    appointment_cancel(appointment=appointments[0], reason="x", by=schedule.practice.front_desk)
    assert not WaitlistOffer.objects.exists()
