"""The therapist's calendar page: make, replace and turn off a feed; the URL is shown once."""

import re

import pytest
from django.urls import reverse

from needlecare.audit.selectors import audit_events_for_target
from needlecare.common.testing.two_factor import VerifiedClient as Client
from needlecare.interop.models import CalendarFeed

pytestmark = pytest.mark.django_db

PAGE = "/staff/calendar/"
FEED_URL = re.compile(r"http://testserver/calendar/([A-Za-z0-9_-]{43})\.ics")


@pytest.fixture
def therapist_client(client, practice):
    client.force_login(practice.therapist.user)
    return client


def make_feed(client) -> str:
    response = client.post(PAGE, {"action": "create"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    [token] = set(FEED_URL.findall(response.content.decode()))
    return token


def test_the_page_is_named_and_says_when_there_is_no_feed(therapist_client):
    assert reverse("therapist-calendar") == PAGE
    response = therapist_client.get(PAGE)
    assert response.status_code == 200
    assert b"You have no calendar feed" in response.content
    assert not FEED_URL.search(response.content.decode())


def test_making_a_feed_shows_its_full_url_once(therapist_client, practice):
    token = make_feed(therapist_client)
    assert therapist_client.get(reverse("therapist-feed", args=[token])).status_code == 200
    again = therapist_client.get(PAGE).content.decode()
    assert token not in again
    assert "Turn the feed off" in again
    [feed] = CalendarFeed.objects.all()
    assert feed.therapist == practice.therapist
    [event] = audit_events_for_target("interop.calendarfeed", feed.pk)
    assert (event.action, event.actor) == ("calendar_feed.created", practice.therapist.user)


def test_the_page_offers_a_webcal_link_to_subscribe(therapist_client):
    response = therapist_client.post(PAGE, {"action": "create"})
    assert re.search(r'href="webcal://testserver/calendar/[A-Za-z0-9_-]{43}\.ics"', response.text)


def test_replacing_the_feed_stops_the_old_url(therapist_client):
    old = make_feed(therapist_client)
    new = make_feed(therapist_client)
    assert old != new
    assert therapist_client.get(reverse("therapist-feed", args=[old])).status_code == 404
    assert therapist_client.get(reverse("therapist-feed", args=[new])).status_code == 200
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_turning_the_feed_off(therapist_client):
    token = make_feed(therapist_client)
    feed = CalendarFeed.objects.get()
    response = therapist_client.post(PAGE, {"action": "revoke", "feed": feed.pk}, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert b"You have no calendar feed" in response.content
    assert therapist_client.get(reverse("therapist-feed", args=[token])).status_code == 404
    actions = sorted(e.action for e in audit_events_for_target("interop.calendarfeed", feed.pk))
    assert actions == ["calendar_feed.created", "calendar_feed.revoked"]


def test_a_stale_revoke_does_not_turn_off_a_newer_feed(therapist_client):
    make_feed(therapist_client)
    stale = CalendarFeed.objects.get()
    token = make_feed(therapist_client)
    therapist_client.post(PAGE, {"action": "revoke", "feed": stale.pk})
    assert therapist_client.get(reverse("therapist-feed", args=[token])).status_code == 200


def test_an_unknown_action_is_refused(therapist_client):
    assert therapist_client.post(PAGE, {"action": "export"}).status_code == 400
    assert not CalendarFeed.objects.exists()


def test_posting_without_a_csrf_token_is_refused(practice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(practice.therapist.user)
    assert client.post(PAGE, {"action": "create"}).status_code == 403
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("who", ["front_desk", "admin", "outsider"])
def test_other_staff_are_refused(client, practice, who):
    client.force_login(getattr(practice, who))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"action": "create"}).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_patients_are_refused(client, practice):
    client.force_login(practice.patient.user)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"action": "create"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, practice):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "login" in response["Location"]
