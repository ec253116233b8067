"""The public clinic list and pages are kept per process and never stale: every change to a
clinic or its opening hours, however it is made (a service, the ORM, raw SQL in another
process), moves the change count the database triggers keep, and the next request shows it.
A kept page gets a fresh CSRF token for each visitor, and signed-in users, visitors with a
session or a message, and query strings are served the page rendered as usual."""

import datetime as dt
import json
import re
import time
import urllib.request
from collections.abc import Callable

import psycopg
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from needlecare.clinics.models import Clinic, OpeningHours
from needlecare.clinics.public import public_generation
from needlecare.clinics.services import opening_hours_set
from needlecare.common.testing.server import ServerEnvironment, running_server
from needlecare.web.public_pages import kept_for_visitors

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def _hours(client: Client, slug: str) -> list[dict[str, object]]:
    clinics = client.get("/api/clinics/").json()
    return next(c["opening_hours"] for c in clinics if c["slug"] == slug)


def test_every_change_to_clinics_or_their_hours_moves_the_count(practice) -> None:
    p = practice
    seen = [public_generation()]

    def moved() -> bool:
        seen.append(public_generation())
        return seen[-1] is not None and seen[-2] is not None and seen[-1] > seen[-2]

    hours = OpeningHours.objects.create(
        clinic=p.stoughton, weekday=5, opens=dt.time(9), closes=dt.time(12)
    )
    assert moved()
    OpeningHours.objects.filter(pk=hours.pk).update(closes=dt.time(13))
    assert moved()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE clinics_clinic SET phone = '781-555-0000' WHERE id = %s", [p.stoughton.pk]
        )
    assert moved()
    hours.delete()
    assert moved()
    # Other tables leave it alone.
    p.patient.first_name = "Changed"
    p.patient.save()
    seen.append(public_generation())
    assert seen[-1] == seen[-2]


def test_the_clinic_list_shows_new_hours_at_once(practice) -> None:
    p = practice
    client = Client()
    before = _hours(client, "stoughton")
    assert _hours(client, "stoughton") == before  # kept: the same answer
    opening_hours_set(clinic=p.stoughton, hours=[(0, dt.time(7), dt.time(11))], by=p.admin)
    assert _hours(client, "stoughton") == [{"weekday": 0, "opens": "07:00", "closes": "11:00"}]
    Clinic.objects.filter(pk=p.stoughton.pk).update(name="Stoughton Center")
    names = [c["name"] for c in client.get("/api/clinics/").json()]
    assert "Stoughton Center" in names


def test_a_kept_page_carries_nothing_of_one_visitor(practice) -> None:
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [first.get("/"), first.get("/"), second.get("/")]
    assert pages[0].content == pages[1].content == pages[2].content
    assert all(not page.cookies for page in pages)  # no CSRF cookie, no session
    assert "csrfmiddlewaretoken" not in pages[2].content.decode()
    # Its one form, the language switcher, works without a token.
    switched = second.get("/language/", {"language": "es", "next": "/"})
    assert switched.status_code == 302
    assert '<html lang="es">' in second.get("/").content.decode()


def test_a_page_with_a_token_is_not_kept(practice) -> None:
    # A token is one visitor's own: a page that renders one is rendered for each visitor.
    rendered = []

    @kept_for_visitors
    def with_form(request: HttpRequest) -> HttpResponse:
        rendered.append(request)
        token = get_token(request)
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{token}">')

    @kept_for_visitors
    def without(request: HttpRequest) -> HttpResponse:
        rendered.append(request)
        return HttpResponse("<p>the same for everyone</p>")

    def visitor(path: str) -> HttpRequest:
        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        return request

    pages = [with_form(visitor("/with-form/")) for _ in range(3)]
    assert len(rendered) == 3
    assert len({page.content for page in pages}) == 3
    for _ in range(3):
        assert without(visitor("/without/")).content == b"<p>the same for everyone</p>"
    assert len(rendered) == 4


def test_pages_show_new_hours_and_names_at_once(practice) -> None:
    p = practice
    client = Client()
    assert "Stoughton" in client.get("/").content.decode()
    Clinic.objects.filter(pk=p.stoughton.pk).update(name="Stoughton Riverside")
    for path in ("/", "/check/", "/book/"):
        assert "Stoughton Riverside" in client.get(path).content.decode(), path


def test_signed_in_users_and_query_strings_get_their_own_page(practice) -> None:
    p = practice
    Client().get("/book/")  # kept for visitors
    patient = Client()
    patient.force_login(p.patient.user)
    assert "You are signed in." in patient.get("/book/").content.decode()
    assert "You are signed in." not in Client().get("/book/").content.decode()
    assert Client().get("/?from=letter").status_code == 200


@pytest.mark.server
def test_a_running_server_shows_a_change_made_by_another_process(
    server_environment: ServerEnvironment, demo_clinics: list[dict[str, str]]
) -> None:
    with running_server(server_environment, log_name="kept.log") as base_url:

        def fetch(path: str) -> str:
            with urllib.request.urlopen(f"{base_url}{path}", timeout=10) as response:  # noqa: S310
                return response.read().decode()

        for _ in range(3):  # warm every thread's connection and the kept copies
            assert "Foxboro" in fetch("/") and "Foxboro" in fetch("/api/clinics/")
        rename = (
            "from needlecare.clinics.models import Clinic\n"
            "Clinic.objects.filter(slug='foxboro').update(name='{}')\n"
        )
        assert _listening(server_environment) == ("DATABASE_URL" in server_environment.env)
        server_environment.run_ok("shell", "-c", rename.format("Foxboro Patriot Place"))
        try:
            # On PostgreSQL the server hears of it a moment after the commit (LISTEN).
            assert _soon(lambda: "Foxboro Patriot Place" in fetch("/"))
            names = [c["name"] for c in json.loads(fetch("/api/clinics/"))]
            assert "Foxboro Patriot Place" in names
        finally:
            server_environment.run_ok("shell", "-c", rename.format("Foxboro"))
        assert _soon(lambda: "Foxboro Patriot Place" not in fetch("/"))


def _soon(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _listening(server_environment: ServerEnvironment) -> bool:
    """Whether the server holds a LISTEN connection (PostgreSQL only) to its database."""
    url = server_environment.env.get("DATABASE_URL")
    if not url:
        return False
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'needlecare public listener'"
        ).fetchone()
    return bool(row and row[0])


def test_nothing_is_kept_without_a_count(practice) -> None:
    # A flushed database has no counter row: pages are rendered every time, never stale.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clinics_publicgeneration")
    assert public_generation() is None
    client = Client()
    assert "Stoughton" in client.get("/").content.decode()
    Clinic.objects.filter(pk=practice.stoughton.pk).update(name="Stoughton North")
    assert "Stoughton North" in client.get("/").content.decode()
    assert "Stoughton North" in json.dumps(client.get("/api/clinics/").json())
