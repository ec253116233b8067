"""No cache keeps a copy of a response that may carry patient data.

Every response to a signed-in person, every API response and every document download (PDF,
calendar file or feed, archive) is marked `Cache-Control: no-store, private`, so neither the
browser's history cache nor a shared proxy keeps it. Public pages and static files (served by
WhiteNoise before this runs) stay cacheable.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Content types that are always someone's records, even when fetched without a session
# (a calendar feed is read with the token in its address).
DOCUMENT_TYPES = ("application/pdf", "text/calendar", "application/zip", "text/csv")


def _private(request: HttpRequest, response: HttpResponse) -> bool:
    if request.path.startswith("/api/"):
        return True
    if response.get("Content-Type", "").split(";", 1)[0].strip() in DOCUMENT_TYPES:
        return True
    if response.get("Content-Disposition", "").startswith("attachment"):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _private(request, response):
            # Merged with what the view said; "private" drops any "public".
            patch_cache_control(response, no_store=True, private=True)
        return response
