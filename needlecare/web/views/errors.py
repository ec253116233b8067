from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from needlecare.accounts.access import public


@public
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # API clients get JSON even for addresses that match no route.
        return JsonResponse({"detail": "Not Found"}, status=404)
    return render(request, "web/not_found.html", status=404)


def bad_request(request: HttpRequest, reason: str) -> HttpResponse:
    """A page saying what was wrong with the request (the API answers its own 400s)."""
    return render(request, "web/bad_request.html", {"reason": reason}, status=400)


@public
def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Something went wrong on our side."}, status=500)
    return render(request, "web/server_error.html", status=500)
