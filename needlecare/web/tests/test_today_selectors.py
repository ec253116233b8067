"""The reads behind the working day's pages: which day is a working day, the day's free time,
the week's use of the therapists' hours, and the safety state of many visits read at once."""

import datetime as dt

import pytest
from django.utils import timezone

from needlecare.charting.models import Consent
from needlecare.charting.selectors import consent_status, consent_statuses, visit_safety
from needlecare.charting.services import consent_document_publish
from needlecare.clinics.models import Closure
from needlecare.common.testing.charting import CONSENT_TEXT, sign
from needlecare.common.testing.clock import on_the_day
from needlecare.common.testing.factories import PatientFactory
from needlecare.common.time import clinic_zone
from needlecare.scheduling.models import TimeOff
from needlecare.scheduling.selectors import (
    day_gaps,
    utilisation_for_week,
    working_day,
)
from needlecare.screening.selectors import screenings_confirmed, screenings_latest
from needlecare.screening.services import screening_confirm
from needlecare.web.tests.booking_helpers import book

pytestmark = pytest.mark.django_db


def local(moment: dt.datetime, schedule) -> str:
    return moment.astimezone(clinic_zone(schedule.practice.stoughton)).strftime("%H:%M")


# --- Which day is a working day -----------------------------------------------------------------


def test_a_weekend_gives_the_next_monday(schedule):
    saturday = schedule.day - dt.timedelta(days=2)
    clinic = schedule.practice.stoughton
    assert working_day(clinics=[clinic], on=saturday) == schedule.day
    assert working_day(clinics=[clinic], on=schedule.day) == schedule.day


def test_a_closure_moves_the_working_day_past_it(schedule):
    clinic = schedule.practice.stoughton
    Closure.objects.create(
        clinic=clinic,
        starts_on=schedule.day,
        ends_on=schedule.day + dt.timedelta(days=1),
        reason="Staff training",
    )
    assert working_day(clinics=[clinic], on=schedule.day) == schedule.day + dt.timedelta(days=2)


def test_a_clinic_with_no_hours_has_no_working_day(practice):
    assert working_day(clinics=[practice.foxboro], on=dt.date(2026, 3, 2)) is None


def test_a_therapists_working_day_is_one_they_work(schedule):
    p = schedule.practice
    # Dana works Monday to Friday; without her Tuesday she is next at work on Wednesday.
    p.therapist.working_hours.filter(weekday=1).delete()
    tuesday = schedule.day + dt.timedelta(days=1)
    assert working_day(clinics=[p.stoughton], on=tuesday) == tuesday
    on = working_day(clinics=[p.stoughton], on=tuesday, therapist=p.therapist)
    assert on == tuesday + dt.timedelta(days=1)


# --- The day's free time --------------------------------------------------------------------


def test_free_time_is_each_therapists_bookable_runs_joined_across_types(schedule):
    schedule.screen()
    book(schedule, at=schedule.at(9))  # 9:00-9:45, the room and Dana held until 10:00
    [dana] = day_gaps(
        schedule.practice.stoughton,
        schedule.day,
        types=[schedule.dry_needling, schedule.evaluation],
    )
    assert dana.therapist == schedule.practice.therapist
    spans = [(local(g.start, schedule), local(g.end, schedule)) for g in dana.gaps]
    assert spans == [("08:00", "09:00"), ("10:00", "16:00")]
    # Before the visit only the hour-long evaluation fills the hour; dry needling fits too.
    assert set(dana.gaps[0].types) == {schedule.dry_needling, schedule.evaluation}


def test_free_time_today_starts_from_now(schedule):
    with on_the_day(schedule, hour=12, minute=5):
        [dana] = day_gaps(
            schedule.practice.stoughton,
            schedule.day,
            types=[schedule.evaluation],
            not_before=timezone.now(),
        )
    assert [(local(g.start, schedule), local(g.end, schedule)) for g in dana.gaps] == [
        ("12:15", "16:00")
    ]


# --- The week's use of the therapists' hours ------------------------------------------------


def test_utilisation_is_booked_minutes_against_working_minutes(schedule):
    p = schedule.practice
    schedule.screen()
    book(schedule, at=schedule.at(9))  # 45 minutes
    book(schedule, type=schedule.evaluation, at=schedule.at(11, days=1))  # 60 minutes
    [dana] = utilisation_for_week(p.stoughton, schedule.day)
    assert (dana.booked_minutes, dana.working_minutes) == (105, 5 * 8 * 60)
    assert dana.percent == 4 and dana.booked_hours == 1.8 and dana.working_hours == 40.0


def test_closures_and_time_off_are_not_working_time(schedule):
    p = schedule.practice
    Closure.objects.create(
        clinic=p.stoughton,
        starts_on=schedule.day + dt.timedelta(days=2),
        ends_on=schedule.day + dt.timedelta(days=2),
        reason="Holiday",
    )
    TimeOff.objects.create(
        therapist=p.therapist,
        starts_at=schedule.at(14, days=1),
        ends_at=schedule.at(18, days=1),  # past her hours: only 14:00-16:00 counts
    )
    [dana] = utilisation_for_week(p.stoughton, schedule.day)
    assert dana.working_minutes == 4 * 8 * 60 - 2 * 60
    assert dana.booked_minutes == 0 and dana.percent == 0


# --- Many visits' safety state at once ------------------------------------------------------


def test_latest_screenings_and_their_confirmations_for_many_patients(schedule):
    p = schedule.practice
    first = schedule.screen()
    later = schedule.screen()
    other = schedule.screen(p.other_patient)
    screening_confirm(screening=later, by=p.front_desk)
    latest = screenings_latest([p.patient.pk, p.other_patient.pk])
    assert latest == {p.patient.pk: later, p.other_patient.pk: other}
    confirmed = screenings_confirmed([first.pk, later.pk])
    assert set(confirmed) == {later.pk}


def test_consent_statuses_agree_with_consent_status_one_by_one(schedule):
    p = schedule.practice
    patients = [p.patient, PatientFactory(preferred_clinic=p.stoughton)]
    assert consent_statuses([]) == {}

    def agree(case: str) -> None:
        many = consent_statuses([(patient, p.stoughton.pk) for patient in patients])
        for patient in patients:
            assert many[patient.pk, p.stoughton.pk] == consent_status(patient, p.stoughton), case

    agree("nothing published")
    document = consent_document_publish(
        clinic=p.stoughton, title="Consent", body=CONSENT_TEXT, by=p.admin
    )
    agree("not signed")
    sign(schedule, document, countersign=False)
    agree("not countersigned")
    Consent.objects.all().delete()
    signed = sign(schedule, document)
    agree("in force")
    Consent.objects.filter(pk=signed.pk).update(signed_at=timezone.now() - dt.timedelta(days=400))
    agree("expired")
    Consent.objects.all().delete()
    sign(schedule, document)
    consent_document_publish(
        clinic=p.stoughton, title="Consent", body=CONSENT_TEXT + "\n\nMore.", by=p.admin
    )
    agree("outdated")
    assert consent_statuses([(p.patient, p.stoughton.pk)])[p.patient.pk, p.stoughton.pk].reason


def test_visit_safety_tells_what_holds_before_each_dry_needling_visit(schedule):
    p = schedule.practice
    document = consent_document_publish(
        clinic=p.stoughton, title="Consent", body=CONSENT_TEXT, by=p.admin
    )
    sign(schedule, document)
    schedule.screen(None, "diabetes", regions=("neck", "low_back"))
    ready = book(schedule, at=schedule.at(9), regions=("neck", "low_back"))
    evaluation = book(schedule, type=schedule.evaluation, at=schedule.at(11))
    unscreened = PatientFactory(preferred_clinic=p.stoughton)
    # The patient answers again after booking: cancer needs a physician's clearance now.
    schedule.screen(unscreened, regions=("neck",))
    changed = book(schedule, patient=unscreened, at=schedule.at(13))
    schedule.screen(unscreened, "cancer", regions=("neck",))

    safety = visit_safety([ready, evaluation, changed])
    assert set(safety) == {ready.pk, changed.pk}  # an evaluation has no gates
    first = safety[ready.pk]
    assert first.cleared == ("neck", "low_back") and first.not_cleared == ()
    assert first.consent.in_force and not first.screening_changed
    assert first.clearance_needed == () and first.reconfirmed_at is None
    second = safety[changed.pk]
    assert second.cleared == () and second.not_cleared == ("neck",)
    assert second.clearance_needed == ("cancer",) and second.screening_changed
    assert not second.consent.in_force
    assert second.reconfirmed_at == second.screening.entered_at  # screened again since booking

    screening_confirm(screening=first.screening, by=p.front_desk)
    assert visit_safety([ready])[ready.pk].reconfirmed_at is not None
