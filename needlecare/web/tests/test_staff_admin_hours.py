"""A clinic admin sets their therapists' working hours and time off, through the audited
scheduling services, for the therapists of their own clinic only."""

import datetime as dt

import pytest

from needlecare.audit.models import AuditEvent
from needlecare.clinics.models import StaffMembership
from needlecare.common.testing.factories import TherapistFactory
from needlecare.common.time import clinic_zone
from needlecare.scheduling.models import TimeOff, WorkingHours

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, practice):
    client.force_login(practice.admin)
    return client


def hours_url(therapist, clinic="stoughton"):
    return f"/staff/clinics/{clinic}/therapists/{therapist.pk}/hours/"


def time_off_url(therapist, clinic="stoughton"):
    return f"/staff/clinics/{clinic}/therapists/{therapist.pk}/time-off/"


def periods(*rows):
    data = {"rows": str(len(rows) + 1)}
    for i, (day, starts, ends) in enumerate(rows):
        data |= {f"weekday_{i}": str(day), f"starts_{i}": starts, f"ends_{i}": ends}
    return data


def hours_of(therapist, clinic):
    return list(
        WorkingHours.objects.filter(therapist=therapist, clinic=clinic)
        .order_by("weekday", "starts")
        .values_list("weekday", "starts", "ends")
    )


def test_an_admin_sets_a_therapists_weekly_hours(admin, practice):
    therapist = practice.therapist
    response = admin.post(
        hours_url(therapist),
        periods((0, "08:00", "12:00"), (0, "13:00", "17:00"), (2, "09:00", "15:00")),
    )
    assert response.status_code == 302
    assert hours_of(therapist, practice.stoughton) == [
        (0, dt.time(8), dt.time(12)),
        (0, dt.time(13), dt.time(17)),
        (2, dt.time(9), dt.time(15)),
    ]
    page = admin.get(hours_url(therapist)).content.decode()
    assert 'value="13:00"' in page
    assert AuditEvent.objects.filter(action="workinghours.added").count() == 3

    # Leaving a row blank takes the period away.
    admin.post(hours_url(therapist), periods((2, "09:00", "15:00")))
    assert hours_of(therapist, practice.stoughton) == [(2, dt.time(9), dt.time(15))]


def test_overlapping_periods_are_refused_and_the_old_hours_kept(admin, practice):
    therapist = practice.therapist
    admin.post(hours_url(therapist), periods((1, "08:00", "12:00")))
    response = admin.post(
        hours_url(therapist), periods((1, "08:00", "12:00"), (1, "11:00", "14:00"))
    )
    assert response.status_code == 400
    assert b"Working periods on the same day overlap." in response.content
    assert hours_of(therapist, practice.stoughton) == [(1, dt.time(8), dt.time(12))]


def test_hours_overlapping_the_therapists_hours_at_another_clinic_are_refused(admin, practice):
    shared = TherapistFactory(user__clinics=[practice.stoughton, practice.foxboro])
    WorkingHours.objects.create(
        therapist=shared, clinic=practice.foxboro, weekday=3, starts=dt.time(9), ends=dt.time(13)
    )
    page = admin.get(hours_url(shared))
    assert b"Foxboro: Thursday 09:00" in page.content
    response = admin.post(hours_url(shared), periods((3, "12:00", "16:00")))
    assert response.status_code == 400
    assert b"overlap the therapist&#x27;s hours at another clinic" in response.content
    assert hours_of(shared, practice.stoughton) == []


def test_a_period_must_be_whole_and_end_after_it_starts(admin, practice):
    response = admin.post(
        hours_url(practice.therapist), periods((1, "12:00", "09:00"), (2, "", "10:00"))
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["ends_0"] == ["A period ends after it starts."]
    assert errors["starts_1"] == ["Give the day, the start and the end."]


def test_therapists_of_another_clinic_are_not_found(admin, practice):
    foxboro = TherapistFactory(user__clinics=[practice.foxboro])
    for url in (hours_url(foxboro), time_off_url(foxboro)):
        assert admin.get(url).status_code == 404
    assert admin.post(hours_url(foxboro), periods((1, "08:00", "12:00"))).status_code == 404
    assert admin.get(hours_url(practice.therapist, "foxboro")).status_code == 404
    assert not WorkingHours.objects.filter(therapist=foxboro).exists()


def test_an_admin_records_time_off_in_the_clinics_time_and_takes_it_back(admin, practice):
    therapist = practice.therapist
    response = admin.post(
        time_off_url(therapist),
        {"starts_at": "2099-07-01T08:00", "ends_at": "2099-07-03T17:30", "reason": "Conference"},
    )
    assert response.status_code == 302
    [off] = TimeOff.objects.filter(therapist=therapist)
    zone = clinic_zone(practice.stoughton)
    assert off.starts_at == dt.datetime(2099, 7, 1, 8, tzinfo=zone)
    assert off.ends_at == dt.datetime(2099, 7, 3, 17, 30, tzinfo=zone)
    page = admin.get(time_off_url(therapist)).content.decode()
    assert "Conference" in page and "Wed Jul 1, 2099 08:00" in page

    delete = f"{time_off_url(therapist)}{off.pk}/delete/"
    assert admin.post(delete).status_code == 302
    assert not TimeOff.objects.exists()
    assert AuditEvent.objects.filter(action="timeoff.deleted").count() == 1


def test_time_off_that_ends_before_it_starts_is_refused(admin, practice):
    response = admin.post(
        time_off_url(practice.therapist),
        {"starts_at": "2099-07-03T08:00", "ends_at": "2099-07-01T08:00"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_at"] == ["Time off must end after it starts."]
    assert not TimeOff.objects.exists()


def test_time_off_of_another_clinics_therapist_cannot_be_taken_back(admin, practice):
    foxboro = TherapistFactory(user__clinics=[practice.foxboro])
    start = dt.datetime(2099, 1, 5, 9, tzinfo=dt.UTC)
    off = TimeOff.objects.create(
        therapist=foxboro, starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )
    assert admin.post(f"{time_off_url(foxboro)}{off.pk}/delete/").status_code == 404
    # Nor through a therapist of the admin's own clinic.
    assert admin.post(f"{time_off_url(practice.therapist)}{off.pk}/delete/").status_code == 404
    assert TimeOff.objects.filter(pk=off.pk).exists()


def test_a_therapist_removed_from_the_clinic_is_no_longer_found(admin, practice):
    StaffMembership.objects.filter(user=practice.therapist.user).delete()
    assert admin.get(hours_url(practice.therapist)).status_code == 404
