"""A patient's appointment as an .ics file: who may download it, and what it says."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from icalendar import Calendar

from needlecare.audit.services import audit_record
from needlecare.interop.tests.conftest import local
from needlecare.scheduling.models import Status

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def url(appointment):
    return reverse("appointment-ics", args=[appointment.pk])


def test_the_patient_downloads_their_appointment_as_a_calendar_file(client, diary):
    appointment = diary.book(local(2026, 11, 2, 10, 0))
    client.force_login(diary.practice.patient.user)
    response = client.get(url(appointment))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="appointment-{appointment.pk}.ics"'
    )
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = calendar.events
    assert str(event["UID"]) == f"appointment-{appointment.pk}@needlecare"
    assert str(event["SUMMARY"]) == "Dry needling treatment with Dana Reyes"
    assert "Stoughton" in str(event["LOCATION"]) and "Room 2" in str(event["LOCATION"])
    description = str(event["DESCRIPTION"])
    assert "781-436-0391" in description
    assert "http://testserver/screening/" in description
    assert str(event["STATUS"]) == "CONFIRMED"


def test_the_file_keeps_exact_instants_on_both_sides_of_the_dst_change(client, diary):
    before = diary.book(local(2026, 10, 30, 10, 0))
    after = diary.book(local(2026, 11, 2, 10, 0))
    client.force_login(diary.practice.patient.user)
    for appointment, utc_start in (
        (before, dt.datetime(2026, 10, 30, 14, 0, tzinfo=UTC)),
        (after, dt.datetime(2026, 11, 2, 15, 0, tzinfo=UTC)),
    ):
        calendar = Calendar.from_ical(client.get(url(appointment)).content)
        [event] = calendar.events
        assert event["DTSTART"].params["TZID"] == "America/New_York"
        assert [tz.tz_name for tz in calendar.timezones] == ["America/New_York"]
        assert event.start == appointment.starts_at == utc_start
        assert event.end == appointment.ends_at
        assert event.end - event.start == dt.timedelta(minutes=45)


@pytest.mark.parametrize("who", ["front_desk", "admin"])
def test_staff_of_the_clinic_may_download_it(client, diary, who):
    appointment = diary.book(local(2026, 11, 2, 10, 0))
    client.force_login(getattr(diary.practice, who))
    assert client.get(url(appointment)).status_code == 200


def test_the_therapist_may_download_it(client, diary):
    appointment = diary.book(local(2026, 11, 2, 10, 0))
    client.force_login(diary.practice.therapist.user)
    assert client.get(url(appointment)).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "outsider_admin"])
def test_staff_of_another_clinic_get_not_found(client, diary, who):
    appointment = diary.book(local(2026, 11, 2, 10, 0))
    client.force_login(getattr(diary.practice, who))
    assert client.get(url(appointment)).status_code == 404


def test_another_patient_gets_not_found(client, diary):
    appointment = diary.book(local(2026, 11, 2, 10, 0))
    client.force_login(diary.practice.other_patient.user)
    assert client.get(url(appointment)).status_code == 404


def test_a_missing_appointment_is_not_found(client, diary):
    client.force_login(diary.practice.patient.user)
    assert client.get("/appointments/999999/calendar.ics").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, diary):
    appointment = diary.book(local(2026, 11, 2, 10, 0))
    response = client.get(url(appointment))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.COMPLETED, Status.NO_SHOW])
def test_an_appointment_that_will_not_happen_has_no_file(client, diary, status):
    appointment = diary.book(local(2026, 11, 2, 10, 0), status=status)
    client.force_login(diary.practice.patient.user)
    assert client.get(url(appointment)).status_code == 404


def test_a_requested_appointment_is_tentative(client, diary):
    appointment = diary.book(local(2026, 11, 2, 10, 0), status=Status.REQUESTED)
    client.force_login(diary.practice.patient.user)
    [event] = Calendar.from_ical(client.get(url(appointment)).content).events
    assert str(event["STATUS"]) == "TENTATIVE"


def test_a_moved_appointment_has_a_higher_sequence(client, diary):
    appointment = diary.book(local(2026, 11, 2, 10, 0))
    client.force_login(diary.practice.patient.user)
    [event] = Calendar.from_ical(client.get(url(appointment)).content).events
    assert event.sequence == 0
    with transaction.atomic():
        audit_record(
            actor=diary.practice.front_desk,
            action="appointment.rescheduled",
            target=appointment,
            clinic_ids=[appointment.clinic_id],
        )
    [event] = Calendar.from_ical(client.get(url(appointment)).content).events
    assert event.sequence == 1
