from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from needlecare.accounts.access import public
from needlecare.clinics.selectors import clinics_public


@public
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"clinics": clinics_public()})


@public
def check(request: HttpRequest) -> HttpResponse:
    return render(request, "web/check.html", {"clinics": clinics_public()})


@public
def book(request: HttpRequest) -> HttpResponse:
    return render(request, "web/book.html", {"clinics": clinics_public()})


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
