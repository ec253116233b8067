"""The access matrix: every page of the URL map and every route of the OpenAPI schema, asked
by anonymous, patient B, and the front desk, therapist and clinic admin of the other clinic,
with patient A's real record ids (at Stoughton) in the URL, by GET and by POST (and the API's
own methods). Anonymous is sent to sign in (401 on the API), the others are refused (403 or
404): never a 200 with the data, never a 5xx, and no write lands in the database."""

import json
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from needlecare.accounts.models import User
from needlecare.api import api
from needlecare.charting.models import (
    AdverseEvent,
    Consent,
    NeedlingRecord,
    Notification,
    TreatmentSession,
)
from needlecare.common.testing.two_factor import VerifiedClient as Client
from needlecare.interop.models import CalendarFeed
from needlecare.outcomes.models import MeasureResponse
from needlecare.patients.models import Patient
from needlecare.reports.models import Letter
from needlecare.scheduling.models import Appointment, TimeOff, WaitlistEntry, WaitlistOffer
from needlecare.screening.models import PhysicianClearance, Screening
from needlecare.web.tests.access_matrix_table import (
    API,
    API_BODIES,
    EXCLUDED_NAMES,
    EXCLUDED_PREFIXES,
    PAGES,
    World,
    build_world,
)
from needlecare.web.tests.read_audit_helpers import (  # noqa: F401 - the chart fixture
    Chart,
    chart_fixture,
)

REFUSED = {401, 403, 404, 405}
WATCHED: tuple[type[Model], ...] = (
    Appointment,
    Screening,
    PhysicianClearance,
    Consent,
    TreatmentSession,
    NeedlingRecord,
    AdverseEvent,
    MeasureResponse,
    Letter,
    WaitlistEntry,
    WaitlistOffer,
    TimeOff,
    CalendarFeed,
    Notification,
    Patient,
    User,
)


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, str | None]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


def page_names() -> set[str]:
    names = set()
    for route, name in _walk(get_resolver()):
        if route.startswith(tuple(EXCLUDED_PREFIXES)) or name in EXCLUDED_NAMES:
            continue
        if route.startswith("api/"):
            continue  # the API's routes come from its schema
        assert name, f"the page {route!r} has no name, so the matrix cannot list it"
        names.add(name)
    return names


def api_routes() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{m.upper()} {path}" for path, ops in schema["paths"].items() for m in ops}


def test_every_page_is_in_the_matrix_table():
    assert page_names() == set(PAGES)


def test_every_api_route_is_in_the_matrix_table():
    assert api_routes() == set(API)


def _fingerprint(owners: list[User]) -> dict[str, object]:
    state: dict[str, object] = {m.__name__: m.objects.count() for m in WATCHED}
    state["appointments"] = sorted(Appointment.objects.values_list("pk", "status", "starts_at"))
    state["sessions"] = sorted(TreatmentSession.objects.values_list("pk", "signed_at"))
    state["consents"] = sorted(Consent.objects.values_list("pk", "countersigned_at"))
    state["offers"] = sorted(WaitlistOffer.objects.values_list("pk", "state"))
    state["notifications"] = sorted(Notification.objects.values_list("pk", "read_at"))
    staff = [u.pk for u in owners]
    state["devices"] = sorted(
        TOTPDevice.objects.filter(user__in=staff).values_list("pk", "confirmed")
    )
    state["users"] = sorted(User.objects.values_list("pk", "is_active", "email"))
    return state


def expectation(scope: str, persona: str) -> str | None:
    """What the persona must get: "login", "refuse", "token" (a guessed link refused), or
    None where the cell shows the persona their own (not tried)."""
    if scope == "public":
        return None
    if scope == "token":
        return "token"
    if persona == "anonymous":
        return "login"
    if scope == "signed_in":
        return None
    if persona == "patient_b":
        return None if scope == "patient" else "refuse"
    return None if scope == "staff" else "refuse"


def _is_refused(response: HttpResponse, expect: str, api_route: bool) -> bool:
    if expect == "token":
        # A guessed link is a clear 4xx; Django's password reset answers 200 with its
        # "invalid link" page and no form.
        if response.status_code == 200:
            return b'name="new_password1"' not in response.content
        return 400 <= response.status_code < 500
    if expect == "login" and not api_route and response.status_code == 302:
        return response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    return response.status_code in REFUSED


def _ask(client: Client, method: str, url: str, body: dict[str, object] | None) -> HttpResponse:
    if method == "GET":
        return client.get(url, body or {})
    if body is not None:
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    return client.post(url, {})


Cell = tuple[str, str, str, str, dict[str, object] | None]


def _cells(world: World) -> Iterator[Cell]:
    """(label, scope, method, url, the API's body or query; None for a page)."""
    for name, (scope, fill) in sorted(PAGES.items()):
        url = reverse(name, kwargs=fill(world))
        for method in ("GET", "POST"):
            yield name, scope, method, url, None
    for key, (scope, fill) in sorted(API.items()):
        method, path = key.split(" ", 1)
        body = API_BODIES[key](world) if key in API_BODIES else {}
        yield key, scope, method, path.format(**fill(world)), body


@pytest.mark.django_db
def test_nobody_but_the_owner_gets_patient_a_or_stoughton_records(chart: Chart, client: Client):
    world = build_world(chart)
    before = _fingerprint(list(world.owners.values()))
    tried = refused = 0
    by_kind: dict[str, int] = {}
    wrong: list[str] = []
    for persona, user in world.people.items():
        for label, scope, method, url, body in _cells(world):
            api_route = body is not None
            expect = expectation(scope, persona)
            # Again for each cell: the sign-out page (a public cell) ends the session.
            client.logout()
            if user is not None:
                client.force_login(user)
            response = _ask(client, method, url, body)
            where = response.get("Location", "")
            cell = f"{persona} {method} {url} ({label}) -> {response.status_code} {where}"
            if response.status_code >= 500:
                wrong.append(f"{cell}: a server error")
            if expect is None:
                continue
            tried += 1
            kind = f"{'API' if api_route else 'page'} {'read' if method == 'GET' else 'write'}"
            by_kind[kind] = by_kind.get(kind, 0) + 1
            if _is_refused(response, expect, api_route):
                refused += 1
            else:
                wrong.append(f"{cell}: expected {expect}")
        assert _fingerprint(list(world.owners.values())) == before, (
            f"a request as {persona} changed the database"
        )
    print(f"\naccess matrix: {tried} cells tried, {refused} refused; {by_kind}")  # noqa: T201
    assert wrong == [], "\n".join(wrong)
    assert tried == refused
    assert tried > 500


@pytest.mark.django_db
def test_the_owners_get_in_with_the_same_ids(chart: Chart, client: Client):
    """The positive control: the ids are real, so a refusal above is the access check's."""
    world = build_world(chart)
    shut_out = []
    for label, scope, method, url, body in _cells(world):
        if method != "GET" or scope not in ("patient_obj", "staff_obj"):
            continue
        owners = ["patient"] if scope == "patient_obj" else ["front_desk", "therapist", "admin"]
        statuses = []
        for owner in owners:
            client.logout()
            client.force_login(world.owners[owner])
            statuses.append(client.get(url, body or {}).status_code)
        if all(s in (401, 403, 404) for s in statuses) or any(s >= 500 for s in statuses):
            shut_out.append(f"{label} {url}: {dict(zip(owners, statuses, strict=True))}")
    assert shut_out == [], "\n".join(shut_out)
