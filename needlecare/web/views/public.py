from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from needlecare.accounts.access import public
from needlecare.clinics.models import Clinic
from needlecare.clinics.public import kept, page_cache
from needlecare.clinics.selectors import clinics_public
from needlecare.web.public_pages import kept_for_visitors


def _clinics() -> list[Clinic]:
    """The clinics with their hours, kept until they change (the same objects for every
    request of this process: templates only read them)."""
    return kept("clinics", lambda: list(clinics_public()))


@public
@kept_for_visitors
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"clinics": _clinics(), **page_cache("home")})


@public
@kept_for_visitors
def check(request: HttpRequest) -> HttpResponse:
    return render(request, "web/check.html", {"clinics": _clinics(), **page_cache("check")})


@public
@kept_for_visitors
def book(request: HttpRequest) -> HttpResponse:
    return render(request, "web/book.html", {"clinics": _clinics()})


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
