"""A therapist rotates their calendar feed's address: the old one answers 404 at once.

Rotation is `calendar_feed_create` on a therapist who has a feed (the page's "Replace with a
new address" button): the old feed is revoked and the new one made in one transaction, both
audited, and only the new token's digest is stored.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from needlecare.audit.selectors import audit_events_for_target
from needlecare.common.testing.factories import TherapistFactory
from needlecare.interop.models import CalendarFeed, token_digest
from needlecare.interop.services import calendar_feed_create

pytestmark = pytest.mark.django_db

PAGE = "/staff/calendar/"
FEED_URL = re.compile(r"http://testserver/calendar/([A-Za-z0-9_-]{43})\.ics")


def feed_token(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    [token] = set(FEED_URL.findall(response.content.decode()))
    return token


def test_the_page_offers_rotation_once_a_feed_exists(client, practice):
    client.force_login(practice.therapist.user)
    assert "Replace with a new address" not in client.get(PAGE).content.decode()
    feed_token(client.post(PAGE, {"action": "create"}))
    page = client.get(PAGE)
    assert "Replace with a new address" in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_rotating_stops_the_old_address_and_starts_a_new_one(client, practice):
    client.force_login(practice.therapist.user)
    old = feed_token(client.post(PAGE, {"action": "create"}))
    calendar_app = Client()
    assert calendar_app.get(reverse("therapist-feed", args=[old])).status_code == 200

    new = feed_token(client.post(PAGE, {"action": "create"}))

    assert new != old and len(new) == 43  # 32 random bytes, URL-safe base64
    gone = calendar_app.get(reverse("therapist-feed", args=[old]))
    assert gone.status_code == 404
    assert calendar_app.get(reverse("therapist-feed", args=[new])).status_code == 200
    old_feed = CalendarFeed.objects.get(token_digest=token_digest(old))
    new_feed = CalendarFeed.objects.get(token_digest=token_digest(new))
    assert old_feed.revoked_at is not None and new_feed.revoked_at is None
    # Only digests are kept: neither token is in the table.
    digests = list(CalendarFeed.objects.values_list("token_digest", flat=True))
    assert old not in digests and new not in digests


def test_rotation_is_audited_with_who_and_what_it_replaced(client, practice):
    client.force_login(practice.therapist.user)
    old = feed_token(client.post(PAGE, {"action": "create"}))
    new = feed_token(client.post(PAGE, {"action": "create"}))
    old_feed = CalendarFeed.objects.get(token_digest=token_digest(old))
    new_feed = CalendarFeed.objects.get(token_digest=token_digest(new))
    revoked = [
        e
        for e in audit_events_for_target("interop.calendarfeed", old_feed.pk)
        if e.action == "calendar_feed.revoked"
    ]
    assert [(e.actor, e.data["reason"]) for e in revoked] == [(practice.therapist.user, "replaced")]
    [created] = audit_events_for_target("interop.calendarfeed", new_feed.pk)
    assert created.action == "calendar_feed.created"
    assert created.data["replaces"] == [old_feed.pk]
    assert old not in str(created.data) and new not in str(created.data)


def test_rotating_one_therapists_feed_leaves_anothers_working(client, practice):
    colleague = TherapistFactory(user__clinics=[practice.stoughton])
    _, theirs = calendar_feed_create(therapist=colleague, by=colleague.user)
    client.force_login(practice.therapist.user)
    mine = feed_token(client.post(PAGE, {"action": "create"}))
    feed_token(client.post(PAGE, {"action": "create"}))
    calendar_app = Client()
    assert calendar_app.get(reverse("therapist-feed", args=[mine])).status_code == 404
    assert calendar_app.get(reverse("therapist-feed", args=[theirs])).status_code == 200
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 2
