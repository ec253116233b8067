"""The public pages (home, the checklist, how to book) kept whole, per process, for visitors
who are not signed in: the same HTML for everyone until a clinic or its hours change.

Nothing in them differs per visitor: their one form, the language switcher, is a GET for a
visitor who is not signed in, so they carry no CSRF token. A page that does carry one is never
kept (a token is the visitor's own). A visitor with a session or a message waiting, a
signed-in user and a query string get the page rendered as usual.
"""

from collections.abc import Callable
from functools import wraps

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from needlecare.clinics.public import PAGE_SECONDS, public_generation

View = Callable[[HttpRequest], HttpResponse]
CSRF_FIELD = 'name="csrfmiddlewaretoken"'


def _keepable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and not request.user.is_authenticated
        and "sessionid" not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def kept_for_visitors(view: View) -> View:
    """Serve `view`'s page from this process's copy for visitors who are not signed in."""

    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if not _keepable(request):
            return view(request)
        generation = public_generation()
        if generation is None:
            return view(request)
        store = caches["pages"]
        key = f"page:{request.path}:{get_language()}:{generation}"
        held = store.get(key)
        if held is not None:
            return HttpResponse(held)
        response = view(request)
        if response.status_code == 200 and not response.cookies:
            html = response.content.decode()
            if CSRF_FIELD not in html:
                store.set(key, html, PAGE_SECONDS)
        return response

    return wrapper
