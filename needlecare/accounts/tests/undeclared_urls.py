from django.http import HttpResponse
from django.urls import include, path


def undeclared(request):
    return HttpResponse("should never be served")


urlpatterns = [path("undeclared/", undeclared), path("", include("needlecare.urls"))]
