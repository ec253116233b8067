"""A therapist's private calendar feed: the token opens it, and it shows initials only."""

import datetime as dt
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from needlecare.audit.selectors import audit_events_for_target
from needlecare.common.testing.factories import PatientFactory, TherapistFactory
from needlecare.interop.models import CalendarFeed
from needlecare.interop.selectors import therapist_calendar
from needlecare.interop.services import calendar_feed_create, calendar_feed_revoke
from needlecare.interop.tests.conftest import local
from needlecare.scheduling.models import Status

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def feed_url(token):
    return reverse("therapist-feed", args=[token])


def unfolded(raw: bytes) -> bytes:
    """The content with iCalendar line folding undone, so no word hides across a fold."""
    return raw.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")


@pytest.fixture
def feed(diary):
    therapist = diary.practice.therapist
    return calendar_feed_create(therapist=therapist, by=therapist.user)


def test_the_feed_shows_the_therapists_appointments_with_patient_initials(client, diary, feed):
    _, token = feed
    appointment = diary.book(timezone.now() + dt.timedelta(days=3))
    response = client.get(feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]).startswith("Dana Reyes")
    [event] = calendar.events
    assert str(event["UID"]) == f"appointment-{appointment.pk}@needlecare"
    assert str(event["SUMMARY"]) == f"Dry needling treatment: {diary.practice.patient.initials}"
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert [tz.tz_name for tz in calendar.timezones] == ["America/New_York"]
    assert event.start == appointment.starts_at.replace(microsecond=0)


def test_nothing_else_about_the_patient_is_in_the_feed(client, diary, feed):
    _, token = feed
    patient = PatientFactory(
        first_name="Josephine",
        last_name="Szczepanski",
        email="jo.szczepanski@example.org",
        phone="508-555-0142",
        street="77 Quarry Lane",
        preferred_clinic=diary.practice.stoughton,
    )
    diary.book(timezone.now() + dt.timedelta(days=3), patient=patient)
    raw = client.get(feed_url(token)).content
    assert b"Dry needling treatment: JS" in raw
    for content in (raw, unfolded(raw)):
        text = content.lower()
        for secret in (
            "Josephine",
            "Szczepanski",
            "jo.szczepanski",
            "example.org",
            "508-555-0142",
            "5085550142",
            "Quarry",
            "1980",  # date of birth
            "neck",  # planned regions
            "low_back",
            "diabetes",  # precautions
        ):
            assert secret.lower().encode() not in text, secret


def test_it_covers_every_clinic_from_thirty_days_back_to_180_ahead(diary, feed):
    now = dt.datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
    p = diary.practice
    shown = [
        diary.book(now - dt.timedelta(days=29), status=Status.COMPLETED),
        diary.book(now + dt.timedelta(days=1), status=Status.REQUESTED),
        diary.book(now + dt.timedelta(days=2), clinic=p.foxboro, patient=p.other_patient),
        diary.book(now + dt.timedelta(days=179), status=Status.CHECKED_IN),
    ]
    diary.book(now - dt.timedelta(days=31))
    diary.book(now + dt.timedelta(days=181))
    diary.book(now + dt.timedelta(days=4), status=Status.CANCELLED)
    diary.book(now + dt.timedelta(days=5), status=Status.NO_SHOW)
    diary.book(now + dt.timedelta(days=6), therapist=TherapistFactory(user__clinics=[p.stoughton]))
    calendar = Calendar.from_ical(therapist_calendar(feed[0], now=now))
    assert sorted(str(e["UID"]) for e in calendar.events) == sorted(
        f"appointment-{a.pk}@needlecare" for a in shown
    )


def test_the_feed_keeps_exact_instants_on_both_sides_of_the_dst_change(diary, feed):
    before = diary.book(local(2026, 10, 30, 10, 0))
    after = diary.book(local(2026, 11, 2, 10, 0))
    raw = therapist_calendar(feed[0], now=dt.datetime(2026, 10, 20, tzinfo=UTC))
    calendar = Calendar.from_ical(raw)
    starts = {str(e["UID"]): e.start for e in calendar.events}
    assert starts[f"appointment-{before.pk}@needlecare"] == dt.datetime(
        2026, 10, 30, 14, tzinfo=UTC
    )
    assert starts[f"appointment-{after.pk}@needlecare"] == dt.datetime(2026, 11, 2, 15, tzinfo=UTC)
    assert all(e["DTSTART"].params["TZID"] == "America/New_York" for e in calendar.events)
    assert calendar.get_missing_tzids() == set()


def test_only_the_digest_of_the_token_is_stored(feed):
    saved, token = feed
    assert len(token) >= 43
    saved.refresh_from_db()
    assert saved.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in saved.token_digest


def test_an_unknown_token_is_not_found(client, diary, feed):
    assert client.get(feed_url("not-a-real-token")).status_code == 404
    assert client.get(feed_url(feed[1] + "x")).status_code == 404


def test_a_revoked_token_is_not_found(client, diary, feed):
    saved, token = feed
    calendar_feed_revoke(feed=saved, by=diary.practice.therapist.user)
    assert client.get(feed_url(token)).status_code == 404


def test_making_a_new_feed_revokes_the_old_one(client, diary, feed):
    old, old_token = feed
    therapist = diary.practice.therapist
    new, new_token = calendar_feed_create(therapist=therapist, by=therapist.user)
    assert client.get(feed_url(old_token)).status_code == 404
    assert client.get(feed_url(new_token)).status_code == 200
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert list(CalendarFeed.objects.filter(revoked_at__isnull=True)) == [new]


def test_a_deactivated_therapists_feed_stops_working(client, diary, feed):
    user = diary.practice.therapist.user
    user.is_active = False
    user.save()
    assert client.get(feed_url(feed[1])).status_code == 404


def test_the_feed_is_read_only(client, diary, feed):
    assert client.post(feed_url(feed[1])).status_code == 405


def test_creating_and_revoking_are_audited(diary, feed):
    old, _ = feed
    therapist = diary.practice.therapist
    new, _ = calendar_feed_create(therapist=therapist, by=therapist.user)
    calendar_feed_revoke(feed=new, by=therapist.user)
    calendar_feed_revoke(feed=new, by=therapist.user)  # a second revoke changes nothing
    old_events = [e.action for e in audit_events_for_target("interop.calendarfeed", old.pk)]
    new_events = audit_events_for_target("interop.calendarfeed", new.pk).order_by("id")
    assert sorted(old_events) == ["calendar_feed.created", "calendar_feed.revoked"]
    assert [e.action for e in new_events] == ["calendar_feed.created", "calendar_feed.revoked"]
    created = new_events[0]
    assert created.actor == therapist.user
    assert created.data == {"therapist": therapist.pk, "replaces": [old.pk]}
    assert list(created.clinics.values_list("clinic_id", flat=True)) == [
        diary.practice.stoughton.pk
    ]
    for event in new_events:
        assert new.token_digest not in str(event.data) + event.target_label


def test_the_feed_url_shape_matches_the_token_alphabet(feed):
    assert re.fullmatch(r"/calendar/[A-Za-z0-9_-]+\.ics", feed_url(feed[1]))


def test_the_feed_takes_four_queries_however_many_appointments(
    client, diary, feed, django_assert_num_queries
):
    for days in range(1, 6):
        diary.book(timezone.now() + dt.timedelta(days=days))
    diary.book(timezone.now() + dt.timedelta(days=7), clinic=diary.practice.foxboro)
    # The token's feed and therapist; the fetch's read record; the appointments with everything
    # shown; their sequences.
    with django_assert_num_queries(4):
        response = client.get(feed_url(feed[1]))
    assert len(Calendar.from_ical(response.content).events) == 6
