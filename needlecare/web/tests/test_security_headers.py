"""The security headers on every kind of response, in this process with the production
security settings over https: a public page, a patient's page, a staff page, the admin site,
the API's JSON, a PDF, a calendar file, and the 404, 413 and 429 refusals.
(test_security_headers_server.py asks a real production server the same.)"""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from needlecare.web.middleware_limits import body_limit
from needlecare.web.tests.read_audit_helpers import (  # noqa: F401 - the chart fixture
    Chart,
    chart_fixture,
)
from needlecare.web.tests.security_headers_helpers import (
    WRONG_PASSWORD,
    YEAR,
    header_problems,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_security(settings: pytest.FixtureRequest) -> None:
    """settings.py's production block (the middleware reads these when the client starts)."""
    settings.SECURE_HSTS_SECONDS = YEAR  # type: ignore[attr-defined]
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # type: ignore[attr-defined]
    settings.SECURE_HSTS_PRELOAD = True  # type: ignore[attr-defined]
    settings.SESSION_COOKIE_SECURE = True  # type: ignore[attr-defined]
    settings.CSRF_COOKIE_SECURE = True  # type: ignore[attr-defined]


def _as(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[attr-defined]
    return client


Ask = Callable[[Client, Chart], object]
PAGES: dict[str, tuple[Ask, int, str]] = {
    "public page": (lambda c, ch: c.get("/", secure=True), 200, "text/html"),
    "patient page": (
        lambda c, ch: _as(c, ch.visit.patient.user).get(reverse("patient-home"), secure=True),
        200,
        "text/html",
    ),
    "staff page": (
        lambda c, ch: _as(c, ch.visit.practice.front_desk).get(
            reverse("staff-patient", args=[ch.visit.patient.pk]), secure=True
        ),
        200,
        "text/html",
    ),
    "admin site page": (
        lambda c, ch: _as(c, ch.visit.practice.admin).get("/admin/", secure=True),
        200,
        "text/html",
    ),
    "API JSON": (
        lambda c, ch: c.get("/api/clinics/", secure=True),
        200,
        "application/json",
    ),
    "API refusal JSON": (
        lambda c, ch: c.get(f"/api/patients/{ch.visit.patient.pk}", secure=True),
        401,
        "application/json",
    ),
    "PDF": (
        lambda c, ch: _as(c, ch.visit.patient.user).get(
            reverse("my-letter-pdf", args=[ch.letter.pk]), secure=True
        ),
        200,
        "application/pdf",
    ),
    "calendar file": (
        lambda c, ch: _as(c, ch.visit.patient.user).get(
            reverse("appointment-ics", args=[ch.visit.appointment.pk]), secure=True
        ),
        200,
        "text/calendar",
    ),
    "404 page": (lambda c, ch: c.get("/no-such-page/", secure=True), 404, "text/html"),
    "413 page": (
        lambda c, ch: c.generic(
            "POST",
            reverse("login"),
            b"x" * (body_limit() + 1),
            content_type="application/x-www-form-urlencoded",
            secure=True,
        ),
        413,
        "",
    ),
}


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_every_kind_of_response_carries_the_security_headers(
    kind: str, chart: Chart, client: Client
):
    ask, status, content_type = PAGES[kind]
    response = ask(client, chart)
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith(content_type)  # type: ignore[index]
    assert header_problems(response, hsts=True) == []  # type: ignore[arg-type]


def test_the_too_many_sign_ins_page_carries_the_security_headers(chart: Chart, client: Client):
    email = chart.visit.patient.user.email
    statuses = []
    for _ in range(12):
        response = client.post(
            reverse("login"), {"username": email, "password": WRONG_PASSWORD}, secure=True
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429, statuses
    assert header_problems(response, hsts=True) == []  # type: ignore[arg-type]
