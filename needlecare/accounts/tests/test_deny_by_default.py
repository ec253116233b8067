"""Walk every URL pattern: an anonymous request is refused unless the route is listed public."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from needlecare.accounts.access import declared_access

# Everything anyone may open without signing in. Adding to this list is a decision.
PUBLIC = {
    "/",
    "/check/",
    "/book/",
    "/healthz",
    "/accounts/login/",
    "/accounts/register/",
    "/accounts/register/sent/",
    "/accounts/password/reset/",
    "/accounts/password/reset/sent/",
    "/accounts/password/reset/done/",
    "/api/clinics/",
    "/api/docs",
    "/api/openapi.json",
    "/admin/login/",
}
# Public, but only for POST (GET answers 405).
PUBLIC_POST_ONLY = {"/accounts/logout/", "/api/screening/evaluate"}
# Public, and back to a page: the language switcher (a visitor's choice is only a cookie).
PUBLIC_BACK = {"/language/"}
# Public to whoever holds a link we sent (signed, single-purpose, expiring): anyone else gets a
# page saying the link cannot be used.
PUBLIC_WITH_TOKEN = {
    "/links/visit/stoughton/",
    "/links/offer/stoughton/",
    "/links/check-in/stoughton/",
    "/accounts/password/reset/stoughton/stoughton/",
    "/accounts/register/confirm/stoughton/stoughton/",
}

REFUSED = {401, 403, 404, 405}
SAMPLE = {
    "int": "1",
    "slug": "stoughton",
    "str": "stoughton",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _concrete(route: str) -> str:
    route = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLE[m.group(1) or "str"], route)
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return "/" + route


# The FHIR server's routes: every caller in interop/fhir/tests/test_fhir_access_matrix.py.
ROUTES = sorted(
    {_concrete(r) for r, _ in _walk(get_resolver().url_patterns) if not r.startswith("fhir/")}
)


def test_the_walk_finds_the_routes():
    assert len(ROUTES) > 20
    assert "/staff/clinics/stoughton/" in ROUTES
    assert "/api/patients/1" in ROUTES


@pytest.mark.django_db
@pytest.mark.parametrize("path", ROUTES)
def test_anonymous_requests_are_refused_unless_public(client, practice, path):
    response = client.get(path, follow=True)
    if path in PUBLIC:
        assert response.status_code == 200, path
        assert not response.redirect_chain, path
        return
    if path in PUBLIC_POST_ONLY:
        assert response.status_code == 405
        return
    if path in PUBLIC_BACK:
        assert response.redirect_chain == [("/", 302)], path
        assert response.status_code == 200
        return
    if path in PUBLIC_WITH_TOKEN:
        assert not response.redirect_chain, path
        assert "cannot be used" in response.content.decode(), path
        return
    if response.redirect_chain:
        assert "login" in response.redirect_chain[-1][0], (path, response.redirect_chain)
        assert "login" in response.request["PATH_INFO"]
    else:
        assert response.status_code in REFUSED, (path, response.status_code)
    post = client.post(path, {}, follow=True)
    if post.redirect_chain:
        assert "login" in post.request["PATH_INFO"], (path, post.redirect_chain)
    else:
        assert post.status_code in REFUSED, (path, post.status_code)


def test_every_page_outside_the_admin_and_api_declares_who_may_use_it():
    undeclared = [
        route
        for route, pattern in _walk(get_resolver().url_patterns)
        if not route.startswith(("admin/", "api/", "fhir/"))
        and declared_access(pattern.callback) is None
    ]
    assert undeclared == []


@pytest.mark.django_db
def test_an_undeclared_page_is_refused_even_to_a_signed_in_user(client, practice, settings):
    settings.ROOT_URLCONF = "needlecare.accounts.tests.undeclared_urls"
    client.force_login(practice.admin)
    response = client.get("/undeclared/")
    assert response.status_code == 403
    assert b"has not declared who may use it" in response.content


@pytest.mark.django_db
def test_every_api_operation_requires_sign_in_unless_it_says_otherwise(client):
    schema = client.get("/api/openapi.json").json()
    open_operations = sorted(
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if not op.get("security")
    )
    assert open_operations == ["GET /api/clinics/", "POST /api/screening/evaluate"]
