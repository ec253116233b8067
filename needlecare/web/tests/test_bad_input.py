"""Bad request bodies answer a clear 4xx on every route that takes a body, and store nothing.

Every POST/PUT/PATCH/DELETE route of the API (from its OpenAPI schema) and every page (from
the URL map) is sent an oversized body (413), a multipart body without a boundary (400) and,
for the API, JSON that is not UTF-8 (400): each answer names the problem (JSON under /api/, a
page elsewhere) and no table gains or loses a row.
"""

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from needlecare.api import api
from needlecare.common.testing.personas import Practice
from needlecare.common.testing.two_factor import VerifiedClient as Client
from needlecare.screening.letters import MAX_LETTER_BYTES
from needlecare.screening.models import PhysicianClearance

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
BODY_METHODS = ("post", "put", "patch", "delete")
SAMPLE_SLUG = "stoughton"


def api_routes() -> list[tuple[str, str]]:
    """(method, path) of every API operation that takes a body, ids filled in."""
    routes = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            if method in BODY_METHODS:
                filled = re.sub(
                    r"\{(\w+)\}", lambda m: SAMPLE_SLUG if "slug" in m[1] else "1", path
                )
                routes.append((method, filled))
    return routes


def _page_routes(patterns: list, prefix: str) -> Iterator[str]:
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(("api/", "admin/")):
                continue
            yield from _page_routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            path = re.sub(r"<int:\w+>", "1", prefix + route)
            path = re.sub(r"<(?:slug|str|path):\w+>", SAMPLE_SLUG, path)
            if "<" not in path and "^" not in path:
                yield "/" + path


def page_routes() -> list[str]:
    return sorted(set(_page_routes(get_resolver().url_patterns, "")))


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.fixture
def signed_in(practice: Practice) -> Client:
    client = Client()
    client.force_login(practice.therapist.user)
    return client


def send(client: Client, method: str, path: str, body: bytes, content_type: str):  # type: ignore[no-untyped-def]
    return getattr(client, method)(path, data=body, content_type=content_type)


def test_the_route_lists_are_not_empty():
    assert ("post", "/api/screening/evaluate") in api_routes()
    assert len(api_routes()) >= 15
    assert "/staff/patients/1/clearances/new/" in page_routes()
    assert len(page_routes()) >= 50


def test_an_oversized_json_body_answers_413_on_every_api_route(signed_in):
    before = row_counts()
    body = b'{"note": "' + b"x" * (3 * MB) + b'"}'
    for method, path in api_routes():
        response = send(signed_in, method, path, body, "application/json")
        assert response.status_code == 413, (method, path, response.status_code)
        assert response["Content-Type"] == "application/json"
        assert "too large" in response.json()["detail"], (method, path)
        assert "2 MB" in response.json()["detail"]
    assert row_counts() == before


def test_a_body_over_the_total_limit_answers_413_before_it_is_read(client, practice):
    # Anonymous, like the public evaluator's callers: the limit comes before any sign-in check.
    before = row_counts()
    for method, path in api_routes():
        response = send(client, method, path, b"x" * (7 * MB), "application/octet-stream")
        assert response.status_code == 413, (method, path, response.status_code)
        assert "at most 6 MB" in response.json()["detail"]
    assert row_counts() == before


def test_json_that_is_not_utf8_answers_400_on_every_api_route(signed_in):
    before = row_counts()
    for method, path in api_routes():
        response = send(signed_in, method, path, b'{"note": "\xff\xfe"}', "application/json")
        assert response.status_code == 400, (method, path, response.status_code)
        assert "not valid UTF-8" in response.json()["detail"]
    assert row_counts() == before


def test_multipart_without_a_boundary_answers_400_on_every_api_route(signed_in):
    before = row_counts()
    for method, path in api_routes():
        response = send(signed_in, method, path, b"--x\r\n", "multipart/form-data")
        assert response.status_code == 400, (method, path, response.status_code)
        assert "boundary" in response.json()["detail"]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        (b"x" * (7 * MB), "application/x-www-form-urlencoded", 413, "at most 6 MB"),
        (b"note=" + b"x" * (3 * MB), "application/x-www-form-urlencoded", 413, "2 MB of form"),
        (
            "&".join(f"f{i}=1" for i in range(1500)).encode(),
            "application/x-www-form-urlencoded",
            413,
            "too many fields",
        ),
        (b"--x\r\n", "multipart/form-data", 400, "boundary"),
    ],
    ids=["over-6-MB", "fields-over-2-MB", "too-many-fields", "multipart-without-boundary"],
)
def test_every_page_refuses_a_bad_form_body_with_a_page(
    signed_in, body, content_type, status, message
):
    before = row_counts()
    for path in page_routes():
        response = signed_in.post(path, data=body, content_type=content_type)
        assert response.status_code == status, (path, response.status_code)
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode(), path
        # The refusal is a page like any other: it carries the security headers.
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], path
        assert response["X-Frame-Options"] == "DENY", path
    assert row_counts() == before


def test_a_clearance_letter_of_the_largest_size_allowed_still_fits(client, practice):
    client.force_login(practice.therapist.user)
    letter = b"%PDF-1.7\n" + b"0" * (MAX_LETTER_BYTES - 20) + b"\n%%EOF"
    response = client.post(
        f"/staff/patients/{practice.patient.pk}/clearances/new/",
        {
            "condition": "cancer",
            "physician_name": "Dr. Laura Chen",
            "cleared_on": dt.date.today().isoformat(),
            "letter": SimpleUploadedFile("chen.pdf", letter, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.status_code
    stored = PhysicianClearance.objects.get()
    assert stored.letter.size == len(letter)


def test_a_letter_over_the_limit_is_refused_next_to_the_field(client, practice):
    client.force_login(practice.therapist.user)
    letter = b"%PDF-1.7\n" + b"0" * (MAX_LETTER_BYTES + 10)
    response = client.post(
        f"/staff/patients/{practice.patient.pk}/clearances/new/",
        {
            "condition": "cancer",
            "physician_name": "Dr. Laura Chen",
            "cleared_on": dt.date.today().isoformat(),
            "letter": SimpleUploadedFile("chen.pdf", letter, content_type="application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "larger than 5 MB" in " ".join(response.context["form"].errors["letter"])
    assert not PhysicianClearance.objects.exists()


def test_a_well_formed_form_or_empty_body_to_an_api_route_is_no_500(signed_in):
    # The API reads the raw body; the early parse must leave it readable.
    for method, path in api_routes():
        for response in (
            getattr(signed_in, method)(path, {"note": "hello"}),  # multipart, with a boundary
            getattr(signed_in, method)(path, "note=hello", "application/x-www-form-urlencoded"),
            getattr(signed_in, method)(path, "{}", "application/json"),
        ):
            assert 400 <= response.status_code < 500, (method, path, response.status_code)
            assert response["Content-Type"].startswith("application/json")
