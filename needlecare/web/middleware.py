"""Pages refuse text with NUL characters in the address or the query string, with a 400.

PostgreSQL text cannot hold a NUL character: a lookup by a slug or a search term containing
one raises a database error, which would reach the caller as a 500. Django's form fields
already refuse NULs in what is posted; this covers what reaches access helpers and views
before any form does. The API declares and enforces the same rule in its schemas
(`common.schemas.Input`, `Slug`), after the caller is signed in, so it is left to them.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from needlecare.common.schemas import NUL_REFUSED
from needlecare.web.views.errors import bad_request

NUL = "\x00"


def _carries_nul(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return False
    if NUL in request.path:
        return True
    return any(NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists())


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request):
            return bad_request(request, NUL_REFUSED)
        return self.get_response(request)
