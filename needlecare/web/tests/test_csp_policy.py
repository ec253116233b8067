"""The Content-Security-Policy header, built once per process (web/csp.py): the same header as
django-csp builds, a new one when the setting changes, and django-csp's own path for a view
that asks for its own policy or a request that took a nonce."""

from collections.abc import Callable

import pytest
from csp.constants import NONCE
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import override_settings

from needlecare.web.csp import ConstantPolicyMiddleware
from needlecare.web.tests.security_headers_helpers import csp_directives

HEADER = "Content-Security-Policy"
POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "https://example.org"]}}


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _through(view: Callable[[HttpRequest], HttpResponse], path: str = "/") -> HttpResponse:
    request = RequestFactory().get(path)
    return ConstantPolicyMiddleware(view)(request)


def _django_csp(view: Callable[[HttpRequest], HttpResponse]) -> HttpResponse:
    return CSPMiddleware(view)(RequestFactory().get("/"))


def test_the_header_is_django_csps_own() -> None:
    ours = csp_directives(_through(plain)[HEADER])
    assert ours == csp_directives(_django_csp(plain)[HEADER])
    assert ours["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_every_page_carries_it() -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert csp_directives(response[HEADER]) == csp_directives(_django_csp(plain)[HEADER])


def test_a_changed_setting_is_a_new_header() -> None:
    before = _through(plain)[HEADER]
    with override_settings(CONTENT_SECURITY_POLICY=POLICY):
        changed = csp_directives(_through(plain)[HEADER])
        assert changed == {"default-src": ["'self'"], "img-src": ["'self'", "https://example.org"]}
    assert _through(plain)[HEADER] == before


def test_a_report_only_policy_is_sent_too() -> None:
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=POLICY):
        response = _through(plain)
    report_only = csp_directives(response["Content-Security-Policy-Report-Only"])
    assert report_only["img-src"] == ["'self'", "https://example.org"]
    assert "Content-Security-Policy-Report-Only" not in _through(plain)


def test_a_view_with_its_own_policy_keeps_it() -> None:
    updated = csp_update({"img-src": ["https://example.org"]})(plain)
    header = _through(updated)[HEADER]
    assert "https://example.org" in header
    assert csp_directives(header) == csp_directives(_django_csp(updated)[HEADER])
    assert HEADER not in _through(csp_exempt()(plain))


def test_an_excluded_prefix_gets_no_header() -> None:
    with override_settings(CONTENT_SECURITY_POLICY={**POLICY, "EXCLUDE_URL_PREFIXES": ["/raw/"]}):
        assert HEADER not in _through(plain, "/raw/file")
        assert HEADER in _through(plain, "/page/")


@override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": ["'self'", NONCE]}})
def test_a_nonce_taken_is_in_the_header() -> None:
    def with_nonce(request: HttpRequest) -> HttpResponse:
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")  # type: ignore[attr-defined]

    response = _through(with_nonce)
    nonce = response.content.decode().split("'")[1]
    assert len(nonce) >= 16
    assert f"'nonce-{nonce}'" in response[HEADER]
