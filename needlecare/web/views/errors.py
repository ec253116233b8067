from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from needlecare.accounts.access import public


@public
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/not_found.html", status=404)


@public
def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/server_error.html", status=500)
