"""Text with NUL characters is refused at the door, for pages and API alike.

PostgreSQL text cannot hold a NUL character: a lookup by a slug or a search term containing
one raises a database error, which would reach the caller as a 500. Django's form fields
already refuse NULs; this covers the address, the query string and JSON bodies, which reach
access helpers and the API's schemas before any form does.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from needlecare.web.views.errors import bad_request

REASON = "Text may not contain NUL characters."
NUL = "\x00"


def _carries_nul(request: HttpRequest) -> bool:
    if NUL in request.path:
        return True
    if any(NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists()):
        return True
    if request.content_type == "application/json":
        # JSON can only carry a NUL escaped; a raw NUL byte is invalid JSON anyway.
        return b"\\u0000" in request.body or b"\x00" in request.body
    return False


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request):
            return bad_request(request, REASON)
        return self.get_response(request)
