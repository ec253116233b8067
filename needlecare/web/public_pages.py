"""The public pages (home, the checklist, how to book) kept whole, per process, for visitors
who are not signed in: the same HTML for everyone until a clinic or its hours change.

Only what differs per visitor is put back into a kept page on each request: the CSRF token of
the language switcher (a fresh one, as Django would render it). A visitor with a session or a
message waiting, a signed-in user and a query string get the page rendered as usual.
"""

import re
from collections.abc import Callable
from functools import wraps

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from needlecare.clinics.public import PAGE_SECONDS, public_generation

View = Callable[[HttpRequest], HttpResponse]
CSRF_MARK = "\x00csrf\x00"  # never in a rendered page: the middleware refuses NUL characters
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


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
            return HttpResponse(held.replace(CSRF_MARK, get_token(request)))
        response = view(request)
        if response.status_code == 200 and not response.cookies:
            html = response.content.decode()
            tokens = set(TOKEN.findall(html))
            if len(tokens) <= 1:
                store.set(
                    key, html.replace(tokens.pop(), CSRF_MARK) if tokens else html, PAGE_SECONDS
                )
        return response

    return wrapper
