"""The booking service: every refusal, and what a booking records."""

import datetime as dt

import pytest

from needlecare.audit.selectors import audit_events_for_target
from needlecare.clinics.models import Closure, Credential
from needlecare.common.errors import Conflict, DomainError
from needlecare.common.testing.clock import on_the_day
from needlecare.common.testing.factories import PatientFactory, TherapistFactory
from needlecare.scheduling.models import Appointment, Status, TimeOff
from needlecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_transition,
    time_off_save,
)
from needlecare.screening.services import NotCleared, clearance_record

pytestmark = pytest.mark.django_db


def book(schedule, *, at=None, patient=None, therapist=None, type=None, regions=("neck",), **kw):
    p = schedule.practice
    return appointment_book(
        patient=patient or p.patient,
        clinic=p.stoughton,
        type=type or schedule.dry_needling,
        therapist=therapist or p.therapist,
        starts_at=at or schedule.at(9),
        planned_regions=list(regions),
        booked_by=kw.pop("by", p.front_desk),
        **kw,
    )


def test_a_screened_patient_is_booked_with_a_certified_therapist(schedule):
    schedule.screen(None, "diabetes")
    appointment = book(schedule)
    assert appointment.status == Status.CONFIRMED
    assert appointment.ends_at - appointment.starts_at == dt.timedelta(minutes=45)
    assert appointment.blocked_until - appointment.ends_at == dt.timedelta(minutes=15)
    assert appointment.room == schedule.rooms[0]
    assert appointment.screening is not None
    assert [p["code"] for p in appointment.precautions] == ["diabetes"]
    [event] = audit_events_for_target("scheduling.appointment", appointment.pk)
    assert event.action == "appointment.booked"


def test_no_screening_no_dry_needling(schedule):
    with pytest.raises(NotCleared, match="no current safety screening"):
        book(schedule)
    assert not Appointment.objects.exists()


def test_a_contraindicated_region_is_refused(schedule):
    schedule.screen(None, "spina_bifida")
    with pytest.raises(NotCleared, match="rules out dry needling of the low back"):
        book(schedule, regions=["low_back"])
    assert book(schedule, regions=["neck"]).planned_regions == ["neck"]


def test_a_region_needing_clearance_is_refused_until_it_is_on_record(schedule):
    schedule.screen(None, "cancer")
    with pytest.raises(NotCleared, match="physician's clearance"):
        book(schedule)
    clearance_record(
        patient=schedule.practice.patient,
        condition="cancer",
        physician_name="Dr. Chen",
        cleared_on=dt.date.today(),
        by=schedule.practice.front_desk,
    )
    assert book(schedule).precautions[0]["code"] == "cancer"


def test_a_region_the_screening_did_not_cover_is_refused(schedule):
    schedule.screen(None, regions=["neck"])
    with pytest.raises(NotCleared, match="did not cover the left knee"):
        book(schedule, regions=["knee_left"])


def test_an_expired_screening_is_refused(schedule):
    screening = schedule.screen()
    screening.__class__.objects.filter(pk=screening.pk).update(
        entered_at=screening.entered_at - dt.timedelta(days=31)
    )
    with pytest.raises(NotCleared, match="no current"):
        book(schedule)


def test_dry_needling_needs_planned_regions(schedule):
    schedule.screen()
    with pytest.raises(DomainError, match="Choose the areas"):
        book(schedule, regions=[])


def test_a_therapist_without_a_valid_certification_on_the_day_is_refused(schedule):
    schedule.screen()
    cert = schedule.practice.therapist.credentials.get(kind=Credential.Kind.DRY_NEEDLING)
    cert.expires_on = schedule.day - dt.timedelta(days=1)
    cert.save()
    with pytest.raises(DomainError, match="not certified for dry needling on"):
        book(schedule)


def test_a_colleague_without_hours_here_is_refused_for_the_right_reason(schedule):
    schedule.screen()
    p = schedule.practice
    uncertified = TherapistFactory(user__clinics=[p.stoughton])
    with pytest.raises(DomainError, match="not certified for dry needling on"):
        book(schedule, therapist=uncertified)
    certified = TherapistFactory(user__clinics=[p.stoughton])
    for credential in p.therapist.credentials.all():
        credential.pk = None
        credential.therapist = certified
        credential.save()
    with pytest.raises(Conflict, match="not free"):
        book(schedule, therapist=certified)


def test_an_evaluation_needs_neither_screening_nor_certification(schedule):
    uncertified = TherapistFactory(user__clinics=[schedule.practice.stoughton])
    from needlecare.scheduling.models import WorkingHours

    WorkingHours.objects.create(
        therapist=uncertified,
        clinic=schedule.practice.stoughton,
        weekday=0,
        starts=dt.time(9),
        ends=dt.time(12),
    )
    appointment = book(schedule, therapist=uncertified, type=schedule.evaluation, regions=[])
    assert appointment.screening is None


def test_the_same_therapist_cannot_be_booked_twice(schedule):
    schedule.screen()
    other = PatientFactory(preferred_clinic=schedule.practice.stoughton)
    schedule.screen(other)
    book(schedule, at=schedule.at(9))
    for start in (schedule.at(9), schedule.at(9, 30), schedule.at(9, 45), schedule.at(8, 30)):
        with pytest.raises(Conflict, match="not free"):
            book(schedule, patient=other, at=start)
    # The buffer ends at 10:00, so 10:00 is free again.
    assert book(schedule, patient=other, at=schedule.at(10)).starts_at == schedule.at(10)


def test_a_patient_cannot_be_in_two_places_at_once(schedule):
    schedule.screen()
    book(schedule, at=schedule.at(9))
    second = TherapistFactory(user__clinics=[schedule.practice.stoughton])
    from needlecare.scheduling.models import WorkingHours

    WorkingHours.objects.create(
        therapist=second,
        clinic=schedule.practice.stoughton,
        weekday=0,
        starts=dt.time(8),
        ends=dt.time(16),
    )
    with pytest.raises(Conflict):
        book(
            schedule, therapist=second, type=schedule.evaluation, regions=[], at=schedule.at(9, 30)
        )


def test_a_room_cannot_hold_two_appointments(schedule):
    schedule.rooms[1].delete()
    schedule.screen()
    book(schedule, at=schedule.at(9))
    second = TherapistFactory(user__clinics=[schedule.practice.stoughton])
    from needlecare.scheduling.models import WorkingHours

    WorkingHours.objects.create(
        therapist=second,
        clinic=schedule.practice.stoughton,
        weekday=0,
        starts=dt.time(8),
        ends=dt.time(16),
    )
    other = PatientFactory(preferred_clinic=schedule.practice.stoughton)
    with pytest.raises(Conflict):
        book(
            schedule,
            therapist=second,
            patient=other,
            type=schedule.evaluation,
            regions=[],
            at=schedule.at(9, 15),
        )


@pytest.mark.parametrize(
    "start",
    [(7, 0), (15, 30), (9, 10), (20, 0)],
    ids=["before-work", "runs-past-end", "off-grid", "after-closing"],
)
def test_a_start_outside_availability_is_refused(schedule, start):
    schedule.screen()
    with pytest.raises(Conflict, match="not free"):
        book(schedule, at=schedule.at(*start))


def test_closures_time_off_and_the_past_are_refused(schedule):
    schedule.screen()
    p = schedule.practice
    Closure.objects.create(
        clinic=p.stoughton, starts_on=schedule.day, ends_on=schedule.day, reason="Holiday"
    )
    with pytest.raises(Conflict):
        book(schedule, at=schedule.at(9))
    time_off_save(
        time_off=TimeOff(
            therapist=p.therapist,
            starts_at=schedule.at(9, days=1),
            ends_at=schedule.at(12, days=1),
            reason="Course",
        ),
        by=p.admin,
    )
    with pytest.raises(Conflict):
        book(schedule, at=schedule.at(10, days=1))
    with pytest.raises(
        Conflict
    ):  # the schedule's Monday is 8 to 14 days ahead: 3 weeks back is past
        book(schedule, at=schedule.at(9, days=-21))


def test_a_naive_start_is_refused(schedule):
    schedule.screen()
    with pytest.raises(DomainError, match="time zone"):
        book(schedule, at=dt.datetime.combine(schedule.day, dt.time(9)))


def test_reschedule_moves_within_availability_and_keeps_the_safety_rules(schedule):
    schedule.screen()
    appointment = book(schedule, at=schedule.at(9))
    moved = appointment_reschedule(
        appointment=appointment, starts_at=schedule.at(9, 15), by=schedule.practice.front_desk
    )
    assert moved.starts_at == schedule.at(9, 15)
    assert (
        audit_events_for_target("scheduling.appointment", appointment.pk)
        .filter(action="appointment.rescheduled")
        .exists()
    )
    with pytest.raises(Conflict):
        appointment_reschedule(
            appointment=appointment, starts_at=schedule.at(17), by=schedule.practice.front_desk
        )
    assert Appointment.objects.get(pk=appointment.pk).starts_at == schedule.at(9, 15)


def test_cancel_needs_a_reason_and_frees_the_time(schedule):
    schedule.screen()
    appointment = book(schedule)
    with pytest.raises(DomainError, match="reason"):
        appointment_cancel(appointment=appointment, reason=" ", by=schedule.practice.front_desk)
    appointment_cancel(
        appointment=appointment, reason="Patient is unwell", by=schedule.practice.front_desk
    )
    assert Appointment.objects.get(pk=appointment.pk).status == Status.CANCELLED
    assert book(schedule).starts_at == schedule.at(9)


def test_statuses_move_forward_only(schedule):
    schedule.screen()
    appointment = book(schedule)
    by = schedule.practice.front_desk
    with pytest.raises(Conflict, match="completed after the patient is checked in"):
        appointment_transition(appointment=appointment, action="complete", by=by)
    with on_the_day(schedule):
        appointment_transition(appointment=appointment, action="check_in", by=by)
        appointment_transition(appointment=appointment, action="complete", by=by)
    with pytest.raises(DomainError, match="cannot be cancelled"):
        appointment_cancel(appointment=appointment, reason="late", by=by)
    assert Appointment.objects.get(pk=appointment.pk).status == Status.COMPLETED


def test_confirming_a_request_rechecks_the_screening(schedule):
    screening = schedule.screen()
    appointment = book(schedule, status=Status.REQUESTED)
    screening.__class__.objects.filter(pk=screening.pk).update(
        entered_at=screening.entered_at - dt.timedelta(days=40)
    )
    with pytest.raises(NotCleared):
        appointment_transition(
            appointment=appointment, action="confirm", by=schedule.practice.front_desk
        )
    assert Appointment.objects.get(pk=appointment.pk).status == Status.REQUESTED


def test_confirming_a_request_records_the_screening_that_clears_it_now(schedule):
    first = schedule.screen()
    appointment = book(schedule, status=Status.REQUESTED)
    assert appointment.screening == first and appointment.precautions == []
    # Screened again before the desk confirms, now taking blood thinners (a precaution).
    again = schedule.screen(schedule.practice.patient, "blood_thinners")
    appointment_transition(
        appointment=appointment, action="confirm", by=schedule.practice.front_desk
    )
    stored = Appointment.objects.get(pk=appointment.pk)
    assert stored.status == Status.CONFIRMED
    assert stored.screening == again
    assert [p["code"] for p in stored.precautions] == ["blood_thinners"]
