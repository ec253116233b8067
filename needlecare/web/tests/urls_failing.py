"""The site's addresses plus two that fail, to see the error pages a real failure gets."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from needlecare.accounts.access import public
from needlecare.urls import handler404, handler500
from needlecare.urls import urlpatterns as site_patterns

__all__ = ["handler404", "handler500", "urlpatterns"]


@public
def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("an unexpected failure")


urlpatterns = [path("fails/", fails), path("api/fails/", fails), *site_patterns]
