"""No cache keeps a response that may carry patient data; public pages and files stay cacheable.

Every page of the URL map, fetched by a patient, a therapist, the front desk and a clinic
admin, every API answer (signed in or not), and every document (letter PDF, appointment file,
calendar feed) says `Cache-Control: no-store, private`; the public home page and the static
files say neither.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from needlecare.interop.services import calendar_feed_create
from needlecare.outcomes.services import plan_of_care_set
from needlecare.reports.models import Letter
from needlecare.web.tests.charting_helpers import signed_session
from needlecare.web.tests.test_bad_input import api_routes, page_routes

pytestmark = pytest.mark.django_db


def assert_no_store(response, what: str) -> None:  # type: ignore[no-untyped-def]
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, (what, response.get("Cache-Control"))
    assert "public" not in directives, what


@pytest.mark.parametrize("who", ["patient", "therapist", "front_desk", "admin"])
def test_every_page_answers_a_signed_in_person_with_no_store(client, practice, who):
    user = practice.therapist.user if who == "therapist" else getattr(practice, who)
    if who == "patient":
        user = practice.patient.user
    client.force_login(user)
    checked = 0
    for path in page_routes():
        response = client.get(path)
        assert response.status_code < 500, path
        assert_no_store(response, path)
        checked += 1
    assert checked >= 50


def test_every_api_answer_says_no_store_signed_in_or_not(client, practice):
    for method, path in api_routes():
        assert_no_store(getattr(client, method)(path), path)  # 401: not signed in
    client.force_login(practice.patient.user)
    mine = client.get(f"/api/charting/patients/{practice.patient.pk}/measures")
    assert mine.status_code == 200
    assert_no_store(mine, "measures")
    assert_no_store(client.get("/api/nothing-here"), "API 404")


def test_letter_pdfs_say_no_store(client, visit):
    p = visit.schedule.practice
    signed_session(visit)
    plan_of_care_set(patient=p.patient, regions=["neck"], by=p.therapist.user)
    client.force_login(p.therapist.user)
    assert (
        client.post(f"/staff/patients/{p.patient.pk}/letters/", {"kind": "progress"}).status_code
        == 302
    )
    letter = Letter.objects.get()
    staff_pdf = client.get(f"/staff/letters/{letter.pk}.pdf")
    assert staff_pdf["Content-Type"] == "application/pdf"
    assert_no_store(staff_pdf, "staff letter")
    client.force_login(p.patient.user)
    own = client.get(f"/me/letters/{letter.pk}.pdf")
    assert own.status_code == 200
    assert_no_store(own, "patient's letter")


def test_calendar_files_and_feeds_say_no_store(client, visit):
    p = visit.schedule.practice
    client.force_login(p.patient.user)
    ics = client.get(reverse("appointment-ics", args=[visit.appointment.pk]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert_no_store(ics, "appointment file")
    _, token = calendar_feed_create(therapist=p.therapist, by=p.therapist.user)
    feed = Client().get(reverse("therapist-feed", args=[token]))  # a calendar app: no session
    assert feed.status_code == 200
    assert_no_store(feed, "feed")


def test_public_pages_and_static_files_stay_cacheable(client, practice):
    home = client.get("/")
    assert home.status_code == 200
    assert "no-store" not in home.get("Cache-Control", "")
    css = client.get("/static/web/site.css")
    assert css.status_code == 200
    assert "no-store" not in css.get("Cache-Control", "")
    assert re.search(r"max-age=\d+|public", css.get("Cache-Control", "")) or not css.get(
        "Cache-Control"
    )
